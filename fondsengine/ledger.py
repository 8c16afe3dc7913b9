"""Budget ledger: a pure fold over bookings, and locked booking against a budget year.

Every booking goes through `book`, which in one guarded UPDATE takes the budget year's lock and
adds the booking to the year's running totals on its budget_years row (and upserts the month's
sums in ledger_months), in the booking's transaction. `balance` reads those totals (one row);
`balance_from_entries` and `fold` stay as the reference, and `fondsengine verify` proves that
totals and fold agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, Table, delete, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.errors import BudgetExceeded, InvalidInput
from fondsengine.integrity import chain
from fondsengine.model import Application, BudgetYear, LedgerEntry, LedgerMonth, Refund
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
    released: int = 0  # released commitments (already subtracted from committed)

    @property
    def available(self) -> int:
        """The pot of the year after carry-over and expiry."""
        return self.allocated + self.carried - self.expired

    @property
    def free(self) -> int:
        """What can still be granted."""
        return self.available - self.committed

    @property
    def approved(self) -> int:
        """Commitment bookings (grant decisions as booked), before releases."""
        return self.committed + self.released

    @property
    def paid_net(self) -> int:
        """Paid out minus paid back."""
        return self.paid - self.refunded

    @property
    def outstanding(self) -> int:
        """Committed but not (yet) paid."""
        return self.committed - self.paid_net


# what one booking of a kind adds to which total: {Balance field: sign}
EFFECTS: dict[str, dict[str, int]] = {
    "allocation": {"allocated": 1},
    "carry_over": {"carried": 1},
    "expiry": {"expired": 1},
    "commitment": {"committed": 1},
    "release": {"committed": -1, "released": 1},
    "payment": {"paid": 1},
    "refund": {"refunded": 1},
}
# what one booking adds to its month (the dashboard's chart): (ledger_months field, sign)
MONTHLY: dict[str, tuple[str, int]] = {
    "commitment": ("committed", 1),
    "release": ("committed", -1),
    "payment": ("paid", 1),
    "refund": ("paid", -1),
}
TOTALS: tuple[str, ...] = ("allocated", "carried", "expired", "committed", "paid", "refunded", "released")
TOTAL_COLUMNS = tuple(getattr(BudgetYear, f"{name}_cents") for name in TOTALS)


def fold(entries: Iterable[tuple[str, int]]) -> Balance:
    """Fold (kind, amount_cents) bookings into a Balance."""
    totals = dict.fromkeys(TOTALS, 0)
    for kind, amount in entries:
        try:
            effect = EFFECTS[kind]
        except KeyError:
            raise ValueError(f"unknown ledger kind {kind!r}") from None
        for name, sign in effect.items():
            totals[name] += sign * amount
    return Balance(**totals)


def month_of(at: datetime) -> date:
    """The month a booking counts in: the first day of its local (Berlin) calendar month."""
    return local_date(at).replace(day=1)


def fold_months(entries: Iterable[tuple[str, int, datetime]]) -> dict[date, tuple[int, int]]:
    """Fold (kind, amount_cents, booked_at) into {month: (committed, paid net)} (reference for ledger_months)."""
    out: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for kind, amount, at in entries:
        if kind in MONTHLY:
            name, sign = MONTHLY[kind]
            out[month_of(at)][0 if name == "committed" else 1] += sign * amount
    return {m: (c, p) for m, (c, p) in out.items()}


def balance_of(values: Sequence[Any]) -> Balance:
    """A Balance from the values of TOTAL_COLUMNS (in that order)."""
    return Balance(**{name: int(v) for name, v in zip(TOTALS, values, strict=True)})


def balance(session: Session, fund_id: str, year: int) -> Balance:
    """The current balance of a fund's budget year: the running totals of its budget_years row
    (one read by the unique key; kept by `book`). A year without a row has nothing booked."""
    row = session.execute(select(*TOTAL_COLUMNS).where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)).first()
    return Balance() if row is None else balance_of(row)


def balance_from_entries(session: Session, fund_id: str, year: int) -> Balance:
    """The same balance as a fold over all the year's ledger entries (the reference for `balance`)."""
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


def application_bookings(session: Session, application_id: int) -> tuple[Balance, int | None]:
    """(the application's bookings folded, the budget year of its first commitment or None) in one
    query: the balance of `application_balance` and the year `commitment_year` finds."""
    rows = session.execute(
        select(LedgerEntry.kind, LedgerEntry.budget_year, func.sum(LedgerEntry.amount_cents), func.min(LedgerEntry.id))
        .where(LedgerEntry.application_id == application_id)
        .group_by(LedgerEntry.kind, LedgerEntry.budget_year)
    ).all()
    commitments = sorted((int(first), int(year)) for kind, year, _s, first in rows if kind == "commitment")
    balance = fold((str(kind), int(total)) for kind, _y, total, _f in rows)
    return balance, (commitments[0][1] if commitments else None)


def _no_budget(year: int) -> InvalidInput:
    """The one wording for a booking on a year without a budget row."""
    return InvalidInput(f"Für das Haushaltsjahr {year} ist in diesem Fonds kein Budget festgelegt.")


@dataclass(frozen=True)
class LockedYear:
    """A budget year as read under its lock: the totals and whether the year is closed."""

    balance: Balance
    closed_at: datetime | None


def lock_year(session: Session, fund_id: str, year: int) -> LockedYear:
    """Take the budget year's lock and read its totals in one statement (UPDATE ... RETURNING: a row
    lock on PostgreSQL; under BEGIN IMMEDIATE SQLite's write lock is already held). Only for a use
    case that reads the totals before it books; `book` takes the lock itself."""
    row = session.execute(
        update(BudgetYear)
        .where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
        .values(lock_version=BudgetYear.lock_version + 1)
        .returning(BudgetYear.closed_at, *TOTAL_COLUMNS)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        raise _no_budget(year)
    return LockedYear(balance_of(tuple(row)[1:]), row[0])


def lock_years(session: Session, fund_id: str, years: Iterable[int]) -> dict[int, LockedYear]:
    """Take the locks of several budget years of a fund (`lock_year`), each once and in ascending order,
    so two use cases that both touch the same years can never wait for each other in a circle."""
    return {year: lock_year(session, fund_id, year) for year in sorted(set(years))}


def _refuse(session: Session, fund_id: str, year: int, amount_cents: int, clause: str | None) -> None:
    """Say why the guarded UPDATE of a commitment matched no row (and raise)."""
    row = session.execute(
        select(BudgetYear.closed_at, *TOTAL_COLUMNS).where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
    ).first()
    if row is None:
        raise _no_budget(year)
    if row[0] is not None:
        raise BudgetExceeded(
            f"Das Haushaltsjahr {year} ist abgeschlossen; neue Bewilligungen sind darin nicht mehr möglich.",
            clause=clause,
        )
    free = balance_of(tuple(row)[1:]).free
    raise BudgetExceeded(
        f"Das freie Budget {year} reicht nicht: frei sind {format_euro(free)}, "
        f"benötigt werden {format_euro(amount_cents)}.",
        clause=clause,
    )


def _add_to_month(session: Session, fund_id: str, year: int, kind: str, amount_cents: int, at: datetime) -> None:
    """Add a booking to its month's sums (INSERT ... ON CONFLICT DO UPDATE, on both databases)."""
    if kind not in MONTHLY:
        return
    name, sign = MONTHLY[kind]
    column = f"{name}_cents"
    dialect = session.get_bind().dialect.name
    upsert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if upsert is None:  # pragma: no cover - the engine runs on SQLite and PostgreSQL only
        raise NotImplementedError(dialect)
    row: Any = upsert(LedgerMonth).values(
        fund_id=fund_id, budget_year=year, month=month_of(at), **{column: sign * amount_cents}
    )
    stmt = row.on_conflict_do_update(
        index_elements=["fund_id", "budget_year", "month"],
        set_={column: getattr(LedgerMonth, column) + row.excluded[column]},
    )
    session.execute(stmt)


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
    within_free: bool = False,
    clause: str | None = None,
) -> LedgerEntry:
    """Append one booking (`book_row`, its entry added to the session and flushed)."""
    entry = LedgerEntry(
        **book_row(
            session,
            fund_id=fund_id,
            year=year,
            kind=kind,
            amount_cents=amount_cents,
            at=at,
            actor_id=actor_id,
            application_id=application_id,
            payment_id=payment_id,
            note=note,
            counter_of_id=counter_of_id,
            within_free=within_free,
            clause=clause,
        )
    )
    session.add(entry)
    session.flush()
    return entry


def book_row(
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
    within_free: bool = False,
    clause: str | None = None,
) -> dict[str, Any]:
    """Book against the budget year and return the entry's row, not yet written (the lean write path of
    a workflow step collects its rows and writes them with `write_entries` at the step's end; `book`
    writes it at once). One guarded UPDATE of the budget_years row takes the year's lock and adds the
    booking to the year's totals (with `within_free`, a commitment, only while the year is open and its
    free budget covers the amount: the check and the lock are one statement); then the month's sums are
    upserted, all in the caller's transaction."""
    if amount_cents == 0:
        raise InvalidInput("Eine Buchung über 0,00 € ist nicht möglich.")
    if kind not in EFFECTS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    values: dict[str, Any] = {"lock_version": BudgetYear.lock_version + 1}
    for name, sign in EFFECTS[kind].items():
        column = getattr(BudgetYear, f"{name}_cents")
        values[f"{name}_cents"] = column + literal(sign * amount_cents, BigInteger())
    stmt = update(BudgetYear).where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
    if within_free:
        if kind != "commitment" or amount_cents < 0:
            raise ValueError("only a positive commitment is booked within the free budget")
        available = BudgetYear.allocated_cents + BudgetYear.carried_cents - BudgetYear.expired_cents
        stmt = stmt.where(
            BudgetYear.closed_at.is_(None),
            BudgetYear.committed_cents + literal(amount_cents, BigInteger()) <= available,
        )
    result = session.execute(stmt.values(values).execution_options(synchronize_session=False))
    if getattr(result, "rowcount", 0) != 1:
        if within_free:
            _refuse(session, fund_id, year, amount_cents, clause)
        raise _no_budget(year)
    _add_to_month(session, fund_id, year, kind, amount_cents, at)
    return {
        "fund_id": fund_id,
        "budget_year": year,
        "kind": kind,
        "amount_cents": amount_cents,
        "application_id": application_id,
        "payment_id": payment_id,
        "actor_id": actor_id,
        "note": note,
        "booked_at": at,
        "counter_of_id": counter_of_id,
    }


_ENTRIES: Table = LedgerEntry.__table__  # type: ignore[assignment]


def write_entries(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Write entries (`book_row`) in one multi-row INSERT (Core, no flush) and hand them to the hash
    chain, which seals them with the transaction's other rows at commit. Returns their ids."""
    if not rows:
        return []
    result = session.execute(insert(_ENTRIES).returning(_ENTRIES.c.id, sort_by_parameter_order=True), rows)
    ids = [int(i) for i in result.scalars()]
    chain.written(session, "ledger", ids, rows)
    return ids


def with_booking(bal: Balance, kind: str, amount_cents: int) -> Balance:
    """A balance after one more booking (the fold of one entry added)."""
    totals = {name: getattr(bal, name) for name in TOTALS}
    for name, sign in EFFECTS[kind].items():
        totals[name] += sign * amount_cents
    return Balance(**totals)


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
    """Book a commitment only if the year is open and its free budget covers it (`commit_grant_row`),
    its entry written at once."""
    entry = LedgerEntry(
        **commit_grant_row(
            session,
            fund_id=fund_id,
            year=year,
            application_id=application_id,
            amount_cents=amount_cents,
            at=at,
            actor_id=actor_id,
            clause=clause,
        )
    )
    session.add(entry)
    session.flush()
    return entry


def commit_grant_row(
    session: Session,
    *,
    fund_id: str,
    year: int,
    application_id: int,
    amount_cents: int,
    at: datetime,
    actor_id: int | None,
    clause: str | None = None,
) -> dict[str, Any]:
    """Book a commitment only if the year is open and its free budget covers it; refuse any overspend.
    Lock and check are one statement (`book_row(within_free=True)`): the check sees the totals under the
    lock. Returns the entry's row, not yet written (`write_entries`)."""
    if amount_cents <= 0:
        raise InvalidInput("Der Bewilligungsbetrag muss größer als 0,00 € sein.")
    return book_row(
        session,
        fund_id=fund_id,
        year=year,
        kind="commitment",
        amount_cents=amount_cents,
        at=at,
        actor_id=actor_id,
        application_id=application_id,
        note="Bewilligung",
        within_free=True,
        clause=clause,
    )


def counter_book(session: Session, entry_id: int, *, at: datetime, actor_id: int | None, note: str) -> LedgerEntry:
    """Correct a booking by booking its exact opposite (the ledger is never edited)."""
    original = session.get(LedgerEntry, entry_id)
    if original is None:
        raise InvalidInput(f"Buchung {entry_id} gibt es nicht.")
    opposite = {"commitment": "release", "release": "commitment"}
    kind = opposite.get(original.kind, original.kind)
    amount = original.amount_cents if kind != original.kind else -original.amount_cents
    return book(  # takes the year's lock
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


YearKey = tuple[str, int]
MonthKey = tuple[str, int, date]


def fold_all(conn: Connection) -> tuple[dict[YearKey, Balance], dict[MonthKey, tuple[int, int]]]:
    """The reference figures of every fund and year from the entries alone: balances per (fund, year)
    and (committed, paid net) per (fund, year, month). One grouped query and one pass over the
    chart's bookings; for `verify` and for rebuilding the totals after a bulk load."""
    per_kind: dict[YearKey, list[tuple[str, int]]] = defaultdict(list)
    for fund_id, year, kind, total in conn.execute(
        select(
            LedgerEntry.fund_id, LedgerEntry.budget_year, LedgerEntry.kind, func.sum(LedgerEntry.amount_cents)
        ).group_by(LedgerEntry.fund_id, LedgerEntry.budget_year, LedgerEntry.kind)
    ):
        per_kind[(str(fund_id), int(year))].append((str(kind), int(total)))
    balances = {key: fold(kinds) for key, kinds in per_kind.items()}
    months: dict[MonthKey, list[int]] = defaultdict(lambda: [0, 0])
    rows = conn.execute(
        select(LedgerEntry.fund_id, LedgerEntry.budget_year, LedgerEntry.kind, LedgerEntry.amount_cents,
               LedgerEntry.booked_at).where(LedgerEntry.kind.in_(tuple(MONTHLY))),
        execution_options={"yield_per": 5_000},
    )  # fmt: skip
    for fund_id, year, kind, amount, at in rows:
        name, sign = MONTHLY[str(kind)]
        months[(str(fund_id), int(year), month_of(at))][0 if name == "committed" else 1] += sign * int(amount)
    return balances, {key: (c, p) for key, (c, p) in months.items()}


def fold_claims(conn: Connection) -> dict[YearKey, int]:
    """The reference of `budget_years.refund_claimed_cents`: the refund claims summed per fund and
    budget year of their application (one grouped query over all refunds)."""
    rows = conn.execute(
        select(Application.fund_id, Application.budget_year, func.sum(Refund.claimed_cents))
        .join(Application, Application.id == Refund.application_id)
        .group_by(Application.fund_id, Application.budget_year)
    )
    return {(str(f), int(y)): int(c) for f, y, c in rows}


def add_claim(session: Session, fund_id: str, year: int, amount_cents: int) -> None:
    """Add a refund claim to its fund year's running sum (in the claim's transaction). A year without
    its budget row is refused (`InvalidInput`, the wording of a booking on such a year): the claim would
    be missing from the year's sum that `verify` holds against `fold_claims`."""
    result = session.execute(
        update(BudgetYear)
        .where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
        .values(refund_claimed_cents=BudgetYear.refund_claimed_cents + amount_cents)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise _no_budget(year)


def rebuild_totals(conn: Connection) -> int:
    """Set every year's totals and month sums from the entries (after rows were written around `book`,
    e.g. the benchmark's bulk seed); budget years that have entries but no row get one. Returns the
    number of budget years written. Take the write lock first (one transaction)."""
    balances, months = fold_all(conn)
    claims = fold_claims(conn)
    known = {(str(f), int(y)) for f, y in conn.execute(select(BudgetYear.fund_id, BudgetYear.year))}
    missing = [{"fund_id": f, "year": y, "lock_version": 0} for f, y in sorted(set(balances) - known)]
    if missing:
        conn.execute(insert(BudgetYear), missing)
    zero = Balance()
    for fund_id, year in sorted(known | set(balances)):
        b = balances.get((fund_id, year), zero)
        conn.execute(
            update(BudgetYear)
            .where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
            .values(
                {f"{name}_cents": getattr(b, name) for name in TOTALS}
                | {"refund_claimed_cents": claims.get((fund_id, year), 0)}
            )
        )
    conn.execute(delete(LedgerMonth))
    rows = [
        {"fund_id": f, "budget_year": y, "month": m, "committed_cents": c, "paid_cents": p}
        for (f, y, m), (c, p) in sorted(months.items())
    ]
    if rows:
        conn.execute(insert(LedgerMonth), rows)
    return len(known | set(balances))
