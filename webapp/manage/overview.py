"""The yearly overview of a fund: counts and sums by state and cost category, participants reached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from fondsengine.errors import FondsError, InvalidInput, PermissionDenied
from fondsengine.funds.cofinancing import (
    CoFinancingStatus,
    co_financing_status,
    describe,
    record_private_contribution,
)
from fondsengine.money import to_decimal
from fondsengine.reports.data import annual_report_data, rollup_data
from fondsengine.reports.figures import LABELS, YearFigures, state_rows, year_figures
from fondsengine.reports.monitoring import CategoryFigure, Reach, funded_categories_and_reach
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import EuroField, GermanDateField, SafeText
from webapp.form_errors import refusal
from webapp.manage import bp
from webapp.manage.common import require_any_fund, today
from webapp.manage.dashboard import fund_years, pick_fund, pick_year, waiting_in
from webapp.manage.downloads import csv_download, download, xlsx_download

STATE_FIGURES = ("applied", "approved", "committed", "paid_net")


@dataclass(frozen=True)
class Overview:
    """The figures of one fund's budget year."""

    by_state: list[tuple[str, int, int, int, int, int]]  # label, count, applied, approved, committed, paid net
    figures: YearFigures  # the year's totals (fondsengine.reports.figures): the rows add up to them
    by_category: tuple[CategoryFigure, ...]  # the funded projects' cost categories (reports.monitoring)
    reach: Reach  # funded projects, participants planned and reached (reports.monitoring)
    co_financing: CoFinancingStatus | None  # the private share, where the guideline asks for one


def overview(fund_id: str, year: int) -> Overview:
    """The year's states, totals, cost categories and reach, from the engine's read models."""
    f = fonds()
    with f.db.read() as s:
        _fund, row, _guideline = f.catalog.current(s, fund_id)
        workflow = f.catalog.workflow(s, row.workflow_version_id)
        labels = {st.id: st.label for st in workflow.states}
        states = state_rows(s, fund_id, year)
        totals = year_figures(s, fund_id, year)
        categories, reach = funded_categories_and_reach(s, f, fund_id, year)
    order = [st.id for st in workflow.states]
    return Overview(
        by_state=[
            (labels.get(r.state, r.state), r.count, r.applied, r.money.approved, r.money.committed, r.money.paid_net)
            for r in sorted(states, key=lambda r: order.index(r.state) if r.state in order else 99)
        ],
        figures=totals,
        by_category=categories,
        reach=reach,
        co_financing=co_financing_status(f, actor(), fund_id, year),
    )


def _selection() -> tuple[Any, str, int]:
    funds = require_any_fund()
    fund_id = pick_fund(funds)
    return funds, fund_id, pick_year(fund_years(fund_id), waiting_in(fund_id))


class ContributionForm(FlaskForm):
    """A private contribution to a co-financed fund."""

    contributor = StringField("Von wem (Person, Firma, Verein)", validators=[SafeText(200)])
    amount = EuroField("Betrag in Euro", required="Bitte geben Sie den Betrag an.")
    received_on = GermanDateField("Eingegangen am", required="Bitte geben Sie an, wann das Geld eingegangen ist.")
    note = StringField("Bemerkung (freiwillig)", validators=[SafeText(500)])


@bp.route("/jahresuebersicht")
@login_required
def yearly() -> ResponseReturnValue:
    """The yearly overview as a page."""
    funds, fund_id, year = _selection()
    return _page(funds, fund_id, year, ContributionForm(formdata=None))


def _page(funds: Any, fund_id: str, year: int, form: ContributionForm, status: int = 200) -> ResponseReturnValue:
    ov = overview(fund_id, year)
    return render_template(
        "manage/overview.html",
        funds=funds,
        fund_id=fund_id,
        years=fund_years(fund_id),
        year=year,
        ov=ov,
        fund_name=next((fc.name for fc in funds if fc.id == fund_id), fund_id),
        cf_text=describe(ov.co_financing) if ov.co_financing else "",
        cf_form=form,
        may_record=True,  # the yearly overview is for the fund's managers (require_any_fund)
    ), status


@bp.route("/jahresuebersicht/mitfinanzierung", methods=["POST"])
@login_required
@rerender_on_csrf
def record_contribution() -> ResponseReturnValue:
    """Record a private contribution; it is booked into the year's pot."""
    funds, fund_id, year = _selection()
    form = ContributionForm()
    try:
        if csrf_failed():
            raise InvalidInput(CSRF_MESSAGE, field="contributor")
        if not form.validate():
            name = next(iter(form.errors))
            raise InvalidInput(str(getattr(form, name).errors[0]), field=name)
        record_private_contribution(
            fonds(), actor(), fund_id, year,
            contributor=form.contributor.data or "",
            amount_cents=form.amount.data or 0,
            received_on=form.received_on.data or today(),
            note=form.note.data or "",
        )  # fmt: skip
    except PermissionDenied:
        abort(403)
    except FondsError as exc:
        name, message = refusal(exc, form, default="contributor")
        form[name].errors = [message]
        return _page(funds, fund_id, year, form, 400)
    flash("Der private Beitrag ist gebucht.", "success")
    return redirect(url_for("manage.yearly", fonds=fund_id, jahr=year) + "#mitfinanzierung")


def _table(ov: Overview) -> list[list[Any]]:
    rows: list[list[Any]] = [["Stand", "Anzahl", *(f"{LABELS[k]} (EUR)" for k in STATE_FIGURES)]]
    rows += [[label, n, *(to_decimal(c) for c in cents)] for label, n, *cents in ov.by_state]
    rows += [[], ["Summen des Haushaltsjahres", "", "Betrag (EUR)"]]
    rows += [[label, "", to_decimal(cents)] for _key, label, cents in ov.figures.rows()]
    rows += [[], ["Kostenart (geförderte Projekte)", "Projekte", "Geplante Kosten (EUR)"]]
    rows += [[c.label, c.applications, to_decimal(c.planned_cents)] for c in ov.by_category]
    rows += [
        [],
        ["Geförderte Projekte", ov.reach.funded],
        ["Teilnehmende erwartet", ov.reach.participants_expected],
        ["Teilnehmende erreicht (laut Verwendungsnachweis)", ov.reach.participants_reached],
        ["Projekte mit Angabe der Teilnehmenden", ov.reach.reporting],
    ]
    if ov.co_financing is not None:
        cf = ov.co_financing
        rows += [
            [],
            ["Private Mitfinanzierung", "", "Betrag (EUR)"],
            ["Öffentliche Mittel", "", to_decimal(cf.public_cents)],
            ["Private Mittel", "", to_decimal(cf.private_cents)],
            ["Anteil privat (%)", "", round(float(cf.share) * 100, 1)],
            ["Mindestanteil privat (%)", "", round(float(cf.min_share) * 100, 1)],
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
    from fondsengine.reports.pdf import render_annual_report  # reportlab: only when a PDF is asked for

    _funds, fund_id, year = _selection()
    pdf = render_annual_report(annual_report_data(fonds(), actor(), fund_id, year))
    return download(pdf, "application/pdf", f"jahresbericht-{fund_id}-{year}.pdf")


@bp.route("/verwendungsnachweis-land.pdf")
@login_required
def rollup_pdf() -> ResponseReturnValue:
    """The roll-up for the city's proof of use to the Land (PDF)."""
    from fondsengine.reports.rollup import render_rollup  # reportlab: only when a PDF is asked for

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
    from fondsengine.reports.rollup import rollup_csv  # reportlab (rollup.py renders the PDF too)

    _funds, fund_id, year = _selection()
    text = "\ufeff" + rollup_csv(rollup_data(fonds(), actor(), fund_id, year))
    return download(text, "text/csv", f"verwendungsnachweis-{fund_id}-{year}.csv")
