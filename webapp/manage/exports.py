"""Exports of the queue: the filtered (or ticked) applications as CSV and XLSX."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.money import to_decimal
from webapp.extensions import fonds
from webapp.filters import datum
from webapp.manage import bp
from webapp.manage.common import require_any_fund, today
from webapp.manage.downloads import csv_download, xlsx_download
from webapp.manage.queue import filter_choices, parse_filter, rows_select, state_labels

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


def export_rows() -> tuple[tuple[str, ...], list[list[Any]]]:
    """The header and all rows of the filtered queue (no pagination) as plain values."""
    funds = require_any_fund()
    qf = parse_filter(request.values, funds)
    if qf.errors:
        abort(400)
    f = fonds()
    with f.db.read() as s:
        rows = s.execute(rows_select(qf, today())).all()
    labels = state_labels(rows)
    kinds = dict(filter_choices(qf.fund_ids)[1])
    out = []
    for r in rows:
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
