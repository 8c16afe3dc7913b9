"""One definition of each money figure of a fund's budget year (the read model every report uses).

The dashboard, the yearly overview and its exports, the annual report, the roll-up for the Land
and `fondsengine budget` all read their figures from here, so a figure with the same German
label means the same sum everywhere (docs/office.md, "Die Zahlen"):

| figure | label | definition |
|---|---|---|
| applied | Beantragt | requested sum of the year's submitted applications (any state but draft) |
| approved | Bewilligt | commitment bookings of the year (grant decisions as booked) |
| released | Freigegeben | release bookings (lapse, unspent part after the proof, refund claims) |
| committed | Gebunden | approved − released |
| paid | Ausgezahlt | payment bookings |
| refund_claimed | Zurückgefordert | refund claims (Rückforderungen) of the year's applications |
| refund_received | Zurückgezahlt | refund bookings (money paid back) |
| paid_net | Ausgezahlt abzüglich Rückzahlungen | paid − refund_received |
| refund_open | Offene Rückforderungen | refund_claimed − refund_received |
| allocated | Zugewiesen | allocation bookings (+ corrections) |
| available | Verfügbar | allocated + carried − expired |
| free | Frei | available − committed |

A figure is per fund and budget year: ledger figures by the booking's budget year, the
applied sum and refund claims by the application's budget year (the same year its
commitment is booked in). No Flask here: the engine's read model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from fondsengine import ledger
from fondsengine.engine import Engine
from fondsengine.errors import NotFound
from fondsengine.model import Application, ApplicationCount, BudgetYear, Fund, LedgerEntry, Refund

LABELS: dict[str, str] = {
    "applied": "Beantragt",
    "approved": "Bewilligt",
    "released": "Freigegeben",
    "committed": "Gebunden",
    "paid": "Ausgezahlt",
    "refund_claimed": "Zurückgefordert",
    "refund_received": "Zurückgezahlt",
    "paid_net": "Ausgezahlt abzüglich Rückzahlungen",
    "refund_open": "Offene Rückforderungen",
    "allocated": "Zugewiesen",
    "carried": "Übertrag",
    "expired": "Verfallen",
    "available": "Verfügbar",
    "outstanding": "Gebunden, noch nicht ausgezahlt",
    "free": "Frei",
}

ROW_KEYS: tuple[str, ...] = (
    "applied",
    "allocated",
    "carried",
    "expired",
    "approved",
    "released",
    "committed",
    "paid",
    "refund_claimed",
    "refund_received",
    "paid_net",
    "refund_open",
    "free",
)


@dataclass(frozen=True)
class MoneyFigures:
    """The money of one application (or a sum of applications), all in cents."""

    approved: int = 0
    released: int = 0
    paid: int = 0
    refund_claimed: int = 0
    refund_received: int = 0

    @property
    def committed(self) -> int:
        """Approved minus released: what is still bound."""
        return self.approved - self.released

    @property
    def paid_net(self) -> int:
        """Paid minus paid back."""
        return self.paid - self.refund_received

    @property
    def refund_open(self) -> int:
        """Claimed back but not received yet."""
        return self.refund_claimed - self.refund_received

    @property
    def holds_money(self) -> bool:
        """A funded project of the year: money is bound to it or was paid (net) to it."""
        return self.committed != 0 or self.paid_net != 0

    def __add__(self, other: MoneyFigures) -> MoneyFigures:
        return MoneyFigures(
            self.approved + other.approved,
            self.released + other.released,
            self.paid + other.paid,
            self.refund_claimed + other.refund_claimed,
            self.refund_received + other.refund_received,
        )


@dataclass(frozen=True)
class YearFigures:
    """Every figure of a fund's budget year (cents)."""

    fund_id: str
    year: int
    applied: int
    applied_count: int
    allocated: int
    carried: int
    expired: int
    money: MoneyFigures

    @property
    def approved(self) -> int:
        """Grant decisions booked."""
        return self.money.approved

    @property
    def released(self) -> int:
        """Released back into the budget."""
        return self.money.released

    @property
    def committed(self) -> int:
        """Approved minus released."""
        return self.money.committed

    @property
    def paid(self) -> int:
        """Paid out."""
        return self.money.paid

    @property
    def refund_claimed(self) -> int:
        """Claimed back."""
        return self.money.refund_claimed

    @property
    def refund_received(self) -> int:
        """Paid back."""
        return self.money.refund_received

    @property
    def paid_net(self) -> int:
        """Paid minus paid back."""
        return self.money.paid_net

    @property
    def refund_open(self) -> int:
        """Claimed but not received."""
        return self.money.refund_open

    @property
    def available(self) -> int:
        """The pot of the year after carry-over and expiry."""
        return self.allocated + self.carried - self.expired

    @property
    def free(self) -> int:
        """What can still be granted."""
        return self.available - self.money.committed

    @property
    def outstanding(self) -> int:
        """Bound but not (yet) paid out (net)."""
        return self.money.committed - self.money.paid_net

    def balance(self) -> ledger.Balance:
        """The same figures as the ledger's fold (for the budget bar)."""
        return ledger.Balance(
            allocated=self.allocated,
            carried=self.carried,
            expired=self.expired,
            committed=self.committed,
            paid=self.paid,
            refunded=self.refund_received,
            released=self.released,
        )

    def rows(self) -> list[tuple[str, str, int]]:
        """(key, German label, cents) in the order the reports print them."""
        keys = ROW_KEYS
        return [(k, LABELS[k], int(getattr(self, k))) for k in keys]


@dataclass(frozen=True)
class StateRow:
    """The applications of one state of the year: count, applied and their money."""

    state: str
    count: int
    applied: int
    money: MoneyFigures = field(default_factory=MoneyFigures)


def _kind_sum(kind: str) -> Any:
    return func.coalesce(func.sum(case((LedgerEntry.kind == kind, LedgerEntry.amount_cents), else_=0)), 0)


def ledger_by_application(fund_id: str, year: int) -> Subquery:
    """Per application with bookings in the year: app_id, approved, released, paid, refund_received,
    committed (approved - released) and paid_net (paid - refund_received), for joins in reports."""
    approved, released = _kind_sum("commitment"), _kind_sum("release")
    paid, received = _kind_sum("payment"), _kind_sum("refund")
    return (
        select(
            LedgerEntry.application_id.label("app_id"),
            approved.label("approved"),
            released.label("released"),
            paid.label("paid"),
            received.label("refund_received"),
            (approved - released).label("committed"),
            (paid - received).label("paid_net"),
        )
        .where(
            LedgerEntry.fund_id == fund_id,
            LedgerEntry.budget_year == year,
            LedgerEntry.application_id.is_not(None),
        )
        .group_by(LedgerEntry.application_id)
        .subquery("app_money")
    )


def holding_money(led: Subquery) -> ColumnElement[bool]:
    """The condition of a funded project of the year (see MoneyFigures.holds_money)."""
    return or_(led.c.committed != 0, led.c.paid_net != 0)


def refund_claims_by_application(session: Session, app_ids: Select[Any]) -> dict[int, int]:
    """Refund claims (claimed cents) of the given applications."""
    rows = session.execute(
        select(Refund.application_id, func.sum(Refund.claimed_cents))
        .where(Refund.application_id.in_(app_ids))
        .group_by(Refund.application_id)
    ).all()
    return {int(a): int(c) for a, c in rows}


def application_money(session: Session, fund_id: str, year: int) -> dict[int, MoneyFigures]:
    """The money of every application with a booking or a refund claim in the year (two queries)."""
    led = ledger_by_application(fund_id, year)
    out: dict[int, MoneyFigures] = {
        int(r.app_id): MoneyFigures(int(r.approved), int(r.released), int(r.paid), 0, int(r.refund_received))
        for r in session.execute(select(led)).all()
    }
    in_year = select(Application.id).where(Application.fund_id == fund_id, Application.budget_year == year)
    for app_id, claimed in refund_claims_by_application(session, in_year).items():
        out[app_id] = out.get(app_id, MoneyFigures()) + MoneyFigures(refund_claimed=claimed)
    return out


def _applied(fund_id: Any, year: Any, states: tuple[str, ...] | None = None) -> tuple[Any, Any]:
    """SQL: (count, requested sum) of a fund year's submitted applications (in these states) from the
    counter table application_counts (a few rows by its key; kept with every change)."""
    where = [ApplicationCount.fund_id == fund_id, ApplicationCount.budget_year == year]
    if states is None:
        where.append(ApplicationCount.submitted.is_(True))
    else:
        where.append(ApplicationCount.state.in_(states))
    base = select().where(*where)
    return (
        base.add_columns(func.coalesce(func.sum(ApplicationCount.count), 0)).scalar_subquery(),
        base.add_columns(func.coalesce(func.sum(ApplicationCount.requested_cents), 0)).scalar_subquery(),
    )


def year_figures(session: Session, fund_id: str, year: int) -> YearFigures:
    """All figures of a fund's budget year: the ledger's from the year's running totals (one row,
    `ledger.balance`), the applied sum from the counters and the refund claims in one more statement."""
    b = ledger.balance(session, fund_id, year)
    count_q, applied_q = _applied(fund_id, year)
    claimed_q = (
        select(BudgetYear.refund_claimed_cents)
        .where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
        .scalar_subquery()
    )
    claimed, count, applied = session.execute(select(claimed_q, count_q, applied_q)).one()
    return YearFigures(
        fund_id=fund_id,
        year=year,
        applied=int(applied or 0),
        applied_count=int(count or 0),
        allocated=b.allocated,
        carried=b.carried,
        expired=b.expired,
        money=MoneyFigures(
            approved=b.approved,
            released=b.released,
            paid=b.paid,
            refund_claimed=int(claimed or 0),
            refund_received=b.refunded,
        ),
    )


@dataclass(frozen=True)
class FundYears:
    """Every budget year of a fund with its figures, and the undecided applications of each year."""

    figures: dict[int, YearFigures]  # by year, every year that has a budget_years row
    pipeline: dict[int, tuple[int, int]]  # year -> (count, requested sum) in the undecided states


def fund_year_figures(session: Session, fund_id: str, undecided: tuple[str, ...]) -> FundYears:
    """All budget years of a fund in ONE statement: each year's running totals (budget_years), its
    applied sum and the undecided applications (`undecided`: the workflow's states) from the counter
    table, its refund claims. Nothing here grows with the ledger or the applications."""
    applied_n, applied_sum = _applied(BudgetYear.fund_id, BudgetYear.year)
    open_n, open_sum = _applied(BudgetYear.fund_id, BudgetYear.year, undecided)
    rows = session.execute(
        select(
            BudgetYear.year,
            *ledger.TOTAL_COLUMNS,
            BudgetYear.refund_claimed_cents,
            applied_n,
            applied_sum,
            open_n,
            open_sum,
        ).where(BudgetYear.fund_id == fund_id)
    ).all()
    width = len(ledger.TOTAL_COLUMNS)
    figures: dict[int, YearFigures] = {}
    pipeline: dict[int, tuple[int, int]] = {}
    for row in rows:
        year = int(row[0])
        b = ledger.balance_of(tuple(row)[1 : 1 + width])
        claimed, count, applied, n_open, sum_open = (int(v or 0) for v in tuple(row)[1 + width :])
        figures[year] = YearFigures(
            fund_id=fund_id,
            year=year,
            applied=applied,
            applied_count=count,
            allocated=b.allocated,
            carried=b.carried,
            expired=b.expired,
            money=MoneyFigures(b.approved, b.released, b.paid, claimed, b.refunded),
        )
        pipeline[year] = (n_open, sum_open)
    return FundYears(figures, pipeline)


def state_rows(session: Session, fund_id: str, year: int) -> list[StateRow]:
    """The year's submitted applications grouped by state with their money (three grouped queries; the
    counts and requested sums from the counter table)."""
    in_year = (Application.fund_id == fund_id, Application.budget_year == year)
    counts = session.execute(  # from the counter table, not a scan of the year's applications
        select(
            ApplicationCount.state,
            func.sum(ApplicationCount.count),
            func.coalesce(func.sum(ApplicationCount.requested_cents), 0),
        )
        .where(
            ApplicationCount.fund_id == fund_id,
            ApplicationCount.budget_year == year,
            ApplicationCount.submitted.is_(True),
            ApplicationCount.count > 0,
        )
        .group_by(ApplicationCount.state)
    ).all()
    parts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    field_of = {"commitment": "approved", "release": "released", "payment": "paid", "refund": "refund_received"}
    booked = session.execute(
        select(Application.state, LedgerEntry.kind, func.sum(LedgerEntry.amount_cents))
        .join(Application, Application.id == LedgerEntry.application_id)
        .where(LedgerEntry.fund_id == fund_id, LedgerEntry.budget_year == year)
        .group_by(Application.state, LedgerEntry.kind)
    ).all()
    for state, kind, total in booked:
        if kind in field_of:
            parts[state][field_of[kind]] += int(total)
    claims = session.execute(
        select(Application.state, func.sum(Refund.claimed_cents))
        .join(Application, Application.id == Refund.application_id)
        .where(*in_year)
        .group_by(Application.state)
    ).all()
    for state, total in claims:
        parts[state]["refund_claimed"] += int(total)
    rows = {st: StateRow(st, int(n), int(req or 0), MoneyFigures(**parts.get(st, {}))) for st, n, req in counts}
    for st, values in parts.items():  # money of applications that were never submitted (none in practice)
        rows.setdefault(st, StateRow(st, 0, 0, MoneyFigures(**values)))
    return list(rows.values())


def read_year(fonds: Engine, fund_id: str, year: int) -> YearFigures:
    """The figures of a fund's budget year in one read transaction (NotFound for an unknown fund)."""
    with fonds.db.read() as s:
        if s.get(Fund, fund_id) is None:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        return year_figures(s, fund_id, year)


__all__ = [
    "LABELS",
    "FundYears",
    "MoneyFigures",
    "StateRow",
    "YearFigures",
    "application_money",
    "fund_year_figures",
    "holding_money",
    "ledger_by_application",
    "read_year",
    "refund_claims_by_application",
    "state_rows",
    "year_figures",
]


def budget_years(fonds: Engine, fund_id: str) -> list[int]:
    """The budget years a fund has, newest first (public: the start page and statistics show them)."""
    with fonds.db.read() as s:
        return list(
            s.scalars(select(BudgetYear.year).where(BudgetYear.fund_id == fund_id).order_by(BudgetYear.year.desc()))
        )
