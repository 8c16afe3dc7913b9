"""Concurrent writers never chain onto the same predecessor: one unbroken chain, in commit order.

Twenty threads, each with its own unit of work (own session and connection), write audit
events and ledger bookings at the same time; on PostgreSQL their ids come from sequences and
commit out of order, so the chain must follow the order of the chain lock, not the ids.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine import ledger
from fondsengine.clock import FixedClock
from fondsengine.engine import Actor, Engine
from fondsengine.integrity.check import verify
from fondsengine.lifecycle.audit import record
from fondsengine.model import AuditEvent, BudgetYear, LedgerEntry
from tests.conftest import make_fonds
from tests.support.factories import QF

WRITERS = 20
ROUNDS = 5


def _write(fonds: Engine, n: int, r: int, pause: float, *, booking: bool) -> None:
    """One unit of work: an audit event, a pause (others interleave), maybe a booking, commit."""
    with fonds.unit_of_work() as uow:
        now = fonds.clock.now()
        record(uow.session, actor=Actor.scheduler(), role="system", action="test_write", at=now, data={"n": n, "r": r})
        uow.session.flush()
        time.sleep(pause)
        if booking:
            ledger.book(
                uow.session,
                fund_id=QF,
                year=2099,
                kind="allocation",
                amount_cents=100 + n,
                at=now,
                actor_id=None,
                note=f"Test {n}/{r}",
            )
        uow.commit()


def test_twenty_concurrent_writers_produce_one_unbroken_chain_of_each_kind(fonds: Engine) -> None:
    with fonds.unit_of_work() as uow:  # every booking needs its budget year (its lock and running totals)
        uow.session.add(BudgetYear(fund_id=QF, year=2099, lock_version=0))
        uow.commit()
    with fonds.db.read() as s:
        audit_before = len(s.scalars(select(AuditEvent.id)).all())
        ledger_before = len(s.scalars(select(LedgerEntry.id)).all())
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    rng = random.Random(10)
    pauses = [[rng.uniform(0, 0.02) for _ in range(ROUNDS)] for _ in range(WRITERS)]

    def run(n: int) -> None:
        try:
            barrier.wait()
            for r in range(ROUNDS):
                _write(fonds, n, r, pauses[n][r], booking=n % 2 == 0)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    report = verify(fonds)
    assert report.findings == []
    chains = {c.name: c for c in report.chains}
    assert chains["audit"].rows == audit_before + WRITERS * ROUNDS
    assert chains["ledger"].rows == ledger_before + WRITERS // 2 * ROUNDS
    with fonds.db.read() as s:
        seqs = s.scalars(select(AuditEvent.chain_seq).order_by(AuditEvent.chain_seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))


@pytest.fixture
def pg_fonds(pg_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Engine]:
    f = make_fonds(pg_url, clock, tmp_path)
    yield f
    f.db.dispose()


@pytest.mark.postgres
def test_a_row_with_a_lower_id_that_commits_later_is_chained_after_the_higher_id(pg_fonds: Engine) -> None:
    fonds = pg_fonds
    inserted, release = threading.Event(), threading.Event()
    ids: dict[str, int] = {}

    def slow() -> None:
        with fonds.unit_of_work() as uow:
            ev = record(uow.session, actor=Actor.scheduler(), role="system", action="slow", at=fonds.clock.now())
            uow.session.flush()
            ids["slow"] = ev.id
            inserted.set()
            release.wait(30)
            uow.commit()

    t = threading.Thread(target=slow)
    t.start()
    assert inserted.wait(30)
    with fonds.unit_of_work() as uow:
        ev = record(uow.session, actor=Actor.scheduler(), role="system", action="fast", at=fonds.clock.now())
        uow.session.flush()
        ids["fast"] = ev.id
        uow.commit()
    release.set()
    t.join(30)
    assert ids["slow"] < ids["fast"]
    with fonds.db.read() as s:
        seq = dict(s.execute(select(AuditEvent.id, AuditEvent.chain_seq).where(AuditEvent.id.in_(ids.values()))).all())
    assert seq[ids["fast"]] + 1 == seq[ids["slow"]]
    assert verify(fonds).ok


def test_a_savepoint_does_not_seal_early_and_a_rolled_back_one_leaves_no_gap(fonds: Engine) -> None:
    with fonds.unit_of_work() as uow:
        s, now = uow.session, fonds.clock.now()
        kept = record(s, actor=Actor.scheduler(), role="system", action="kept", at=now)
        savepoint = s.begin_nested()
        inner = record(s, actor=Actor.scheduler(), role="system", action="inner", at=now)
        savepoint.commit()
        savepoint = s.begin_nested()
        record(s, actor=Actor.scheduler(), role="system", action="dropped", at=now)
        s.flush()
        savepoint.rollback()
        # released savepoints leave the rows unsealed: the chain lock is taken only at the real commit
        assert s.scalars(select(AuditEvent.chain_seq).where(AuditEvent.id.in_([kept.id, inner.id]))).all() == [
            None,
            None,
        ]
        uow.commit()
    with fonds.db.read() as s:
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.chain_seq.desc()).limit(2)).all()
    assert actions == ["inner", "kept"]
    assert verify(fonds).ok
