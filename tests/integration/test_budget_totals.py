"""The budget years' running totals and month sums (kept by `ledger.book`) always equal the fold.

A seeded random history of bookings runs through the ledger's own functions (`commit_grant`,
`book`, `counter_book`) and the year-end job's `close_year`, each step in its own unit of work
on SQLite and PostgreSQL; after every step the stored totals and month sums are compared with
the fold over the entries and with an independent model of the history kept by the test.
Refused steps (overspend, a closed year) must leave the totals as they were. `verify` must name
a total or a month sum that was changed behind the engine, and the migration must fill both from
the entries of an existing database. On PostgreSQL several processes race for one budget.
"""

from __future__ import annotations

import multiprocessing
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from fondsengine import ledger
from fondsengine.accounts.users import create_user
from fondsengine.applications import service as apps
from fondsengine.config import load_settings
from fondsengine.db import make_engine, open_database
from fondsengine.engine import Actor, Engine
from fondsengine.errors import BudgetExceeded
from fondsengine.integrity.check import verify
from fondsengine.jobs.housekeeping import close_year
from fondsengine.migrate import upgrade
from fondsengine.model import BudgetYear, LedgerEntry, LedgerMonth
from tests.support.factories import QF, quartiersfonds_input

YEAR = 2040  # a budget year of its own, so the history is the only thing booked in it
NEXT = YEAR + 1
STEPS = 70


def _drafts(fonds: Engine, n: int) -> list[int]:
    """n draft applications (a commitment needs an application; each is committed at most once)."""
    uid = create_user(fonds, name="Anna Beispiel", email="anna@example.org", confirmed=True)
    return [apps.create_draft(fonds, Actor(uid), QF, quartiersfonds_input(title=f"Projekt {i}")) for i in range(n)]


def _open_years(fonds: Engine, *years: int) -> None:
    with fonds.unit_of_work() as uow:
        for y in years:
            uow.session.add(BudgetYear(fund_id=QF, year=y, lock_version=0))
        uow.commit()


def stored(fonds: Engine, year: int) -> tuple[ledger.Balance, dict[date, tuple[int, int]]]:
    """The year's totals and its non-zero month sums as stored."""
    with fonds.db.read() as s:
        months = {
            m: (int(c), int(p))
            for m, c, p in s.execute(
                select(LedgerMonth.month, LedgerMonth.committed_cents, LedgerMonth.paid_cents).where(
                    LedgerMonth.fund_id == QF, LedgerMonth.budget_year == year
                )
            )
            if (c, p) != (0, 0)
        }
        return ledger.balance(s, QF, year), months


def folded(fonds: Engine, year: int) -> tuple[ledger.Balance, dict[date, tuple[int, int]]]:
    """The year's balance and non-zero month sums folded from its entries."""
    with fonds.db.read() as s:
        rows = s.execute(
            select(LedgerEntry.kind, LedgerEntry.amount_cents, LedgerEntry.booked_at).where(
                LedgerEntry.fund_id == QF, LedgerEntry.budget_year == year
            )
        ).all()
        from_sum = ledger.balance_from_entries(s, QF, year)
    balance = ledger.fold((k, int(a)) for k, a, _ in rows)
    assert balance == from_sum
    months = {m: v for m, v in ledger.fold_months((k, int(a), at) for k, a, at in rows).items() if v != (0, 0)}
    return balance, months


@dataclass
class Model:
    """What the test itself expects: the bookings it made (kind, cents, at) per year, and per application."""

    booked: dict[int, list[tuple[str, int, datetime]]] = field(default_factory=lambda: defaultdict(list))
    committed: dict[int, int] = field(default_factory=dict)  # application -> commitments minus releases
    paid: dict[int, int] = field(default_factory=dict)  # application -> payments minus refunds
    entries: list[int] = field(default_factory=list)  # ids of bookings that may be counter-booked
    closed: bool = False

    def add(self, year: int, kind: str, cents: int, at: datetime) -> None:
        self.booked[year].append((kind, cents, at))

    def balance(self, year: int) -> ledger.Balance:
        return ledger.fold((k, c) for k, c, _ in self.booked[year])

    def months(self, year: int) -> dict[date, tuple[int, int]]:
        return {m: v for m, v in ledger.fold_months(self.booked[year]).items() if v != (0, 0)}


def _moment(rnd: random.Random) -> datetime:
    """A booking time in or around the year, often right at a month's end (UTC evening = next month in Berlin)."""
    month = rnd.randint(1, 12)
    start = datetime(YEAR, month, 1, tzinfo=UTC)
    if rnd.random() < 0.4:  # the last hour of the month in UTC: already the next month in Berlin
        nxt = datetime(YEAR + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
        return nxt - timedelta(minutes=rnd.randint(1, 59))
    if rnd.random() < 0.1:
        return datetime(YEAR - 1, 12, 15, 10, tzinfo=UTC)  # booked before the year began
    return start + timedelta(days=rnd.randint(0, 27), hours=rnd.randint(0, 23))


def _step(fonds: Engine, rnd: random.Random, model: Model, free_apps: list[int]) -> str:
    """One random booking (or refused booking) in its own unit of work; returns what was tried."""
    at = _moment(rnd)
    bal = model.balance(YEAR)
    options = ["allocation", "commit", "overspend"]
    if model.committed:
        options += ["release", "payment", "payment"]
    if any(model.paid.values()):
        options.append("refund")
    if model.entries:
        options.append("counter")
    if not model.closed and rnd.random() < 0.03:
        options = ["close"]
    kind = rnd.choice(options)
    with fonds.unit_of_work() as uow:
        s = uow.session
        if kind == "allocation":
            correction = bal.free > 1 and rnd.random() < 0.3  # a correction down, never below what is bound
            cents = -rnd.randint(1, min(50_000, bal.free)) if correction else rnd.randint(1, 200_000)
            e = ledger.book(s, fund_id=QF, year=YEAR, kind="allocation", amount_cents=cents, at=at, actor_id=None)
            model.add(YEAR, "allocation", cents, at)
            model.entries.append(e.id)
        elif kind in ("commit", "overspend"):
            if not free_apps:
                return "none left"
            app_id = free_apps[-1]
            if kind == "commit" and bal.free > 0:
                cents = rnd.randint(1, bal.free)
            else:  # more than is free
                cents = max(bal.free, 0) + rnd.randint(1, 999)
            try:
                e = ledger.commit_grant(
                    s, fund_id=QF, year=YEAR, application_id=app_id, amount_cents=cents, at=at, actor_id=None
                )
            except BudgetExceeded as exc:
                assert cents > bal.free or model.closed, exc
                return f"refused {cents}"  # rolled back with the unit of work
            assert cents <= bal.free and not model.closed
            free_apps.pop()
            model.add(YEAR, "commitment", cents, at)
            model.committed[app_id] = cents
            model.entries.append(e.id)
        elif kind == "release":
            app_id = rnd.choice(sorted(model.committed))
            if model.committed[app_id] <= 0:
                return "nothing to release"
            cents = rnd.randint(1, model.committed[app_id])
            ledger.book(s, fund_id=QF, year=YEAR, kind="release", amount_cents=cents, at=at, actor_id=None,
                        application_id=app_id)  # fmt: skip
            model.add(YEAR, "release", cents, at)
            model.committed[app_id] -= cents
        elif kind == "payment":
            app_id = rnd.choice(sorted(model.committed))
            cents = rnd.randint(1, 80_000)
            e = ledger.book(s, fund_id=QF, year=YEAR, kind="payment", amount_cents=cents, at=at, actor_id=None,
                            application_id=app_id)  # fmt: skip
            model.add(YEAR, "payment", cents, at)
            model.paid[app_id] = model.paid.get(app_id, 0) + cents
            model.entries.append(e.id)
        elif kind == "refund":
            app_id = rnd.choice(sorted(a for a, p in model.paid.items() if p > 0))
            cents = rnd.randint(1, model.paid[app_id])
            ledger.book(s, fund_id=QF, year=YEAR, kind="refund", amount_cents=cents, at=at, actor_id=None,
                        application_id=app_id)  # fmt: skip
            model.add(YEAR, "refund", cents, at)
            model.paid[app_id] -= cents
        elif kind == "counter":
            original = s.get(LedgerEntry, model.entries.pop(rnd.randrange(len(model.entries))))
            assert original is not None
            e = ledger.counter_book(s, original.id, at=at, actor_id=None, note="Korrektur")
            model.add(YEAR, e.kind, e.amount_cents, at)
            if e.application_id is not None and e.kind in ("commitment", "release"):
                model.committed[e.application_id] += e.amount_cents if e.kind == "commitment" else -e.amount_cents
            elif e.application_id is not None and e.kind == "payment":
                model.paid[e.application_id] += e.amount_cents
        elif kind == "close":
            carry = rnd.random() < 0.5
            moved = close_year(uow, QF, YEAR, carry, at)
            if moved:
                if carry:
                    model.add(YEAR, "carry_over", -moved, at)
                    model.add(NEXT, "carry_over", moved, at)
                else:
                    model.add(YEAR, "expiry", moved, at)
            model.closed = True
        uow.commit()
    return kind


@pytest.mark.parametrize("seed", [7, 19])
def test_a_random_history_keeps_the_totals_and_month_sums_equal_to_the_fold_after_every_step(
    fonds: Engine, seed: int
) -> None:
    _open_years(fonds, YEAR, NEXT)
    free_apps = _drafts(fonds, 12)
    rnd, model = random.Random(seed), Model()
    tried: list[str] = []
    for _ in range(STEPS):
        tried.append(_step(fonds, rnd, model, free_apps))
        for year in (YEAR, NEXT):
            totals, months = stored(fonds, year)
            assert (totals, months) == folded(fonds, year), (tried[-5:], year)
            assert (totals, months) == (model.balance(year), model.months(year)), (tried[-5:], year)
    assert {"commit", "release", "payment", "counter", "allocation"} <= set(tried), tried
    assert any(t.startswith("refused") for t in tried), tried
    assert not [f for f in verify(fonds).findings if f.check == "summen"]


def test_a_refused_commitment_leaves_totals_lock_version_and_months_unchanged(fonds: Engine) -> None:
    _open_years(fonds, YEAR)
    [app_id] = _drafts(fonds, 1)
    at = datetime(YEAR, 3, 1, 9, tzinfo=UTC)
    with fonds.unit_of_work() as uow:
        ledger.book(uow.session, fund_id=QF, year=YEAR, kind="allocation", amount_cents=100_000, at=at, actor_id=None)
        uow.commit()
    with fonds.db.read() as s:
        version = s.scalar(select(BudgetYear.lock_version).where(BudgetYear.fund_id == QF, BudgetYear.year == YEAR))
    before = stored(fonds, YEAR)
    with pytest.raises(BudgetExceeded, match=r"frei sind 1\.000,00 €, benötigt werden 1\.000,01 €"), \
            fonds.unit_of_work() as uow:  # fmt: skip
        ledger.commit_grant(uow.session, fund_id=QF, year=YEAR, application_id=app_id, amount_cents=100_001,
                            at=at, actor_id=None)  # fmt: skip
    assert stored(fonds, YEAR) == before
    with fonds.unit_of_work() as uow:  # exactly the free budget fits
        ledger.commit_grant(uow.session, fund_id=QF, year=YEAR, application_id=app_id, amount_cents=100_000,
                            at=at, actor_id=None)  # fmt: skip
        uow.commit()
    totals, months = stored(fonds, YEAR)
    assert (totals.free, totals.committed, months) == (0, 100_000, {date(YEAR, 3, 1): (100_000, 0)})
    with fonds.db.read() as s:
        after = s.scalar(select(BudgetYear.lock_version).where(BudgetYear.fund_id == QF, BudgetYear.year == YEAR))
    assert after == (version or 0) + 1  # the booking took the year's lock once, in its guarded UPDATE


def test_verify_names_a_changed_total_and_a_changed_month_sum(fonds: Engine) -> None:
    _open_years(fonds, YEAR)
    [app_id] = _drafts(fonds, 1)
    at = datetime(YEAR, 5, 31, 22, 30, tzinfo=UTC)  # 1 June in Berlin
    with fonds.unit_of_work() as uow:
        s = uow.session
        ledger.book(s, fund_id=QF, year=YEAR, kind="allocation", amount_cents=500_000, at=at, actor_id=None)
        ledger.commit_grant(s, fund_id=QF, year=YEAR, application_id=app_id, amount_cents=200_000, at=at, actor_id=None)
        ledger.book(s, fund_id=QF, year=YEAR, kind="payment", amount_cents=150_000, at=at, actor_id=None,
                    application_id=app_id)  # fmt: skip
        uow.commit()
    assert not [f for f in verify(fonds).findings if f.check == "summen"]
    with fonds.db.read() as s:
        year_id = s.scalar(select(BudgetYear.id).where(BudgetYear.fund_id == QF, BudgetYear.year == YEAR))
    with fonds.db.engine.begin() as conn:
        conn.execute(
            update(BudgetYear).where(BudgetYear.id == year_id).values(paid_cents=BudgetYear.paid_cents + 1)
        )
        conn.execute(
            update(LedgerMonth)
            .where(LedgerMonth.fund_id == QF, LedgerMonth.budget_year == YEAR)
            .values(committed_cents=LedgerMonth.committed_cents - 100)
        )
    found = [f for f in verify(fonds).findings if f.check == "summen"]
    assert [(f.table, f.row_id) for f in found] == [("budget_years", year_id), ("ledger_months", None)]
    assert f"Haushaltsjahr {YEAR} ({QF})" in found[0].message
    assert "Ausgezahlt 1.500,01 € statt 1.500,00 €" in found[0].message
    assert f"Monat 06/{YEAR}: gebunden 1.999,00 € statt 2.000,00 €" in found[1].message


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_fills_totals_and_months_from_the_existing_entries(
    db: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = request.getfixturevalue("sqlite_url" if db == "sqlite" else "pg_url")
    upgrade(url, "0014")
    engine = make_engine(url)
    rows = [  # (year, kind, cents, booked_at)
        (2026, "allocation", 1_000_000, datetime(2025, 12, 1, 9, tzinfo=UTC)),
        (2026, "commitment", 300_000, datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),  # 1 February in Berlin
        (2026, "release", 50_000, datetime(2026, 2, 10, 9, tzinfo=UTC)),
        (2026, "payment", 200_000, datetime(2026, 3, 3, 9, tzinfo=UTC)),
        (2026, "refund", 20_000, datetime(2026, 3, 20, 9, tzinfo=UTC)),
        (2026, "carry_over", -100_000, datetime(2027, 1, 2, 9, tzinfo=UTC)),
        (2027, "carry_over", 100_000, datetime(2027, 1, 2, 9, tzinfo=UTC)),  # a year without a budget_years row
    ]
    at = datetime(2025, 1, 5, 8, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO funds (id, name, active, created_at) VALUES ('alt', 'Alter Fonds', :t, :at)"),
            {"t": True, "at": at},
        )
        conn.execute(text("INSERT INTO budget_years (fund_id, year, lock_version) VALUES ('alt', 2026, 3)"))
        for year, kind, cents, when in rows:
            conn.execute(
                text(
                    "INSERT INTO ledger_entries (fund_id, budget_year, kind, amount_cents, note, booked_at, chain_seq) "
                    "VALUES ('alt', :y, :k, :c, '', :at, NULL)"
                ),
                {"y": year, "k": kind, "c": cents, "at": when},
            )
    engine.dispose()
    upgrade(url)
    settings = load_settings(environ={}, database_url=url, instance_path=str(tmp_path / "instance"))
    fonds = Engine(db=open_database(url), settings=settings)
    try:
        with fonds.db.read() as s:
            b26, b27 = ledger.balance(s, "alt", 2026), ledger.balance(s, "alt", 2027)
            assert b26 == ledger.balance_from_entries(s, "alt", 2026)
            assert b27 == ledger.balance_from_entries(s, "alt", 2027)
            months = dict(
                ((m.budget_year, m.month), (m.committed_cents, m.paid_cents))
                for m in s.scalars(select(LedgerMonth).where(LedgerMonth.fund_id == "alt"))
            )
        assert (b26.allocated, b26.committed, b26.released, b26.paid, b26.refunded, b26.carried) == (
            1_000_000, 250_000, 50_000, 200_000, 20_000, -100_000,
        )  # fmt: skip
        assert b26.free == 650_000 and b27.available == 100_000
        assert months == {(2026, date(2026, 2, 1)): (250_000, 0), (2026, date(2026, 3, 1)): (0, 180_000)}
        assert not [f for f in verify(fonds).findings if f.check == "summen"]
        with fonds.unit_of_work() as uow:  # bookings go on from the filled totals, also in the added year
            ledger.book(uow.session, fund_id="alt", year=2027, kind="allocation", amount_cents=5, at=at, actor_id=None)
            uow.commit()
        with fonds.db.read() as s:
            assert ledger.balance(s, "alt", 2027).available == 100_005
    finally:
        fonds.db.dispose()


# --- PostgreSQL: processes racing for one budget -------------------------------------------------------------

RACERS = 6
ROUNDS = 4
BUDGET = 1_000_000
AMOUNT = 70_000  # 14 of the 24 commitments fit (980.000 of 1.000.000 cents)


def _racer(url: str, instance: str, app_ids: list[int], barrier: Any, results: Any) -> None:
    """One process: its own engine and connections; wait for the others, then commit its grants."""
    settings = load_settings(environ={}, database_url=url, instance_path=instance)
    fonds = Engine(db=open_database(url), settings=settings)
    try:
        barrier.wait(60)
        for app_id in app_ids:
            try:
                with fonds.unit_of_work() as uow:
                    ledger.commit_grant(uow.session, fund_id=QF, year=YEAR, application_id=app_id,
                                        amount_cents=AMOUNT, at=datetime(YEAR, 4, 1, 9, tzinfo=UTC),
                                        actor_id=None)  # fmt: skip
                    uow.commit()
                results.put((app_id, "ok"))
            except BudgetExceeded:
                results.put((app_id, "refused"))
            except Exception as exc:  # reported to the test and failed there
                results.put((app_id, f"error {type(exc).__name__}: {exc}"))
    finally:
        fonds.db.dispose()


@pytest.mark.parametrize("fonds", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_processes_racing_for_one_budget_never_overspend_and_the_totals_equal_the_fold(
    fonds: Engine, tmp_path: Path
) -> None:
    _open_years(fonds, YEAR)
    with fonds.unit_of_work() as uow:
        ledger.book(uow.session, fund_id=QF, year=YEAR, kind="allocation", amount_cents=BUDGET,
                    at=datetime(YEAR, 1, 1, 9, tzinfo=UTC), actor_id=None)  # fmt: skip
        uow.commit()
    app_ids = _drafts(fonds, RACERS * ROUNDS)
    url = fonds.db.engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(RACERS), ctx.Queue()
    procs = [
        ctx.Process(target=_racer, args=(url, str(tmp_path / "instance"), app_ids[i::RACERS], barrier, results))
        for i in range(RACERS)
    ]
    for p in procs:
        p.start()
    outcomes = dict(results.get(timeout=180) for _ in app_ids)
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert sorted(set(outcomes.values())) == ["ok", "refused"], outcomes
    approved = [a for a, o in outcomes.items() if o == "ok"]
    assert len(approved) == BUDGET // AMOUNT  # exactly what fits, none more
    totals, months = stored(fonds, YEAR)
    assert (totals, months) == folded(fonds, YEAR)
    assert totals.committed == len(approved) * AMOUNT <= totals.available == BUDGET
    assert months == {date(YEAR, 4, 1): (len(approved) * AMOUNT, 0)}
    with fonds.db.read() as s:
        booked = sorted(s.scalars(select(LedgerEntry.application_id).where(LedgerEntry.kind == "commitment",
                                                                           LedgerEntry.budget_year == YEAR)))
    assert booked == sorted(approved)
    assert not [f for f in verify(fonds).findings if f.check == "summen"]
