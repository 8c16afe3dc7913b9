"""The engine never imports the web layer or Flask (webapp -> fondsengine, never the reverse)."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "fondsengine"
FORBIDDEN = ("webapp", "flask", "flask_wtf", "flask_login", "werkzeug", "jinja2")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "__import__"
            and node.args
        ):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
    return names


def test_no_engine_module_imports_the_web_layer_or_flask() -> None:
    violations = [
        f"{path.relative_to(ENGINE.parent)} imports {name}"
        for path in sorted(ENGINE.rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert violations == []


def test_the_check_finds_a_violation_when_there_is_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import request\nimport webapp.manage\n", encoding="utf-8")
    assert {"flask", "webapp.manage"} <= imported_modules(bad)


WEB = ENGINE.parent / "webapp"
# Web modules that still run their own SQL (issue 11 moves their reads into engine read models).
# The list may only shrink: a module leaving it must be removed here, and no module may join it.
STILL_QUERYING = frozenset(
    {
        "webapp/extensions.py",  # the request's one read session (page_read), handed to engine reads
        "webapp/manage/queue.py",
    }
)


def test_the_web_layer_runs_no_sql_of_its_own_beyond_the_shrinking_list() -> None:
    querying = {
        str(path.relative_to(ENGINE.parent))
        for path in sorted(WEB.rglob("*.py"))
        if any(name.split(".")[0] == "sqlalchemy" for name in imported_modules(path))
    }
    assert querying - STILL_QUERYING == set(), "new SQL in the web layer: read through an engine function"
    assert STILL_QUERYING - querying == set(), "these modules no longer query: remove them from STILL_QUERYING"
