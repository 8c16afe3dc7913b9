"""Budget ledger: a pure fold over bookings, and locked booking against a budget year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fondsengine.errors import BudgetExceeded, InvalidInput
from fondsengine.model import BudgetYear, LedgerEntry
from fondsengine.money import format_euro


@dataclass(frozen=True)
class Balance:
    """Balances of one fund and budget year, all in cents."""

    allocated: int = 0  # sum of allocations (incl. corrections)
    carried: int = 0  # carried over in (+) or out (-)
    expired: int = 0  # free money expired at year end
    committed: int = 0  # bound to approved grants (commitments minus releases)
    paid: int = 0  # paid out
    refunded: int = 0  # paid back by applicants

    @property
    def available(self) -> int:
        """The pot of the year after carry-over and expiry."""
        return self.allocated + self.carried - self.expired

    @property
    def free(self) -> int:
        """What can still be granted."""
        return self.available - self.committed

    @property
    def paid_net(self) -> int:
        """Paid out minus paid back."""
        return self.paid - self.refunded

    @property
    def outstanding(self) -> int:
        """Committed but not (yet) paid."""
        return self.committed - self.paid_net


_SIGNS: dict[str, tuple[str, int]] = {
    "allocation": ("allocated", 1),
    "carry_over": ("carried", 1),
    "expiry": ("expired", 1),
    "commitment": ("committed", 1),
    "release": ("committed", -1),
    "payment": ("paid", 1),
    "refund": ("refunded", 1),
}


def fold(entries: Iterable[tuple[str, int]]) -> Balance:
    """Fold (kind, amount_cents) bookings into a Balance."""
    totals = dict.fromkeys(("allocated", "carried", "expired", "committed", "paid", "refunded"), 0)
    for kind, amount in entries:
        try:
            field, sign = _SIGNS[kind]
        except KeyError:
            raise ValueError(f"unknown ledger kind {kind!r}") from None
        totals[field] += sign * amount
    return Balance(**totals)


def balance(session: Session, fund_id: str, year: int) -> Balance:
    """The current balance of a fund's budget year (one aggregate query)."""
    rows = session.execute(
        select(LedgerEntry.kind, func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .where(LedgerEntry.fund_id == fund_id, LedgerEntry.budget_year == year)
        .group_by(LedgerEntry.kind)
    ).all()
    return fold((k, int(v)) for k, v in rows)


def application_balance(session: Session, application_id: int) -> Balance:
    """The bookings of one application folded (committed, paid, refunded)."""
    rows = session.execute(
        select(LedgerEntry.kind, func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .where(LedgerEntry.application_id == application_id)
        .group_by(LedgerEntry.kind)
    ).all()
    return fold((k, int(v)) for k, v in rows)


def lock_year(session: Session, fund_id: str, year: int) -> None:
    """Serialise bookings on a budget year: a guarded UPDATE takes the row lock (PostgreSQL)
    and, under BEGIN IMMEDIATE, SQLite's write lock is already held."""
    result = session.execute(
        update(BudgetYear)
        .where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
        .values(lock_version=BudgetYear.lock_version + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise InvalidInput(f"Für das Haushaltsjahr {year} ist in diesem Fonds kein Budget festgelegt.")


def book(
    session: Session,
    *,
    fund_id: str,
    year: int,
    kind: str,
    amount_cents: int,
    at: datetime,
    actor_id: int | None,
    application_id: int | None = None,
    payment_id: int | None = None,
    note: str = "",
    counter_of_id: int | None = None,
    lock: bool = False,
) -> LedgerEntry:
    """Append one booking; with `lock`, take the budget year's lock first."""
    if amount_cents == 0:
        raise InvalidInput("Eine Buchung über 0,00 € ist nicht möglich.")
    if lock:
        lock_year(session, fund_id, year)
    entry = LedgerEntry(
        fund_id=fund_id,
        budget_year=year,
        kind=kind,
        amount_cents=amount_cents,
        application_id=application_id,
        payment_id=payment_id,
        actor_id=actor_id,
        note=note,
        booked_at=at,
        counter_of_id=counter_of_id,
    )
    session.add(entry)
    session.flush()
    return entry


def commit_grant(
    session: Session,
    *,
    fund_id: str,
    year: int,
    application_id: int,
    amount_cents: int,
    at: datetime,
    actor_id: int | None,
    clause: str | None = None,
) -> LedgerEntry:
    """Lock the year, check the free budget and book a commitment; refuse any overspend."""
    if amount_cents <= 0:
        raise InvalidInput("Der Bewilligungsbetrag muss größer als 0,00 € sein.")
    lock_year(session, fund_id, year)
    closed = session.scalar(select(BudgetYear.closed_at).where(BudgetYear.fund_id == fund_id, BudgetYear.year == year))
    if closed is not None:
        raise BudgetExceeded(
            f"Das Haushaltsjahr {year} ist abgeschlossen; neue Bewilligungen sind darin nicht mehr möglich.",
            clause=clause,
        )
    current = balance(session, fund_id, year)
    if amount_cents > current.free:
        raise BudgetExceeded(
            f"Das freie Budget {year} reicht nicht: frei sind {format_euro(current.free)}, "
            f"benötigt werden {format_euro(amount_cents)}.",
            clause=clause,
        )
    return book(
        session,
        fund_id=fund_id,
        year=year,
        kind="commitment",
        amount_cents=amount_cents,
        at=at,
        actor_id=actor_id,
        application_id=application_id,
        note="Bewilligung",
    )


def counter_book(session: Session, entry_id: int, *, at: datetime, actor_id: int | None, note: str) -> LedgerEntry:
    """Correct a booking by booking its exact opposite (the ledger is never edited)."""
    original = session.get(LedgerEntry, entry_id)
    if original is None:
        raise InvalidInput(f"Buchung {entry_id} gibt es nicht.")
    opposite = {"commitment": "release", "release": "commitment"}
    kind = opposite.get(original.kind, original.kind)
    amount = original.amount_cents if kind != original.kind else -original.amount_cents
    lock_year(session, original.fund_id, original.budget_year)
    return book(
        session,
        fund_id=original.fund_id,
        year=original.budget_year,
        kind=kind,
        amount_cents=amount,
        at=at,
        actor_id=actor_id,
        application_id=original.application_id,
        note=note,
        counter_of_id=original.id,
    )
