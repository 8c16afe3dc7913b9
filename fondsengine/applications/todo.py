"""The office's to-do list: one list across all funds the actor manages and all budget years.

Each group is one branch (limited to LIST_LIMIT rows, with a window count of all) of ONE statement
(UNION ALL), over indexed columns (state, status, due dates). The groups, in the order the dashboard shows them:

| group | what is in it |
|---|---|
| formal_check | submitted, or in the formal check: the office checks them |
| changes_overdue | requests for changes not answered by the date the letter names (`changes_due_on`) |
| decision_due | formally checked or on an agenda: a decision is due (jury or office) |
| city_grant | recommended by the jury: the city's grant (two-step funds) is due |
| payment_request | payment requests the office still has to execute |
| proof_review | proofs of use submitted and waiting for the office's review |
| final_payment | proofs accepted with money still due to the applicant |
| refund_open | refund claims not (fully) received, oldest due first; overdue ones marked |
| proof_overdue | proofs of use not submitted by their due date |
| unused_advance | advances paid longer ago than the guideline's `issuance.use_within_months` with no proof yet |
| undeliverable | mails that could not be delivered (outbox status dead) |
| letter_held | letters held instead of rendered: a placeholder would have had no value (`held_reason`) |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.guidelines.calc import add_months, use_by_date
from fondsengine.guidelines.model import Guideline
from fondsengine.letters.registry import kind_label
from fondsengine.lifecycle import authz
from fondsengine.model import Application, ApplicationCount, LedgerEntry, Letter, OutboxMessage, Payment, Refund
from fondsengine.model.base import UTCDateTime

LIST_LIMIT = 20

GROUPS: dict[str, str] = {
    "formal_check": "Formale Prüfung",
    "changes_overdue": "Überfällige Antworten auf Nachforderungen",
    "decision_due": "Entscheidung fällig",
    "granting_due": "Bewilligung der Stadt ausstehend",
    "payment_request": "Auszahlungsanforderungen",
    "proof_review": "Verwendungsnachweise zu prüfen",
    "final_payment": "Schlusszahlungen",
    "refund_open": "Offene Rückforderungen",
    "proof_overdue": "Überfällige Verwendungsnachweise",
    "unused_advance": "Abgerufene, noch nicht verwendete Mittel",
    "undeliverable": "Nicht zustellbare E-Mails",
    "letter_held": "Zurückgehaltene Briefe",
}


@dataclass(frozen=True)
class TodoItem:
    """One thing to do, with what the office needs to find it."""

    application_id: int | None
    fund_id: str
    budget_year: int | None
    file_number: str | None
    title: str
    amount_cents: int | None
    day: date | None  # since (waiting) or due (deadlines)
    overdue: bool = False
    note: str = ""


@dataclass(frozen=True)
class TodoGroup:
    """One group of the to-do list: its key, German heading, the first items and how many in all."""

    key: str
    label: str
    items: tuple[TodoItem, ...]
    total: int


def managed_funds(session: Session, actor: Actor, today: date) -> list[str]:
    """The funds the actor manages today (one query)."""
    return sorted(f for f, _name in authz.managed_funds(session, actor, today))


def _app_cols() -> tuple[Any, ...]:
    return (Application.id, Application.fund_id, Application.budget_year, Application.file_number, Application.title)


@dataclass(frozen=True)
class _Group:
    """One group's query (without order and limit), its order and how a row becomes an item."""

    key: str
    query: Any
    order: tuple[Any, ...]
    make: Callable[[Any], TodoItem]
    total: Any = None  # a scalar subquery counting the group (default: a count over the query)


# the columns of the one statement: every group's columns go into the next free slot of their kind
_SLOTS: dict[str, tuple[Any, int]] = {"int": (BigInteger(), 3), "str": (String(), 6), "at": (UTCDateTime(), 1),
                                      "on": (Date(), 1)}  # fmt: skip


def _kind_of(column: Any) -> str:
    t = column.type
    if isinstance(t, UTCDateTime | DateTime):
        return "at"
    if isinstance(t, Date):
        return "on"
    if isinstance(t, Integer):
        return "int"
    return "str"


def _value(kind: str, value: Any) -> Any:
    """A slot's value as its group expects it: PostgreSQL types a UNION column that is bigint in one
    branch and a sum (numeric) in another as numeric, so whole cents come back as Decimal."""
    return int(value) if kind == "int" and value is not None else value


def _order_parts(order: tuple[Any, ...]) -> list[tuple[Any, bool]]:
    """Each ordering term as (expression, descending)."""
    parts = []
    for term in order:
        descending = isinstance(term, UnaryExpression) and term.modifier is operators.desc_op
        parts.append((term.element if descending else term, descending))
    return parts


def _run(session: Session, groups: list[_Group]) -> list[TodoGroup]:
    """All groups in ONE statement (UNION ALL): each branch its first LIST_LIMIT rows in its order, each
    row with its place (a row number over those few rows only) and the count of all rows of its group (a
    counter-table sum where the group has one, else a plain count; never a window over the whole group,
    which would materialise and sort every row of a large group: 0.6 s for 15,000 waiting applications
    on SQLite)."""
    branches = []
    layouts: list[list[tuple[str, int]]] = []
    for n, g in enumerate(groups):
        parts = _order_parts(g.order)
        total = (
            g.total
            if g.total is not None
            else select(func.count()).select_from(g.query.subquery(f"c{n}")).scalar_subquery()
        )
        inner = (
            g.query.add_columns(*(expr.label(f"o{i}") for i, (expr, _d) in enumerate(parts)))
            .order_by(*g.order)
            .limit(LIST_LIMIT)
            .subquery(f"g{n}")
        )
        ordering = [inner.c[f"o{i}"].desc() if d else inner.c[f"o{i}"] for i, (_e, d) in enumerate(parts)]
        pos = func.row_number().over(order_by=ordering).label("pos")
        cols = list(inner.c)[: -len(parts)]
        used: dict[str, int] = dict.fromkeys(_SLOTS, 0)
        layout: list[tuple[str, int]] = []
        picked: dict[tuple[str, int], Any] = {}
        for col in cols:
            kind = _kind_of(col)
            layout.append((kind, used[kind]))
            picked[(kind, used[kind])] = col
            used[kind] += 1
        slots = [
            picked.get((kind, i), cast(null(), type_)).label(f"{kind}{i}")
            for kind, (type_, size) in _SLOTS.items()
            for i in range(size)
        ]
        branches.append(select(literal(n).label("grp"), pos, total.label("total"), *slots))
        layouts.append(layout)
    rows = session.execute(union_all(*branches)).all()
    offsets, at = {}, 3
    for kind, (_t, size) in _SLOTS.items():
        offsets[kind] = at
        at += size
    found: dict[int, list[Any]] = {n: [] for n in range(len(groups))}
    for r in rows:
        found[int(r[0])].append(r)
    out = []
    for n, g in enumerate(groups):
        mine = sorted(found[n], key=lambda r: int(r[1]))
        items = tuple(g.make(tuple(_value(kind, r[offsets[kind] + i]) for kind, i in layouts[n])) for r in mine)
        out.append(TodoGroup(g.key, GROUPS[g.key], items, int(mine[0][2]) if mine else 0))
    return out


def _by_state(key: str, funds: list[str], states: tuple[str, ...], since: Any) -> _Group:
    query = select(*_app_cols(), Application.requested_cents, since).where(
        Application.fund_id.in_(funds), Application.state.in_(states)
    )
    total = (  # from the counter table (kept by every step), not a count over the applications
        select(func.coalesce(func.sum(ApplicationCount.count), 0))
        .where(ApplicationCount.fund_id.in_(funds), ApplicationCount.state.in_(states))
        .scalar_subquery()
    )
    return _Group(
        key,
        query,
        (since, Application.id),
        lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], local_date(r[6]) if r[6] else None),
        total,
    )


def office_todo(fonds: Engine, actor: Actor, *, now: datetime | None = None) -> list[TodoGroup]:
    """The to-do list of the actor's office across all funds they manage and all budget years
    (the daily digest mails it; `now` for a job's own time)."""
    with fonds.db.read() as s:
        now = now or fonds.clock.now()
        funds = managed_funds(s, actor, local_date(now))
        if not funds:
            raise PermissionDenied("Die Aufgabenliste sieht nur die Geschäftsführung eines Fonds.")
        return todo_lists(fonds, s, funds, now)


def todo_lists(fonds: Engine, s: Session, funds: list[str], now: datetime) -> list[TodoGroup]:
    """The to-do list of these funds (the caller has checked that the actor manages them), in one
    statement (the dashboard reads it in its own read session)."""
    today = local_date(now)
    groups = [
        _by_state("formal_check", funds, fonds.catalog.state_ids(s, waiting_for="review"), Application.submitted_at),
        _changes_overdue(funds, fonds.catalog.state_ids(s, waiting_for="changes"), today),
        _by_state(
            "decision_due",
            funds,
            fonds.catalog.state_ids(s, waiting_for="decision") + fonds.catalog.state_ids(s, waiting_for="jury"),
            Application.submitted_at,
        ),
        _by_state("granting_due", funds, fonds.catalog.state_ids(s, waiting_for="city"), Application.decided_at),
    ]
    requests = (
        select(*_app_cols(), Payment.amount_cents, Payment.requested_at, Payment.kind)
        .join(Payment, Payment.application_id == Application.id)
        .where(Application.fund_id.in_(funds), Payment.status.in_(("requested", "ordered")))
    )
    groups.append(
        _Group(
            "payment_request",
            requests,
            (Payment.requested_at, Payment.id),
            lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], local_date(r[6]), note=r[7]),
        )
    )
    proof_check = fonds.catalog.state_ids(s, waiting_for="proof_check")
    groups.append(_by_state("proof_review", funds, proof_check, Application.updated_at))
    # the sums run per candidate application (correlated, on the application_id indexes), never over the
    # whole ledger: the group's cost follows the number of accepted proofs, not the ledger's size
    paid = (
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .where(LedgerEntry.application_id == Application.id, LedgerEntry.kind == "payment")
        .correlate(Application)
        .scalar_subquery()
    )
    received = (
        select(func.coalesce(func.sum(Refund.received_cents), 0))
        .where(Refund.application_id == Application.id)
        .correlate(Application)
        .scalar_subquery()
    )
    due = Application.settled_cents - paid + received
    # waiting for the (final) payment, no longer for a proof: the proof is accepted
    proof_states = set(fonds.catalog.state_ids(s, waiting_for="proof"))
    waiting_for_payment = fonds.catalog.state_ids(s, waiting_for="payment")
    final_payment_states = [st for st in waiting_for_payment if st not in proof_states]
    finals = select(*_app_cols(), due, Application.updated_at).where(
        Application.fund_id.in_(funds), Application.state.in_(final_payment_states), due > 0
    )
    groups.append(
        _Group(
            "final_payment",
            finals,
            (Application.updated_at, Application.id),
            lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], int(r[5]), local_date(r[6])),
        )
    )
    refunds = (
        select(*_app_cols(), Refund.claimed_cents - Refund.received_cents, Refund.due_on)
        .join(Refund, Refund.application_id == Application.id)
        .where(Application.fund_id.in_(funds), Refund.received_cents < Refund.claimed_cents)
    )
    groups.append(
        _Group(
            "refund_open",
            refunds,
            (Refund.due_on, Refund.id),
            lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], int(r[5]), r[6], overdue=r[6] < today),
        )
    )
    overdue = select(*_app_cols(), Application.approved_cents, Application.proof_due_on).where(
        Application.fund_id.in_(funds),
        Application.state.in_(fonds.catalog.state_ids(s, waiting_for="proof")),
        Application.proof_due_on < today,
    )
    groups.append(
        _Group(
            "proof_overdue",
            overdue,
            (Application.proof_due_on, Application.id),
            lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], True),
        )
    )
    advances = _unused_advances(fonds, s, funds, today, now)
    groups += advances
    dead = (
        select(
            OutboxMessage.application_id,
            func.coalesce(Application.fund_id, ""),
            Application.budget_year,
            Application.file_number,
            func.coalesce(Application.title, OutboxMessage.topic),
            OutboxMessage.created_at,
            OutboxMessage.recipient_email,
            OutboxMessage.last_error,
        )
        .outerjoin(Application, Application.id == OutboxMessage.application_id)
        .where(OutboxMessage.status == "dead")
        .where((Application.fund_id.in_(funds)) | (OutboxMessage.application_id.is_(None)))
    )
    groups.append(
        _Group(
            "undeliverable",
            dead,
            (OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
            lambda r: TodoItem(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                None,
                local_date(r[5]),
                note=f"an {r[6] or '(keine Adresse)'}" + (f": {r[7]}" if r[7] else ""),
            ),
        )
    )
    groups.append(_held_letters(funds))
    found = _run(s, groups)
    # the unused advances are one branch per fund (each fund its own time limit): one group of them
    first = len(groups) - len(advances) - 2
    parts = found[first : first + len(advances)]
    merged = TodoGroup(
        "unused_advance",
        GROUPS["unused_advance"],
        tuple(i for g in parts for i in g.items)[:LIST_LIMIT],
        sum(g.total for g in parts),
    )
    return [*found[:first], merged, *found[first + len(advances) :]]


def _changes_overdue(funds: list[str], states: tuple[str, ...], today: date) -> _Group:
    """Requests for changes whose answer is overdue: still waiting for the applicant past the date the
    letter named."""
    query = select(*_app_cols(), Application.requested_cents, Application.changes_due_on).where(
        Application.fund_id.in_(funds),
        Application.state.in_(states),
        Application.changes_due_on < today,
    )
    return _Group(
        "changes_overdue",
        query,
        (Application.changes_due_on, Application.id),
        lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], True, "Antwort auf die Nachforderung fehlt"),
    )


def _held_letters(funds: list[str]) -> _Group:
    """Letters of the office's funds held instead of rendered (a placeholder would have been empty)."""
    query = (
        select(*_app_cols(), Letter.created_at, Letter.kind)
        .join(Letter, Letter.application_id == Application.id)
        .where(Application.fund_id.in_(funds), Letter.pdf.is_(None), Letter.held_reason.is_not(None))
    )

    def item(r: Any) -> TodoItem:
        label = kind_label(r[6])
        note = f"{label}: ein Platzhalter des Brieftextes hätte keinen Wert, der Brief wurde nicht erstellt"
        return TodoItem(r[0], r[1], r[2], r[3], r[4], None, local_date(r[5]), note=note)

    return _Group("letter_held", query, (Letter.created_at, Letter.id), item)


def _unused_advances(fonds: Engine, s: Session, funds: list[str], today: date, now: datetime) -> list[_Group]:
    """Advances and instalments paid longer ago than the fund's `issuance.use_within_months` (Nr. 1.4
    ANBest-P), no proof submitted yet (the application still waits for it): one branch per fund with
    such a limit."""
    out: list[_Group] = []
    proof_states = fonds.catalog.state_ids(s, waiting_for="proof")
    for fund_id in funds:
        guideline = fonds.catalog.current(s, fund_id)[2]
        if guideline.issuance is None:
            continue
        months = guideline.issuance.use_within_months
        limit = datetime.combine(add_months(today, -months), datetime.min.time()).replace(tzinfo=now.tzinfo)
        query = (
            select(*_app_cols(), Payment.amount_cents, Payment.paid_at)
            .join(Payment, Payment.application_id == Application.id)
            .where(
                Application.fund_id == fund_id,
                Application.state.in_(proof_states),
                Payment.status == "paid",
                Payment.kind.in_(("advance", "instalment")),
                Payment.paid_at < limit,
            )
        )
        out.append(_Group("unused_advance", query, (Payment.paid_at, Payment.id), _advance_item(guideline, months)))
    return out


def _advance_item(guideline: Guideline, months: int) -> Callable[[Any], TodoItem]:
    def item(r: Any) -> TodoItem:
        return TodoItem(
            r[0], r[1], r[2], r[3], r[4], r[5], use_by_date(guideline, local_date(r[6])), True,
            f"abgerufen am {local_date(r[6]).strftime('%d.%m.%Y')}, zu verwenden binnen {months} Monaten",
        )  # fmt: skip

    return item
