"""Budget use over the year: monthly cumulative commitments and payments (one grouped query) as SVG points."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from fondsengine.model import LedgerEntry

MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
SIGNED = {"commitment": ("committed", 1), "release": ("committed", -1), "payment": ("paid", 1), "refund": ("paid", -1)}


@dataclass(frozen=True)
class Month:
    """Cumulative figures at the end of one month of the budget year."""

    label: str
    committed: int
    paid: int


@dataclass(frozen=True)
class YearChart:
    """The months and the drawing: polyline points in a width x height box."""

    months: list[Month]
    available: int
    committed_points: str
    paid_points: str
    available_y: float
    width: int
    height: int


def monthly(s: Session, fund_id: str, year: int) -> list[Month]:
    """Cumulative committed and paid (net) per month; bookings before or after the year count in January / December."""
    rows = s.execute(
        select(
            extract("year", LedgerEntry.booked_at),
            extract("month", LedgerEntry.booked_at),
            LedgerEntry.kind,
            func.sum(LedgerEntry.amount_cents),
        )
        .where(LedgerEntry.fund_id == fund_id, LedgerEntry.budget_year == year)
        .where(LedgerEntry.kind.in_(tuple(SIGNED)))
        .group_by(extract("year", LedgerEntry.booked_at), extract("month", LedgerEntry.booked_at), LedgerEntry.kind)
    ).all()
    per = [{"committed": 0, "paid": 0} for _ in range(12)]
    for y, m, kind, amount in rows:
        index = 0 if int(y) < year else 11 if int(y) > year else int(m) - 1
        field, sign = SIGNED[kind]
        per[index][field] += sign * int(amount)
    out, committed, paid = [], 0, 0
    for i, delta in enumerate(per):
        committed += delta["committed"]
        paid += delta["paid"]
        out.append(Month(MONTHS[i], committed, paid))
    return out


def year_chart(months: list[Month], available: int, width: int = 600, height: int = 160) -> YearChart:
    """Scale the months into polyline points (pure)."""
    top = max([available, *(m.committed for m in months), *(m.paid for m in months), 1])
    step = width / (len(months) - 1) if len(months) > 1 else width

    def y(cents: int) -> float:
        return round(height - height * max(cents, 0) / top, 1)

    def points(values: list[int]) -> str:
        return " ".join(f"{round(i * step, 1)},{y(v)}" for i, v in enumerate(values))

    return YearChart(
        months=months,
        available=available,
        committed_points=points([m.committed for m in months]),
        paid_points=points([m.paid for m in months]),
        available_y=y(available),
        width=width,
        height=height,
    )
