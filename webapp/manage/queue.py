"""The application queue's page: reads the filter from the query string and renders the engine's
read model (`fondsengine.applications.queue`: filter, search, sort, paginate, in the request's one
read session); the CSV and XLSX exports of the filter are in `webapp.manage.exports`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.queue import DEFAULT_SORT, SORTS, Position, QueueFilter, office_queue, parse_position
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.inputs import MAX_YEAR, MIN_YEAR
from webapp import fields
from webapp.extensions import actor, fonds, page_read
from webapp.manage import bp
from webapp.manage.common import Errors

SORT_LABELS = {  # a label for every sort key of the engine (a test checks)
    "eingang": "Eingang",
    "betrag": "Beantragter Betrag",
    "titel": "Projekttitel",
    "aktenzeichen": "Aktenzeichen",
    "stand": "Stand",
}


@dataclass
class QueueQuery:
    """The parsed query string of the queue: the engine's filter, the raw values (for the form and
    links) and the input errors."""

    filter: QueueFilter
    raw: dict[str, str] = field(default_factory=dict)
    errors: Errors = field(default_factory=list)

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


def parse_filter(args: Any) -> QueueQuery:
    """Read the filter from the query string (the engine checks the fund: not managed is a 403)."""
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
    errors: Errors = []
    sort = raw["sort"] if raw["sort"] in SORTS else DEFAULT_SORT
    descending = raw["richtung"] != "auf"
    position, bad_link = _position(args, sort, descending, errors)
    year = fields.ident(raw["jahr"])
    if raw["jahr"] and (year is None or not MIN_YEAR <= year <= MAX_YEAR):
        errors.append(("jahr", "Bitte geben Sie das Haushaltsjahr als Zahl an, z. B. 2026."))
        year = None
    qf = QueueFilter(
        fund_ids=(raw["fonds"],) if raw["fonds"] else (),
        year=year,
        state=raw["stand"],
        kind=raw["art"],
        category=raw["kategorie"],
        min_cents=_cents(raw["min"], "min", errors),
        max_cents=_cents(raw["max"], "max", errors),
        overdue=raw["ueberfaellig"] == "1",
        text=_printable(raw["q"]),
        sort=sort,
        descending=descending,
        page=1 if bad_link else min(fields.ident(raw["seite"]) or 1, 100_000),
        position=position,
        selected=tuple(fields.idents(args.getlist("auswahl"))) if hasattr(args, "getlist") else (),
    )
    return QueueQuery(qf, raw={k: v for k, v in raw.items() if k != "seite"}, errors=errors)


def _position(args: Any, sort: str, descending: bool, errors: Errors) -> tuple[Position | None, bool]:
    """The page link's position (`nach`: after its row, `vor`: before it) and whether the link was
    damaged (an error on the page, which then starts at page 1)."""
    for key, before in (("nach", False), ("vor", True)):
        token = fields.raw(args, key)
        if token:
            try:
                return parse_position(token, sort, descending, before=before), False
            except InvalidInput as exc:
                errors.append(("", str(exc)))
                return None, True
    return None, False


def _printable(text: str) -> str:
    """A search text without control characters (they cannot match anything stored)."""
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")


@bp.route("/antraege")
@login_required
def queue() -> ResponseReturnValue:
    """The filtered, sorted, paginated list of applications of the managed funds."""
    query = parse_filter(request.args)
    try:
        view = office_queue(fonds(), actor(), query.filter, read=page_read())
    except PermissionDenied:
        abort(403)
    return render_template(
        "manage/queue.html",
        funds=list(view.funds),
        query=query,
        qf=view.filter,
        rows=view.rows,
        total=view.total,
        page=view.page,
        pages=view.pages,
        next_position=view.next_position,
        previous_position=view.previous_position,
        labels=view.labels,
        states=view.states,
        kinds=view.kinds,
        kind_labels=dict(view.kinds),
        cats=view.categories,
        sorts=SORT_LABELS,
        sessions=view.sessions,
        fund_id=query.raw["fonds"] or view.funds[0].id,
    ), 400 if query.errors else 200
