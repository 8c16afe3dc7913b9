"""Monitoring figures of a fund's year for the evaluation (office and auditors): counts by outcome,
amounts, and the time from submission to decision and to the first payment (median and p90, days)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.lifecycle import authz
from fondsengine.model import Application, Payment
from fondsengine.public.stats import YearStatistics, year_statistics

READERS = ("manager", "auditor")


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
class MonitoringFigures:
    """The figures of one fund's year."""

    stats: YearStatistics
    refunded_cents: int
    to_decision: Duration
    to_payment: Duration


def monitoring_figures(fonds: Engine, actor: Actor, fund_id: str, year: int) -> MonitoringFigures:
    """Monitoring figures of a fund's year (the fund's office and auditors only)."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), *READERS)
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
        refunded = ledger.balance(s, fund_id, year).refunded
    day = 86400.0
    to_decision = [(d - sub).total_seconds() / day for sub, d in decided if sub and d]
    to_payment = [(p - sub).total_seconds() / day for sub, p in paid if sub and p]
    return MonitoringFigures(
        stats=year_statistics(fonds, fund_id, year),
        refunded_cents=refunded,
        to_decision=_duration(to_decision),
        to_payment=_duration(to_payment),
    )
