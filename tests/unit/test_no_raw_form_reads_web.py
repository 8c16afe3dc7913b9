"""The jury, applicant, account and language pages read posts only through Flask-WTF forms (issue 11).

A raw `request.form` read skips the form's CSRF check, its declared fields and the shared field types;
these modules take every posted value from a form (webapp/jury/forms.py, webapp/applicant/page_forms.py,
webapp/auth/forms.py, the language form in webapp/i18n.py). The manage and granting pages have their own test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
FILES = (
    "jury/views_member.py",
    "jury/views_chair.py",
    "jury/views_notes.py",
    "jury/common.py",
    "jury/forms.py",
    "applicant/views_form.py",
    "applicant/organisations.py",
    "applicant/views_status.py",
    "applicant/views_money.py",
    "applicant/page_forms.py",
    "applicant/publication.py",
    "auth/views.py",
    "auth/jury_pool.py",
    "i18n.py",
    "fields.py",
)


def raw_form_reads(source: str) -> list[int]:
    """Lines that read `request.form` (as `request.form`, `flask.request.form` or a name bound to it)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "form":
            owner = node.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name == "request":
                lines.append(node.lineno)
    return sorted(lines)


@pytest.mark.parametrize("name", FILES)
def test_the_page_reads_no_post_value_past_its_form(name: str) -> None:
    path = WEBAPP / name
    assert path.exists(), name
    assert raw_form_reads(path.read_text(encoding="utf-8")) == [], name


def test_the_check_finds_a_raw_read() -> None:
    assert raw_form_reads("from flask import request\nx = request.form.get('a')\n") == [2]
    assert raw_form_reads("import flask\nx = flask.request.form['a']\n") == [2]
    assert raw_form_reads("x = form.comment.data\n") == []
