"""The office's to-do list: one list across all funds the actor manages and all budget years.

Each group is one branch of ONE statement (UNION ALL): its first LIST_LIMIT rows, merged from one
ordered index range per (fund, state) (or per payment status) that stops after LIST_LIMIT rows, and its
count: from the counter table `application_counts` where the group is a set of states, else counted up
to COUNT_CAP + 1 rows and shown as "mehr als 100" beyond (issue 19: the cost follows the rows shown, not
the number of applications). The statement is built once per office's funds, states and time limits and
run with the day's dates as parameters. The groups, in the order the dashboard shows them:

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

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Integer,
    String,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    null,
    select,
    union_all,
)
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
from fondsengine.model.money import ADVANCE_KINDS, PAID
from fondsengine.text import format_date

LIST_LIMIT = 20
# a group without a counter is counted up to this many ("mehr als 100"): the count stops there instead
# of reading every overdue proof or paid advance of all years
COUNT_CAP = 100
# at most this many parts (ordered index ranges) per group; an office managing more funds reads each
# group as one range over all of them (a scan of the group and a sort, as before)
MAX_PARTS = 48

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
    capped: bool = False  # there are more than `total` (the count stopped at COUNT_CAP)

    @property
    def total_label(self) -> str:
        """The count as the page shows it: "17", or "mehr als 100" for a capped count."""
        return f"mehr als {self.total}" if self.capped else str(self.total)


def managed_funds(session: Session, actor: Actor, today: date) -> list[str]:
    """The funds the actor manages today (one query)."""
    return sorted(f for f, _name in authz.managed_funds(session, actor, today))


def _app_cols() -> tuple[Any, ...]:
    return (Application.id, Application.fund_id, Application.budget_year, Application.file_number, Application.title)


@dataclass(frozen=True)
class _Group:
    """One group's query (without order and limit) and its order (how a row becomes an item: `_makes`).

    `query` is one select or several with the same columns (parts): each part is one ordered index
    range (one fund and state, say), read in its order up to LIST_LIMIT rows, and the parts are merged
    by the group's order. PostgreSQL answers `fund_id IN (..) AND state IN (..) ORDER BY .. LIMIT 20`
    with a scan of the whole group and a sort (it cannot merge ordered index ranges), one part per
    range stops after the rows shown."""

    key: str
    query: Any
    order: tuple[Any, ...]
    total: Any = None  # a scalar subquery counting the group (default: a count capped at COUNT_CAP)
    cap: bool = False  # the total counts more than COUNT_CAP only where there are more (cut it there)

    @property
    def parts(self) -> tuple[Any, ...]:
        return tuple(self.query) if isinstance(self.query, tuple | list) else (self.query,)


# the columns of the one statement: every group's columns go into the next free slot of their kind
_SLOTS: dict[str, tuple[Any, int]] = {"int": (BigInteger(), 4), "str": (String(), 6), "at": (UTCDateTime(), 1),
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


def _ordered(query: Any, order: tuple[Any, ...], limit: int) -> Any:
    """One part in its order, limited, with its ordering terms as the last columns (o0, o1, ..)."""
    parts = _order_parts(order)
    return (
        query.add_columns(*(expr.label(f"o{i}") for i, (expr, _d) in enumerate(parts)))
        .order_by(*order)
        .limit(limit)
    )


def _merged(g: _Group, n: int) -> Any:
    """The group's first LIST_LIMIT rows: each part read in its order up to LIST_LIMIT rows (an ordered
    index range stops there), the parts merged by the same order."""
    order = _order_parts(g.order)
    if len(g.parts) == 1:
        return _ordered(g.parts[0], g.order, LIST_LIMIT).subquery(f"g{n}")
    ranges = union_all(
        *(select(*_ordered(q, g.order, LIST_LIMIT).subquery(f"g{n}p{k}").c) for k, q in enumerate(g.parts))
    ).subquery(f"g{n}u")
    ordering = [ranges.c[f"o{i}"].desc() if d else ranges.c[f"o{i}"] for i, (_e, d) in enumerate(order)]
    return select(*ranges.c).order_by(*ordering).limit(LIST_LIMIT).subquery(f"g{n}")


def _capped_count(g: _Group, n: int) -> Any:
    """How many rows the group has, counted up to COUNT_CAP + 1 (each part read in its order and stopped
    there, as the list itself)."""
    ranges = [
        select(literal(1).label("one")).select_from(
            q.with_only_columns(literal(1).label("one"), maintain_column_froms=True)
            .order_by(*g.order)
            .limit(COUNT_CAP + 1)
            .subquery(f"c{n}p{k}")
        )
        for k, q in enumerate(g.parts)
    ]
    rows = ranges[0] if len(ranges) == 1 else union_all(*ranges)
    return select(func.count()).select_from(rows.limit(COUNT_CAP + 1).subquery(f"c{n}")).scalar_subquery()


@dataclass(frozen=True)
class _Statement:
    """The one statement of a to-do list and how to read its rows: per group its key, whether its count
    is capped, and which slot holds each of its columns."""

    statement: Any
    keys: tuple[str, ...]
    capped: tuple[bool, ...]
    layouts: tuple[tuple[tuple[str, int], ...], ...]


def _statement(groups: list[_Group]) -> _Statement:
    """All groups in ONE statement (UNION ALL): each branch its first LIST_LIMIT rows in its order (merged
    from its parts), each row with its place (a row number over those few rows only) and the count of its
    group (a counter-table sum where the group has one, else a count that stops after COUNT_CAP + 1 rows;
    never a window over the whole group, which would materialise and sort every row of a large group:
    0.6 s for 15,000 waiting applications on SQLite)."""
    branches = []
    layouts: list[tuple[tuple[str, int], ...]] = []
    for n, g in enumerate(groups):
        order = _order_parts(g.order)
        total = g.total if g.total is not None else _capped_count(g, n)
        inner = _merged(g, n)
        ordering = [inner.c[f"o{i}"].desc() if d else inner.c[f"o{i}"] for i, (_e, d) in enumerate(order)]
        pos = func.row_number().over(order_by=ordering).label("pos")
        cols = list(inner.c)[: -len(order)]
        used: dict[str, int] = dict.fromkeys(_SLOTS, 0)
        layout: list[tuple[str, int]] = []
        picked: dict[tuple[str, int], Any] = {}
        for col in cols:
            kind = _kind_of(col)
            if used[kind] >= _SLOTS[kind][1]:
                raise ValueError(f"to-do group {g.key}: more {kind} columns than the statement has slots")
            layout.append((kind, used[kind]))
            picked[(kind, used[kind])] = col
            used[kind] += 1
        slots = [
            picked.get((kind, i), cast(null(), type_)).label(f"{kind}{i}")
            for kind, (type_, size) in _SLOTS.items()
            for i in range(size)
        ]
        branches.append(select(literal(n).label("grp"), pos, total.label("total"), *slots))
        layouts.append(tuple(layout))
    return _Statement(
        union_all(*branches),
        tuple(g.key for g in groups),
        tuple(g.total is None or g.cap for g in groups),
        tuple(layouts),
    )


def _read(
    session: Session, built: _Statement, makes: dict[str, Callable[[Any], TodoItem]], params: dict[str, Any]
) -> list[TodoGroup]:
    """Run the statement and make each group's items from its rows."""
    rows = session.execute(built.statement, params).all()
    offsets, at = {}, 3
    for kind, (_t, size) in _SLOTS.items():
        offsets[kind] = at
        at += size
    found: dict[int, list[Any]] = {n: [] for n in range(len(built.keys))}
    for r in rows:
        found[int(r[0])].append(r)
    out = []
    for n, key in enumerate(built.keys):
        make, layout = makes[key], built.layouts[n]
        mine = sorted(found[n], key=lambda r: int(r[1]))
        items = tuple(make(tuple(_value(kind, r[offsets[kind] + i]) for kind, i in layout)) for r in mine)
        total = int(mine[0][2]) if mine else 0
        capped = built.capped[n] and total > COUNT_CAP
        out.append(TodoGroup(key, GROUPS[key], items, min(total, COUNT_CAP) if capped else total, capped))
    return out


def _ranges(query: Any, funds: list[str], states: tuple[str, ...] | list[str]) -> tuple[Any, ...]:
    """The query once per (fund, state), each one ordered range of a (fund_id, state, ..) index; one
    part with IN lists where that would be more than MAX_PARTS parts (or nothing to split)."""
    funds, states = sorted(set(funds)), sorted(set(states))  # a state in two workflows: one range
    if not funds or not states or len(funds) * len(states) > MAX_PARTS:
        return (query.where(Application.fund_id.in_(funds), Application.state.in_(states)),)
    return tuple(query.where(Application.fund_id == f, Application.state == st) for f in funds for st in states)


def _of_funds(query: Any, fund_col: Any, funds: list[str], rules: list[Any]) -> tuple[Any, ...]:
    """The query once per rule, restricted to the funds by the table's own fund column (no other fund's
    rows are read: at platform scale most open payments and refunds belong to other funds). One part per
    rule, not per fund and rule: each part is a few open rows of the office's funds, sorted, and every part
    more costs the statement's planning (issue 19: 7 more ranges, 25 -> 38 ms of planning at 100k)."""
    return tuple(query.where(fund_col.in_(sorted(set(funds))), rule) for rule in rules)


def _by_state(key: str, funds: list[str], states: tuple[str, ...], since: Any) -> _Group:
    query = _ranges(select(*_app_cols(), Application.requested_cents, since), funds, states)
    total = (  # from the counter table (kept by every step), not a count over the applications
        select(func.coalesce(func.sum(ApplicationCount.count), 0))
        .where(ApplicationCount.fund_id.in_(funds), ApplicationCount.state.in_(states))
        .scalar_subquery()
    )
    return _Group(key, query, (since, Application.id), total)


def office_todo(fonds: Engine, actor: Actor, *, now: datetime | None = None) -> list[TodoGroup]:
    """The to-do list of the actor's office across all funds they manage and all budget years
    (the daily digest mails it; `now` for a job's own time)."""
    with fonds.db.read() as s:
        now = now or fonds.clock.now()
        funds = managed_funds(s, actor, local_date(now))
        if not funds:
            raise PermissionDenied("Die Aufgabenliste sieht nur die Geschäftsführung eines Fonds.")
        return todo_lists(fonds, s, funds, now)


# the dates of a to-do list are parameters: the statement, built once per office's funds, states and time
# limits (building it took longer than running it), is kept and run with each request's dates
TODAY = bindparam("today", type_=Date())
_BUILT: dict[tuple[Any, ...], _Statement] = {}


def _advance_limit(n: int) -> Any:
    return bindparam(f"advance_limit_{n}", type_=UTCDateTime())


def todo_lists(fonds: Engine, s: Session, funds: list[str], now: datetime) -> list[TodoGroup]:
    """The to-do list of these funds (the caller has checked that the actor manages them), in one
    statement (the dashboard reads it in its own read session)."""
    today = local_date(now)
    states = {w: fonds.catalog.state_ids(s, waiting_for=w) for w in WAITING}
    advance: list[tuple[str, Guideline, int]] = []  # the funds that limit the time to use an advance
    for fund_id in funds:
        guideline = fonds.catalog.current(s, fund_id)[2]
        if guideline.issuance is not None:
            advance.append((fund_id, guideline, guideline.issuance.use_within_months))
    limits = [(fund_id, months) for fund_id, _g, months in advance]
    key = (tuple(funds), tuple(states.items()), tuple(limits), LIST_LIMIT, COUNT_CAP, MAX_PARTS)
    built = _BUILT.get(key)
    if built is None:
        if len(_BUILT) >= 256:  # offices, funds and state sets are few: a bound, not an eviction policy
            _BUILT.clear()
        built = _BUILT[key] = _statement(_groups(funds, states, limits))
    params: dict[str, Any] = {"today": today}
    for n, (_f, months) in enumerate(limits):
        limit = datetime.combine(add_months(today, -months), datetime.min.time()).replace(tzinfo=now.tzinfo)
        params[f"advance_limit_{n}"] = limit
    return _read(s, built, _makes({f: _advance_item(g, m) for f, g, m in advance}), params)


WAITING = ("review", "changes", "decision", "jury", "city", "payment", "proof", "proof_check")


def _makes(advance: dict[str, Callable[[Any], TodoItem]]) -> dict[str, Callable[[Any], TodoItem]]:
    """How a row of each group becomes an item (the columns as `_groups` selects them)."""

    def waiting(r: Any) -> TodoItem:
        return TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], local_date(r[6]) if r[6] else None)

    def dead(r: Any) -> TodoItem:
        note = f"an {r[6] or '(keine Adresse)'}" + (f": {r[7]}" if r[7] else "")
        return TodoItem(r[0], r[1], r[2], r[3], r[4], None, local_date(r[5]), note=note)

    def held(r: Any) -> TodoItem:
        note = f"{kind_label(r[6])}: ein Platzhalter des Brieftextes hätte keinen Wert, der Brief wurde nicht erstellt"
        return TodoItem(r[0], r[1], r[2], r[3], r[4], None, local_date(r[5]), note=note)

    return {
        "formal_check": waiting,
        "changes_overdue": lambda r: TodoItem(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], True, "Antwort auf die Nachforderung fehlt"
        ),
        "decision_due": waiting,
        "granting_due": waiting,
        "payment_request": lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], local_date(r[6]), note=r[7]),
        "proof_review": waiting,
        "final_payment": lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], int(r[5]), local_date(r[6])),
        "refund_open": lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], int(r[5]), r[6], overdue=bool(r[7])),
        "proof_overdue": lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], True),
        "unused_advance": lambda r: advance[r[1]](r),
        "undeliverable": dead,
        "letter_held": held,
    }


def _groups(funds: list[str], states: dict[str, tuple[str, ...]], limits: list[tuple[str, int]]) -> list[_Group]:
    """The groups' queries, in the order the dashboard shows them (dates as the parameters `today` and
    `advance_limit_<n>`)."""
    groups = [
        _by_state("formal_check", funds, states["review"], Application.submitted_at),
        _changes_overdue(funds, states["changes"]),
        _by_state("decision_due", funds, states["decision"] + states["jury"], Application.submitted_at),
        _by_state("granting_due", funds, states["city"], Application.decided_at),
    ]
    # one part per status on ix_payments_fund_status_requested (the payment's own fund: no other fund's open
    # requests are read)
    requests = _of_funds(
        select(*_app_cols(), Payment.amount_cents, Payment.requested_at, Payment.kind).join(
            Payment, Payment.application_id == Application.id
        ),
        Payment.fund_id,
        funds,
        [Payment.status == status for status in ("ordered", "requested")],
    )
    groups.append(_Group("payment_request", requests, (Payment.requested_at, Payment.id)))
    groups.append(_by_state("proof_review", funds, states["proof_check"], Application.updated_at))
    # the sums run per candidate application (correlated, on the application_id indexes), never over the
    # whole ledger, and only until the list and the capped count are full (each (fund, state) read in
    # the order of ix_applications_fund_state_updated)
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
    final_payment_states = [st for st in states["payment"] if st not in set(states["proof"])]
    finals = _ranges(select(*_app_cols(), due, Application.updated_at).where(due > 0), funds, final_payment_states)
    groups.append(_Group("final_payment", finals, (Application.updated_at, Application.id)))
    # the open refunds of the funds on the partial index ix_refunds_fund_open_due (the same predicate)
    refunds = _of_funds(
        select(
            *_app_cols(),
            Refund.claimed_cents - Refund.received_cents,
            Refund.due_on,
            case((Refund.due_on < TODAY, 1), else_=0),
        ).join(Refund, Refund.application_id == Application.id),
        Refund.fund_id,
        funds,
        [Refund.received_cents < Refund.claimed_cents],
    )
    groups.append(_Group("refund_open", refunds, (Refund.due_on, Refund.id)))
    overdue = _ranges(  # each (fund, state) a range of ix_applications_fund_state_proof_due
        select(*_app_cols(), Application.approved_cents, Application.proof_due_on).where(
            Application.proof_due_on < TODAY
        ),
        funds,
        states["proof"],
    )
    groups.append(_Group("proof_overdue", overdue, (Application.proof_due_on, Application.id)))
    groups.append(_unused_advances(states["proof"], limits))
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
    groups.append(_Group("undeliverable", dead, (OutboxMessage.created_at.desc(), OutboxMessage.id.desc())))
    groups.append(_held_letters(funds))
    return groups


def _changes_overdue(funds: list[str], states: tuple[str, ...]) -> _Group:
    """Requests for changes whose answer is overdue: still waiting for the applicant past the date the
    letter named (each (fund, state) a range of ix_applications_fund_state_changes_due)."""
    query = select(*_app_cols(), Application.requested_cents, Application.changes_due_on).where(
        Application.changes_due_on < TODAY
    )
    return _Group("changes_overdue", _ranges(query, funds, states), (Application.changes_due_on, Application.id))


def _held_letters(funds: list[str]) -> _Group:
    """Letters of the office's funds held instead of rendered (a placeholder would have been empty), in
    the order of the partial index ix_letters_held (held_reason IS NOT NULL: a few rows, not the letters
    with their PDFs)."""
    query = (
        select(*_app_cols(), Letter.created_at, Letter.kind)
        .join(Letter, Letter.application_id == Application.id)
        .where(Application.fund_id.in_(funds), Letter.pdf.is_(None), Letter.held_reason.is_not(None))
    )

    return _Group("letter_held", query, (Letter.created_at, Letter.id))


def _unused_advances(proof_states: tuple[str, ...], limits: list[tuple[str, int]]) -> _Group:
    """Advances and instalments paid longer ago than the fund's `issuance.use_within_months` (Nr. 1.4
    ANBest-P), no proof submitted yet (the application still waits for it), oldest payment first.

    Read from the applications, not from the payments (most old advances belong to applications whose
    proof came long ago): per fund and waiting state the first applications by `advance_paid_at` (their
    first paid advance; ix_applications_fund_state_advance), and of those the advances in time order.
    The first LIST_LIMIT advances belong to the first LIST_LIMIT applications in that order (each earlier
    application has an advance at least as old), so each range reads LIST_LIMIT applications, plus any
    that tie with the last one. The count reads COUNT_CAP + 1 applications per range: if a range has
    that many, there are more than COUNT_CAP advances; else the advances of those are all there are."""
    parts, counted = [], []
    for n, (fund_id, _months) in enumerate(limits):
        limit = _advance_limit(n)
        waiting = _ranges(select(Application.id).where(Application.advance_paid_at < limit), [fund_id], proof_states)
        parts.append(_advances(union_all(*(_with_ties(q, limit) for q in waiting)), limit))
        counted.append(_advances(union_all(*(_first(q, COUNT_CAP + 1) for q in waiting)), limit))
    if not parts:  # no fund limits the time: an empty group
        none = select(*_app_cols(), Payment.amount_cents, Payment.paid_at).join(Payment).where(false())
        return _Group("unused_advance", none, (Payment.paid_at, Payment.id))
    rows = union_all(*(q.with_only_columns(literal(1).label("one"), maintain_column_froms=True) for q in counted))
    total = select(func.count()).select_from(rows.limit(COUNT_CAP + 1).subquery("unused")).scalar_subquery()
    return _Group("unused_advance", tuple(parts), (Payment.paid_at, Payment.id), total, cap=True)


_ADVANCE_ORDER = (Application.advance_paid_at, Application.id)


def _first(query: Any, n: int) -> Any:
    """The ids of the first n applications of one range, by their first paid advance."""
    return select(query.order_by(*_ADVANCE_ORDER).limit(n).subquery().c.id)


def _with_ties(query: Any, limit: Any) -> Any:
    """The ids of the first LIST_LIMIT applications of one range, and of any paid at the same time as
    the last of them (one index range: up to the LIST_LIMIT-th one's time, or the limit if fewer)."""
    last = (
        query.with_only_columns(Application.advance_paid_at)
        .order_by(*_ADVANCE_ORDER)
        .offset(LIST_LIMIT - 1)
        .limit(1)
        .scalar_subquery()
        .correlate(None)
    )
    return select(query.where(Application.advance_paid_at <= func.coalesce(last, limit)).subquery().c.id)


def _advances(ids: Any, limit: Any) -> Any:
    """The paid advances and instalments before `limit` of these applications."""
    return (
        select(*_app_cols(), Payment.amount_cents, Payment.paid_at)
        .select_from(Payment)
        .join(Application, Application.id == Payment.application_id)
        .where(
            Payment.application_id.in_(ids),
            Payment.status == PAID,
            Payment.kind.in_(ADVANCE_KINDS),
            Payment.paid_at < limit,
        )
    )


def _advance_item(guideline: Guideline, months: int) -> Callable[[Any], TodoItem]:
    def item(r: Any) -> TodoItem:
        return TodoItem(
            r[0], r[1], r[2], r[3], r[4], r[5], use_by_date(guideline, local_date(r[6])), True,
            f"abgerufen am {format_date(local_date(r[6]))}, zu verwenden binnen {months} Monaten",
        )  # fmt: skip

    return item
