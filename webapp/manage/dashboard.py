"""The office's landing page: budget figures, a bar chart and what needs attention, per fund and year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.errors import PermissionDenied
from fondsengine.ledger import Balance
from fondsengine.reports.dashboard import choose_year, dashboard, waiting_for_decision
from fondsengine.reports.figures import budget_years
from webapp.extensions import actor, fonds, page_read
from webapp.manage import bp
from webapp.manage.chart import months_to_draw, year_chart
from webapp.manage.common import FundChoice, require_fund, today
from webapp.queries import FundQuery

CHART_WIDTH = 600


@dataclass(frozen=True)
class Segment:
    """One part of the budget bar."""

    key: str
    label: str
    cents: int
    x: float
    width: float
    colour: str


def bar_segments(balance: Balance, width: int = CHART_WIDTH) -> list[Segment]:
    """Paid, committed-but-unpaid and free as parts of the year's pot (pixel widths)."""
    paid = max(balance.paid_net, 0)
    outstanding = max(balance.outstanding, 0)
    free = max(balance.free, 0)
    total = paid + outstanding + free
    parts = [
        ("paid", "Ausgezahlt", paid, "#1f5e3a"),
        ("outstanding", "Bewilligt, noch nicht ausgezahlt", outstanding, "#c77c02"),
        ("free", "Frei", free, "#d9e2ec"),
    ]
    out: list[Segment] = []
    x = 0.0
    for key, label, cents, colour in parts:
        w = round(width * cents / total, 1) if total > 0 else 0.0
        out.append(Segment(key, label, cents, x, w, colour))
        x += w
    return out


def pick_fund(funds: list[FundChoice]) -> str:
    """The fund asked for (?fonds=), else the first managed one; 403 for a fund not managed."""
    wanted = FundQuery().fund_id or funds[0].id
    require_fund(wanted)
    return wanted


def fund_years(fund_id: str) -> list[int]:
    """The budget years a fund has, newest first."""
    return budget_years(fonds(), fund_id)


def pick_year(years: list[int], waiting: Callable[[int], int] | None = None) -> int:
    """The year asked for (?jahr=; 404 when it is no year), else the engine's choice (`choose_year`)."""
    year = asked_year()
    if year is not None:
        return year
    return choose_year(years, today(), waiting or (lambda _y: 0))


def asked_year() -> int | None:
    """The year of ?jahr=, None when none is asked for; 404 when it is no year."""
    query = FundQuery()
    if query.year_given and query.year is None:
        abort(404)
    return query.year


def waiting_in(fund_id: str) -> Callable[[int], int]:
    """How many applications of a budget year wait for a decision (for `pick_year` outside the dashboard,
    which has the figures already)."""
    return lambda year: waiting_for_decision(fonds(), page_read(), fund_id, year)


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Budget dashboard of one fund and budget year: the engine's read model (`reports.dashboard`), in the
    request's one read session, drawn here (the bar and the month chart)."""
    try:
        d = dashboard(fonds(), page_read(), actor(), FundQuery().fund_id, asked_year())
    except PermissionDenied:
        abort(403)
    balance = d.figures.balance()
    return render_template(
        "manage/dashboard.html",
        funds=d.funds,
        fund_id=d.fund_id,
        fund_name=d.fund_name,
        years=d.years,
        year=d.year,
        balance=balance,
        figures=d.figures,
        next_figures=d.next_figures,
        todo=d.todo,
        pipeline=d.pipeline_cents,
        pipeline_count=d.pipeline_count,
        segments=bar_segments(balance),
        chart_width=CHART_WIDTH,
        att=d.attention,
        year_chart=year_chart(list(d.months), balance.available, drawn=months_to_draw(d.year, today())),
    )
