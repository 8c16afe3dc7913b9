"""How a year's funded projects were financed, for the roll-up to the Land and the annual report.

Per project: the total cost (its cost plan), own funds in money, volunteer work valued at the
hourly rate of the guideline version the application is bound to, other (private and third-party)
funding, the grant, the money paid and the refunds claimed and received. Own funds and other
funding are what the accepted proof of use states (its numerical proof), else the financing plan.
In total: the same sums,
and the fund's share split over its funding sources (guideline `budget.funding_sources`, e.g.
Bund 40 %, Land 40 %, Stadt 20 %) with the largest-remainder rule, so the parts add up to the cent.
Two statements whatever the number of projects. No Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from fondsengine.engine import Engine
from fondsengine.guidelines.calc import hours_value_cents
from fondsengine.guidelines.model import FundingSource, Guideline
from fondsengine.model import Application, CostItem, ProofOfUse
from fondsengine.reports import figures
from fondsengine.reports.model import FinancingSummary

# German labels of the financing figures: the roll-up's PDF and CSV and the annual report use these
LABELS: dict[str, str] = {
    "total_cost": "Gesamtkosten",
    "own_funds": "Eigenmittel",
    "volunteer": "Eigenleistung (bewertet)",
    "other_funding": "Drittmittel und private Mittel",
    "approved": figures.LABELS["approved"],
    "paid": "Ausgezahlt (netto)",
    "refund_claimed": figures.LABELS["refund_claimed"],
    "refund_received": figures.LABELS["refund_received"],
}


def summary_rows(fin: FinancingSummary) -> list[tuple[str, int]]:
    """The totals as (German label, cents), in the order the reports print them."""
    return [
        (LABELS["total_cost"], fin.total_cost_cents),
        (LABELS["own_funds"], fin.own_funds_cents),
        (LABELS["volunteer"], fin.volunteer_cents),
        (LABELS["other_funding"], fin.other_funding_cents),
        (LABELS["approved"], fin.approved_cents),
        (LABELS["paid"], fin.paid_cents),
        (LABELS["refund_claimed"], fin.refund_claimed_cents),
        (LABELS["refund_received"], fin.refund_received_cents),
    ]


@dataclass(frozen=True)
class ProjectFinancing:
    """The financing plan and the refunds of one funded project."""

    total_cost_cents: int
    own_funds_cents: int
    volunteer_cents: int
    other_funding_cents: int
    refund_claimed_cents: int
    refund_received_cents: int


def project_financing(
    fonds: Engine, session: Session, led: Subquery, funded: Select[Any]
) -> dict[int, ProjectFinancing]:
    """Each funded application's financing, by application id (`led`: figures.ledger_by_application)."""
    costs = (
        select(CostItem.application_id.label("app_id"), func.sum(CostItem.amount_cents).label("total"))
        .where(CostItem.application_id.in_(funded))
        .group_by(CostItem.application_id)
        .subquery("plan")
    )
    # the numerical proof, once accepted, states the own money and third-party funds actually had
    proved = (
        select(
            ProofOfUse.application_id.label("app_id"),
            func.max(ProofOfUse.own_funds_cents).label("own"),
            func.max(ProofOfUse.other_funding_cents).label("other"),
        )
        .where(ProofOfUse.status == "accepted", ProofOfUse.application_id.in_(funded))
        .group_by(ProofOfUse.application_id)
        .subquery("proved")
    )
    rows = session.execute(
        select(
            Application.id,
            Application.guideline_version_id,
            func.coalesce(proved.c.own, Application.own_funds_cents),
            Application.volunteer_hours,
            func.coalesce(proved.c.other, Application.other_funding_cents),
            func.coalesce(costs.c.total, 0),
            func.coalesce(led.c.refund_received, 0),
        )
        .outerjoin(costs, costs.c.app_id == Application.id)
        .outerjoin(led, led.c.app_id == Application.id)
        .outerjoin(proved, proved.c.app_id == Application.id)
        .where(Application.id.in_(funded))
    ).all()
    claimed = figures.refund_claims_by_application(session, funded)
    guidelines: dict[int, Guideline] = {}
    out: dict[int, ProjectFinancing] = {}
    for app_id, version_id, own, hours, other, total, received in rows:
        if version_id not in guidelines:
            guidelines[version_id] = fonds.catalog.guideline(session, version_id)
        g = guidelines[version_id]
        out[app_id] = ProjectFinancing(
            total_cost_cents=int(total),
            own_funds_cents=int(own or 0),
            volunteer_cents=hours_value_cents(Decimal(hours or 0), g),
            other_funding_cents=int(other or 0),
            refund_claimed_cents=claimed.get(app_id, 0),
            refund_received_cents=int(received),
        )
    return out


def split(cents: int, sources: Sequence[FundingSource]) -> tuple[tuple[str, int], ...]:
    """An amount split over the funding sources by their shares, adding up exactly (largest remainder)."""
    if not sources:
        return ()
    if cents < 0:
        return tuple((name, -part) for name, part in split(-cents, sources))
    common = lcm(*(Fraction(s.share).denominator for s in sources))
    weights = [int(Fraction(s.share) * common) for s in sources]
    base = sum(weights)
    parts = [cents * w // base for w in weights]
    order = sorted(range(len(sources)), key=lambda i: (-(cents * weights[i] % base), i))
    for i in order[: cents - sum(parts)]:
        parts[i] += 1
    return tuple((s.name, p) for s, p in zip(sources, parts, strict=True))


def summary(
    projects: Iterable[tuple[ProjectFinancing, int, int]], guideline: Guideline
) -> FinancingSummary:
    """The year's totals from (financing, grant as it stands, paid net) per project, with the split."""
    rows = list(projects)
    approved = sum(a for _, a, _ in rows)
    paid = sum(p for _, _, p in rows)
    sources = guideline.budget.funding_sources
    return FinancingSummary(
        total_cost_cents=sum(f.total_cost_cents for f, _, _ in rows),
        own_funds_cents=sum(f.own_funds_cents for f, _, _ in rows),
        volunteer_cents=sum(f.volunteer_cents for f, _, _ in rows),
        other_funding_cents=sum(f.other_funding_cents for f, _, _ in rows),
        approved_cents=approved,
        paid_cents=paid,
        refund_claimed_cents=sum(f.refund_claimed_cents for f, _, _ in rows),
        refund_received_cents=sum(f.refund_received_cents for f, _, _ in rows),
        split_approved=split(approved, sources),
        split_paid=split(paid, sources),
        funding_clause=guideline.budget.funding_clause,
    )
