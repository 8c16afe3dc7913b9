"""Refund claims racing on PostgreSQL, several processes: no deadlock reaches anyone, each claim is booked once.

A claim before the proof of use touches two budget years when the application's year (which keeps the sum
of its claims, `budget_years.refund_claimed_cents`) is not the year of its commitment (where the rest is
released). Half of the applications here have their commitment in 2027 and their year in 2026, the other
half the other way round, so claims taking the years in the order they book them would wait for each other
in a circle; `claim_refund` locks the application and then both years in ascending order before it checks
anything. Every application is claimed by two processes at once (one wins, the other is refused in
German), while other processes book payments on the same two years.
"""

from __future__ import annotations

import multiprocessing
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from fondsengine import ledger
from fondsengine.clock import FixedClock
from fondsengine.config import load_settings
from fondsengine.db import open_database
from fondsengine.engine import Actor, Engine
from fondsengine.errors import FondsError
from fondsengine.integrity.check import verify
from fondsengine.model import Application, BudgetYear, LedgerEntry, Refund
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from tests.support.factories import QF, person, quartiersfonds_input, with_bank_account
from tests.support.journey import Journey

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CLAIMED = 8  # applications claimed (each by two processes at once)
PAID = 4  # applications whose payment is booked during the race
RACERS = 6
CLAIM = 10_000  # 100 € claimed back of each advance


def _set_year(fonds: Engine, app_id: int, year: int) -> None:
    """Move an application to another budget year (as an office correction of old data would)."""
    with fonds.unit_of_work() as uow:
        app = uow.session.get(Application, app_id)
        assert app is not None
        app.budget_year = year  # through the ORM: the counter table follows (applications/counts.py)
        uow.commit()


def _racer(url: str, instance: str, now: datetime, office_id: int, jobs: list[tuple[str, int]], barrier: Any,
           results: Any) -> None:  # fmt: skip
    """One process with its own engine and connections: wait for the others, then take its jobs in order."""
    settings = load_settings(environ={}, database_url=url, instance_path=instance)
    fonds = Engine(db=open_database(url), settings=settings, clock=FixedClock(now))
    office = Actor(office_id)
    try:
        barrier.wait(120)
        for job, app_id in jobs:
            try:
                if job == "claim":
                    proofs.claim_refund(fonds, office, app_id, amount_cents=CLAIM, reason="Zu viel gezahlt")
                else:
                    allowance = payments.payment_allowance(fonds, office, app_id)
                    payments.record_payment(fonds, office, app_id, amount_cents=allowance.payable_cents,
                                            kind="advance")  # fmt: skip
                results.put((job, app_id, "ok"))
            except FondsError as exc:  # a refusal the user reads (German)
                results.put((job, app_id, f"refused: {exc}"))
            except Exception as exc:  # a deadlock or any other database error: reported and failed in the test
                results.put((job, app_id, f"error {type(exc).__name__}: {exc}"))
    finally:
        fonds.db.dispose()


@pytest.mark.parametrize("fonds", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_claims_racing_on_two_budget_years_never_deadlock_and_are_booked_once(fonds: Engine, tmp_path: Path) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    data = quartiersfonds_input()
    assert data.project_start is not None and data.project_start.year == 2027

    def journey(n: int) -> Journey:
        applicant = person(fonds, f"Person {n}", f"person{n}@example.org")
        return Journey(fonds, office=office, applicant=applicant, fund=QF, data=data)

    claimed: dict[int, tuple[int, int]] = {}  # application -> (its commitment's year, its year)
    for n in range(CLAIMED):
        walk = journey(n)
        app_id = walk.to("on_agenda")
        if n % 2:  # committed and paid in 2026, the claims' sum in 2027
            _set_year(fonds, app_id, 2026)
            walk.to("paid", app_id)
            _set_year(fonds, app_id, 2027)
            claimed[app_id] = (2026, 2027)
        else:  # committed and paid in 2027, the claims' sum in 2026
            walk.to("paid", app_id)
            _set_year(fonds, app_id, 2026)
            claimed[app_id] = (2027, 2026)
    to_pay = []
    for n in range(CLAIMED, CLAIMED + PAID):
        walk = journey(n)
        app_id = walk.to("on_agenda")
        if n % 2:
            _set_year(fonds, app_id, 2026)
        to_pay.append(walk.to("approved", app_id))
        with_bank_account(fonds, office, app_id)
    with fonds.db.read() as s:
        before = {a: ledger.application_balance(s, a) for a in claimed}
        releases_before = s.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "release"))
    assert all(b.paid_net > CLAIM and b.committed > b.paid_net for b in before.values())

    jobs = [("claim", a) for a in claimed for _ in range(2)] + [("pay", a) for a in to_pay]
    random.Random(11).shuffle(jobs)
    url = fonds.db.engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(RACERS), ctx.Queue()
    procs = [
        ctx.Process(
            target=_racer,
            args=(
                url,
                str(tmp_path / "instance"),
                fonds.clock.now(),
                office.user_id,
                jobs[i::RACERS],
                barrier,
                results,
            ),
        )
        for i in range(RACERS)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=300) for _ in jobs]
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)

    errors = [o for o in outcomes if o[2].startswith("error")]
    assert errors == []  # no database error reached a user
    # nor a deadlock the unit of work turned into "done at the same time by someone else" (engine.RACE_MESSAGE):
    # with the years locked in the order they are booked, claims of both halves refuse each other this way
    assert not [o for o in outcomes if "gleichzeitig" in o[2]]
    for app_id in claimed:
        won = sorted(o[2] for o in outcomes if o[:2] == ("claim", app_id))
        assert won[0] == "ok" and won[1].startswith("refused: ") and "Rückforderung stellen" in won[1], won
    assert sorted(a for job, a, o in outcomes if job == "pay" and o == "ok") == sorted(to_pay)

    with fonds.db.read() as s:
        refunds = s.execute(select(Refund.application_id, Refund.claimed_cents).order_by(Refund.application_id)).all()
        assert [tuple(r) for r in refunds] == [(a, CLAIM) for a in sorted(claimed)]  # each claim once
        releases = s.execute(
            select(LedgerEntry.application_id, LedgerEntry.budget_year, LedgerEntry.amount_cents)
            .where(LedgerEntry.kind == "release")
            .order_by(LedgerEntry.id)
        ).all()[releases_before:]
        expected = {
            a: (commitment_year, before[a].committed - (before[a].paid_net - CLAIM))
            for a, (commitment_year, _year) in claimed.items()
        }
        assert {a: (y, c) for a, y, c in releases} == expected and len(releases) == CLAIMED
        settled = {i: c for i, c in s.execute(select(Application.id, Application.settled_cents))}
        assert all(settled[a] == before[a].paid_net - CLAIM for a in claimed)
        for year in (2026, 2027):
            assert ledger.balance(s, QF, year) == ledger.balance_from_entries(s, QF, year)
    with fonds.db.engine.connect() as conn:
        claims = ledger.fold_claims(conn)
    assert claims == {(QF, 2026): CLAIM * CLAIMED // 2, (QF, 2027): CLAIM * CLAIMED // 2}
    with fonds.db.read() as s:
        stored = {
            (f, y): c
            for f, y, c in s.execute(select(BudgetYear.fund_id, BudgetYear.year, BudgetYear.refund_claimed_cents))
            if c
        }
    assert stored == claims  # the running sums equal the fold
    assert not [f for f in verify(fonds).findings if f.check == "summen"]
