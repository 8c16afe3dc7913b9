"""The engine's refusal (`InvalidInput` naming a `field`) is put onto a form's fields in one place,
`webapp/form_errors.engine_errors` (issue 11). A view that reads `exc.field` itself writes that
mapping again, and the copies drift (one default field here, a message twice in the summary there).

The check looks for an `except ... as exc:` block in the web layer that reads `.field` of the caught
exception, and for `getattr(..., "field", ...)` anywhere (a helper that maps a refusal it is handed).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
HOME = "form_errors.py"
# modules still mapping by hand, each with its reason: none. The posted rows of the payment request and
# the proof of use, and the fields a guideline generates, go through `form_errors.refusal` too.
ALLOWED: dict[str, str] = {}
MODULES = sorted(p.relative_to(WEBAPP).as_posix() for p in WEBAPP.rglob("*.py"))


def hand_mappings(source: str) -> list[int]:
    """Lines that read `.field` of an exception caught with `except ... as name`, or `getattr(x, "field")`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler) and node.name:
            for sub in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                if (
                    isinstance(sub, ast.Attribute)
                    and sub.attr == "field"
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id == node.name
                ):
                    lines.append(sub.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "field"
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_the_check_finds_a_hand_mapping_and_not_the_shared_one() -> None:
    caught = "try:\n    f()\nexcept InvalidInput as exc:\n"
    assert hand_mappings(caught + "    errors.append((exc.field, exc.message))\n") == [4]
    assert hand_mappings(caught + "    errors = engine_errors(form, exc)\n") == []
    assert hand_mappings("x = form.field\n") == []
    assert hand_mappings("def lines(exc):\n    return [(getattr(exc, 'field', None), str(exc))]\n") == [2]
    assert hand_mappings(caught + "    name, message = refusal(exc, default='amount')\n") == []


@pytest.mark.parametrize("name", [m for m in MODULES if m != HOME])
def test_no_view_maps_an_engine_refusal_onto_fields_by_hand(name: str) -> None:
    if name in ALLOWED:
        return
    assert hand_mappings((WEBAPP / name).read_text(encoding="utf-8")) == [], (
        f"{name}: map the refusal with webapp.form_errors.engine_errors"
    )


def test_every_allowed_module_still_maps_by_hand() -> None:
    for name in ALLOWED:
        assert hand_mappings((WEBAPP / name).read_text(encoding="utf-8")), f"{name}: remove it from ALLOWED"
