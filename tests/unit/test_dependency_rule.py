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


def sql_importers(root: Path) -> set[str]:
    """The modules under `root` that import SQLAlchemy (and so could run SQL of their own)."""
    return {
        str(path.relative_to(root.parent))
        for path in sorted(root.rglob("*.py"))
        if any(name.split(".")[0] == "sqlalchemy" for name in imported_modules(path))
    }


def test_the_web_layer_runs_no_sql_of_its_own() -> None:
    """Issue 11: the engine owns every read; the web layer calls engine functions (read models, the
    request's read session `fondsengine.engine.PageRead`) and imports no SQLAlchemy."""
    assert sql_importers(WEB) == set(), "SQL in the web layer: read through an engine function"


def test_the_sql_check_finds_an_importer_when_there_is_one(tmp_path: Path) -> None:
    web = tmp_path / "webapp"
    (web / "manage").mkdir(parents=True)
    (web / "manage" / "bad.py").write_text("from sqlalchemy import select\n", encoding="utf-8")
    (web / "fine.py").write_text("from fondsengine.engine import ReadSession\n", encoding="utf-8")
    (web / "lazy.py").write_text("def f():\n    import sqlalchemy.orm\n", encoding="utf-8")
    assert sql_importers(web) == {"webapp/manage/bad.py", "webapp/lazy.py"}
