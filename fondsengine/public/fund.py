"""Public read models of a fund: what it is for, how to apply, rounds, next jury session, budget figures.

Everything here is public by definition (no actor, no login): guideline texts, dates and the ledger's
yearly figures. Nothing personal is read. Funded projects are in `fondsengine.public.projects`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.engine import Engine
from fondsengine.errors import NotFound
from fondsengine.guidelines.model import Guideline, Round, SubmissionMode
from fondsengine.guidelines.summary import plain_summary
from fondsengine.model import Fund, JurySession, LedgerEntry

SESSION_CLOSED = ("closed",)


@dataclass(frozen=True)
class BudgetFigures:
    """This year's public budget figures of a fund, in cents (one definition: the ledger fold)."""

    fund_id: str
    year: int
    allocated: int  # the year's pot after carry-over and expiry
    committed: int  # bound to approved grants (paid parts included)
    paid: int  # paid out minus paid back
    free: int  # still available for new grants
    as_of: datetime | None  # time of the newest booking of the year (for Last-Modified)

    @property
    def outstanding(self) -> int:
        """Committed but not (yet) paid."""
        return self.committed - self.paid


def budget_figures(fonds: Engine, fund_id: str, year: int) -> BudgetFigures:
    """The public budget figures of a fund's year, folded from the ledger (`ledger.balance`)."""
    with fonds.db.read() as s:
        fund = s.get(Fund, fund_id)
        if fund is None or not fund.active:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        b = ledger.balance(s, fund_id, year)
        as_of = s.scalar(
            select(func.max(LedgerEntry.booked_at)).where(
                LedgerEntry.fund_id == fund_id, LedgerEntry.budget_year == year
            )
        )
    return BudgetFigures(fund_id, year, b.available, b.committed, b.paid_net, b.free, as_of)


@dataclass(frozen=True)
class JuryDate:
    """A coming jury session: when, where, and the deadline for it where rounds are used."""

    day: date
    place: str
    deadline: date | None


@dataclass(frozen=True)
class FundPage:
    """What the public page of a fund shows."""

    id: str
    name: str
    short_name: str
    summary: str
    sentences: tuple[str, ...]
    legal_basis: str | None
    area_name: str
    applicant_kinds: tuple[str, ...]
    excluded: tuple[str, ...]
    nonprofit_required: bool
    eligible_costs: tuple[str, ...]
    ineligible_costs: tuple[str, ...]
    min_cents: int
    max_cents: int
    submission_mode: str
    rounds: tuple[Round, ...]  # rounds of this and the next year
    next_jury: JuryDate | None
    consultation_required: bool
    min_lead_days: int
    office_name: str
    office_address: tuple[str, ...]
    office_email: str
    office_phone: str | None
    retention_years: int
    retention_clause: str | None
    budget: BudgetFigures | None  # None when the guideline sets no budget for the year
    year: int
    monitoring_public: bool = False  # the guideline publishes the monitoring summary


def active_fund_ids(fonds: Engine) -> list[str]:
    """Ids of the active funds with a current guideline, by name."""
    with fonds.db.read() as s:
        return list(
            s.scalars(
                select(Fund.id).where(Fund.active.is_(True), Fund.current_guideline_id.is_not(None)).order_by(Fund.name)
            )
        )


def current_guideline(fonds: Engine, fund_id: str) -> Guideline:
    """The guideline in force of an active fund, else NotFound."""
    with fonds.db.read() as s:
        return fonds.catalog.current(s, fund_id)[2]


def _next_jury(fonds: Engine, g: Guideline, now: datetime) -> JuryDate | None:
    today = local_date(now)
    with fonds.db.read() as s:
        planned = s.scalars(
            select(JurySession)
            .where(
                JurySession.fund_id == g.fund_id,
                JurySession.starts_at >= now,
                JurySession.circulation.is_(False),
                JurySession.status.not_in(SESSION_CLOSED),
            )
            .order_by(JurySession.starts_at)
            .limit(1)
        ).first()
    rounds = sorted((r for r in g.timing.rounds if r.session_date >= today), key=lambda r: r.session_date)
    if planned is not None:
        day = local_date(planned.starts_at)
        deadline = next((r.deadline for r in rounds if r.session_date == day), None)
        return JuryDate(day, planned.place, deadline)
    if rounds:
        return JuryDate(rounds[0].session_date, "", rounds[0].deadline)
    return None


def fund_page(fonds: Engine, fund_id: str) -> FundPage:
    """The public page of an active fund, as of the engine's clock."""
    g = current_guideline(fonds, fund_id)
    now = fonds.clock.now()
    year = local_date(now).year
    budget = budget_figures(fonds, fund_id, year) if g.budget.for_year(year) else None
    return FundPage(
        id=g.fund_id,
        name=g.name,
        short_name=g.short_name,
        summary=g.summary,
        sentences=tuple(plain_summary(g, year)),
        legal_basis=g.legal_basis,
        area_name=g.area.name,
        applicant_kinds=tuple(k.label for k in g.applicants.kinds),
        excluded=tuple(k.label for k in g.applicants.excluded),
        nonprofit_required=g.applicants.nonprofit_required,
        eligible_costs=tuple(c.label for c in g.costs.categories if c.eligible),
        ineligible_costs=tuple(c.label for c in g.costs.categories if not c.eligible),
        min_cents=g.amounts.min_cents,
        max_cents=g.amounts.max_cents,
        submission_mode=SubmissionMode(g.timing.mode).value,
        rounds=tuple(r for r in g.timing.rounds if r.deadline.year in (year, year + 1)),
        next_jury=_next_jury(fonds, g, now),
        consultation_required=g.timing.prior_consultation_required,
        min_lead_days=g.timing.min_lead_days,
        office_name=g.office.name,
        office_address=tuple(g.office.address),
        office_email=g.office.email,
        office_phone=g.office.phone,
        retention_years=g.retention.years,
        retention_clause=g.retention.clause,
        budget=budget,
        year=year,
        monitoring_public=g.transparency.monitoring_public,
    )


def area_outline(fonds: Engine, fund_id: str) -> tuple[tuple[float, float], ...]:
    """The outline of the fund's area for the public map (empty when the guideline gives none)."""
    with fonds.db.read() as s:
        try:
            return fonds.catalog.current(s, fund_id)[2].area.outline
        except NotFound:
            return ()
