"""What a booking of each ledger kind adds to which figure is written once: `fondsengine/ledger.py`
(`EFFECTS` for the balance, `MONTHLY` for the month chart). Issue 11 found four copies of that sign
table; a copy goes stale silently when a kind is added or its meaning changes.

The check looks for a dict literal anywhere else in the engine or the web layer whose keys are ledger
kinds and whose values carry a sign (+1/-1, as a number or inside a tuple or dict).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fondsengine.model.money import LEDGER_KINDS

ROOT = Path(__file__).resolve().parents[2]
HOME = "fondsengine/ledger.py"
SOURCES = sorted(
    p for base in ("fondsengine", "webapp") for p in (ROOT / base).rglob("*.py") if "migrations" not in p.parts
)


def _signed(node: ast.AST) -> bool:
    """Whether a value is (or contains) the constant 1 or -1."""
    return any(  # -1 is the constant 1 under a minus sign
        isinstance(sub, ast.Constant) and sub.value == 1 and not isinstance(sub.value, bool) for sub in ast.walk(node)
    )


def sign_tables(source: str) -> list[int]:
    """Lines of dict literals mapping two or more ledger kinds to a sign."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Dict) or len(node.keys) < 2:
            continue
        keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
        if len(keys) == len(node.keys) and set(keys) <= set(LEDGER_KINDS) and all(_signed(v) for v in node.values):
            found.append(node.lineno)
    return found


def test_the_check_finds_a_sign_table_and_not_a_label_table() -> None:
    assert sign_tables('sign = {"commitment": 1, "release": -1, "payment": 1, "refund": -1}\n') == [1]
    assert sign_tables('M = {"commitment": ("committed", 1), "refund": ("paid", -1)}\n') == [1]
    assert sign_tables('LABELS = {"release": "Freigabe", "payment": "Auszahlung"}\n') == []
    assert sign_tables('x = {"state": 1, "other": -1}\n') == []


def test_the_ledger_holds_the_sign_tables() -> None:
    assert len(sign_tables((ROOT / HOME).read_text(encoding="utf-8"))) == 2  # EFFECTS and MONTHLY


@pytest.mark.parametrize("path", [p for p in SOURCES if p.relative_to(ROOT).as_posix() != HOME], ids=str)
def test_no_other_module_writes_the_signs_again(path: Path) -> None:
    assert sign_tables(path.read_text(encoding="utf-8")) == [], (
        f"{path.relative_to(ROOT)}: a ledger sign table; use fondsengine.ledger.EFFECTS / MONTHLY"
    )
