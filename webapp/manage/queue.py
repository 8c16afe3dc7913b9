"""The application queue: filter, search, sort, paginate; CSV and XLSX export of the filter.

One query per page plus one count (from the counter table application_counts when only fund, year
and state are filtered); the filters hit the (fund_id, budget_year, state) index.
The text search is a case-insensitive substring match over title, contact name, organisation,
description and file number: trigram indexes answer it on PostgreSQL; on SQLite the FTS5
trigram table `applications_search` (migration 0016) answers terms of three or more
characters, shorter ones scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy import ColumnElement, Select, column, exists, func, literal_column, or_, select, table
from sqlalchemy.orm import Session

from fondsengine.errors import InvalidInput
from fondsengine.inputs import MAX_YEAR, MIN_YEAR
from fondsengine.model import Application, ApplicationCount, CostItem, Fund, JurySession
from fondsengine.model.application import SEARCH_TABLE
from webapp import fields
from webapp.extensions import fonds, page_read
from webapp.manage import bp
from webapp.manage.common import Errors, FundChoice, require_any_fund, today

PAGE_SIZE = 50
SORTS = {
    "eingang": Application.submitted_at,
    "betrag": Application.requested_cents,
    "titel": Application.title,
    "aktenzeichen": Application.file_number,
    "stand": Application.state,
}
SORT_LABELS = {
    "eingang": "Eingang",
    "betrag": "Beantragter Betrag",
    "titel": "Projekttitel",
    "aktenzeichen": "Aktenzeichen",
    "stand": "Stand",
}


@dataclass
class QueueFilter:
    """The parsed query string of the queue."""

    fund_ids: list[str]
    year: int | None = None
    state: str = ""
    kind: str = ""
    category: str = ""
    min_cents: int | None = None
    max_cents: int | None = None
    overdue: bool = False
    text: str = ""
    sort: str = "eingang"
    descending: bool = True
    page: int = 1
    selected: list[int] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)
    errors: Errors = field(default_factory=list)
    initial_states: tuple[str, ...] = ()  # drafts: never in the queue
    proof_states: tuple[str, ...] = ()  # states waiting for the proof of use (for "overdue")
    search_index: bool = False  # SQLite: the text search may use the full-text table

    def query_string(self, **changes: Any) -> str:
        """The filter as a query string, with some values changed (for links)."""
        values = {k: v for k, v in {**self.raw, **changes}.items() if v not in ("", None)}
        return urlencode(values)


def _cents(raw: str, name: str, errors: Errors) -> int | None:
    try:
        return fields.euro({name: raw}, name)
    except InvalidInput:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        errors.append((name, f"„{shown}“ ist kein Eurobetrag (Beispiel: 1.500,00)."))
        return None


def parse_filter(args: Any, funds: list[FundChoice]) -> QueueFilter:
    """Read the filter from the query string; a fund not managed is a 403."""
    keys = (
        "fonds",
        "jahr",
        "stand",
        "art",
        "kategorie",
        "min",
        "max",
        "ueberfaellig",
        "q",
        "sort",
        "richtung",
        "seite",
    )
    raw = {k: fields.raw(args, k)[:200] for k in keys}
    managed = [fc.id for fc in funds]
    if raw["fonds"]:
        if raw["fonds"] not in managed:
            abort(403)
        fund_ids = [raw["fonds"]]
    else:
        fund_ids = managed
    errors: Errors = []
    year = fields.ident(raw["jahr"])
    if raw["jahr"] and (year is None or not MIN_YEAR <= year <= MAX_YEAR):
        errors.append(("jahr", "Bitte geben Sie das Haushaltsjahr als Zahl an, z. B. 2026."))
        year = None
    page = min(fields.ident(raw["seite"]) or 1, 100_000)
    sort = raw["sort"] if raw["sort"] in SORTS else "eingang"
    f, s = fonds(), page_read()
    initial_states = f.catalog.state_ids(s, initial=True)
    proof_states = f.catalog.state_ids(s, waiting_for="proof")
    return QueueFilter(
        fund_ids=fund_ids,
        year=year,
        state=raw["stand"],
        kind=raw["art"],
        category=raw["kategorie"],
        min_cents=_cents(raw["min"], "min", errors),
        max_cents=_cents(raw["max"], "max", errors),
        overdue=raw["ueberfaellig"] == "1",
        text=_printable(raw["q"]),
        sort=sort,
        descending=raw["richtung"] != "auf",
        page=page,
        selected=fields.idents(args.getlist("auswahl"))
        if hasattr(args, "getlist")
        else [],
        raw={k: v for k, v in raw.items() if k != "seite"},
        errors=errors,
        initial_states=initial_states,
        proof_states=proof_states,
        search_index=f.db.has_search_index,
    )


def _printable(text: str) -> str:
    """A search text without control characters (they cannot match anything stored)."""
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")


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


def rows_select(qf: QueueFilter, day: date) -> Any:
    """The full row select of the queue (sorted, not paginated)."""
    where = filtered(qf, day).whereclause
    column = SORTS[qf.sort]
    order = column.desc() if qf.descending else column.asc()
    stmt = select(*COLUMNS).join(Fund, Fund.id == Application.fund_id)
    if where is not None:
        stmt = stmt.where(where)
    return stmt.order_by(order.nulls_last(), Application.id.desc() if qf.descending else Application.id)


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
    state_rule = (
        ApplicationCount.state == qf.state if qf.state else ApplicationCount.state.not_in(qf.initial_states)
    )
    stmt = select(func.coalesce(func.sum(ApplicationCount.count), 0)).where(
        ApplicationCount.fund_id.in_(qf.fund_ids), state_rule
    )
    if qf.year is not None:
        stmt = stmt.where(ApplicationCount.budget_year == qf.year)
    return int(s.scalar(stmt) or 0)


def state_labels(rows: Sequence[Any]) -> dict[tuple[int, str], str]:
    """(workflow version, state) -> German label, for the rows shown (workflows are cached)."""
    f, s = fonds(), page_read()
    out: dict[tuple[int, str], str] = {}
    for version in {r.workflow_version_id for r in rows}:
        for st in f.catalog.workflow(s, version).states:
            out[(version, st.id)] = st.label
    return out


def filter_choices(fund_ids: list[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(states, applicant kinds, cost categories) of the funds' current guidelines and workflows."""
    f, s = fonds(), page_read()
    states: dict[str, str] = {}
    kinds: dict[str, str] = {}
    cats: dict[str, str] = {}
    for fund_id in fund_ids:
        _fund, row, guideline = f.catalog.current(s, fund_id)
        for st in f.catalog.workflow(s, row.workflow_version_id).states:
            states.setdefault(st.id, st.label)
        for k in guideline.applicants.kinds:
            kinds.setdefault(k.id, k.label)
        for c in guideline.costs.categories:
            cats.setdefault(c.id, c.label)
    return list(states.items()), list(kinds.items()), list(cats.items())


@bp.route("/antraege")
@login_required
def queue() -> ResponseReturnValue:
    """The filtered, sorted, paginated list of applications of the managed funds."""
    funds = require_any_fund()
    qf = parse_filter(request.args, funds)
    day = today()
    s = page_read()
    total = queue_total(s, qf, day)
    pages = max(1, -(-int(total) // PAGE_SIZE))
    page = min(qf.page, pages)
    rows = s.execute(rows_select(qf, day).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    states, kinds, cats = filter_choices([fc.id for fc in funds])
    sessions = s.execute(
        select(JurySession.id, JurySession.starts_at, JurySession.place, Fund.name)
        .join(Fund, Fund.id == JurySession.fund_id)
        .where(JurySession.fund_id.in_(qf.fund_ids), JurySession.status != "closed")
        .order_by(JurySession.starts_at)
    ).all()
    return render_template(
        "manage/queue.html",
        funds=funds,
        qf=qf,
        rows=rows,
        total=int(total),
        page=page,
        pages=pages,
        labels=state_labels(rows),
        states=states,
        kinds=kinds,
        kind_labels=dict(kinds),
        cats=cats,
        sorts=SORT_LABELS,
        sessions=sessions,
        fund_id=qf.raw["fonds"] or funds[0].id,
    ), 400 if qf.errors else 200
