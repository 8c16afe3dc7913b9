"""Budget use over the year: monthly cumulative commitments and payments (the year's month sums) as SVG points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fondsengine.reports.months import Month


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
