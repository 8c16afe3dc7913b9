"""Every page reads its posts only through Flask-WTF forms (issue 11): no module of the web layer
reads `request.form`.

A raw read skips the form's CSRF check, its declared fields and the shared field types
(webapp/fields.py); the forms are in webapp/*/forms.py, webapp/applicant/page_forms.py,
webapp/manage/step_form.py (a workflow step's form from what the transition asks for) and beside
their views. Fields that a guideline generates come from `PostedForm.posted`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
MODULES = sorted(path.relative_to(WEBAPP).as_posix() for path in WEBAPP.rglob("*.py"))


def raw_form_reads(source: str) -> list[int]:
    """Lines that read `request.form` (as `request.form` or `flask.request.form`)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "form":
            owner = node.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name == "request":
                lines.append(node.lineno)
    return sorted(lines)


def test_the_web_layer_has_modules_to_check() -> None:
    assert len(MODULES) > 50 and "manage/actions.py" in MODULES and "jury/views_member.py" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_the_module_reads_no_post_value_past_a_form(name: str) -> None:
    assert raw_form_reads((WEBAPP / name).read_text(encoding="utf-8")) == [], name


def test_the_check_finds_a_raw_read_and_not_a_form() -> None:
    assert raw_form_reads("from flask import request\nx = request.form.get('a')\n") == [2]
    assert raw_form_reads("import flask\nx = flask.request.form['a']\n") == [2]
    assert raw_form_reads("chosen = request.form.getlist('auswahl')\n") == [1]
    assert raw_form_reads("form = NoteForm()\nnote = form.note.data\n") == []
