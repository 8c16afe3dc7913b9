"""Every default of a guideline key is written once (issue 11): a list key whose dataclass field in
guidelines/model.py has a default (`()`) takes it from there (`default_of(Dataclass.field)`), as scalar
keys do; only a list key whose dataclass field has no default states its own empty list."""

from __future__ import annotations

import ast
from pathlib import Path

from fondsengine.guidelines.model import FormField, JuryRules
from fondsengine.guidelines.read_process import JurySpec
from fondsengine.guidelines.read_texts import FormFieldSpec

ROOT = Path(__file__).resolve().parents[2]
GUIDELINES = ROOT / "fondsengine" / "guidelines"
SPEC_MODULES = [*sorted(GUIDELINES.glob("read_*.py")), GUIDELINES / "loader.py", GUIDELINES / "spec.py"]


def _dataclass_list_defaults() -> set[tuple[str, str]]:
    """(class, field) of every dataclass field in model.py whose default is the empty tuple."""
    tree = ast.parse((GUIDELINES / "model.py").read_text(encoding="utf-8"))
    return {
        (cls.name, node.target.id)
        for cls in tree.body
        if isinstance(cls, ast.ClassDef)
        for node in cls.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(node.value, ast.Tuple)
        and not node.value.elts
    }


def _spec_list_defaults() -> list[tuple[str, str, str]]:
    """(module, field, how) of every spec field with a list default: "own" (an empty list written in
    the spec), or "Class.field" (taken from a dataclass with default_of)."""
    out: list[tuple[str, str, str]] = []
    for path in SPEC_MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value):
                continue
            value, name = node.value, node.target.id
            if isinstance(value, ast.List):
                out.append((path.name, name, "own"))
            elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                if value.func.id == "Field" and any(
                    k.arg == "default_factory" and isinstance(k.value, ast.Name) and k.value.id == "list"
                    for k in value.keywords
                ):
                    out.append((path.name, name, "own"))
                elif value.func.id == "default_of":
                    out.append((path.name, name, ast.unparse(value.args[0])))
    return out


def test_a_list_key_takes_its_default_from_the_dataclass_that_has_one() -> None:
    built = _dataclass_list_defaults()
    named = {field for _cls, field in built}
    found = _spec_list_defaults()
    assert found, "the scan finds no list default"
    stated_twice = [(m, f) for m, f, how in found if how == "own" and f in named]
    assert stated_twice == [], "take these defaults from the dataclass with default_of(...)"
    wrong = [(m, f, how) for m, f, how in found if how != "own" and tuple(how.split(".")) not in built]
    assert wrong == [], "default_of names no empty dataclass default (or another key's)"
    assert all(how.endswith(f".{f}") for _m, f, how in found if how != "own")


def test_the_default_taken_reaches_the_built_rules_as_the_dataclass_states_it() -> None:
    spec = FormFieldSpec.model_validate({"type": "text", "id": "x", "label": "X"})
    assert (
        spec.choices == []
        and spec.choices is not FormFieldSpec.model_validate({"type": "text", "id": "y", "label": "Y"}).choices
    )  # a new list each time
    assert FormField.choices == () and JuryRules.criteria == ()
    assert JurySpec.model_fields["criteria"].default_factory is not None
