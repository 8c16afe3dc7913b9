"""Exports of the queue: the filtered (or ticked) applications as CSV and XLSX."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.queue import queue_export
from fondsengine.errors import PermissionDenied
from fondsengine.money import to_decimal
from webapp.extensions import actor, fonds, page_read
from webapp.fields import IdsField, PostedForm
from webapp.filters import datum
from webapp.manage import bp
from webapp.manage.common import require_any_fund, require_fund
from webapp.manage.downloads import csv_download, xlsx_download
from webapp.manage.queue import parse_filter

HEADER = (
    "Aktenzeichen",
    "Fonds",
    "Haushaltsjahr",
    "Stand",
    "Projekt",
    "Antragsteller/in",
    "Organisation",
    "Art",
    "Beantragt (EUR)",
    "Bewilligt (EUR)",
    "Eingereicht am",
    "Nachweis fällig am",
)


def _euros(cents: int | None) -> Decimal | None:
    return None if cents is None else to_decimal(cents)


class SelectionForm(PostedForm):
    """The applications ticked in the queue (`auswahl`), posted with the CSRF token; the queue's filter
    fields, where posted too, are read by `parse_filter` from `posted`."""

    auswahl = IdsField("Auswahl")


def export_rows() -> tuple[tuple[str, ...], list[list[Any]]]:
    """The header and all rows of the filtered queue (no pagination) as plain values: a GET exports the
    filter of the address (the queue's query string), a post the ticked applications."""
    query = parse_filter(SelectionForm().posted if request.method == "POST" else request.args)
    if query.errors:  # a 400 only for who may export these funds (the others learn nothing)
        require_any_fund()
        for fund_id in query.filter.fund_ids:
            require_fund(fund_id)
        abort(400)
    try:
        export = queue_export(fonds(), actor(), query.filter, read=page_read())
    except PermissionDenied:
        abort(403)
    labels, kinds = export.labels, export.kinds
    out = []
    for r in export.rows:
        out.append(
            [
                r.file_number or "",
                r.fund_name,
                r.budget_year,
                labels.get((r.workflow_version_id, r.state), r.state),
                r.title,
                r.contact_name,
                r.organisation or "",
                kinds.get(r.applicant_kind, r.applicant_kind),
                _euros(r.requested_cents),
                _euros(r.approved_cents),
                datum(r.submitted_at) if r.submitted_at else "",
                datum(r.proof_due_on) if r.proof_due_on else "",
            ]
        )
    return HEADER, out


@bp.route("/antraege.csv", methods=["GET", "POST"])
@login_required
def queue_csv() -> ResponseReturnValue:
    """The filtered queue as CSV (semicolon, UTF-8 with BOM, German decimal comma)."""
    header, rows = export_rows()
    return csv_download(header, rows, "antraege.csv")


@bp.route("/antraege.xlsx", methods=["GET", "POST"])
@login_required
def queue_xlsx() -> ResponseReturnValue:
    """The filtered queue as an Excel workbook (openpyxl)."""
    header, rows = export_rows()
    return xlsx_download(header, rows, "antraege.xlsx", "Anträge")
