"""The office's steps as the workflow declares them: a transition's `use_case` names the use case
behind it, and `take_step` calls it with the checked inputs of the step's form.

The web layer knows no step by name: it builds the form from the transition's `asks`, hands the
values over as a `StepInput` and the trigger, and this module finds the transition the application
can take from its current state and runs the use case registered under the declared name (each one
a thin adapter to the use case that fires the step by its use case). The names and their descriptions
are declared in fondsengine/workflow/use_cases.py (the loader checks files against them); each function
here implements the office use case it is named after (`UseCase.office`). docs/workflows.md lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from fondsengine.applications import decisions
from fondsengine.applications import service as applications
from fondsengine.applications.records import AttachmentInput
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.jury import paper as jury_paper
from fondsengine.lifecycle import authz
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.workflow.registry import GUARDS, USE_CASES
from fondsengine.workflow.use_cases import OFFICE_USE_CASES, office_step

STEP_GONE = "Dieser Schritt ist im jetzigen Stand des Antrags nicht möglich."
# the result the office reads from a paper record, by the jury's outcome word (fondsengine.jury.paper)
PAPER_RESULT = {"approve": "accepted", "recommend": "accepted", "reject": "rejected"}


@dataclass(frozen=True)
class PaperRecord:
    """A jury decision taken on paper: the counts, who left the room, the signed protocol."""

    yes: int | None
    no: int | None
    abstain: int | None
    protocol: AttachmentInput | None
    left_room: tuple[int, ...] = ()
    chair_casting: str | None = None


@dataclass(frozen=True)
class StepInput:
    """The checked values of a step's form (what the transition `asks` for; the rest stays empty)."""

    amount_cents: int | None = None
    reason: str | None = None
    conditions: Sequence[str] = ()
    session_id: int | None = None
    day: date | None = None
    file_number: str = ""
    payment_id: int | None = None
    kind: str = ""
    paper: PaperRecord | None = None


@dataclass(frozen=True)
class StepCall:
    """What a registered use case receives: who takes which step on which application, with what."""

    fonds: Engine
    actor: Actor
    application_id: int
    trigger: str
    given: StepInput = field(default_factory=StepInput)

    @property
    def reason(self) -> str:
        return (self.given.reason or "").strip()


def take_step(fonds: Engine, actor: Actor, application_id: int, trigger: str, given: StepInput) -> None:
    """Take the step `trigger` on the application with the checked inputs of its form, through the
    use case its transition declares (`use_case`); InvalidInput when the workflow declares none
    the office takes on its pages for the trigger (`UseCase.office`). The use case checks the roles,
    the state, the guards and the inputs."""
    with fonds.db.read() as s:
        app, _ = authz.load_visible_application(s, actor, application_id, local_date(fonds.clock.now()))
        machine = fonds.catalog.machine(s, app.workflow_version_id, GUARDS)
        # from another state the use case itself says why the step is not possible now
        declared = [t for t in machine.transitions(app.state, trigger) if office_step(t.use_case)] or [
            t for t in machine.workflow.steps(trigger) if office_step(t.use_case)
        ]
    if not declared:
        raise InvalidInput(STEP_GONE)
    step = declared[0]
    if "paper_record" in step.asks and given.paper is None:
        raise InvalidInput(jury_paper.PROTOCOL_MISSING, field="protocol")
    assert step.use_case is not None
    USE_CASES.functions[step.use_case](StepCall(fonds, actor, application_id, trigger, given))


# --- the use cases a workflow may name -----------------------------------------------------


@USE_CASES.implements
def start_review(c: StepCall) -> None:
    decisions.start_review(c.fonds, c.actor, c.application_id)


@USE_CASES.implements
def request_changes(c: StepCall) -> None:
    decisions.request_changes(c.fonds, c.actor, c.application_id, c.reason)


@USE_CASES.implements
def complete_review(c: StepCall) -> None:
    decisions.complete_review(c.fonds, c.actor, c.application_id)


@USE_CASES.implements
def decide_approve(c: StepCall) -> None:
    decisions.decide_approve(
        c.fonds,
        c.actor,
        c.application_id,
        amount_cents=c.given.amount_cents,
        reason=c.reason or None,
        conditions=c.given.conditions,
    )


@USE_CASES.implements
def decide_reject(c: StepCall) -> None:
    decisions.decide_reject(c.fonds, c.actor, c.application_id, c.reason)


@USE_CASES.implements
def schedule(c: StepCall) -> None:
    decisions.schedule(c.fonds, c.actor, c.application_id, c.given.session_id or 0)


@USE_CASES.implements
def unschedule(c: StepCall) -> None:
    decisions.unschedule(c.fonds, c.actor, c.application_id)


@USE_CASES.implements
def jury_decision(c: StepCall) -> None:
    outcome = decisions.jury_outcome_of(c.fonds, c.actor, c.application_id, c.trigger)  # its `jury_outcome`
    if outcome is None:
        raise InvalidInput(STEP_GONE)
    if outcome == decisions.DEFER:  # a deferral decides nothing: no vote record needed
        decisions.record_jury_deferral(c.fonds, c.actor, c.application_id, reason=c.reason or None)
        return
    paper = c.given.paper
    if paper is None:  # the jury's own votes close the item in its session (fondsengine.jury.closing)
        raise InvalidInput(decisions.VOTES_MISSING, field="yes")
    item_id = jury_paper.open_item_of(c.fonds, c.application_id)
    if item_id is None:
        raise InvalidInput("Der Antrag steht auf keiner offenen Tagesordnung der Jury.")
    jury_paper.close_item_on_paper(
        c.fonds,
        c.actor,
        item_id,
        yes=paper.yes,
        no=paper.no,
        abstain=paper.abstain,
        protocol=paper.protocol,
        left_room=paper.left_room,
        chair_casting=paper.chair_casting,
        expected=PAPER_RESULT.get(outcome),
        amount_cents=c.given.amount_cents,
        conditions=c.given.conditions,
        reason=c.reason or None,
    )


@USE_CASES.implements
def city_grant(c: StepCall) -> None:
    decisions.record_city_grant(
        c.fonds,
        c.actor,
        c.application_id,
        granted_on=c.given.day or date.min,
        grant_file_number=c.given.file_number,
        amount_cents=c.given.amount_cents,
        reason=c.reason or None,
    )


@USE_CASES.implements
def city_reject(c: StepCall) -> None:
    decisions.record_city_rejection(c.fonds, c.actor, c.application_id, c.reason)


@USE_CASES.implements
def record_payment(c: StepCall) -> None:
    payments.record_payment(
        c.fonds,
        c.actor,
        c.application_id,
        amount_cents=c.given.amount_cents or 0,
        kind=c.given.kind,
        payment_id=c.given.payment_id,
    )


@USE_CASES.implements
def return_proof(c: StepCall) -> None:
    proofs.return_proof(c.fonds, c.actor, c.application_id, c.reason)


@USE_CASES.implements
def accept_proof(c: StepCall) -> None:
    proofs.accept_proof(c.fonds, c.actor, c.application_id)


@USE_CASES.implements
def claim_refund(c: StepCall) -> None:
    proofs.claim_refund(c.fonds, c.actor, c.application_id, amount_cents=c.given.amount_cents, reason=c.reason)


@USE_CASES.implements
def record_refund(c: StepCall) -> None:
    proofs.record_refund(c.fonds, c.actor, c.application_id, amount_cents=c.given.amount_cents or 0)


@USE_CASES.implements
def close(c: StepCall) -> None:
    proofs.close(c.fonds, c.actor, c.application_id)


@USE_CASES.implements
def lapse(c: StepCall) -> None:
    proofs.lapse(c.fonds, c.actor, c.application_id)


@USE_CASES.implements
def submit(c: StepCall) -> None:
    applications.submit(c.fonds, c.actor, c.application_id)


@USE_CASES.implements
def resubmit(c: StepCall) -> None:
    applications.resubmit(c.fonds, c.actor, c.application_id)


@USE_CASES.implements
def withdraw(c: StepCall) -> None:
    applications.withdraw(c.fonds, c.actor, c.application_id, reason=c.reason or None)


# a declared office use case without its function: a step would fail when taken (the others are taken
# on their own pages: the applicant's proof of use, the granting body's pages)
if [n for n in USE_CASES.missing() if n in OFFICE_USE_CASES]:
    raise RuntimeError(f"use cases declared but not implemented: {USE_CASES.missing()}")
