"""A letter kind is spelled in its registration only (issue 11).

Each letter kind is registered once (fondsengine/letters/kinds_notice.py, kinds_decision.py) with
its typed snapshot, data class, German label, file name, mail subject and default text; the web
pages, the outbox, the to-do list and the guideline loader ask the registry. A kind id written
anywhere else is a second source that goes stale when a kind is added or renamed. This test reads
the ids from the registry and looks for them in the engine, the web layer and the templates:

- Python (by its syntax tree): the effect and mail topic `letter_<kind>` anywhere; any string equal
  to a kind that has no other meaning (approval, rejection, proof_result, recommendation); and, for
  kinds that are also other words (HOMONYMS: a receipt is also a Beleg, a payment and a refund are
  bookings, lapse is a step, changes what an application waits for), the letter contexts: compared
  with something named after letters or a bare `kind` (`letter.kind == "refund"`), passed to a function named after
  letters or as its `kind=`, a key of a table that also holds another kind, a subscript of
  something named after letters or texts (`g.letters["payment"]`).
- Templates (by text): `letter_<kind>` and a kind compared with `kind`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from fondsengine.letters.registry import LETTER_KINDS

ROOT = Path(__file__).resolve().parents[2]
KINDS = frozenset(LETTER_KINDS)
# kind ids that are also words of other vocabularies: only their letter contexts count
HOMONYMS = frozenset({"receipt", "changes", "payment", "refund", "lapse"})
# the registrations themselves
REGISTRATIONS = frozenset({"fondsengine/letters/kinds_notice.py", "fondsengine/letters/kinds_decision.py"})
# Files that may still spell kinds, each with its reason. Keep this short.
ALLOWED_IN: dict[str, str] = {}

SOURCES = sorted(
    p for base in ("fondsengine", "webapp") for p in (ROOT / base).rglob("*.py") if "migrations" not in p.parts
)
TEMPLATES = sorted((ROOT / "webapp" / "templates").rglob("*.html"))


def _kind_of(value: object) -> str | None:
    """The letter kind a string constant names: the kind itself or its topic letter_<kind>."""
    if not isinstance(value, str):
        return None
    if value in KINDS:
        return value
    if value.startswith("letter_") and value[len("letter_") :] in KINDS:
        return value[len("letter_") :]
    return None


def _mentions(node: ast.AST, words: tuple[str, ...]) -> bool:
    """Whether an expression (a name, an attribute, a called function) mentions one of the words."""
    if not isinstance(node, (ast.Name, ast.Attribute, ast.Call)):
        return False
    text = ast.unparse(node.func if isinstance(node, ast.Call) else node).lower()
    return any(w in text for w in words)


def _constants(node: ast.AST | None) -> list[ast.Constant]:
    """String constants of a node, also inside a tuple, list or set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [c for elt in node.elts for c in _constants(elt)]
    return []


def _letter_contexts(tree: ast.AST) -> list[ast.Constant]:
    """Constants used where a letter kind is meant (the homonyms count only here)."""
    found: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_mentions(s, ("letter",)) or (isinstance(s, ast.Name) and s.id == "kind") for s in sides):
                found += [c for s in sides for c in _constants(s)]
        elif isinstance(node, ast.Call) and _mentions(node.func, ("letter", "kind_label")):
            found += [c for a in node.args for c in _constants(a)]
            found += [c for k in node.keywords if k.arg == "kind" for c in _constants(k.value)]
        elif isinstance(node, ast.Dict):
            keys = [k for k in node.keys if isinstance(k, ast.Constant) and _kind_of(k.value)]
            if any(k.value not in HOMONYMS for k in keys):  # a table of letter kinds, not of bookings
                found += keys
        elif isinstance(node, ast.Subscript) and _mentions(node.value, ("letter", "text")):
            found += _constants(node.slice)
    return found


def python_spellings(path: Path) -> list[tuple[int, str]]:
    """(line, string) of each letter kind spelled in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hits: set[tuple[int, str]] = {
        (node.lineno, str(node.value))
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and (kind := _kind_of(node.value)) is not None
        and (kind not in HOMONYMS or node.value != kind)
    }
    hits |= {(c.lineno, str(c.value)) for c in _letter_contexts(tree) if _kind_of(c.value) is not None}
    return sorted(hits)


def template_spellings(text: str) -> list[str]:
    """Letter kinds a template spells: letter_<kind>, or a kind compared with `kind`."""
    names = "|".join(sorted(KINDS))
    topics = re.findall(rf"letter_({names})\b", text)
    compared = re.findall(rf"kind\s*(?:==|!=|in)\s*\(?\s*['\"]({names})['\"]", text)
    return sorted(set(topics + compared))


def _where(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", SOURCES, ids=_where)
def test_no_letter_kind_spelled_in_python_outside_its_registration(path: Path) -> None:
    where = _where(path)
    if where in REGISTRATIONS or where in ALLOWED_IN:
        return
    found = python_spellings(path)
    assert found == [], f"{where}: letter kinds spelled in code (ask fondsengine.letters.registry): {found}"


@pytest.mark.parametrize("path", TEMPLATES, ids=_where)
def test_no_letter_kind_spelled_in_a_template(path: Path) -> None:
    found = template_spellings(path.read_text(encoding="utf-8"))
    assert found == [], f"{_where(path)}: letter kinds spelled in the template: {found}"


def test_every_registered_kind_is_spelled_in_its_registration() -> None:
    spelled = {v for p in REGISTRATIONS for _line, v in python_spellings(ROOT / p)}
    assert spelled >= KINDS
    assert set(ALLOWED_IN) <= {_where(p) for p in SOURCES}, "an allowed file no longer exists: drop it"


def test_the_check_finds_kinds_and_leaves_other_vocabularies_alone(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "LABELS = {'receipt': 'Eingang', 'approval': 'Bewilligung'}\n"
        "if letter.kind == 'refund': pass\n"
        "LABELS2 = {'proof_result': 'Prüfung', 'lapse': 'Erlöschen'}\n"
        "Letter(kind='changes')\n"
        "render_letter('lapse', ctx, data)\n"
        "x = 'approval'\n"
        "topic = 'letter_changes'\n"
        "text = g.letters['payment']\n"
        "if kind in ('receipt', 'changes'): pass\n",
        encoding="utf-8",
    )
    assert [v for _line, v in python_spellings(bad)] == [
        "approval",
        "receipt",
        "refund",
        "lapse",
        "proof_result",
        "changes",
        "lapse",
        "approval",
        "letter_changes",
        "payment",
        "changes",
        "receipt",
    ]
    fine = tmp_path / "fine.py"
    fine.write_text(
        "PURPOSES = ('cost_estimate', 'receipt')\n"
        "if booking.type == 'payment': pass\n"
        "if entry.kind == 'refund': pass\n"
        "SIGN = {'payment': -1, 'refund': 1}\n"
        "fire(uow, actor, app, 'lapse')\n"
        "state_ids(s, waiting_for='changes')\n",
        encoding="utf-8",
    )
    assert python_spellings(fine) == []
    assert template_spellings("{% if l.kind == 'approval' %}{{ 'letter_refund' }}") == ["approval", "refund"]
    assert template_spellings("{% if p.kind == 'advance' %}payment{% endif %}") == []
