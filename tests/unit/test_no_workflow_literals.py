"""No state or trigger name of workflows/*.yaml is spelled in the engine, the web layer or a template.

What a state means (editable, waiting for review, payment, proof ...) is declared in the workflow
file and asked for with `Workflow.state_ids(...)`; which step a form takes comes from the workflow
too. So a state id or trigger written in code is a second source that silently goes stale when a
workflow changes. This test reads the names from the shipped workflows and looks for them:

- Python (by its syntax tree): any string constant equal to a state id; any string compared with,
  or passed as, a `state` (`app.state == "x"`, `.state.in_((...))`, `state="x"`); any string
  constant equal to a trigger, wherever it stands (a service fires its step by its declared use
  case, `fire(uow, actor, app, SUBMIT)`, and the workflow answers the trigger: no allowance left).
- Templates (by text): any quoted state id or trigger, and any comparison of `state` with a quoted
  name.

Some state ids are also words of other vocabularies (HOMONYMS); for them only the `state` contexts
count, so `payment.status == "paid"` or `outcome == "approved"` stay allowed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from fondsengine.workflow.loader import load_workflows
from fondsengine.workflow.use_cases import USE_CASE_DESCRIPTIONS

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = load_workflows(ROOT / "workflows")
STATES = frozenset(s.id for wf in WORKFLOWS.values() for s in wf.states)
TRIGGERS = frozenset(t.trigger for wf in WORKFLOWS.values() for t in wf.transitions)

# State ids that are also values elsewhere: outcomes (approved, rejected, withdrawn, lapsed), a
# payment's status and a ledger figure (paid), a proof's status (submitted), a money figure
# (refund_claimed, fondsengine/reports/figures.py).
HOMONYMS = frozenset({"approved", "rejected", "withdrawn", "lapsed", "paid", "submitted", "refund_claimed"})
# Trigger names that are also other words: letter kinds (lapse), HTML/form words (submit, close).
TRIGGER_HOMONYMS = frozenset({"lapse", "submit", "close"})

# (file relative to the root, name): literals allowed for a stated reason. Keep this short.
ALLOWED: frozenset[tuple[str, str]] = frozenset()
# Files that may still name triggers, each with its reason (to be emptied). Emptied: the jury's
# decisions and the granting body's steps declare their meaning in the workflow (`jury_outcome`,
# `granting`, Workflow.step_with), a payment letter is final by its settled grant.
TRIGGERS_ALLOWED_IN: dict[str, str] = {}
# The declared use cases are the code's vocabulary a workflow file names (`use_case:`, like guard and
# effect names): most are spelled as the trigger they serve, so their declaration may spell them there.
USE_CASE_FILE = "fondsengine/workflow/use_cases.py"

SOURCES = sorted(
    p for base in ("fondsengine", "webapp") for p in (ROOT / base).rglob("*.py") if "migrations" not in p.parts
)
TEMPLATES = sorted((ROOT / "webapp" / "templates").rglob("*.html"))


def _mentions_state(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return "state" in node.id
    if isinstance(node, ast.Attribute):
        return "state" in node.attr
    if isinstance(node, ast.Call):
        return _mentions_state(node.func)
    return False


def _strings(node: ast.AST) -> list[ast.Constant]:
    """String constants in a node (a literal or a tuple/list/set of them)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [c for e in node.elts for c in _strings(e)]
    return []


def _dunder_all(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            found.update(id(c) for c in _strings(node.value))
    return found


def python_literals(path: Path, *, triggers: bool = True) -> list[tuple[int, str]]:
    """(line, name) of every state (and trigger) literal in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt = _dunder_all(tree)
    hits: dict[int, tuple[int, str]] = {}

    def hit(c: ast.Constant) -> None:
        hits[id(c)] = (c.lineno, str(c.value))

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_mentions_state(s) for s in sides):
                for side in sides:
                    for c in _strings(side):
                        if c.value in STATES:
                            hit(c)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("in_", "not_in")
            and _mentions_state(node.func.value)
        ):
            for arg in node.args:
                for c in _strings(arg):
                    if c.value in STATES:
                        hit(c)
        if isinstance(node, ast.keyword) and node.arg and "state" in node.arg:
            for c in _strings(node.value):
                if c.value in STATES:
                    hit(c)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in exempt:
            is_state = node.value in STATES - HOMONYMS
            is_trigger = triggers and node.value in TRIGGERS - TRIGGER_HOMONYMS
            if is_state or is_trigger:
                hit(node)
    return sorted(hits.values())


_QUOTED = re.compile(r"""['"]([a-z][a-z0-9_]*)['"]""")
_STATE_COMPARE = re.compile(r"""state\s*(?:==|!=|\bin\b|\bnot in\b)\s*\(?\s*['"]([a-z][a-z0-9_]*)['"]""")


def template_literals(path: Path, *, triggers: bool = True) -> list[tuple[int, str]]:
    """(line, name) of every state (and trigger) literal in a template."""
    hits: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = re.sub(r"""type=["']submit["']""", "", line)
        names = {m.group(1) for m in _QUOTED.finditer(line)}
        names = {n for n in names if n in (STATES - HOMONYMS) or (triggers and n in TRIGGERS - TRIGGER_HOMONYMS)}
        names |= {m.group(1) for m in _STATE_COMPARE.finditer(line) if m.group(1) in STATES}
        hits.extend((number, n) for n in sorted(names))
    return hits


def test_the_workflows_give_names_to_look_for() -> None:
    assert {"draft", "in_review", "proof_returned", "recommended"} <= STATES
    assert {"submit", "record_payment", "city_grant"} <= TRIGGERS


def test_the_python_check_finds_each_kind_of_literal(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "PROOF = ('approved', 'proof_returned')\n"
        "if app.state == 'paid': pass\n"
        "q = Application.state.in_(('submitted',))\n"
        "x = App(state='approved')\n"
        "fire(uow, actor, app, 'start_review')\n"
        "DONE = {'start_review': 'ok'}\n"
        "_step(fonds, actor, application_id, 'jury_defer', reason=reason)\n"
        "fire(uow, actor, app, START_REVIEW)\n"
        "ok = payment.status == 'paid' or outcome == 'approved'\n"
        "__all__ = ['changes_requested']\n",
        encoding="utf-8",
    )
    assert python_literals(sample) == [
        (1, "proof_returned"),
        (2, "paid"),
        (3, "submitted"),
        (4, "approved"),
        (5, "start_review"),  # the step a service takes is named by its use case, never by its trigger
        (6, "start_review"),
        (7, "jury_defer"),
    ]


def test_the_template_check_finds_each_kind_of_literal(tmp_path: Path) -> None:
    sample = tmp_path / "sample.html"
    sample.write_text(
        "{% if app.state == 'approved' %}\n"
        "{% if a.trigger in ('decide_reject', 'withdraw') %}\n"
        "<button type=\"submit\">x</button> {% if p.status == 'paid' %}\n"
        "{% if app.state in ('draft', 'x') %}\n",
        encoding="utf-8",
    )
    assert template_literals(sample) == [(1, "approved"), (2, "decide_reject"), (2, "withdraw"), (4, "draft")]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_state_literal_in_python(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    found = [(line, name) for line, name in python_literals(path, triggers=False) if (where, name) not in ALLOWED]
    assert found == [], f"{where}: state names spelled in code (ask the workflow instead): {found}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_state_literal_in_templates(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    found = [(line, name) for line, name in template_literals(path, triggers=False) if (where, name) not in ALLOWED]
    assert found == [], f"{where}: state names spelled in a template: {found}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_trigger_literal_in_python_outside_the_allowed_files(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    declared = USE_CASE_DESCRIPTIONS if where == USE_CASE_FILE else {}
    found = (
        []
        if where in TRIGGERS_ALLOWED_IN
        else [f for f in python_literals(path) if (where, f[1]) not in ALLOWED and f[1] not in declared]
    )
    assert found == [], f"{where}: state/trigger names spelled in code (ask the workflow instead): {found}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_trigger_literal_in_templates_outside_the_allowed_files(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    found = [] if where in TRIGGERS_ALLOWED_IN else template_literals(path)
    assert found == [], f"{where}: state/trigger names spelled in a template: {found}"


def test_every_file_allowed_to_name_triggers_still_needs_it() -> None:
    for where in TRIGGERS_ALLOWED_IN:
        path = ROOT / where
        found = template_literals(path) if path.suffix == ".html" else python_literals(path)
        assert found, f"{where} names no trigger any more: remove it from TRIGGERS_ALLOWED_IN"
