"""Public statistics of a fund's year: counts by outcome and amounts (aggregates only, nothing personal).

Outcomes are asked of each application's bound workflow (`State.outcome`), never spelled as state names.
The amounts are the office's figures (`reports.figures`, one definition of each): applied for,
approved (grant decisions), committed (approved minus released), paid (net of money paid back)
and paid back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from fondsengine.engine import Engine
from fondsengine.errors import NotFound
from fondsengine.model import Application, Fund
from fondsengine.reports.figures import year_figures

OUTCOMES = ("approved", "completed", "rejected", "withdrawn", "lapsed")


@dataclass(frozen=True)
class YearStatistics:
    """Counts and sums of one fund's budget year."""

    fund_id: str
    year: int
    received: int  # submitted applications
    approved: int  # funded (approved or completed)
    rejected: int
    withdrawn: int
    lapsed: int
    open: int  # submitted, not yet decided
    requested_cents: int  # applied for, over all submitted applications (figures: applied)
    approved_cents: int  # grant decisions of the year (figures: approved)
    paid_cents: int  # paid out net of money paid back (figures: paid_net)
    committed_cents: int = 0  # approved minus released (figures: committed)
    refunded_cents: int = 0  # paid back (figures: refund_received)


def year_statistics(fonds: Engine, fund_id: str, year: int) -> YearStatistics:
    """Statistics of a fund's year from the applications and the ledger."""
    counts = dict.fromkeys(OUTCOMES, 0)
    received = open_ = 0
    with fonds.db.read() as s:
        fund = s.get(Fund, fund_id)
        if fund is None or not fund.active:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        rows = s.execute(
            select(
                Application.workflow_version_id,
                Application.state,
                func.count(),
            )
            .where(
                Application.fund_id == fund_id,
                Application.budget_year == year,
                Application.submitted_at.is_not(None),
            )
            .group_by(Application.workflow_version_id, Application.state)
        ).all()
        for wf_id, state, n in rows:
            outcome = fonds.catalog.workflow(s, wf_id).state(state).outcome
            received += int(n)
            if outcome in counts:
                counts[outcome] += int(n)
            else:
                open_ += int(n)
        money = year_figures(s, fund_id, year)
    return YearStatistics(
        fund_id=fund_id,
        year=year,
        received=received,
        approved=counts["approved"] + counts["completed"],
        rejected=counts["rejected"],
        withdrawn=counts["withdrawn"],
        lapsed=counts["lapsed"],
        open=open_,
        requested_cents=money.applied,
        approved_cents=money.approved,
        paid_cents=money.paid_net,
        committed_cents=money.committed,
        refunded_cents=money.refund_received,
    )


def budget_years(fonds: Engine, fund_id: str) -> tuple[int, ...]:
    """The budget years the fund's current guideline declares."""
    with fonds.db.read() as s:
        g = fonds.catalog.current(s, fund_id)[2]
    return tuple(sorted(by.year for by in g.budget.years))
