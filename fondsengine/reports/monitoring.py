"""Monitoring figures of a fund's year for the evaluation (office and auditors): counts by outcome,
amounts, the time from submission to decision and to the first payment (median and p90, days), the
cost categories of the funded projects, whom they reached, and first-time against repeat applicants.

"Funded" is asked of each application's bound workflow (`State.outcome` approved or completed), as the
public statistics do; a repeat applicant is one who applied to the same fund in an earlier budget year
or whose application continues an earlier funded project (`continues_id`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.lifecycle import authz
from fondsengine.model import Application, CostItem, Payment, ProofOfUse, Receipt
from fondsengine.public.projects import FUNDED_OUTCOMES
from fondsengine.public.stats import YearStatistics, year_statistics
from fondsengine.reports.figures import LABELS

READERS = ("manager", "auditor", "system")


def quantile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between order statistics (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class Duration:
    """Days between two events over the applications that have both."""

    count: int
    median_days: float | None
    p90_days: float | None


def _duration(days: list[float]) -> Duration:
    m, p = quantile(days, 0.5), quantile(days, 0.9)
    return Duration(len(days), round(m, 1) if m is not None else None, round(p, 1) if p is not None else None)


@dataclass(frozen=True)
class CategoryFigure:
    """One cost category over the funded projects of the year."""

    category: str
    label: str
    applications: int  # funded applications planning costs in this category
    planned_cents: int  # their planned costs in it
    accepted_cents: int  # receipts in it recognised with an accepted proof of use


@dataclass(frozen=True)
class Reach:
    """Whom the funded projects of the year reached."""

    funded: int
    participants_expected: int  # as planned in the applications
    participants_reached: int  # as reported with the proof of use
    reporting: int  # funded projects that reported participants
    volunteer_hours: Decimal  # volunteer hours declared as own contribution


@dataclass(frozen=True)
class ApplicantMix:
    """Distinct applicants of the year's submitted applications."""

    first_time: int
    repeat: int


@dataclass(frozen=True)
class MonitoringFigures:
    """The figures of one fund's year."""

    stats: YearStatistics
    to_decision: Duration
    to_payment: Duration
    categories: tuple[CategoryFigure, ...] = ()
    reach: Reach = Reach(0, 0, 0, 0, Decimal(0))
    applicants: ApplicantMix = ApplicantMix(0, 0)


def _funded(s: Session, fonds: Engine, fund_id: str, year: int) -> Any:
    """A condition selecting the year's funded applications (the outcome asked of each workflow)."""
    pairs = s.execute(
        select(Application.workflow_version_id, Application.state)
        .where(Application.fund_id == fund_id, Application.budget_year == year)
        .distinct()
    ).all()
    funded = [
        and_(Application.workflow_version_id == wf, Application.state == state)
        for wf, state in pairs
        if fonds.catalog.workflow(s, wf).state(state).outcome in FUNDED_OUTCOMES
    ]
    return and_(Application.fund_id == fund_id, Application.budget_year == year, or_(false(), *funded))


def _categories(s: Session, fonds: Engine, fund_id: str, funded: Any) -> tuple[CategoryFigure, ...]:
    planned = s.execute(
        select(CostItem.category, func.count(func.distinct(CostItem.application_id)), func.sum(CostItem.amount_cents))
        .join(Application, Application.id == CostItem.application_id)
        .where(funded)
        .group_by(CostItem.category)
    ).all()
    recognised = case((Receipt.accepted_cents.is_(None), Receipt.amount_cents), else_=Receipt.accepted_cents)
    accepted: dict[str, Any] = dict(
        s.execute(
            select(Receipt.category, func.sum(recognised))
            .join(ProofOfUse, ProofOfUse.id == Receipt.proof_id)
            .join(Application, Application.id == ProofOfUse.application_id)
            .where(funded, ProofOfUse.status == "accepted", Receipt.status == "accepted")
            .group_by(Receipt.category)
        ).all()
    )
    labels = {c.id: c.label for c in fonds.catalog.current(s, fund_id)[2].costs.categories}
    rows = {cat: (int(n), int(total or 0)) for cat, n, total in planned}
    order = sorted(set(rows) | set(accepted), key=lambda c: (-rows.get(c, (0, 0))[1], c))
    return tuple(
        CategoryFigure(cat, labels.get(cat, cat), *rows.get(cat, (0, 0)), int(accepted.get(cat) or 0))
        for cat in order
    )


def _reach(s: Session, funded: Any) -> Reach:
    row = s.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Application.participants_expected), 0),
            func.coalesce(func.sum(Application.participants_reached), 0),
            func.count(Application.participants_reached),
            func.coalesce(func.sum(Application.volunteer_hours), 0),
        ).where(funded)
    ).one()
    n, expected, reached, reporting, hours = (row[i] or 0 for i in range(5))
    return Reach(int(n), int(expected), int(reached), int(reporting), Decimal(hours).quantize(Decimal("0.01")))


def _applicants(s: Session, fund_id: str, year: int) -> ApplicantMix:
    this = Application.__table__.alias("this")
    earlier = select(Application.id).where(
        Application.fund_id == fund_id,
        Application.budget_year < year,
        Application.submitted_at.is_not(None),
        Application.applicant_id == this.c.applicant_id,
    )
    repeat = or_(this.c.continues_id.is_not(None), earlier.exists())
    rows = s.execute(
        select(this.c.applicant_id, func.max(case((repeat, 1), else_=0)))
        .where(this.c.fund_id == fund_id, this.c.budget_year == year, this.c.submitted_at.is_not(None))
        .group_by(this.c.applicant_id)
    ).all()
    repeats = sum(1 for _, r in rows if r)
    return ApplicantMix(first_time=len(rows) - repeats, repeat=repeats)


def funded_categories_and_reach(
    s: Session, fonds: Engine, fund_id: str, year: int
) -> tuple[tuple[CategoryFigure, ...], Reach]:
    """The cost categories and the reach of the year's funded projects, in the caller's read
    transaction (the yearly overview and the monitoring share this one definition)."""
    funded = _funded(s, fonds, fund_id, year)
    return _categories(s, fonds, fund_id, funded), _reach(s, funded)


def monitoring_figures(fonds: Engine, actor: Actor, fund_id: str, year: int) -> MonitoringFigures:
    """Monitoring figures of a fund's year (the fund's office and auditors only)."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), *READERS)
    return _figures(fonds, fund_id, year)


def public_monitoring_figures(fonds: Engine, fund_id: str, year: int) -> MonitoringFigures:
    """The same figures for everyone, where the guideline publishes them (`transparency.monitoring_public`).
    They are aggregates over the fund's year only; nothing in them names a person or a project."""
    with fonds.db.read() as s:
        if not fonds.catalog.current(s, fund_id)[2].transparency.monitoring_public:
            raise PermissionDenied("Dieser Fonds veröffentlicht keine Monitoring-Kennzahlen.")
    return _figures(fonds, fund_id, year)


def _figures(fonds: Engine, fund_id: str, year: int) -> MonitoringFigures:
    with fonds.db.read() as s:
        categories, reach = funded_categories_and_reach(s, fonds, fund_id, year)
        applicants = _applicants(s, fund_id, year)
        decided = s.execute(
            select(Application.submitted_at, Application.decided_at).where(
                Application.fund_id == fund_id,
                Application.budget_year == year,
                Application.submitted_at.is_not(None),
                Application.decided_at.is_not(None),
            )
        ).all()
        first_paid = (
            select(Payment.application_id, func.min(Payment.paid_at).label("paid_at"))
            .where(Payment.paid_at.is_not(None))
            .group_by(Payment.application_id)
            .subquery()
        )
        paid = s.execute(
            select(Application.submitted_at, first_paid.c.paid_at)
            .join(first_paid, first_paid.c.application_id == Application.id)
            .where(
                Application.fund_id == fund_id, Application.budget_year == year, Application.submitted_at.is_not(None)
            )
        ).all()
    day = 86400.0
    to_decision = [(d - sub).total_seconds() / day for sub, d in decided if sub and d]
    to_payment = [(p - sub).total_seconds() / day for sub, p in paid if sub and p]
    return MonitoringFigures(
        stats=year_statistics(fonds, fund_id, year),
        to_decision=_duration(to_decision),
        to_payment=_duration(to_payment),
        categories=categories,
        reach=reach,
        applicants=applicants,
    )


@dataclass(frozen=True)
class MonitoringRow:
    """One line of the monitoring table, shared by the office page, CSV, XLSX and the public page."""

    section: str
    label: str
    value: int | Decimal | float | None
    unit: str  # count | cents | days | hours


def monitoring_rows(m: MonitoringFigures) -> list[MonitoringRow]:
    """The figures as labelled lines in their order (the one place the German labels live)."""
    st, r, mix = m.stats, m.reach, m.applicants
    out = [
        MonitoringRow("Anträge", "eingegangen", st.received, "count"),
        MonitoringRow("Anträge", "bewilligt", st.approved, "count"),
        MonitoringRow("Anträge", "abgelehnt", st.rejected, "count"),
        MonitoringRow("Anträge", "zurückgezogen", st.withdrawn, "count"),
        MonitoringRow("Anträge", "verfallen", st.lapsed, "count"),
        MonitoringRow("Anträge", "noch offen", st.open, "count"),
        MonitoringRow("Beträge", LABELS["applied"], st.requested_cents, "cents"),
        MonitoringRow("Beträge", LABELS["approved"], st.approved_cents, "cents"),
        MonitoringRow("Beträge", LABELS["committed"], st.committed_cents, "cents"),
        MonitoringRow("Beträge", LABELS["paid_net"], st.paid_cents, "cents"),
        MonitoringRow("Beträge", LABELS["refund_received"], st.refunded_cents, "cents"),
        MonitoringRow("Bearbeitungszeit", "Tage bis zur Entscheidung, Median", m.to_decision.median_days, "days"),
        MonitoringRow("Bearbeitungszeit", "Tage bis zur Entscheidung, 90 %-Quantil", m.to_decision.p90_days, "days"),
        MonitoringRow("Bearbeitungszeit", "Tage bis zur ersten Auszahlung, Median", m.to_payment.median_days, "days"),
        MonitoringRow(
            "Bearbeitungszeit", "Tage bis zur ersten Auszahlung, 90 %-Quantil", m.to_payment.p90_days, "days"
        ),
        MonitoringRow("Erreicht", "geförderte Projekte", r.funded, "count"),
        MonitoringRow("Erreicht", "Teilnehmende geplant", r.participants_expected, "count"),
        MonitoringRow("Erreicht", "Teilnehmende laut Verwendungsnachweis", r.participants_reached, "count"),
        MonitoringRow("Erreicht", "Projekte mit gemeldeten Teilnehmenden", r.reporting, "count"),
        MonitoringRow("Erreicht", "ehrenamtliche Stunden (Eigenleistung)", r.volunteer_hours, "hours"),
        MonitoringRow("Antragstellende", "zum ersten Mal", mix.first_time, "count"),
        MonitoringRow("Antragstellende", "wiederholt", mix.repeat, "count"),
    ]
    for c in m.categories:
        out.append(MonitoringRow(f"Kostenart: {c.label}", "Projekte", c.applications, "count"))
        out.append(MonitoringRow(f"Kostenart: {c.label}", "geplant", c.planned_cents, "cents"))
        out.append(MonitoringRow(f"Kostenart: {c.label}", "anerkannt (Verwendungsnachweis)", c.accepted_cents, "cents"))
    return out
