"""The yearly overview of a fund: counts and sums by state and cost category, participants reached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy import distinct, func, select

from fondsengine.model import Application, CostItem
from fondsengine.money import to_decimal
from fondsengine.reports.figures import LABELS, YearFigures, state_rows, year_figures
from webapp.extensions import actor, fonds
from webapp.manage import bp
from webapp.manage.common import require_any_fund
from webapp.manage.dashboard import fund_years, pick_fund, pick_year
from webapp.manage.downloads import csv_download, download, xlsx_download

STATE_FIGURES = ("applied", "approved", "committed", "paid_net")


@dataclass(frozen=True)
class Overview:
    """The figures of one fund's budget year."""

    by_state: list[tuple[str, int, int, int, int, int]]  # label, count, applied, approved, committed, paid net
    figures: YearFigures  # the year's totals (fondsengine.reports.figures): the rows add up to them
    by_category: list[tuple[str, int, int]]  # label, applications, planned costs
    funded: int
    participants_reached: int
    participants_expected: int
    with_proof: int


def overview(fund_id: str, year: int) -> Overview:
    """Three grouped queries over the fund's year (states, cost categories of funded projects, participants)."""
    f = fonds()
    with f.db.read() as s:
        _fund, row, guideline = f.catalog.current(s, fund_id)
        workflow = f.catalog.workflow(s, row.workflow_version_id)
        labels = {st.id: st.label for st in workflow.states}
        funded_states = tuple(st.id for st in workflow.states if st.outcome in ("approved", "completed"))
        where = (Application.fund_id == fund_id, Application.budget_year == year)
        states = state_rows(s, fund_id, year)
        totals = year_figures(s, fund_id, year)
        categories = s.execute(
            select(CostItem.category, func.count(distinct(CostItem.application_id)), func.sum(CostItem.amount_cents))
            .join(Application, Application.id == CostItem.application_id)
            .where(*where, Application.state.in_(funded_states))
            .group_by(CostItem.category)
        ).all()
        people = s.execute(
            select(
                func.count(Application.id),
                func.coalesce(func.sum(Application.participants_reached), 0),
                func.coalesce(func.sum(Application.participants_expected), 0),
                func.count(Application.participants_reached),
            ).where(*where, Application.state.in_(funded_states))
        ).one()
    order = [st.id for st in workflow.states]
    cat_labels = {c.id: c.label for c in guideline.costs.categories}
    return Overview(
        by_state=[
            (labels.get(r.state, r.state), r.count, r.applied, r.money.approved, r.money.committed, r.money.paid_net)
            for r in sorted(states, key=lambda r: order.index(r.state) if r.state in order else 99)
        ],
        figures=totals,
        by_category=sorted(
            ((cat_labels.get(c, c), int(n), int(total or 0)) for c, n, total in categories), key=lambda r: -r[2]
        ),
        funded=int(people[0]),
        participants_reached=int(people[1] or 0),
        participants_expected=int(people[2] or 0),
        with_proof=int(people[3]),
    )


def _selection() -> tuple[Any, str, int]:
    funds = require_any_fund()
    fund_id = pick_fund(funds)
    return funds, fund_id, pick_year(fund_years(fund_id))


@bp.route("/jahresuebersicht")
@login_required
def yearly() -> ResponseReturnValue:
    """The yearly overview as a page."""
    funds, fund_id, year = _selection()
    return render_template(
        "manage/overview.html",
        funds=funds,
        fund_id=fund_id,
        years=fund_years(fund_id),
        year=year,
        ov=overview(fund_id, year),
        fund_name=next((fc.name for fc in funds if fc.id == fund_id), fund_id),
    )


def _table(ov: Overview) -> list[list[Any]]:
    rows: list[list[Any]] = [["Stand", "Anzahl", *(f"{LABELS[k]} (EUR)" for k in STATE_FIGURES)]]
    rows += [[label, n, *(to_decimal(c) for c in cents)] for label, n, *cents in ov.by_state]
    rows += [[], ["Summen des Haushaltsjahres", "", "Betrag (EUR)"]]
    rows += [[label, "", to_decimal(cents)] for _key, label, cents in ov.figures.rows()]
    rows += [[], ["Kostenart (geförderte Projekte)", "Projekte", "Geplante Kosten (EUR)"]]
    rows += [[label, n, to_decimal(total)] for label, n, total in ov.by_category]
    rows += [
        [],
        ["Geförderte Projekte", ov.funded],
        ["Teilnehmende erwartet", ov.participants_expected],
        ["Teilnehmende erreicht (laut Verwendungsnachweis)", ov.participants_reached],
        ["Projekte mit Angabe der Teilnehmenden", ov.with_proof],
    ]
    return rows


@bp.route("/jahresuebersicht.csv")
@login_required
def yearly_csv() -> ResponseReturnValue:
    """The yearly overview as CSV."""
    _funds, fund_id, year = _selection()
    return csv_download(None, _table(overview(fund_id, year)), f"jahresuebersicht-{fund_id}-{year}.csv")


@bp.route("/jahresuebersicht.xlsx")
@login_required
def yearly_xlsx() -> ResponseReturnValue:
    """The yearly overview as an Excel workbook."""
    _funds, fund_id, year = _selection()
    rows = _table(overview(fund_id, year))
    return xlsx_download(None, rows, f"jahresuebersicht-{fund_id}-{year}.xlsx", f"Übersicht {year}")


@bp.route("/jahresbericht.pdf")
@login_required
def annual_report_pdf() -> ResponseReturnValue:
    """The annual fund report (PDF) for the city."""
    from fondsengine.reports.data import annual_report_data
    from fondsengine.reports.pdf import render_annual_report

    _funds, fund_id, year = _selection()
    pdf = render_annual_report(annual_report_data(fonds(), actor(), fund_id, year))
    return download(pdf, "application/pdf", f"jahresbericht-{fund_id}-{year}.pdf")


@bp.route("/verwendungsnachweis-land.pdf")
@login_required
def rollup_pdf() -> ResponseReturnValue:
    """The roll-up for the city's proof of use to the Land (PDF)."""
    from fondsengine.reports.data import rollup_data
    from fondsengine.reports.rollup import render_rollup

    _funds, fund_id, year = _selection()
    return download(
        render_rollup(rollup_data(fonds(), actor(), fund_id, year)),
        "application/pdf",
        f"verwendungsnachweis-{fund_id}-{year}.pdf",
    )


@bp.route("/verwendungsnachweis-land.csv")
@login_required
def rollup_csv_download() -> ResponseReturnValue:
    """The roll-up for the city's proof of use to the Land (CSV)."""
    from fondsengine.reports.data import rollup_data
    from fondsengine.reports.rollup import rollup_csv

    _funds, fund_id, year = _selection()
    text = "\ufeff" + rollup_csv(rollup_data(fonds(), actor(), fund_id, year))
    return download(text, "text/csv", f"verwendungsnachweis-{fund_id}-{year}.csv")
