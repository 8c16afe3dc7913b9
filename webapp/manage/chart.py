"""Budget use over the year: monthly cumulative commitments and payments (the year's month sums) as SVG points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.model import LedgerMonth

MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


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
    drawn: int = 12  # the months the lines reach (a year still running stops at its current month)


def monthly(s: Session, fund_id: str, year: int) -> list[Month]:
    """Cumulative committed and paid (net) per month, from the year's month sums (ledger_months, kept by
    `ledger.book`; months are local, Berlin); bookings before or after the year count in January / December."""
    rows = s.execute(
        select(LedgerMonth.month, LedgerMonth.committed_cents, LedgerMonth.paid_cents).where(
            LedgerMonth.fund_id == fund_id, LedgerMonth.budget_year == year
        )
    ).all()
    per = [[0, 0] for _ in range(12)]
    for month, committed_cents, paid_cents in rows:
        index = 0 if month.year < year else 11 if month.year > year else month.month - 1
        per[index][0] += int(committed_cents)
        per[index][1] += int(paid_cents)
    out, committed, paid = [], 0, 0
    for i, (c, p) in enumerate(per):
        committed += c
        paid += p
        out.append(Month(MONTHS[i], committed, paid))
    return out


def months_to_draw(year: int, today: date) -> int:
    """How many months of a budget year have begun: all of a past year, up to this month of the current
    one, only January of a coming year (bookings before the year count there); never flat lines into
    months that have not come yet."""
    if year < today.year:
        return 12
    return today.month if year == today.year else 1


def year_chart(
    months: list[Month], available: int, width: int = 600, height: int = 160, drawn: int = 12
) -> YearChart:
    """Scale the months into polyline points (pure); the lines stop after `drawn` months."""
    top = max([available, *(m.committed for m in months), *(m.paid for m in months), 1])
    step = width / (len(months) - 1) if len(months) > 1 else width

    def y(cents: int) -> float:
        return round(height - height * max(cents, 0) / top, 1)

    def points(values: list[int]) -> str:
        return " ".join(f"{round(i * step, 1)},{y(v)}" for i, v in enumerate(values))

    return YearChart(
        months=months,
        available=available,
        committed_points=points([m.committed for m in months[:drawn]]),
        paid_points=points([m.paid for m in months[:drawn]]),
        available_y=y(available),
        width=width,
        height=height,
        drawn=drawn,
    )
