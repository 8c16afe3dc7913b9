"""The dashboard's budget-year and due-soon statements (issue 19, 100,000 applications).

- The refund claims of a fund year are a running sum on `budget_years` (`refund_claimed_cents`), kept
  by `proofs.claim_refund` in the claim's transaction; `ledger.fold_claims` is the reference,
  `fondsengine verify` names a year whose sum differs, `ledger.rebuild_totals` and migration 0032
  fill it from the refunds.
- The proofs due soon and the grants lapsing soon are one ordered range per state, merged by
  (date, id) and cut at 40: the same list as one range over all the list's states.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import select, update

from fondsengine import ledger
from fondsengine.accounts.users import create_user
from fondsengine.applications import service as apps
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.integrity.check import verify
from fondsengine.migrate import alembic_config
from fondsengine.model import Application, BudgetYear, Refund
from fondsengine.reports import figures
from fondsengine.reports.attention import LIST_LIMIT, attention
from fondsengine.workflow.model import Workflow
from tests.support.factories import QF, quartiersfonds_input


def _drafts(fonds: Engine, n: int) -> list[int]:
    uid = create_user(fonds, name="Anna Beispiel", email="anna@example.org", confirmed=True)
    return [apps.create_draft(fonds, Actor(uid), QF, quartiersfonds_input(title=f"Projekt {i}")) for i in range(n)]


def _claims_behind_the_engine(fonds: Engine, claims: list[tuple[int, int]]) -> int:
    """Refund rows written without `claim_refund` (as a bulk load would); returns their year."""
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    with fonds.unit_of_work() as uow:
        s = uow.session
        year = int(s.scalar(select(Application.budget_year).where(Application.id == claims[0][0])) or 0)
        if s.scalar(select(BudgetYear.id).where(BudgetYear.fund_id == QF, BudgetYear.year == year)) is None:
            s.add(BudgetYear(fund_id=QF, year=year, lock_version=0))
        for app_id, cents in claims:
            s.add(Refund(application_id=app_id, fund_id=QF, claimed_cents=cents, received_cents=0, reason="Test",
                         due_on=date(2026, 12, 2), claimed_at=at))  # fmt: skip
        uow.commit()
    return year


def _stored_claims(fonds: Engine) -> dict[tuple[str, int], int]:
    with fonds.db.read() as s:
        rows = s.execute(select(BudgetYear.fund_id, BudgetYear.year, BudgetYear.refund_claimed_cents))
        return {(str(f), int(y)): int(c) for f, y, c in rows if c}


def test_a_claim_on_a_year_without_its_budget_row_is_refused_in_german_and_changes_no_sum(fonds: Engine) -> None:
    with fonds.unit_of_work() as uow:
        ledger.add_claim(uow.session, QF, 2027, 1_500)  # the year has its row: the sum grows
        with pytest.raises(InvalidInput) as refused:
            ledger.add_claim(uow.session, QF, 2031, 1_500)
        assert refused.value.message == "Für das Haushaltsjahr 2031 ist in diesem Fonds kein Budget festgelegt."
        uow.commit()
    assert _stored_claims(fonds) == {(QF, 2027): 1_500}
    with fonds.db.read() as s:
        assert s.scalar(select(BudgetYear.id).where(BudgetYear.fund_id == QF, BudgetYear.year == 2031)) is None


def test_verify_names_a_refund_sum_that_differs_and_rebuilding_sets_it_from_the_refunds(fonds: Engine) -> None:
    a, b = _drafts(fonds, 2)
    year = _claims_behind_the_engine(fonds, [(a, 12_000), (b, 3_450), (a, 50)])
    with fonds.db.engine.connect() as conn:
        assert ledger.fold_claims(conn) == {(QF, year): 15_500}
    assert _stored_claims(fonds) == {}
    found = [f for f in verify(fonds).findings if f.check == "summen"]
    assert len(found) == 1 and found[0].table == "budget_years"
    assert f"Haushaltsjahr {year} ({QF})" in found[0].message
    assert "Zurückgefordert 0,00 € statt 155,00 €" in found[0].message
    assert figures.read_year(fonds, QF, year).refund_claimed == 0  # read from the running sum, not the refunds

    with fonds.db.engine.begin() as conn:
        ledger.rebuild_totals(conn)
    assert _stored_claims(fonds) == {(QF, year): 15_500}
    assert not [f for f in verify(fonds).findings if f.check == "summen"]
    assert figures.read_year(fonds, QF, year).refund_claimed == 15_500
    with fonds.db.read() as s:
        per_year = figures.fund_year_figures(s, QF, ("submitted",))
    assert per_year.figures[year].refund_claimed == 15_500
    assert per_year.figures[year].refund_open == 15_500


def test_migration_0032_fills_the_refund_sums_from_the_refunds(fonds: Engine) -> None:
    a, b = _drafts(fonds, 2)
    year = _claims_behind_the_engine(fonds, [(a, 7_000), (b, 800)])
    url = fonds.db.engine.url.render_as_string(hide_password=False)
    fonds.db.dispose()
    cfg = alembic_config(url)
    command.downgrade(cfg, "0031")
    command.upgrade(cfg, "head")
    assert _stored_claims(fonds) == {(QF, year): 7_800}
    assert not [f for f in verify(fonds).findings if f.check == "summen"]


def _reference(
    rows: list[tuple[int, str, date | None]], states: tuple[str, ...], until: date, since: date = date.min
) -> list[int]:
    """The list as one range over all its states: the first 40 by (date, id)."""
    hits = sorted((d, i) for i, st, d in rows if st in states and d is not None and since <= d <= until)
    return [i for _d, i in hits[: LIST_LIMIT * 2]]


def _scene(fonds: Engine, app_id: int) -> tuple[datetime, date, Workflow, int]:
    """Now, today, the fund's workflow and the budget year of the application."""
    now = fonds.clock.now()
    with fonds.db.read() as s:
        _fund, row, _g = fonds.catalog.current(s, QF)
        workflow = fonds.catalog.workflow(s, row.workflow_version_id)
        year = int(s.scalar(select(Application.budget_year).where(Application.id == app_id)) or 0)
    return now, local_date(now), workflow, year


def test_the_due_soon_lists_merge_their_states_ranges_by_date_and_id_and_stop_at_40(fonds: Engine) -> None:
    ids = _drafts(fonds, 64)
    now, today, workflow, year = _scene(fonds, ids[0])
    proof_states = workflow.state_ids(waiting_for="proof")
    lapse_states = workflow.state_ids(guarded_by="lapse_due")
    assert len(proof_states) == 3 and set(lapse_states) <= set(proof_states)  # ranges to merge
    states = (*proof_states, "submitted")
    rows: list[tuple[int, str, date | None, date | None]] = []
    with fonds.unit_of_work() as uow:
        for n, app_id in enumerate(ids):
            state = states[n % len(states)]
            proof = today + timedelta(days=(n * 7) % 23 - 6) if n % 13 else None  # overdue, soon, later; ties
            lapse = today + timedelta(days=(n * 3) % 29 - 2)
            uow.session.execute(
                update(Application)
                .where(Application.id == app_id)
                .values(state=state, proof_due_on=proof, lapse_due_on=lapse)
            )
            rows.append((app_id, state, proof, lapse))
        uow.commit()
    with fonds.db.read() as s:
        att = attention(s, QF, year, today, now, workflow)

    proofs = _reference([(i, st, p) for i, st, p, _l in rows], proof_states, today + timedelta(days=14), today)
    lapsing = _reference([(i, st, lp) for i, st, _p, lp in rows], lapse_states, today + timedelta(days=30))
    assert proofs  # some are due soon, besides the overdue ones
    assert [i.id for i in att.proofs_due] == proofs
    assert all(i.days is not None and 0 <= i.days <= 14 for i in att.proofs_due)
    assert {i.state for i in att.proofs_due} == set(proof_states)
    assert [i.id for i in att.lapsing] == lapsing and lapsing
    item = att.lapsing[0]
    assert item.day == rows[ids.index(item.id)][3] and item.days == (item.day - today).days  # type: ignore[operator]


def test_proofs_due_soon_are_listed_however_many_proofs_are_overdue(fonds: Engine) -> None:
    ids = _drafts(fonds, LIST_LIMIT * 2 + 8)
    now, today, workflow, year = _scene(fonds, ids[0])
    waiting = sorted(workflow.state_ids(waiting_for="proof"))[0]
    overdue, soon = ids[: LIST_LIMIT * 2 + 5], ids[LIST_LIMIT * 2 + 5 :]
    with fonds.unit_of_work() as uow:
        for n, app_id in enumerate(overdue):
            due = today - timedelta(days=1 + n % 30)
            uow.session.execute(
                update(Application).where(Application.id == app_id).values(state=waiting, proof_due_on=due)
            )
        for n, app_id in enumerate(soon):
            due = today + timedelta(days=n * 5)  # today, in 5 and in 10 days
            uow.session.execute(
                update(Application).where(Application.id == app_id).values(state=waiting, proof_due_on=due)
            )
        uow.commit()
    with fonds.db.read() as s:
        att = attention(s, QF, year, today, now, workflow)

    assert [i.id for i in att.proofs_due] == soon
    assert [i.days for i in att.proofs_due] == [0, 5, 10]
