"""The Kassenbuch: every booking of a fund's budget year, as a page, CSV and XLSX."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.queries import fund_balance
from fondsengine.money import to_decimal
from fondsengine.payments.bookings import Booking, bookings
from fondsengine.text import format_timestamp
from webapp.extensions import actor, fonds
from webapp.manage import bp
from webapp.manage.dashboard import fund_years
from webapp.manage.downloads import csv_download, xlsx_download
from webapp.manage.overview import _selection as selection

HEADER = (
    "Nr.",
    "Gebucht am",
    "Art",
    "Betrag (EUR)",
    "Aktenzeichen",
    "Projekt",
    "Vermerk",
    "Gebucht von",
    "Gegenbuchung zu",
)


def _row(b: Booking) -> list[object]:
    return [
        b.id,
        format_timestamp(b.booked_at),
        b.kind_label,
        to_decimal(b.amount_cents),
        b.file_number or "",
        b.title or "",
        b.note,
        b.actor_name or "System",
        b.counter_of_id or "",
    ]


@bp.route("/buchungen")
@login_required
def ledger_page() -> ResponseReturnValue:
    """All bookings of the year with the resulting balance."""
    funds, fund_id, year = selection()
    f = fonds()
    return render_template(
        "manage/bookings.html",
        funds=funds,
        fund_id=fund_id,
        years=fund_years(fund_id),
        year=year,
        fund_name=next((fc.name for fc in funds if fc.id == fund_id), fund_id),
        rows=bookings(f, actor(), fund_id, year),
        balance=fund_balance(f, fund_id, year),
    )


@bp.route("/buchungen.csv")
@login_required
def ledger_csv() -> ResponseReturnValue:
    """The bookings as CSV (semicolon, decimal comma, UTF-8 with BOM)."""
    _funds, fund_id, year = selection()
    rows = [_row(b) for b in bookings(fonds(), actor(), fund_id, year)]
    return csv_download(HEADER, rows, f"buchungen-{fund_id}-{year}.csv")


@bp.route("/buchungen.xlsx")
@login_required
def ledger_xlsx() -> ResponseReturnValue:
    """The bookings as an Excel workbook."""
    _funds, fund_id, year = selection()
    rows = [_row(b) for b in bookings(fonds(), actor(), fund_id, year)]
    return xlsx_download(HEADER, rows, f"buchungen-{fund_id}-{year}.xlsx", f"Buchungen {year}")
