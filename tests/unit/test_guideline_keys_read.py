"""Every key of a guideline file is read by the engine or the pages (issue 11 S3: "unused keys
implemented or removed"). A key that is validated but never read again promises the office a rule the
software does not keep.

The guideline's typed model is the dataclasses of `fondsengine/guidelines/model.py`, one field per key
(the readers `guidelines/read_*.py`, `loader.py` and `spec.py` turn the file into them). This test reads
the syntax tree of every module of `fondsengine/` and `webapp/` except those readers (the model's own
methods count: `Issuance.authority_file_number` reads `file_number_scheme` for the letters) and the
templates, and fails on a field that no attribute access (`g.budget.cap`), string (a `getattr` name)
or template expression (`{{ rules.note }}`) names. The name is the field's, not the class's: a field
whose name another class also reads passes, so this is a net for keys nobody reads at all.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "fondsengine" / "guidelines" / "model.py"
READERS = frozenset(
    {ROOT / "fondsengine" / "guidelines" / n for n in ("loader.py", "spec.py")}
    | set((ROOT / "fondsengine" / "guidelines").glob("read_*.py"))
)
TEMPLATE_ATTRIBUTE = re.compile(r"\.(\w+)")


def _is_dataclass(node: ast.ClassDef) -> bool:
    def name(d: ast.expr) -> str:
        target = d.func if isinstance(d, ast.Call) else d
        return target.id if isinstance(target, ast.Name) else ""

    return any(name(d) == "dataclass" for d in node.decorator_list)


def model_fields(source: str) -> dict[str, str]:
    """field name -> the first model class that declares it."""
    fields: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and _is_dataclass(node):
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    fields.setdefault(statement.target.id, node.name)
    return fields


def names_read(source: str) -> set[str]:
    """The attribute names and strings a module's code mentions (a field declaration is neither)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    return found


@functools.cache
def _read_everywhere() -> frozenset[str]:
    found: set[str] = set()
    for package in ("fondsengine", "webapp"):
        for path in (ROOT / package).rglob("*.py"):
            if path not in READERS and "migrations" not in path.parts:
                found |= names_read(path.read_text(encoding="utf-8"))
        for path in (ROOT / package).rglob("templates/**/*"):
            if path.is_file() and path.suffix in {".html", ".txt", ".xml"}:
                found |= set(TEMPLATE_ATTRIBUTE.findall(path.read_text(encoding="utf-8")))
    return frozenset(found)


def test_the_model_has_its_fields() -> None:
    fields = model_fields(MODEL.read_text(encoding="utf-8"))
    assert len(fields) > 150  # the scan finds the model (182 field names on 2026-12-04)
    assert fields["file_number_scheme"] == "Issuance" and fields["quorum_basis"]


def test_the_scan_finds_a_key_nobody_reads() -> None:
    source = "@dataclass(frozen=True)\nclass Extra:\n    never_read_anywhere: int = 0\n    note: str = ''\n"
    fields = model_fields(source)
    assert set(fields) == {"never_read_anywhere", "note"}
    assert "never_read_anywhere" not in names_read(source)  # its declaration is no read
    assert {f for f in fields if f not in _read_everywhere()} == {"never_read_anywhere"}


def test_every_key_of_the_guideline_model_is_read() -> None:
    fields = model_fields(MODEL.read_text(encoding="utf-8"))
    unread = {f"{cls}.{field}" for field, cls in fields.items() if field not in _read_everywhere()}
    assert not unread, f"guideline keys validated but read nowhere (implement or remove them): {sorted(unread)}"
