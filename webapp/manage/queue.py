"""The application queue's page: reads the filter from the query string and renders the engine's
read model (`fondsengine.applications.queue`: filter, search, sort, paginate, in the request's one
read session); the CSV and XLSX exports of the filter are in `webapp.manage.exports`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from fondsengine.applications.queue import DEFAULT_SORT, SORTS, Position, QueueFilter, office_queue, parse_position
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.inputs import MAX_YEAR, MIN_YEAR
from webapp import fields
from webapp.extensions import actor, fonds, page_read
from webapp.fields import EuroField, IdsField, stripped
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


class QueueFilterForm(FlaskForm):
    """The queue's filter, sort and page as a form over the query string (no CSRF: a GET filter; the
    export's post gives the same fields from its body). Every value is stripped; what a value means
    (a fund the user manages, a state of the workflow) the engine decides."""

    class Meta:
        csrf = False

    fonds = StringField("Fonds", filters=[stripped])
    jahr = StringField("Haushaltsjahr", filters=[stripped])
    stand = StringField("Stand", filters=[stripped])
    art = StringField("Art", filters=[stripped])
    kategorie = StringField("Kategorie", filters=[stripped])
    min = EuroField("Betrag ab")
    max = EuroField("Betrag bis")
    ueberfaellig = StringField("Überfällig", filters=[stripped])
    q = StringField("Suche", filters=[stripped])
    sort = StringField("Sortierung", filters=[stripped])
    richtung = StringField("Richtung", filters=[stripped])
    seite = StringField("Seite", filters=[stripped])
    nach = StringField("Nach", filters=[stripped])
    vor = StringField("Vor", filters=[stripped])
    auswahl = IdsField("Auswahl")

    def text(self, name: str) -> str:
        """A field's stripped text as typed, at most 200 characters ('' when absent)."""
        f = self[name]
        return (f.typed if isinstance(f, EuroField) else str(f.data or ""))[:200]


# the fields that are no filter value of the page links: the link's position and the ticked rows
NOT_RAW = frozenset({"nach", "vor", "auswahl"})


def _cents(form: QueueFilterForm, name: str, errors: Errors) -> int | None:
    f = form[name]
    if f.process_errors:
        typed = form.text(name)
        shown = typed if len(typed) <= 40 else typed[:40] + "…"
        errors.append((name, f"„{shown}“ ist kein Eurobetrag (Beispiel: 1.500,00)."))
        return None
    return cast(int | None, f.data)


def parse_filter(args: Any) -> QueueQuery:
    """Read the filter from the query string, or from the export's post (through `QueueFilterForm`;
    the engine checks the fund: not managed is a 403)."""
    form = QueueFilterForm(formdata=args)
    raw = {f.name: form.text(f.name) for f in form if f.name not in NOT_RAW}  # the values as typed
    errors: Errors = []
    sort = raw["sort"] if raw["sort"] in SORTS else DEFAULT_SORT
    descending = raw["richtung"] != "auf"
    position, bad_link = _position(form, sort, descending, errors)
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
        min_cents=_cents(form, "min", errors),
        max_cents=_cents(form, "max", errors),
        overdue=raw["ueberfaellig"] == "1",
        text=_printable(raw["q"]),
        sort=sort,
        descending=descending,
        page=1 if bad_link else min(fields.ident(raw["seite"]) or 1, 100_000),
        position=position,
        selected=tuple(fields.idents(form.auswahl.data)),
    )
    return QueueQuery(qf, raw={k: v for k, v in raw.items() if k != "seite"}, errors=errors)


def _position(form: QueueFilterForm, sort: str, descending: bool, errors: Errors) -> tuple[Position | None, bool]:
    """The page link's position (`nach`: after its row, `vor`: before it) and whether the link was
    damaged (an error on the page, which then starts at page 1)."""
    for key, before in (("nach", False), ("vor", True)):
        token = str(form[key].data or "")
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
