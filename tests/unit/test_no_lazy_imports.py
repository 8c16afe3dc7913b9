"""No import inside a function hides a cycle: the project's own modules are imported at the top of a
module, so the import graph the reader sees is the one that runs (issue 11, "no lazy imports
hiding cycles").

A function may import one of the project's modules late for one of these reasons only:
- the module pulls in a heavy library (reportlab, openpyxl, pypdf, Pillow, boto3, alembic) that a
  web worker must not load before a letter, report, export or upload needs it (docs/performance.md,
  "lean web workers"); the test imports each such module in a fresh process and checks that it does;
- a command-line command imports what it runs (fondsengine/cli/: `fondsengine --help` stays fast)
  and the app factory registers its blueprints (webapp/__init__.py);
- a cycle listed in CYCLES with its reason, to be broken (the list only shrinks).
Imports under `if TYPE_CHECKING:` are for the type checker and never run.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("fondsengine", "webapp")
HEAVY = ("reportlab", "openpyxl", "pypdf", "PIL", "boto3", "alembic")
STARTUP = ("fondsengine/cli/", "webapp/__init__.py")
# (file, imported module): a late import that hides a cycle, with the way to break it. Empty: the last two
# (Engine.catalog, the workflow loader's use-case names) were broken by fondsengine/actor.py, created.py
# and workflow/use_cases.py; a new entry needs its reason.
CYCLES: dict[tuple[str, str], str] = {}

SOURCES = sorted(
    p for base in PROJECT for p in (ROOT / base).rglob("*.py") if "migrations" not in p.relative_to(ROOT).parts
)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _late_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) of every import of a project module inside a function body."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                if child.module.split(".")[0] in PROJECT:
                    found.append((child.lineno, child.module))
            elif in_function and isinstance(child, ast.Import):
                found.extend((child.lineno, a.name) for a in child.names if a.name.split(".")[0] in PROJECT)
            visit(child, inner)

    visit(tree, False)
    return found


LATE = {
    (path.relative_to(ROOT).as_posix(), line, module): None
    for path in SOURCES
    for line, module in _late_imports(ast.parse(path.read_text(encoding="utf-8")))
}


@cache
def _heavy(modules: tuple[str, ...]) -> dict[str, list[str]]:
    """For each module: the heavy libraries importing it loads, each measured in a fresh interpreter."""
    probe = (
        "import json, subprocess, sys\n"
        f"heavy = {HEAVY!r}\n"
        "out = {}\n"
        "for m in sys.argv[1:]:\n"
        "    code = f'import sys, {m}; print(\" \".join(h for h in {heavy!r} if h in sys.modules))'\n"
        "    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)\n"
        "    out[m] = done.stdout.split()\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *modules], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def test_project_modules_are_imported_at_the_top() -> None:
    candidates = [
        (where, line, module)
        for where, line, module in LATE
        if not where.startswith(STARTUP) and (where, module) not in CYCLES
    ]
    heavy = _heavy(tuple(sorted({module for _w, _l, module in candidates})))
    offences = [f"{where}:{line}: {module}" for where, line, module in candidates if not heavy[module]]
    assert not offences, "imports inside functions that load no heavy library (move them to the top):\n" + (
        "\n".join(offences)
    )


def test_every_listed_cycle_is_still_there() -> None:
    present = {(where, module) for where, _line, module in LATE}
    gone = [key for key in CYCLES if key not in present]
    assert not gone, f"broken cycles: remove them from CYCLES: {gone}"


def test_the_check_sees_a_late_import() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from fondsengine.engine import Engine\n"
        "def f():\n    from fondsengine.model import Application\n    import os\n"
        "    def g():\n        import webapp.labels\n"
    )
    assert _late_imports(tree) == [(5, "fondsengine.model"), (8, "webapp.labels")]


# What the engine is built on imports neither the engine nor the use cases: Engine imports its catalogue
# at the top, so any of these importing fondsengine.engine (or the steps) at run time would be a cycle.
FOUNDATIONS = (
    "fondsengine.funds.catalog",
    "fondsengine.workflow.loader",
    "fondsengine.workflow.registry",
    "fondsengine.lifecycle.audit",
    "fondsengine.lifecycle.effects",
    "fondsengine.lifecycle.guards",
    "fondsengine.actor",
    "fondsengine.created",
)


def test_the_engines_foundations_import_neither_the_engine_nor_the_use_cases() -> None:
    code = (
        "import importlib, json, sys\n"
        "out = {}\n"
        "for m in sys.argv[1:]:\n"
        "    for name in [k for k in sys.modules if k.startswith('fondsengine')]:\n"
        "        del sys.modules[name]\n"
        "    importlib.import_module(m)\n"
        "    out[m] = sorted(k for k in ('fondsengine.engine', 'fondsengine.applications.steps') if k in sys.modules)\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *FOUNDATIONS], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    loaded: dict[str, list[str]] = json.loads(done.stdout)
    assert {m: found for m, found in loaded.items() if found} == {}
