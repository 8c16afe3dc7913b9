"""Monitoring figures for the evaluation (office and auditors): a page with a chart, CSV and XLSX."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.money import to_decimal
from fondsengine.reports.monitoring import MonitoringFigures, MonitoringRow, monitoring_figures, monitoring_rows
from webapp.extensions import actor, fonds
from webapp.filters import figure
from webapp.manage import bp
from webapp.manage.downloads import csv_download, xlsx_download
from webapp.queries import FundQuery

HEADER = ("Fonds", "Jahr", "Bereich", "Kennzahl", "Wert")


def chosen_year() -> int:
    """The year asked for (`?jahr=`), else the current one."""
    return FundQuery().year or fonds().clock.now().year


def _figures(fund_id: str) -> tuple[int, MonitoringFigures]:
    year = chosen_year()
    try:
        return year, monitoring_figures(fonds(), actor(), fund_id, year)
    except PermissionDenied:
        abort(403)
    except NotFound:
        abort(404)


def outcome_bars(m: MonitoringFigures) -> list[tuple[str, int]]:
    """The applications by outcome, for the bar chart."""
    st = m.stats
    return [
        ("bewilligt", st.approved),
        ("abgelehnt", st.rejected),
        ("zurückgezogen", st.withdrawn),
        ("verfallen", st.lapsed),
        ("offen", st.open),
    ]


def grouped(rows: list[MonitoringRow]) -> list[tuple[str, list[MonitoringRow]]]:
    """The lines by section, in their order."""
    out: list[tuple[str, list[MonitoringRow]]] = []
    for row in rows:
        if not out or out[-1][0] != row.section:
            out.append((row.section, []))
        out[-1][1].append(row)
    return out


@bp.route("/fonds/<fund_id>/monitoring")
@login_required
def monitoring(fund_id: str) -> ResponseReturnValue:
    """The monitoring figures of a fund's year."""
    year, m = _figures(fund_id)
    bars = outcome_bars(m)
    top = max([n for _, n in bars] + [1])
    return render_template(
        "manage/monitoring.html", fund_id=fund_id, year=year, m=m, sections=grouped(monitoring_rows(m)),
        bars=bars, top=top,
    )  # fmt: skip


def _cells(fund_id: str, year: int, m: MonitoringFigures, typed: bool) -> list[list[object]]:
    rows = []
    for r in monitoring_rows(m):
        value: object = figure(r.value, r.unit) if not typed else r.value
        if typed and r.unit == "cents" and r.value is not None:
            value = to_decimal(int(r.value))  # a Decimal becomes a number formatted in euros
        elif typed and r.unit == "hours" and r.value is not None:
            value = float(r.value)
        rows.append([fund_id, year, r.section, r.label, value])
    return rows


@bp.route("/fonds/<fund_id>/monitoring.csv")
@login_required
def monitoring_csv(fund_id: str) -> ResponseReturnValue:
    """The same figures as CSV (semicolon, UTF-8 with BOM for spreadsheet programs)."""
    year, m = _figures(fund_id)
    return csv_download(HEADER, _cells(fund_id, year, m, typed=False), f"monitoring-{fund_id}-{year}.csv")


@bp.route("/fonds/<fund_id>/monitoring.xlsx")
@login_required
def monitoring_xlsx(fund_id: str) -> ResponseReturnValue:
    """The same figures as an Excel workbook (numbers stay numbers, euro amounts formatted)."""
    year, m = _figures(fund_id)
    return xlsx_download(
        HEADER, _cells(fund_id, year, m, typed=True), f"monitoring-{fund_id}-{year}.xlsx", f"Monitoring {year}"
    )
