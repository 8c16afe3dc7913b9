"""Every page reads its posts and its address parameters only through Flask-WTF forms (issue 11): no
module of the web layer reads `request.form`, `request.files` or `request.values`, nor a value of
`request.args` (`request.args.get(...)`, `request.args[...]`); the query string is handed whole to a
form (`webapp/queries.py`, a page's filter form, the queue's `QueueFilterForm`).

A raw read skips the form's CSRF check, its declared fields and the shared field types
(webapp/fields.py); the forms are in webapp/*/forms.py, webapp/applicant/page_forms.py,
webapp/manage/step_form.py (a workflow step's form from what the transition asks for) and beside
their views. Fields that a guideline generates come from `PostedForm.posted`, the files of generated
file inputs (a receipt's file) from `PostedForm.files`; uploads are `UploadField`/`UploadsField`.
`request.values` mixes the query string with the post, so a GET filter is a form bound to
`request.args` (without CSRF) and a post's values come from its form.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
MODULES = sorted(path.relative_to(WEBAPP).as_posix() for path in WEBAPP.rglob("*.py"))
RAW = ("form", "files", "values")
# module: (the attribute it may read, why)
ALLOWED = {
    "api/__init__.py": (
        "args",
        "the open-data API's documented parameters (docs/public.md), answered as JSON with their own "
        "errors; no page and no form",
    ),
    "fields.py": (
        "values",
        "the app-wide net under every form (`install`): a request with a NUL byte or an endless value "
        "anywhere, query string or post, gets a German 400 before any view or form reads it",
    ),
}


def raw_reads(source: str) -> list[tuple[int, str]]:
    """(line, attribute) of each read of `request.form`, `request.files` or `request.values` (as
    `request.x` or `flask.request.x`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in RAW and _is_request(node.value):
            found.append((node.lineno, node.attr))
        # a value read out of the query string: request.args.get(...), request.args[...], .items() ...
        if isinstance(node, (ast.Attribute, ast.Subscript)) and _is_args(node.value):
            found.append((node.lineno, "args"))
    return sorted(found)


def _is_request(node: ast.AST) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name == "request"


def _is_args(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "args" and _is_request(node.value)


def test_the_web_layer_has_modules_to_check() -> None:
    assert len(MODULES) > 50 and "manage/actions.py" in MODULES and "jury/views_member.py" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_the_module_reads_no_post_value_past_a_form(name: str) -> None:
    allowed = ALLOWED.get(name, ("", ""))[0]
    reads = [(line, attr) for line, attr in raw_reads((WEBAPP / name).read_text(encoding="utf-8")) if attr != allowed]
    assert reads == [], name


def test_every_allowance_is_still_needed() -> None:
    for name, (attr, reason) in ALLOWED.items():
        assert reason and any(a == attr for _line, a in raw_reads((WEBAPP / name).read_text(encoding="utf-8"))), name


def test_the_check_finds_a_raw_read_and_not_a_form() -> None:
    assert raw_reads("from flask import request\nx = request.form.get('a')\n") == [(2, "form")]
    assert raw_reads("import flask\nx = flask.request.form['a']\n") == [(2, "form")]
    assert raw_reads("chosen = request.form.getlist('auswahl')\n") == [(1, "form")]
    assert raw_reads("upload = request.files.get('file')\n") == [(1, "files")]
    assert raw_reads("photos = flask.request.files.getlist('photos')\n") == [(1, "files")]
    assert raw_reads("fund = request.values.get('fonds')\n") == [(1, "values")]
    assert raw_reads("form = NoteForm()\nnote = form.note.data\nup = form.files.get('x')\n") == []
    assert raw_reads("query = FundQuery(formdata=request.args)\n") == []
    assert raw_reads("year = request.args.get('jahr')\n") == [(1, "args")]
    assert raw_reads("year = flask.request.args['jahr']\n") == [(1, "args")]
    assert raw_reads("keys = {k: v for k, v in request.args.items()}\n") == [(1, "args")]
    assert raw_reads("query = parse_filter(request.args)\n") == []


def test_no_template_reads_the_request_past_a_form() -> None:
    templates = sorted((WEBAPP / "templates").rglob("*.html"))
    assert len(templates) > 50
    raw = [
        (t.relative_to(WEBAPP).as_posix(), attr)
        for t in templates
        for attr in ("request.form", "request.files", "request.values", "request.args")
        if attr in t.read_text(encoding="utf-8")
    ]
    assert raw == []
