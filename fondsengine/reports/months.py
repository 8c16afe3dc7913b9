"""The budget year month by month: cumulative commitments and payments from the year's month sums
(`ledger_months`, kept by `ledger.book`), for the dashboard's chart and the reports."""

from __future__ import annotations

from dataclasses import dataclass

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
