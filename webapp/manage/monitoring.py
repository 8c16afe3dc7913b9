"""Monitoring figures for the evaluation (office and auditors): a page with a chart and a CSV download."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.reports.monitoring import MonitoringFigures, monitoring_figures
from webapp.extensions import actor, fonds
from webapp.filters import euro
from webapp.manage import bp


def _figures(fund_id: str) -> tuple[int, MonitoringFigures]:
    raw = request.args.get("jahr", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and 1900 <= int(raw) <= 2100 else fonds().clock.now().year
    try:
        return year, monitoring_figures(fonds(), actor(), fund_id, year)
    except PermissionDenied:
        abort(403)
    except NotFound:
        abort(404)


def rows(m: MonitoringFigures) -> list[tuple[str, str]]:
    """The figures as (label, value) lines, shared by the page and the CSV."""
    st = m.stats

    def days(v: float | None) -> str:
        return "–" if v is None else f"{v:.1f}".replace(".", ",")

    return [
        ("Anträge eingegangen", str(st.received)),
        ("bewilligt", str(st.approved)),
        ("abgelehnt", str(st.rejected)),
        ("zurückgezogen", str(st.withdrawn)),
        ("verfallen", str(st.lapsed)),
        ("noch offen", str(st.open)),
        ("beantragt", euro(st.requested_cents)),
        ("bewilligt (Betrag)", euro(st.approved_cents)),
        ("ausgezahlt (netto)", euro(st.paid_cents)),
        ("zurückgezahlt", euro(m.refunded_cents)),
        ("Tage bis zur Entscheidung, Median", days(m.to_decision.median_days)),
        ("Tage bis zur Entscheidung, 90 %-Quantil", days(m.to_decision.p90_days)),
        ("Tage bis zur ersten Auszahlung, Median", days(m.to_payment.median_days)),
        ("Tage bis zur ersten Auszahlung, 90 %-Quantil", days(m.to_payment.p90_days)),
    ]


@bp.route("/fonds/<fund_id>/monitoring")
@login_required
def monitoring(fund_id: str) -> ResponseReturnValue:
    """The monitoring figures of a fund's year."""
    year, m = _figures(fund_id)
    st = m.stats
    bars = [
        ("bewilligt", st.approved),
        ("abgelehnt", st.rejected),
        ("zurückgezogen", st.withdrawn),
        ("verfallen", st.lapsed),
        ("offen", st.open),
    ]
    top = max([n for _, n in bars] + [1])
    return render_template("manage/monitoring.html", fund_id=fund_id, year=year, m=m, rows=rows(m), bars=bars, top=top)


@bp.route("/fonds/<fund_id>/monitoring.csv")
@login_required
def monitoring_csv(fund_id: str) -> ResponseReturnValue:
    """The same figures as CSV (semicolon, UTF-8 with BOM for spreadsheet programs)."""
    year, m = _figures(fund_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Fonds", "Jahr", "Kennzahl", "Wert"])
    for label, value in rows(m):
        writer.writerow([fund_id, year, label, value])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="monitoring-{fund_id}-{year}.csv"'},
    )
