"""No overspend under concurrency: 20 jury approvals race for a budget that fits only some.

Each thread runs the real use case, the office entering the jury's decision from the paper
protocol (`jury_paper.close_item_on_paper`, the session opened with the jury before the race), in
its own unit of work (its own session and connection); a barrier lets them start together. The budget year is
serialised by `ledger.lock_year` (a guarded UPDATE: a row lock on PostgreSQL, the write
lock taken at BEGIN IMMEDIATE on SQLite), so exactly the approvals that fit go through.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fondsengine import ledger
from fondsengine.accounts.users import create_user
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor, Engine
from fondsengine.errors import GuardFailed
from fondsengine.model import AgendaItem, Application, AuditEvent, LedgerEntry, Letter
from tests.support.factories import QF, person, quartiersfonds_input
from tests.support.jury import decide_on_paper, open_item_with_jury

RACERS = 20
YEAR = 2027
BUDGET = 2_000_000  # 20.000 € for 2027 in richtlinien/witten-quartiersfonds.yaml


@dataclass(frozen=True)
class Outcome:
    application_id: int
    error: BaseException | None


def _applicant(fonds: Engine, n: int) -> Actor:
    """A separate applicant per application, so the per-applicant cap never interferes."""
    uid = create_user(fonds, name=f"Antragstellerin {n}", email=f"person{n}@example.org", confirmed=True)
    return Actor(uid)


def _on_agenda(fonds: Engine, office: Actor, session_id: int, n: int, amount: int) -> int:
    """Create, submit, review and schedule one application asking for `amount`."""
    applicant = _applicant(fonds, n)
    data = quartiersfonds_input(
        title=f"Nachbarschaftsprojekt Nr. {n}",
        requested_cents=amount,
        cost_items=(apps.CostItemInput("material", "Material und Ausstattung", amount),),
    )
    app_id = apps.create_draft(fonds, applicant, QF, data)
    apps.submit(fonds, applicant, app_id)
    decisions.start_review(fonds, office, app_id)
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(fonds, office, app_id)
    decisions.schedule(fonds, office, app_id, session_id)
    return app_id


def _race(fonds: Engine, office: Actor, app_ids: list[int]) -> list[Outcome]:
    """Approve all applications at once from one thread each; collect what happened."""
    barrier = threading.Barrier(len(app_ids))
    outcomes: dict[int, BaseException | None] = {}
    lock = threading.Lock()

    def approve(app_id: int) -> None:
        error: BaseException | None = None
        barrier.wait()
        try:
            decide_on_paper(fonds, office, app_id, "approve")
        except Exception as exc:  # every failure is inspected below
            error = exc
        with lock:
            outcomes[app_id] = error

    threads = [threading.Thread(target=approve, args=(i,), name=f"approve-{i}") for i in app_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "an approval thread hangs"
    return [Outcome(i, outcomes[i]) for i in app_ids]


# (approvals booked before the race, their amount, amount of each racing application)
ROUNDS = [
    pytest.param(0, 0, 300_000, id="6-of-20-fit-2000-euro-stay-free"),
    pytest.param(0, 0, 250_000, id="8-of-20-fit-the-budget-exactly"),
    pytest.param(3, 300_000, 170_000, id="after-3-approvals-6-of-20-fit"),
]


@pytest.mark.parametrize(("before", "before_amount", "amount"), ROUNDS)
def test_concurrent_jury_approvals_never_overspend_and_approve_exactly_what_fits(
    fonds: Engine, before: int, before_amount: int, amount: int
) -> None:
    office = person(fonds, "Büro mitten@witten", "buero@example.org", (QF, "manager"))
    session_id = decisions.create_session(
        fonds, office, QF, datetime(2027, 3, 10, 17, 0, tzinfo=UTC), "Rathaus, Raum 101"
    )
    for n in range(before):
        earlier = _on_agenda(fonds, office, session_id, 100 + n, before_amount)
        decide_on_paper(fonds, office, earlier, "approve")
    app_ids = [_on_agenda(fonds, office, session_id, n, amount) for n in range(RACERS)]
    open_item_with_jury(fonds, office, app_ids[0])  # the jury seated and the session opened before the race
    with fonds.db.read() as s:
        free_before = ledger.balance(s, QF, YEAR).free
    assert free_before == BUDGET - before * before_amount
    fits = min(RACERS, free_before // amount)
    assert 0 < fits < RACERS

    outcomes = _race(fonds, office, app_ids)

    unexpected = [o for o in outcomes if o.error and not isinstance(o.error, GuardFailed)]
    assert unexpected == [], f"approvals failed for another reason than the budget: {unexpected!r}"
    approved = sorted(o.application_id for o in outcomes if o.error is None)
    refused = sorted(o.application_id for o in outcomes if o.error is not None)
    assert len(approved) == fits
    assert all("reicht nicht" in str(o.error) for o in outcomes if o.error is not None)

    with fonds.db.read() as s:
        bal = ledger.balance(s, QF, YEAR)
        states = dict(s.execute(select(Application.id, Application.state).where(Application.id.in_(app_ids))).all())
        booked = sorted(
            s.scalars(select(LedgerEntry.application_id).where(LedgerEntry.application_id.in_(app_ids))).all()
        )
        approve_events = sorted(
            s.scalars(
                select(AuditEvent.application_id).where(
                    AuditEvent.application_id.in_(app_ids), AuditEvent.action == "jury_approve"
                )
            ).all()
        )
        letters = sorted(
            s.scalars(
                select(Letter.application_id).where(Letter.application_id.in_(app_ids), Letter.kind == "approval")
            ).all()
        )
        open_items = sorted(
            s.scalars(
                select(AgendaItem.application_id).where(
                    AgendaItem.application_id.in_(app_ids), AgendaItem.status == "open"
                )
            ).all()
        )

    assert bal.committed == before * before_amount + fits * amount
    assert bal.committed <= bal.available == BUDGET
    assert bal.free == free_before - fits * amount
    assert bal.free < amount  # nothing refused would still have fitted
    assert {i: states[i] for i in approved} == dict.fromkeys(approved, "approved")
    assert {i: states[i] for i in refused} == dict.fromkeys(refused, "on_agenda")
    assert booked == approved  # one commitment per approval, none for the refused
    assert approve_events == approved
    assert letters == approved
    assert open_items == refused  # the refused stay on the agenda for the jury's next try
