"""The office's landing page: budget figures, a bar chart and what needs attention, per fund and year."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy import select

from fondsengine.applications.todo import office_todo
from fondsengine.inputs import MAX_YEAR, MIN_YEAR
from fondsengine.ledger import Balance
from fondsengine.model import BudgetYear
from fondsengine.reports.figures import read_year
from webapp import fields
from webapp.extensions import actor, fonds
from webapp.manage import bp
from webapp.manage.chart import monthly, months_to_draw, year_chart
from webapp.manage.common import FundChoice, require_any_fund, require_fund, today
from webapp.manage.reads import attention, pipeline_cents, undecided_states

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
    with fonds().db.read() as s:
        return list(
            s.scalars(select(BudgetYear.year).where(BudgetYear.fund_id == fund_id).order_by(BudgetYear.year.desc()))
        )


def pick_year(years: list[int], fund_id: str) -> int:
    """The year asked for (?jahr=), else the current one when the fund has it, else the newest. In December
    the coming year opens as soon as applications for it wait (the ending year has little left to do)."""
    raw = request.args.get("jahr", "")
    if raw:
        year = fields.ident(raw)
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            abort(404)
        return year
    day = today()
    if day.month == 12 and day.year + 1 in years:
        f = fonds()
        with f.db.read() as s:
            _fund, row, _g = f.catalog.current(s, fund_id)
            waiting, _cents = pipeline_cents(
                s, fund_id, day.year + 1, undecided_states(f.catalog.workflow(s, row.workflow_version_id))
            )
        if waiting:
            return day.year + 1
    return day.year if day.year in years or not years else years[0]


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Budget dashboard of one fund and budget year."""
    funds = require_any_fund()
    fund_id = pick_fund(funds)
    years = fund_years(fund_id)
    year = pick_year(years, fund_id)
    f = fonds()
    figures = read_year(f, fund_id, year)
    balance = figures.balance()
    next_figures = read_year(f, fund_id, year + 1) if year + 1 in years else None
    now = f.clock.now()
    with f.db.read() as s:
        _fund, row, _g = f.catalog.current(s, fund_id)
        workflow = f.catalog.workflow(s, row.workflow_version_id)
        pipeline_count, pipeline = pipeline_cents(s, fund_id, year, undecided_states(workflow))
        att = attention(s, fund_id, year, today(), now, workflow)
        months = monthly(s, fund_id, year)
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
        todo=office_todo(f, actor()),
        pipeline=pipeline,
        pipeline_count=pipeline_count,
        segments=bar_segments(balance),
        chart_width=CHART_WIDTH,
        att=att,
        year_chart=year_chart(months, balance.available, drawn=months_to_draw(year, today())),
    )
