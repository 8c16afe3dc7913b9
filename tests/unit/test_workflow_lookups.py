"""The workflow's steps are looked up in one place (issue 11: "delete the hand-written twin").

From the application's current state the `transitions` machine answers (`WorkflowMachine.transitions`,
`.triggers`); a trigger's steps from any state come from `Workflow.steps(trigger)`. A scan of
`workflow.transitions` comparing `t.trigger == trigger` outside `fondsengine/workflow/` writes that
lookup again, and such copies were how the office's and the applicant's pages disagreed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fondsengine.workflow.loader import load_workflows

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "fondsengine" / "workflow"
SOURCES = sorted(
    p
    for base in ("fondsengine", "webapp")
    for p in (ROOT / base).rglob("*.py")
    if "migrations" not in p.parts and HOME not in p.parents
)
WORKFLOWS = load_workflows(ROOT / "workflows")


def trigger_comparisons(source: str) -> list[int]:
    """Lines testing some `x.trigger` for equality with a name or attribute (a string constant is the
    literal test's business: tests/unit/test_no_workflow_literals.py)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and len(node.comparators) == 1 and isinstance(node.ops[0], ast.Eq | ast.NotEq):
            left, right = node.left, node.comparators[0]
            sides = (left, right)
            if any(isinstance(s, ast.Attribute) and s.attr == "trigger" for s in sides) and not any(
                isinstance(s, ast.Constant) for s in sides
            ):
                found.append(node.lineno)
    return found


def test_the_check_finds_a_hand_lookup_and_leaves_constants_and_other_fields_alone() -> None:
    assert trigger_comparisons("x = [t for t in wf.transitions if t.trigger == trigger]\n") == [1]
    assert trigger_comparisons("ok = step == t.trigger\n") == [1]
    assert trigger_comparisons('cron = job.trigger == "cron"\n') == []
    assert trigger_comparisons("x = [t for t in wf.steps(trigger) if t.use_case]\n") == []
    assert trigger_comparisons("if t.trigger in seen:\n    pass\n") == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_looks_up_a_step_by_hand(path: Path) -> None:
    assert trigger_comparisons(path.read_text(encoding="utf-8")) == [], (
        f"{path.relative_to(ROOT)}: ask Workflow.steps(trigger) or the machine"
    )


def test_steps_gives_every_transition_of_a_trigger_in_file_order() -> None:
    for wf in WORKFLOWS.values():
        for trigger in wf.triggers():
            assert wf.steps(trigger) == tuple(t for t in wf.transitions if t.trigger == trigger)
            assert wf.steps(trigger)
    wf = WORKFLOWS["bewohnerfonds"]
    assert wf.steps(None) == () and wf.steps("no_such_step") == ()
    assert {s for t in wf.steps("claim_refund") for s in t.sources} == {"proof_accepted", "paid"}
