"""The office's landing page: budget figures, a bar chart and what needs attention, per fund and year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.todo import todo_lists
from fondsengine.inputs import MAX_YEAR, MIN_YEAR
from fondsengine.ledger import Balance
from fondsengine.reports.attention import attention, undecided_states
from fondsengine.reports.figures import budget_years, fund_year_figures, year_figures
from fondsengine.reports.months import monthly
from webapp import fields
from webapp.extensions import fonds, page_read
from webapp.manage import bp
from webapp.manage.chart import months_to_draw, year_chart
from webapp.manage.common import FundChoice, require_any_fund, require_fund, today

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
    wanted = request.args.get("fonds") or funds[0].id
    require_fund(wanted)
    return wanted


def fund_years(fund_id: str) -> list[int]:
    """The budget years a fund has, newest first."""
    return budget_years(fonds(), fund_id)


def pick_year(years: list[int], waiting: Callable[[int], int] | None = None) -> int:
    """The year asked for (?jahr=), else the current one when the fund has it, else the newest. In December
    the coming year opens as soon as applications for it wait (`waiting(year)`: how many; the ending year
    has little left to do)."""
    raw = request.args.get("jahr", "")
    if raw:
        year = fields.ident(raw)
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            abort(404)
        return year
    day = today()
    if day.month == 12 and day.year + 1 in years and waiting is not None and waiting(day.year + 1):
        return day.year + 1
    return day.year if day.year in years or not years else years[0]


def waiting_in(fund_id: str) -> Callable[[int], int]:
    """How many applications of a budget year wait for a decision (for `pick_year` outside the dashboard,
    which has the figures already)."""

    def waiting(year: int) -> int:
        f = fonds()
        with f.db.read() as s:
            _fund, row, _g = f.catalog.current(s, fund_id)
            per_year = fund_year_figures(s, fund_id, undecided_states(f.catalog.workflow(s, row.workflow_version_id)))
        return per_year.pipeline.get(year, (0, 0))[0]

    return waiting


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Budget dashboard of one fund and budget year: every read in the request's one read session,
    each list and figure from one statement (issue 19: the budget figures from the running totals,
    counts from the counter table, the to-do list and the attention lists one UNION each)."""
    funds = require_any_fund()
    fund_id = pick_fund(funds)
    f, s = fonds(), page_read()
    now = f.clock.now()
    _fund, row, _g = f.catalog.current(s, fund_id)
    workflow = f.catalog.workflow(s, row.workflow_version_id)
    per_year = fund_year_figures(s, fund_id, undecided_states(workflow))
    years = sorted(per_year.figures, reverse=True)
    year = pick_year(years, lambda y: per_year.pipeline.get(y, (0, 0))[0])
    figures = per_year.figures.get(year) or year_figures(s, fund_id, year)  # a year without a budget row
    balance = figures.balance()
    next_figures = per_year.figures.get(year + 1)
    pipeline_count, pipeline = per_year.pipeline.get(year, (0, 0))
    att = attention(s, fund_id, year, today(), now, workflow)
    months = monthly(s, fund_id, year)
    todo = todo_lists(f, s, [fc.id for fc in funds], now)
    fund_name = next((fc.name for fc in funds if fc.id == fund_id), fund_id)
    return render_template(
        "manage/dashboard.html",
        funds=funds,
        fund_id=fund_id,
        fund_name=fund_name,
        years=years,
        year=year,
        balance=balance,
        figures=figures,
        next_figures=next_figures,
        todo=todo,
        pipeline=pipeline,
        pipeline_count=pipeline_count,
        segments=bar_segments(balance),
        chart_width=CHART_WIDTH,
        att=att,
        year_chart=year_chart(months, balance.available, drawn=months_to_draw(year, today())),
    )
