"""Loading and validating workflow files (workflows/*.yaml)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fondsengine.errors import FondsError
from fondsengine.workflow.loader import (
    WorkflowError,
    load_workflow,
    load_workflow_text,
    load_workflows,
)
from fondsengine.workflow.names import OUTCOMES, ROLES
from fondsengine.workflow.registry import EFFECTS, GUARDS
from fondsengine.workflow.use_cases import office_step

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
CORPUS = ROOT / "tests" / "corpus" / "workflows"

BEWOHNERFONDS_STATES = [
    "draft", "submitted", "in_review", "changes_requested", "reviewed", "on_agenda",
    "approved", "rejected", "withdrawn", "paid", "proof_submitted", "proof_returned",
    "proof_accepted", "refund_claimed", "documented", "lapsed",
]  # fmt: skip
COMMON_TRIGGERS = {
    "submit", "start_review", "request_changes", "resubmit", "complete_review",
    "decide_approve", "decide_reject", "schedule", "unschedule", "jury_reject", "jury_defer",
    "withdraw", "record_payment", "submit_proof", "return_proof", "accept_proof",
    "record_final_payment", "close", "claim_refund", "record_refund", "lapse",
    "external_approve", "external_reject",
}  # fmt: skip

SMALL = """\
label: Klein
states:
  - id: draft
    label: Entwurf
    initial: true
  - id: done
    label: Erledigt
    terminal: true
    outcome: completed
transitions:
  - trigger: finish
    label: Abschließen
    source: {source}
    target: done
    roles: [manager]
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(WorkflowError) as caught:
        load_workflow_text(text, source="x.yaml", workflow_id="x")
    return [f"{p.line}: {p.message}" for p in caught.value.problems]


def test_both_shipped_workflows_load_with_their_file_names_as_ids() -> None:
    workflows = load_workflows(WORKFLOWS)
    assert sorted(workflows) == ["bewohnerfonds", "zweistufig"]
    assert workflows["bewohnerfonds"].label == "Bewohnerfonds (die Jury entscheidet)"


def test_the_version_hash_is_the_sha256_of_the_file_content() -> None:
    path = WORKFLOWS / "bewohnerfonds.yaml"
    workflow = load_workflow(path)
    assert workflow.version_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert workflow.source == str(path)


def test_editing_a_file_gives_a_new_version_hash() -> None:
    text = (WORKFLOWS / "bewohnerfonds.yaml").read_text(encoding="utf-8")
    before = load_workflow_text(text, source="a.yaml", workflow_id="a")
    after = load_workflow_text(text + "\n# geändert\n", source="a.yaml", workflow_id="a")
    assert before.version_hash != after.version_hash
    assert before.states == after.states


def test_bewohnerfonds_has_exactly_the_contract_states_in_order() -> None:
    workflow = load_workflow(WORKFLOWS / "bewohnerfonds.yaml")
    assert [s.id for s in workflow.states] == BEWOHNERFONDS_STATES
    assert workflow.initial.id == "draft"
    assert workflow.triggers() == COMMON_TRIGGERS | {"jury_approve"}


def test_zweistufig_adds_the_recommended_state_and_the_city_steps() -> None:
    workflow = load_workflow(WORKFLOWS / "zweistufig.yaml")
    ids = [s.id for s in workflow.states]
    assert ids == [*BEWOHNERFONDS_STATES[:6], "recommended", *BEWOHNERFONDS_STATES[6:]]
    # jury_approve for the amounts below a two-step tier (the jury grants them itself)
    assert workflow.triggers() == COMMON_TRIGGERS | {"jury_recommend", "jury_approve", "city_grant", "city_reject"}
    recommend = next(t for t in workflow.transitions if t.trigger == "jury_recommend")
    approve = next(t for t in workflow.transitions if t.trigger == "jury_approve")
    assert "jury_recommends" in recommend.guards and "jury_grants" in approve.guards
    grant = next(t for t in workflow.transitions if t.trigger == "city_grant")
    assert (grant.sources, grant.target) == (("recommended",), "approved")
    assert grant.roles == {"city_approver"}  # only the granting body decides after the recommendation


@pytest.mark.parametrize("name", ["bewohnerfonds", "zweistufig"])
def test_terminal_states_carry_their_outcome_explicitly(name: str) -> None:
    workflow = load_workflow(WORKFLOWS / f"{name}.yaml")
    terminal = {s.id: s.outcome for s in workflow.states if s.terminal}
    assert terminal == {
        "rejected": "rejected",
        "withdrawn": "withdrawn",
        "documented": "completed",
        "lapsed": "lapsed",
    }


@pytest.mark.parametrize("name", ["bewohnerfonds", "zweistufig"])
def test_every_state_and_step_has_german_texts_and_only_allowed_names(name: str) -> None:
    workflow = load_workflow(WORKFLOWS / f"{name}.yaml")
    for state in workflow.states:
        assert state.label and state.next_step and len(state.next_step) > 20, state.id
        assert state.outcome is None or state.outcome in OUTCOMES
    for t in workflow.transitions:
        assert t.label, t.trigger
        assert t.roles and t.roles <= set(ROLES)
        assert set(t.guards) <= set(GUARDS) and set(t.effects) <= set(EFFECTS)


def test_the_submit_step_matches_the_contract() -> None:
    workflow = load_workflow(WORKFLOWS / "bewohnerfonds.yaml")
    submit = next(t for t in workflow.transitions if t.trigger == "submit")
    assert submit.label == "Antrag einreichen"
    assert submit.roles == {"applicant", "manager"}
    assert submit.guards == ("no_blocking_findings",)
    assert submit.effects == ("letter_receipt", "notify_office")
    lapse = next(t for t in workflow.transitions if t.trigger == "lapse")
    assert lapse.guards == ("lapse_due", "nothing_paid") and lapse.roles == {"manager", "system"}


def test_a_single_source_may_be_written_as_text_or_as_a_list() -> None:
    one = load_workflow_text(SMALL.format(source="draft"), source="x.yaml", workflow_id="x")
    many = load_workflow_text(SMALL.format(source="[draft]"), source="x.yaml", workflow_id="x")
    assert one.transitions[0].sources == many.transitions[0].sources == ("draft",)


def test_a_missing_role_name_suggests_the_closest_allowed_one() -> None:
    text = SMALL.format(source="draft").replace("[manager]", "[manger]")
    assert problems_of(text) == ["15: Unbekannte Rolle 'manger' (meinten Sie 'manager'?)"]


def test_same_step_from_the_same_state_with_different_guards_is_allowed() -> None:
    text = SMALL.format(source="draft") + (
        "    guards: [fully_paid]\n"
        "  - trigger: finish\n"
        "    label: Anders abschließen\n"
        "    source: draft\n"
        "    target: done\n"
        "    roles: [manager]\n"
        "    guards: [settled]\n"
    )
    workflow = load_workflow_text(text, source="x.yaml", workflow_id="x")
    assert [t.guards for t in workflow.transitions] == [("fully_paid",), ("settled",)]


def test_an_empty_file_is_one_problem_on_line_zero() -> None:
    assert problems_of("# nur ein Kommentar\n") == ["0: Die Datei ist leer"]


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("label: Prüfung\n".encode("latin-1"))
    with pytest.raises(WorkflowError) as caught:
        load_workflow(path)
    assert [p.format() for p in caught.value.problems] == [f"{path}:0: Die Datei ist nicht in UTF-8 gespeichert"]


def test_the_error_message_lists_every_problem_as_file_line_message() -> None:
    text = SMALL.format(source="drat").replace("[manager]", "[boss]")
    with pytest.raises(WorkflowError) as caught:
        load_workflow_text(text, source="workflows/x.yaml", workflow_id="x")
    assert isinstance(caught.value, FondsError)
    assert str(caught.value).splitlines() == [
        "workflows/x.yaml:13: Zustand 'drat' ist nicht definiert (meinten Sie 'draft'?)",
        "workflows/x.yaml:15: Unbekannte Rolle 'boss'",
    ]


def test_loading_a_directory_reports_the_problems_of_all_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(SMALL.format(source="drat"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(SMALL.format(source="dart"), encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(SMALL.format(source="draft"), encoding="utf-8")
    with pytest.raises(WorkflowError) as caught:
        load_workflows(tmp_path)
    assert [(Path(p.file).name, p.line) for p in caught.value.problems] == [
        ("a.yaml", 13),
        ("b.yaml", 13),
    ]


def test_a_python_tag_in_a_file_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "boom"
    text = SMALL.format(source="draft").replace(
        "label: Klein", f'label: !!python/object/apply:os.system ["touch {marker}"]'
    )
    assert problems_of(text) == ["1: 'label' muss ein nicht leerer Text sein"]
    assert not marker.exists()


CORPUS_FILES = sorted(CORPUS.glob("*.yaml"))


def test_the_corpus_has_at_least_eight_broken_files() -> None:
    assert len(CORPUS_FILES) >= 8


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_each_broken_corpus_file_gives_exactly_its_expected_problems(path: Path) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(WorkflowError) as caught:
        load_workflow(path)
    assert [f"{p.line}: {p.message}" for p in caught.value.problems] == expected
    assert {p.file for p in caught.value.problems} == {str(path)}


@pytest.mark.parametrize("name", ["bewohnerfonds", "zweistufig"])
def test_the_state_meanings_give_the_state_sets_the_code_used_to_spell_out(name: str) -> None:
    wf = load_workflow(WORKFLOWS / f"{name}.yaml")
    assert wf.state_ids(editable=True) == ("draft", "changes_requested")
    assert wf.state_ids(waiting_for="review") == ("submitted", "in_review")
    assert wf.state_ids(waiting_for="decision") == ("reviewed",)
    assert wf.state_ids(waiting_for="proof") == ("approved", "paid", "proof_returned")
    assert wf.state_ids(waiting_for="proof_check") == ("proof_submitted",)
    assert wf.state_ids(waiting_for="payment") == ("approved", "paid", "proof_accepted")
    assert wf.state_ids(waiting_for="refund") == ("refund_claimed",)
    assert wf.state_ids(initial=True) == ("draft",)
    assert wf.state_ids(guarded_by="lapse_due") == ("approved",)
    assert wf.state_ids(guarded_by="review_complete") == ("in_review",)
    pending = ("submitted", "in_review", "changes_requested", "reviewed", "on_agenda")
    assert wf.state_ids(initial=False, decided=False) == (
        (*pending, "recommended") if name == "zweistufig" else pending
    )


@pytest.mark.parametrize("name", ["bewohnerfonds", "zweistufig"])
def test_the_step_meanings_name_the_steps_the_code_used_to_spell_out(name: str) -> None:
    wf = load_workflow(WORKFLOWS / f"{name}.yaml")
    jury = {o: wf.step_with(jury_outcome=o) for o in ("approve", "reject", "defer", "recommend")}
    assert jury == {
        "approve": "jury_approve",
        "reject": "jury_reject",
        "defer": "jury_defer",
        "recommend": "jury_recommend" if name == "zweistufig" else None,
    }
    assert wf.step_with(granting="above_jury") == "external_approve"
    assert wf.step_with(granting="after_recommendation") == ("city_grant" if name == "zweistufig" else None)
    assert wf.step_with() is None
    decided = {t.trigger: t.jury_outcome for t in wf.transitions if t.jury_outcome}
    assert all(t.use_case == "jury_decision" for t in wf.transitions if t.jury_outcome), decided


def test_a_step_without_a_meaning_declares_none() -> None:
    wf = load_workflow_text(SMALL.format(source="draft"), source="x.yaml", workflow_id="x")
    assert all(t.jury_outcome is None and t.granting is None for t in wf.transitions)
    assert wf.step_with(jury_outcome="approve") is None and wf.step_with(granting="above_jury") is None


def test_a_state_without_meanings_is_neither_editable_nor_waiting() -> None:
    wf = load_workflow_text(SMALL.format(source="draft"), source="x.yaml", workflow_id="x")
    assert wf.state("draft").editable is False
    assert wf.state("draft").waiting_for == frozenset()
    assert wf.state_ids(editable=True) == ()


def test_waiting_for_takes_one_name_or_a_list() -> None:
    text = SMALL.format(source="draft").replace(
        "    initial: true\n", "    initial: true\n    editable: true\n    waiting_for: review\n"
    )
    wf = load_workflow_text(text, source="x.yaml", workflow_id="x")
    assert wf.state("draft").waiting_for == frozenset({"review"})
    assert wf.state_ids(editable=True, waiting_for="review") == ("draft",)
    assert problems_of(text.replace("waiting_for: review", "waiting_for: [review, jury, jury]")) == [
        "7: 'jury' steht doppelt in 'waiting_for'"
    ]


def test_a_step_without_asks_done_or_style_gets_the_defaults() -> None:
    wf = load_workflow_text(SMALL.format(source="draft"), source="x.yaml", workflow_id="x")
    step = wf.transitions[0]
    assert (step.asks, step.style, step.done) == ((), "default", "Erledigt: Abschließen.")


def test_the_shipped_steps_declare_what_they_ask_for_and_their_messages() -> None:
    wf = load_workflow(WORKFLOWS / "bewohnerfonds.yaml")
    steps = {t.trigger: t for t in wf.transitions}
    assert steps["decide_approve"].asks == ("amount", "reason", "conditions")
    assert steps["record_payment"].asks == ("payment",)
    assert steps["start_review"].asks == ()
    assert steps["decide_reject"].style == "danger" and steps["submit"].style == "default"
    assert steps["lapse"].done == "Die Bewilligung ist erloschen; das Geld ist wieder frei."
    for t in wf.transitions:
        assert t.done and not t.done.startswith("Erledigt:"), t.trigger
        assert not t.needs_reason or "reason" in t.asks, t.trigger


def test_an_empty_source_list_is_a_problem_not_a_step_silently_left_out() -> None:
    assert problems_of(SMALL.format(source="[]")) == ["13: 'source' ist leer"]


def test_a_name_twice_is_one_problem_and_an_unknown_name_is_still_named() -> None:
    text = SMALL.format(source="draft").replace("[manager]", "[boss, boss]")
    assert problems_of(text) == ["15: 'boss' steht doppelt in 'roles'", "15: Unbekannte Rolle 'boss'"]


def test_an_optional_text_written_without_a_value_is_a_wrong_value() -> None:
    text = SMALL.format(source="draft") + "    done:\n"
    assert problems_of(text) == ["16: 'done' muss ein nicht leerer Text sein"]


def test_a_step_names_its_use_case_and_its_own_words_for_its_fields() -> None:
    text = SMALL.format(source="draft") + (
        "    asks: [reason]\n    needs_reason: true\n    use_case: withdraw\n"
        '    reason_label: "Warum?"\n    reason_hint: Ein Satz genügt.\n    reason_required: Bitte sagen Sie, warum.\n'
    )
    step = load_workflow_text(text, source="x.yaml", workflow_id="x").transitions[0]
    assert (step.use_case, step.reason_label, step.reason_hint, step.reason_required) == (
        "withdraw",
        "Warum?",
        "Ein Satz genügt.",
        "Bitte sagen Sie, warum.",
    )
    assert (step.amount_label, step.amount_hint, step.date_label) == (None, None, None)


def test_an_unknown_use_case_is_a_problem_with_a_suggestion() -> None:
    text = SMALL.format(source="draft") + "    use_case: withdrew\n"
    assert problems_of(text) == ["16: Unbekannter Anwendungsfall (use_case) 'withdrew' (meinten Sie 'withdraw'?)"]


def test_the_words_of_a_field_the_step_does_not_ask_for_are_a_problem() -> None:
    text = SMALL.format(source="draft") + "    asks: [reason]\n    amount_label: Betrag\n    reason_required: Bitte.\n"
    assert problems_of(text) == [
        "17: Übergang 'finish' hat 'amount_label', fragt aber nicht nach 'amount' oder 'payment' (asks)",
        "18: Übergang 'finish' hat 'reason_required', aber kein needs_reason: true",
    ]


def test_every_office_step_of_the_shipped_workflows_names_a_registered_use_case() -> None:
    from fondsengine.workflow.registry import USE_CASES

    for wf in load_workflows(WORKFLOWS).values():
        steps = {t.trigger: t for t in wf.transitions}
        assert steps["decide_approve"].use_case == "decide_approve"
        assert steps["jury_reject"].use_case == "jury_decision" and "paper_record" in steps["jury_reject"].asks
        assert steps["jury_defer"].use_case == "jury_decision" and "paper_record" not in steps["jury_defer"].asks
        assert steps["record_final_payment"].use_case == "record_payment"
        assert steps["submit_proof"].use_case == "submit_proof"  # the applicant uploads it on her own pages
        assert not office_step(steps["submit_proof"].use_case) and office_step(steps["record_payment"].use_case)
        assert all(t.use_case for t in wf.transitions), "a step the engine could not fire by its use case"
        assert all(t.use_case in USE_CASES for t in wf.transitions if t.use_case)
        assert steps["request_changes"].reason_required == "Bitte schreiben Sie, was geändert werden soll."
