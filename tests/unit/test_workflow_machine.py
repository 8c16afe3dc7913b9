"""The workflow machine on `transitions`: roles, guards, first-passing transition, no leaks."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from fondsengine.errors import GuardFailed, PermissionDenied, TransitionNotAllowed
from fondsengine.workflow.loader import load_workflow, load_workflow_text
from fondsengine.workflow.machine import (
    GuardFn,
    GuardResult,
    Verdict,
    WorkflowMachine,
    machine_for,
)
from fondsengine.workflow.model import Transition, Workflow
from fondsengine.workflow.names import ROLES
from fondsengine.workflow.registry import GUARDS

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
BEWOHNERFONDS = load_workflow(WORKFLOWS / "bewohnerfonds.yaml")
ZWEISTUFIG = load_workflow(WORKFLOWS / "zweistufig.yaml")
PASS = GuardResult(True)


def passing() -> dict[str, GuardFn]:
    return {name: (lambda _ctx: PASS) for name in GUARDS}


def cases() -> list[tuple[Workflow, Transition, str]]:
    return [
        (w, t, s) for w in (BEWOHNERFONDS, ZWEISTUFIG) for t in w.transitions for s in t.sources
    ]


def case_id(case: tuple[Workflow, Transition, str]) -> str:
    workflow, transition, source = case
    return f"{workflow.id}-{transition.trigger}-{source}"


@pytest.mark.parametrize("case", cases(), ids=case_id)
@pytest.mark.parametrize("pick", ["first", "last"])
def test_every_transition_fires_from_each_source_with_an_allowed_role(
    case: tuple[Workflow, Transition, str], pick: str
) -> None:
    workflow, transition, source = case
    roles = sorted(transition.roles)
    role = roles[0] if pick == "first" else roles[-1]
    # a step with several transitions from one state takes the first whose guards pass: the guards
    # of the earlier ones (that this one does not share) fail
    earlier = workflow.transitions[: workflow.transitions.index(transition)]
    failing = {
        g
        for t in earlier
        if t.trigger == transition.trigger and source in t.sources
        for g in t.guards
        if g not in transition.guards
    }
    guards = {**passing(), **{g: (lambda _ctx: GuardResult(False, "nein")) for g in failing}}
    taken = machine_for(workflow, guards).fire(
        source, transition.trigger, frozenset({role}), None
    )
    assert taken == transition
    assert taken.target == transition.target


@pytest.mark.parametrize("case", cases(), ids=case_id)
def test_a_role_that_may_not_take_the_step_is_refused(
    case: tuple[Workflow, Transition, str],
) -> None:
    workflow, transition, source = case
    machine = machine_for(workflow, passing())
    allowed = {r for t in machine.transitions(source, transition.trigger) for r in t.roles}
    others = frozenset(ROLES) - allowed
    with pytest.raises(PermissionDenied) as caught:
        machine.fire(source, transition.trigger, others, None)
    assert f"„{transition.label}“" in caught.value.message


@pytest.mark.parametrize("case", [c for c in cases() if c[1].guards], ids=case_id)
def test_a_failing_guard_refuses_the_step_with_its_message_and_clause(
    case: tuple[Workflow, Transition, str],
) -> None:
    workflow, transition, source = case
    guard = transition.guards[-1]
    guards = passing()
    # the other transitions of the step from this state (a part refund beside the last one) are refused too
    siblings = {
        g
        for t in workflow.transitions
        if t.trigger == transition.trigger and source in t.sources and t is not transition
        for g in t.guards
    }
    for name in {guard} | siblings:
        guards[name] = lambda _ctx: GuardResult(False, "Das Budget reicht nicht.", "§ 5 Abs. 1")
    machine = WorkflowMachine(workflow, guards)
    with pytest.raises(GuardFailed) as caught:
        machine.fire(source, transition.trigger, frozenset(transition.roles), None)
    assert caught.value.reasons == ("Das Budget reicht nicht.",)
    assert caught.value.clause == "§ 5 Abs. 1"
    assert caught.value.message == (
        f"Der Schritt „{transition.label}“ ist im Moment nicht möglich: Das Budget reicht nicht."
    )


def test_every_failing_guard_is_reported_and_the_first_clause_is_kept() -> None:
    guards = passing()
    guards["within_management_tier"] = lambda _c: GuardResult(False, "Zu hoch.", "§ 7")
    guards["budget_available"] = lambda _c: GuardResult(False, "Kein Budget.", "§ 3")
    machine = WorkflowMachine(BEWOHNERFONDS, guards)
    verdict = machine.check("reviewed", "decide_approve", frozenset({"manager"}), None)
    assert verdict == Verdict(
        False,
        next(t for t in BEWOHNERFONDS.transitions if t.trigger == "decide_approve"),
        ("Zu hoch.", "Kein Budget."),
        "§ 7",
    )


def test_a_guard_without_a_message_falls_back_to_the_guard_description() -> None:
    guards = passing()
    guards["needs_jury"] = lambda _c: GuardResult(False)
    verdict = WorkflowMachine(BEWOHNERFONDS, guards).check(
        "reviewed", "schedule", frozenset({"manager"}), None
    )
    assert verdict.reasons == ("Nicht erfüllt: Über den Betrag entscheidet die Jury.",)


def test_a_step_not_possible_in_the_current_state_is_refused_in_german() -> None:
    machine = machine_for(BEWOHNERFONDS, passing())
    with pytest.raises(TransitionNotAllowed) as caught:
        machine.fire("approved", "submit", frozenset({"applicant"}), None)
    assert (
        str(caught.value)
        == "Der Schritt „Antrag einreichen“ ist im Zustand „Bewilligt“ nicht möglich."
    )


def test_an_unknown_trigger_is_refused() -> None:
    machine = machine_for(BEWOHNERFONDS, passing())
    with pytest.raises(TransitionNotAllowed) as caught:
        machine.fire("draft", "approve_everything", frozenset({"manager"}), None)
    assert str(caught.value) == "Den Schritt „approve_everything“ gibt es in diesem Ablauf nicht."


def test_an_unknown_state_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not defined"):
        machine_for(BEWOHNERFONDS, passing()).fire("limbo", "submit", frozenset({"manager"}), None)


def test_the_machine_starts_from_the_given_state_not_from_the_initial_state() -> None:
    seen: list[str] = []
    machine = WorkflowMachine(BEWOHNERFONDS, passing())

    def spy(_ctx: Any) -> GuardResult:
        seen.extend(model.state for model in machine.machine.models)
        return PASS

    machine.guards = {**machine.guards, "refund_received": spy}
    taken = machine.fire("refund_claimed", "record_refund", frozenset({"manager"}), None)
    assert seen == ["refund_claimed"]
    assert taken.target == "documented"


def test_guards_receive_the_callers_context() -> None:
    received: list[object] = []
    guards = passing()
    guards["no_blocking_findings"] = lambda ctx: received.append(ctx) or PASS
    context = object()
    machine_for(BEWOHNERFONDS, guards).fire("draft", "submit", frozenset({"applicant"}), context)
    assert received == [context]


def test_no_model_stays_on_the_machine_after_ten_thousand_fires() -> None:
    calls = 0

    def sometimes_raises(_ctx: Any) -> GuardResult:
        nonlocal calls
        calls += 1
        if calls % 3 == 0:
            raise RuntimeError("Datenbank weg")
        return GuardResult(calls % 3 == 1, "Nein.")

    guards = passing()
    guards["budget_available"] = sometimes_raises
    machine = WorkflowMachine(BEWOHNERFONDS, guards)
    outcomes = {"ok": 0, "refused": 0, "raised": 0}
    for _ in range(10_000):
        try:
            machine.fire("on_agenda", "jury_approve", frozenset({"jury_member"}), None)
            outcomes["ok"] += 1
        except GuardFailed:
            outcomes["refused"] += 1
        except RuntimeError:
            outcomes["raised"] += 1
        assert machine.machine.models == []
    assert outcomes == {"ok": 3334, "refused": 3333, "raised": 3333}


def test_concurrent_threads_share_one_machine_without_leaking_models() -> None:
    machine = machine_for(BEWOHNERFONDS, passing())
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(500):
                assert machine.fire("draft", "submit", frozenset({"applicant"}), None).target == (
                    "submitted"
                )
                assert machine.fire(
                    "proof_accepted", "close", frozenset({"manager"}), None
                ).target == ("documented")
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert machine.machine.models == []


TWO_WAYS = """\
label: Zwei Wege
states:
  - id: approved
    label: Bewilligt
    initial: true
  - id: paid
    label: Ausgezahlt
    terminal: true
    outcome: approved
  - id: documented
    label: Abgeschlossen
    terminal: true
    outcome: completed
transitions:
  - trigger: record_payment
    label: Schlusszahlung buchen
    source: approved
    target: documented
    roles: [manager]
    guards: [fully_paid]
  - trigger: record_payment
    label: Auszahlung buchen
    source: approved
    target: paid
    roles: [manager, city_approver]
    guards: [payment_mode_allowed]
"""


def two_ways(fully_paid: bool, mode_allowed: bool = True) -> WorkflowMachine:
    workflow = load_workflow_text(TWO_WAYS, source="two.yaml", workflow_id="two")
    return WorkflowMachine(
        workflow,
        {
            "fully_paid": lambda _c: GuardResult(fully_paid, "Noch nicht alles bezahlt."),
            "payment_mode_allowed": lambda _c: GuardResult(mode_allowed, "Nicht zulässig.", "§ 9"),
        },
    )


def test_the_first_transition_whose_guards_pass_wins() -> None:
    manager = frozenset({"manager"})
    assert two_ways(fully_paid=True).fire("approved", "record_payment", manager, None).target == (
        "documented"
    )
    assert two_ways(fully_paid=False).fire("approved", "record_payment", manager, None).target == (
        "paid"
    )


def test_the_first_transition_whose_role_matches_wins() -> None:
    city = frozenset({"city_approver"})
    taken = two_ways(fully_paid=True).fire("approved", "record_payment", city, None)
    assert taken.target == "paid"


def test_when_all_candidates_refuse_every_guard_message_is_given() -> None:
    machine = two_ways(fully_paid=False, mode_allowed=False)
    with pytest.raises(GuardFailed) as caught:
        machine.fire("approved", "record_payment", frozenset({"manager"}), None)
    assert caught.value.reasons == ("Noch nicht alles bezahlt.", "Nicht zulässig.")
    assert caught.value.clause == "§ 9"


def test_check_tells_without_taking_the_step() -> None:
    machine = two_ways(fully_paid=False)
    verdict = machine.check("approved", "record_payment", frozenset({"manager"}), None)
    assert verdict.allowed and verdict.transition is not None
    assert verdict.transition.target == "paid"
    refused = machine.check("approved", "record_payment", frozenset({"applicant"}), None)
    assert not refused.allowed
    assert refused.reasons == (
        "Sie dürfen den Schritt „Schlusszahlung buchen“ nicht ausführen. "
        "Das dürfen: Bewilligungsstelle der Stadt, Geschäftsführung.",
    )


def test_available_lists_only_the_steps_whose_guards_pass_now() -> None:
    guards = passing()
    guards["within_management_tier"] = lambda _c: GuardResult(False, "Zu hoch.")
    machine = WorkflowMachine(BEWOHNERFONDS, guards)
    manager = frozenset({"manager"})
    assert [t.trigger for t in machine.possible("reviewed", manager)] == [
        "decide_approve", "decide_reject", "schedule", "withdraw",
    ]  # fmt: skip
    assert [t.trigger for t in machine.available("reviewed", manager, None)] == [
        "decide_reject", "schedule", "withdraw",
    ]  # fmt: skip
    assert [t.trigger for t in machine.possible("reviewed", frozenset({"applicant"}))] == [
        "withdraw"
    ]
    assert machine.possible("documented", manager) == []


def test_a_machine_needs_a_function_for_every_guard_the_workflow_uses() -> None:
    guards = passing()
    del guards["overpaid"], guards["settled"]
    with pytest.raises(ValueError, match="overpaid, settled"):
        WorkflowMachine(BEWOHNERFONDS, guards)


def test_one_transitions_machine_is_shared_per_workflow_version() -> None:
    guards = passing()
    assert machine_for(BEWOHNERFONDS, guards) is machine_for(BEWOHNERFONDS, guards)
    other = WorkflowMachine(BEWOHNERFONDS, passing())
    assert other.machine is machine_for(BEWOHNERFONDS, guards).machine
    assert other.machine is not machine_for(ZWEISTUFIG, guards).machine
    assert other.machine.auto_transitions is False
    assert other.machine.send_event is True
    assert other.machine.ignore_invalid_triggers is False


@pytest.mark.parametrize("workflow", [BEWOHNERFONDS, ZWEISTUFIG], ids=lambda w: w.id)
def test_transitions_answers_the_lookups_in_file_order(workflow: Workflow) -> None:
    machine = machine_for(workflow, passing())
    for state in workflow.states:
        by_hand = [t for t in workflow.transitions if state.id in t.sources]
        assert sorted(machine.triggers(state.id)) == sorted({t.trigger for t in by_hand})
        for trigger in machine.triggers(state.id):
            assert machine.transitions(state.id, trigger) == [t for t in by_hand if t.trigger == trigger]
        everyone = frozenset(ROLES)
        first = list({t.trigger: t for t in reversed(by_hand)}.values())[::-1]
        assert machine.possible(state.id, everyone) == sorted(first, key=by_hand.index)
