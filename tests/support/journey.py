"""`Journey.to(state)`: walk an application through its workflow to a state, via the services.

The way is found in the workflow graph (the application's own workflow version), not written by
hand: at each state the journey takes, of the steps the engine offers now (`available_actions`,
so roles and guards decide), the one whose target is nearest to the wanted state and not
visited yet (the file's order breaks ties). Each step is taken through its use case (the
service function), with plain, valid inputs (the full checklist fulfilled, the requested amount
approved, a jury session planned when one is needed; the jury's decisions entered from the paper
protocol, the session opened with the whole jury present), so the walk exercises the same code as
the web pages do.

    journey = Journey(fonds, office=office, applicant=anna, fund=QF, data=quartiersfonds_input())
    app_id = journey.to("on_agenda")            # a new application, submitted, reviewed, scheduled
    journey.to("approved", app_id)               # onwards from where it stands
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.queries import available_actions
from fondsengine.applications.service import ApplicationInput
from fondsengine.engine import Actor, Engine
from fondsengine.model import Application
from fondsengine.payments import service as payments
from fondsengine.workflow.model import Workflow
from tests.support.jury import decide_on_paper

SESSION_AT = datetime(2027, 3, 10, 17, 0, tzinfo=UTC)


@dataclass
class Journey:
    """Who walks (the office and the applicant, optionally a juror) and what is applied for."""

    fonds: Engine
    office: Actor
    applicant: Actor
    fund: str
    data: ApplicationInput
    avoid: tuple[str, ...] = ()  # triggers never taken on the way (e.g. to go through the jury)
    taken: list[str] = field(default_factory=list)  # the steps of the last walk, for messages
    session_id: int | None = None

    def to(self, target: str, app_id: int | None = None) -> int:
        """Walk a new (or the given) application to `target`; return its id."""
        if app_id is None:
            app_id = apps.create_draft(self.fonds, self.applicant, self.fund, self.data)
        self.taken = []
        seen: set[str] = set()
        while (state := self._state(app_id)) != target:
            seen.add(state)
            distance = _distances(self._workflow(app_id), target, self.avoid)
            if state not in distance:
                raise AssertionError(f"{target!r} cannot be reached from {state!r} (taken: {self.taken})")
            step = self._next_step(app_id, state, distance, seen)
            STEPS[step](self, app_id)
            self.taken.append(step)
        return app_id

    def _next_step(self, app_id: int, state: str, distance: dict[str, int], seen: set[str]) -> str:
        workflow = self._workflow(app_id)
        targets = {t.trigger: t.target for t in workflow.transitions if state in t.sources}
        offered = [a for actor in (self.office, self.applicant) for a in available_actions(self.fonds, actor, app_id)]
        usable = [a for a in offered if a.trigger in STEPS and a.trigger not in self.avoid]
        # a step the engine allows now; else one the roles allow whose step function prepares
        # what its guards want (the checklist before completing the review)
        ready = [a for a in usable if a.enabled or a.trigger in PREPARES]
        reachable = [a for a in ready if targets.get(a.trigger) in distance and targets[a.trigger] not in seen]
        if reachable:  # the nearest to the target; the file's order breaks ties
            return min(reachable, key=lambda a: distance[targets[a.trigger]]).trigger
        raise AssertionError(
            f"no step the engine offers now leads from {state!r} towards the target (taken: {self.taken})"
        )

    def _state(self, app_id: int) -> str:
        with self.fonds.db.read() as s:
            app = s.get(Application, app_id)
            assert app is not None
            return app.state

    def _workflow(self, app_id: int) -> Workflow:
        with self.fonds.db.read() as s:
            app = s.get(Application, app_id)
            assert app is not None
            return self.fonds.catalog.workflow(s, app.workflow_version_id)

    def session(self) -> int:
        """The jury session the journey schedules on (planned on first use)."""
        if self.session_id is None:
            self.session_id = decisions.create_session(
                self.fonds, self.office, self.fund, SESSION_AT, "Rathaus, Raum 101"
            )
        return self.session_id


def _distances(workflow: Workflow, target: str, avoid: tuple[str, ...]) -> dict[str, int]:
    """Steps needed from each state to the target (states that cannot reach it are missing)."""
    backward: dict[str, set[str]] = {}
    for t in workflow.transitions:
        if t.trigger not in avoid:
            for source in t.sources:
                backward.setdefault(t.target, set()).add(source)
    distance = {target: 0}
    queue = deque([target])
    while queue:
        state = queue.popleft()
        for before in backward.get(state, set()):
            if before not in distance:
                distance[before] = distance[state] + 1
                queue.append(before)
    return distance


def _complete_review(j: Journey, app_id: int) -> None:
    with j.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        checklist = j.fonds.catalog.guideline(s, app.guideline_version_id).review_checklist
    decisions.record_review(j.fonds, j.office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(j.fonds, j.office, app_id)


def _payment(j: Journey, app_id: int) -> None:
    from tests.support.factories import with_bank_account

    with_bank_account(j.fonds, j.office, app_id)  # no payment without a valid IBAN
    allowance = payments.payment_allowance(j.fonds, j.office, app_id)
    payments.record_payment(j.fonds, j.office, app_id, amount_cents=allowance.payable_cents, kind="advance")


PREPARES = frozenset({"complete_review"})  # steps whose function first makes their guards pass

# trigger -> how the journey takes it (through the service of its use case)
STEPS: dict[str, Callable[[Journey, int], object]] = {
    "submit": lambda j, i: apps.submit(j.fonds, j.applicant, i),
    "resubmit": lambda j, i: apps.resubmit(j.fonds, j.applicant, i),
    "withdraw": lambda j, i: apps.withdraw(j.fonds, j.applicant, i, reason="Auf eigenen Wunsch."),
    "start_review": lambda j, i: decisions.start_review(j.fonds, j.office, i),
    "request_changes": lambda j, i: decisions.request_changes(j.fonds, j.office, i, "Bitte die Kosten erläutern."),
    "complete_review": _complete_review,
    "decide_approve": lambda j, i: decisions.decide_approve(j.fonds, j.office, i),
    "decide_reject": lambda j, i: decisions.decide_reject(j.fonds, j.office, i, "Passt nicht zur Richtlinie."),
    "schedule": lambda j, i: decisions.schedule(j.fonds, j.office, i, j.session()),
    # the jury's decisions with their vote record: the office enters the paper protocol
    "jury_approve": lambda j, i: decide_on_paper(j.fonds, j.office, i, "approve"),
    "jury_recommend": lambda j, i: decide_on_paper(j.fonds, j.office, i, "recommend"),
    "jury_reject": lambda j, i: decide_on_paper(j.fonds, j.office, i, "reject", reason="Abgelehnt."),
    "city_grant": lambda j, i: decisions.record_city_grant(
        j.fonds, j.office, i, granted_on=date(2027, 3, 20), grant_file_number="S-2027-1"
    ),
    "city_reject": lambda j, i: decisions.record_city_rejection(j.fonds, j.office, i, "Kein Geld."),
    "record_payment": _payment,
}
