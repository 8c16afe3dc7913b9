"""Read model of the office queue (issue 11): filter, search, sort and paginate the applications of
the funds the actor manages, authorised once, returned as plain dataclasses; the export reads all
rows of the same filter.

One query per page plus one count (from the counter table application_counts when only fund, year
and state are filtered); the filters hit the (fund_id, budget_year, state) index.
Pages are read by keyset ("seek"), not by OFFSET: the links to the next and the previous page carry
the sort value and id of the last (first) row shown (`Position`, an opaque token), and the page is
read from the index just after (before) that row, so page 1,500 costs what page 1 costs. A page
number without a position (a typed address) still reads with OFFSET.
The text search is a case-insensitive substring match over title, contact name, organisation,
description and file number: trigram indexes answer it on PostgreSQL; on SQLite the FTS5
trigram table `applications_search` (migration 0016) answers terms of three or more
characters, shorter ones scan.

The reads run in the session the caller hands over (`read=`, the web request's one read session,
which then also knows the actor's roles and the funds' guideline versions) or in their own.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    tuple_,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.lifecycle.authz import FundChoice, managed_funds
from fondsengine.model import Application, ApplicationCount, CostItem, Fund, JurySession
from fondsengine.model.application import SEARCH_TABLE

PAGE_SIZE = 50
SORTS = {  # the sort keys of the query string -> the column sorted by
    "eingang": Application.submitted_at,
    "betrag": Application.requested_cents,
    "titel": Application.title,
    "aktenzeichen": Application.file_number,
    "stand": Application.state,
}
DEFAULT_SORT = "eingang"
NOT_MANAGED = "Die Antragsliste sieht nur die Geschäftsführung des Fonds."

Choices = tuple[tuple[str, str], ...]  # (id, German label)
SortValue = str | int | datetime | None
BAD_POSITION = (
    "Der Verweis auf diese Seite der Antragsliste ist ungültig oder passt nicht zur Sortierung; "
    "die Liste beginnt wieder auf Seite 1."
)
MAX_TOKEN = 600  # characters: a token holds a sort key, a direction, one value and an id


@dataclass(frozen=True)
class Position:
    """Where a page of the queue starts: just after the row with this sort value and id, or (`before`)
    just before it, in the order of `sort` and `descending` (keyset pagination)."""

    sort: str
    descending: bool
    value: SortValue
    id: int
    before: bool = False

    def token(self) -> str:
        """The position as an opaque, URL-safe text for a page link."""
        value = self.value.isoformat() if isinstance(self.value, datetime) else self.value
        raw = json.dumps([self.sort, int(self.descending), value, self.id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _sort_column(sort: str) -> InstrumentedAttribute[Any]:
    return SORTS.get(sort, SORTS[DEFAULT_SORT])


def parse_position(token: str, sort: str, descending: bool, *, before: bool = False) -> Position:
    """A page link's position, checked against the sort of the page (InvalidInput, in German, for a
    token that is damaged, made for another sort or holds a value of the wrong kind)."""
    try:
        if len(token) > MAX_TOKEN:
            raise ValueError("too long")
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        token_sort, token_descending, value, row_id = raw
        if token_sort != sort or token_descending != int(descending) or type(row_id) is not int or row_id < 1:
            raise ValueError("another sort")
        return Position(sort, descending, _sort_value(sort, value), row_id, before)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(BAD_POSITION) from exc


def _sort_value(sort: str, value: object) -> SortValue:
    """A token's value as the sort column holds it (ValueError when it cannot be one)."""
    if value is None:
        if not _sort_column(sort).expression.nullable:
            raise ValueError("no value")
        return None
    column_type = _sort_column(sort).type
    kind = getattr(column_type, "impl_instance", column_type).python_type  # a TypeDecorator: its stored type
    if kind is datetime and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("naive time")
        return moment
    if kind is int and type(value) is int:
        return value
    if kind is str and isinstance(value, str):
        return value
    raise ValueError("wrong kind")


@dataclass(frozen=True)
class QueueFilter:
    """What the queue is filtered by. `fund_ids` empty: every fund the actor manages. The last three
    fields are filled by the read model (`office_queue`, `queue_export`) from the workflows and the
    database; who builds a select by hand (`filtered`) may set them."""

    fund_ids: Sequence[str] = ()
    year: int | None = None
    state: str = ""
    kind: str = ""
    category: str = ""
    min_cents: int | None = None
    max_cents: int | None = None
    overdue: bool = False
    text: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = True
    page: int = 1
    position: Position | None = None  # where the page starts (from a page link); None: by `page`
    selected: Sequence[int] = ()
    initial_states: tuple[str, ...] = ()  # drafts: never in the queue
    proof_states: tuple[str, ...] = ()  # states waiting for the proof of use (for "overdue")
    search_index: bool = False  # SQLite: the text search may use the full-text table


@dataclass(frozen=True)
class QueueRow:
    """One application of the queue."""

    id: int
    fund_id: str
    fund_name: str
    budget_year: int
    file_number: str | None
    title: str
    contact_name: str
    organisation: str | None
    applicant_kind: str
    state: str
    workflow_version_id: int
    requested_cents: int
    approved_cents: int | None
    submitted_at: datetime | None
    proof_due_on: date | None


@dataclass(frozen=True)
class SessionChoice:
    """An open jury session of a filtered fund (to put the ticked applications on its agenda)."""

    id: int
    starts_at: datetime
    place: str | None
    fund_name: str


@dataclass(frozen=True)
class QueuePage:
    """Everything the queue page shows."""

    filter: QueueFilter  # as applied: the funds and the states resolved
    funds: tuple[FundChoice, ...]  # the funds the actor manages, by name
    rows: tuple[QueueRow, ...]  # of this page
    total: int
    page: int  # the page shown (the asked one, at most the last)
    pages: int
    next_position: str | None  # the token of the next page's link (None on the last page)
    previous_position: str | None  # the token of the previous page's link (None on the first)
    labels: dict[tuple[int, str], str]  # (workflow version, state) -> German label, for the rows
    states: Choices  # of the managed funds' current workflows
    kinds: Choices  # applicant kinds of their current guidelines
    categories: Choices  # cost categories of their current guidelines
    sessions: tuple[SessionChoice, ...]


@dataclass(frozen=True)
class QueueExport:
    """All rows of the filter (no pagination), with the labels an export writes."""

    rows: tuple[QueueRow, ...]
    labels: dict[tuple[int, str], str]
    kinds: dict[str, str]  # applicant kind -> German label (of the filtered funds)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SEARCH = table(SEARCH_TABLE, column("rowid"))
TRIGRAM = 3  # the shortest term the trigram index can answer


def text_match(text: str, *, search_index: bool) -> ColumnElement[bool]:
    """Applications whose title, contact name, organisation, description or file number contain
    `text`, ignoring case. With the SQLite full-text table: one trigram phrase query (the phrase
    is the whole term in double quotes, so FTS5 operators in it are plain characters)."""
    if search_index and len(text) >= TRIGRAM:
        phrase = '"' + text.replace('"', '""') + '"'
        matching = select(_SEARCH.c.rowid).where(literal_column(SEARCH_TABLE).op("MATCH")(phrase))
        return Application.id.in_(matching)
    pattern = _like(text)
    return or_(
        func.lower(Application.title).like(pattern, escape="\\"),
        func.lower(Application.contact_name).like(pattern, escape="\\"),
        func.lower(Application.organisation).like(pattern, escape="\\"),
        func.lower(Application.description).like(pattern, escape="\\"),
        func.lower(Application.file_number).like(pattern, escape="\\"),
    )


def filtered(qf: QueueFilter, day: date) -> Select[Any]:
    """The WHERE part of the queue as a select of application ids (reused by list, count, export)."""
    stmt = select(Application.id).where(Application.fund_id.in_(qf.fund_ids))
    if qf.selected:
        stmt = stmt.where(Application.id.in_(qf.selected))
    if qf.year is not None:
        stmt = stmt.where(Application.budget_year == qf.year)
    state_rule = Application.state == qf.state if qf.state else Application.state.not_in(qf.initial_states)
    stmt = stmt.where(state_rule)
    if qf.kind:
        stmt = stmt.where(Application.applicant_kind == qf.kind)
    if qf.category:
        stmt = stmt.where(exists().where(CostItem.application_id == Application.id, CostItem.category == qf.category))
    if qf.min_cents is not None:
        stmt = stmt.where(Application.requested_cents >= qf.min_cents)
    if qf.max_cents is not None:
        stmt = stmt.where(Application.requested_cents <= qf.max_cents)
    if qf.overdue:
        stmt = stmt.where(Application.state.in_(qf.proof_states), Application.proof_due_on < day)
    if qf.text:
        stmt = stmt.where(text_match(qf.text, search_index=qf.search_index))
    return stmt


COLUMNS = (
    Application.id,
    Application.fund_id,
    Fund.name.label("fund_name"),
    Application.budget_year,
    Application.file_number,
    Application.title,
    Application.contact_name,
    Application.organisation,
    Application.applicant_kind,
    Application.state,
    Application.workflow_version_id,
    Application.requested_cents,
    Application.approved_cents,
    Application.submitted_at,
    Application.proof_due_on,
)


def rows_select(qf: QueueFilter, day: date, *, reverse: bool = False) -> Select[*tuple[Any, ...]]:
    """The full row select of the queue (sorted, not paginated; the columns of `QueueRow`), in the
    queue's order (the sort column, empty values last, then the id) or, `reverse`, the opposite one."""
    where = filtered(qf, day).whereclause
    stmt = select(*COLUMNS).join(Fund, Fund.id == Application.fund_id)
    if where is not None:
        stmt = stmt.where(where)
    return stmt.order_by(*_order(qf, _sort_column(qf.sort), Application.id, reverse=reverse))


def _order(qf: QueueFilter, sorted_by: Any, row_id: Any, *, reverse: bool) -> tuple[Any, Any]:
    """The ordering terms of the queue's order (or, `reverse`, the opposite one) on these columns: empty
    values last; a column that is never empty without a NULLS clause, so that one (fund, column, id) index
    answers both directions (PostgreSQL matches an order to an index with its NULLS placement)."""
    descending = qf.descending != reverse
    key = sorted_by.desc() if descending else sorted_by.asc()
    if _sort_column(qf.sort).expression.nullable:
        key = key.nulls_first() if reverse else key.nulls_last()
    return key, row_id.desc() if descending else row_id.asc()


# at most this many managed funds are read as one ordered range each (merged); more: one read of all
MAX_FUND_RANGES = 16


def page_select(
    qf: QueueFilter, day: date, *, limit: int, offset: int = 0, where: Any = None, reverse: bool = False
) -> Select[*tuple[Any, ...]]:
    """`limit` rows of the queue from `offset` on (after `where`, a keyset position): the first page and
    the pages by link with several funds as one ordered range per fund, each its first `limit` rows on the
    fund's (fund_id, column, id) index, merged in the queue's order and cut (the first rows of all funds are
    among the first rows of each); PostgreSQL answers `fund_id IN (..) ORDER BY column LIMIT 50` by sorting
    every row of the funds. A page by its number (OFFSET) stays one read of all funds."""
    funds = sorted(set(qf.fund_ids))

    if offset or not 2 <= len(funds) <= MAX_FUND_RANGES:  # a page by its number: each range would read the
        stmt = rows_select(qf, day, reverse=reverse)  # offset too, and SQLite sorts their union (no merge)
        return (stmt if where is None else stmt.where(where)).limit(limit).offset(offset)
    ranges = union_all(
        *(select(*_fund_range(qf, day, f, where, reverse).limit(limit).subquery(f"fund{k}").c) for k, f in
          enumerate(funds))
    ).subquery("funds_merged")  # fmt: skip
    ordering = _order(qf, ranges.c[_sort_column(qf.sort).key], ranges.c.id, reverse=reverse)
    return select(*ranges.c).order_by(*ordering).limit(limit)


def _fund_range(qf: QueueFilter, day: date, fund_id: str, where: Any, reverse: bool) -> Select[*tuple[Any, ...]]:
    """The rows of one fund in the queue's order, from the applications alone (the fund's name a scalar
    subquery): joined to the funds, SQLite loops over the two funds outside and sorts the fund's
    applications instead of reading them in the order of the (fund_id, column, id) index."""
    name = select(Fund.name).where(Fund.id == fund_id).scalar_subquery().label("fund_name")
    cols = [name if c.key == "fund_name" else c for c in COLUMNS]
    rule = filtered(replace(qf, fund_ids=(fund_id,)), day).whereclause
    stmt = select(*cols).select_from(Application)
    for clause in (rule, where):
        if clause is not None:
            stmt = stmt.where(clause)
    return stmt.order_by(*_order(qf, _sort_column(qf.sort), Application.id, reverse=reverse))


def seek(position: Position) -> ColumnElement[bool]:
    """The rows after (or before) a position in the queue's order: one row-value comparison on the
    sort column and the id, which the index on them answers as a range (empty values sort last)."""
    col = _sort_column(position.sort)
    later = position.descending != position.before  # True: the rows wanted have smaller keys
    key, at = tuple_(col, Application.id), tuple_(position.value, position.id)
    beyond = key < at if later else key > at
    ids = Application.id < position.id if later else Application.id > position.id
    if position.value is None:  # a row with an empty value: only empty values come after it
        among_empty = and_(col.is_(None), ids)
        return among_empty if not position.before else or_(col.is_not(None), among_empty)
    return beyond


def _empty_after(position: Position) -> ColumnElement[bool] | None:
    """The rows with an empty sort value that follow a row with a value (they sort last), or None when
    the column cannot be empty or none can follow. Read separately from the range of `seek`, so that
    each read is one index range (an OR of both defeats the index)."""
    if position.before or position.value is None or not _sort_column(position.sort).expression.nullable:
        return None
    return _sort_column(position.sort).is_(None)


def _position(qf: QueueFilter, row: QueueRow, *, before: bool) -> str:
    value = getattr(row, _sort_column(qf.sort).key)
    return Position(qf.sort, qf.descending, value, row.id, before).token()


def counts_answer(qf: QueueFilter) -> bool:
    """True when the filter is fund, year and state only: the counter table knows the total."""
    return not (
        qf.selected or qf.kind or qf.category or qf.min_cents is not None or qf.max_cents is not None
        or qf.overdue or qf.text
    )  # fmt: skip


def queue_total(s: Session, qf: QueueFilter, day: date) -> int:
    """How many applications the filter finds: from the counter table application_counts (a few rows
    per fund, year and state) when the filter is fund, year and state only, else a count of the filter."""
    if not counts_answer(qf):
        return int(s.scalar(select(func.count()).select_from(filtered(qf, day).subquery())) or 0)
    state_rule = ApplicationCount.state == qf.state if qf.state else ApplicationCount.state.not_in(qf.initial_states)
    stmt = select(func.coalesce(func.sum(ApplicationCount.count), 0)).where(
        ApplicationCount.fund_id.in_(qf.fund_ids), state_rule
    )
    if qf.year is not None:
        stmt = stmt.where(ApplicationCount.budget_year == qf.year)
    return int(s.scalar(stmt) or 0)


def _rows(s: Session, stmt: Select[*tuple[Any, ...]]) -> tuple[QueueRow, ...]:
    return tuple(QueueRow(**r._asdict()) for r in s.execute(stmt))


def state_labels(fonds: Engine, s: Session, rows: Sequence[QueueRow]) -> dict[tuple[int, str], str]:
    """(workflow version, state) -> German label, for the rows shown (workflows are cached)."""
    out: dict[tuple[int, str], str] = {}
    for version in {r.workflow_version_id for r in rows}:
        for st in fonds.catalog.workflow(s, version).states:
            out[(version, st.id)] = st.label
    return out


def filter_choices(fonds: Engine, s: Session, fund_ids: Sequence[str]) -> tuple[Choices, Choices, Choices]:
    """(states, applicant kinds, cost categories) of the funds' current guidelines and workflows."""
    states: dict[str, str] = {}
    kinds: dict[str, str] = {}
    cats: dict[str, str] = {}
    for fund_id in fund_ids:
        _fund, row, guideline = fonds.catalog.current(s, fund_id)
        for st in fonds.catalog.workflow(s, row.workflow_version_id).states:
            states.setdefault(st.id, st.label)
        for k in guideline.applicants.kinds:
            kinds.setdefault(k.id, k.label)
        for c in guideline.costs.categories:
            cats.setdefault(c.id, c.label)
    return tuple(states.items()), tuple(kinds.items()), tuple(cats.items())


def _authorised(
    fonds: Engine, s: Session, actor: Actor, qf: QueueFilter, day: date
) -> tuple[QueueFilter, tuple[FundChoice, ...]]:
    """The filter with its funds (the managed ones when none is named) and states resolved, and the
    funds the actor manages; PermissionDenied when they manage none or a named fund is not theirs."""
    funds = tuple(FundChoice(i, name) for i, name in managed_funds(s, actor, day))
    managed = [fc.id for fc in funds]
    if not managed or any(fund_id not in managed for fund_id in qf.fund_ids):
        raise PermissionDenied(NOT_MANAGED)
    resolved = replace(
        qf,
        fund_ids=tuple(qf.fund_ids) or tuple(managed),
        sort=qf.sort if qf.sort in SORTS else DEFAULT_SORT,
        initial_states=fonds.catalog.state_ids(s, initial=True),
        proof_states=fonds.catalog.state_ids(s, waiting_for="proof"),
        search_index=fonds.db.has_search_index,
    )
    return resolved, funds


def office_queue(fonds: Engine, actor: Actor, qf: QueueFilter, *, read: Session | None = None) -> QueuePage:
    """One page of the queue of the funds the actor manages (PermissionDenied for anybody else)."""
    with fonds.reading(read) as s:
        day = local_date(fonds.clock.now())
        qf, funds = _authorised(fonds, s, actor, qf, day)
        total = queue_total(s, qf, day)
        pages = max(1, -(-total // PAGE_SIZE))
        page, rows = _page_rows(s, qf, day, pages)
        states, kinds, categories = filter_choices(fonds, s, [fc.id for fc in funds])
        sessions = tuple(
            SessionChoice(r.id, r.starts_at, r.place, r.name)
            for r in s.execute(
                select(JurySession.id, JurySession.starts_at, JurySession.place, Fund.name)
                .join(Fund, Fund.id == JurySession.fund_id)
                .where(JurySession.fund_id.in_(qf.fund_ids), JurySession.status != "closed")
                .order_by(JurySession.starts_at)
            )
        )
        return QueuePage(
            filter=qf,
            funds=funds,
            rows=rows,
            total=total,
            page=page,
            pages=pages,
            next_position=_position(qf, rows[-1], before=False) if rows and page < pages else None,
            previous_position=_position(qf, rows[0], before=True) if rows and page > 1 else None,
            labels=state_labels(fonds, s, rows),
            states=states,
            kinds=kinds,
            categories=categories,
            sessions=sessions,
        )


def _page_rows(s: Session, qf: QueueFilter, day: date, pages: int) -> tuple[int, tuple[QueueRow, ...]]:
    """The page number shown and its rows: read at the link's position when there is one (the page
    number then comes from the link, for the display only), else by the page number with OFFSET."""
    page = max(1, min(qf.page, pages))
    position = qf.position
    if position is not None and (position.sort, position.descending) == (qf.sort, qf.descending):
        if position.before:
            rows = _rows(s, page_select(qf, day, limit=PAGE_SIZE, where=seek(position), reverse=True))[::-1]
            if len(rows) == PAGE_SIZE:
                return page, rows
            page = 1  # fewer rows than a page before it: this is the start of the list
        else:
            rows = _rows(s, page_select(qf, day, limit=PAGE_SIZE, where=seek(position)))
            empty = _empty_after(position)
            if len(rows) < PAGE_SIZE and empty is not None:  # the end of the range: empty values follow
                rows += _rows(s, page_select(qf, day, limit=PAGE_SIZE - len(rows), where=empty))
            if rows:
                return page, rows
    return page, _rows(s, page_select(qf, day, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE))


def queue_export(fonds: Engine, actor: Actor, qf: QueueFilter, *, read: Session | None = None) -> QueueExport:
    """All rows of the filter for an export (PermissionDenied unless the actor manages the funds)."""
    with fonds.reading(read) as s:
        day = local_date(fonds.clock.now())
        qf, _funds = _authorised(fonds, s, actor, qf, day)
        rows = _rows(s, rows_select(qf, day))
        return QueueExport(
            rows=rows,
            labels=state_labels(fonds, s, rows),
            kinds=dict(filter_choices(fonds, s, qf.fund_ids)[1]),
        )
