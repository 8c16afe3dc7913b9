"""Public pages of a fund, the gallery and archive of funded projects, a page per project, its photos."""

from __future__ import annotations

import io

from flask import abort, render_template, send_file
from flask.typing import ResponseReturnValue

from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.public.fund import area_outline, fund_page
from fondsengine.public.guideline import readable_guideline
from fondsengine.public.projects import ProjectFilter, facets, public_photo, public_project, public_projects
from fondsengine.reports.monitoring import monitoring_rows, public_monitoring_figures
from fondsengine.storage import StorageError
from webapp.extensions import fonds
from webapp.manage.monitoring import chosen_year, grouped, outcome_bars
from webapp.public import bp
from webapp.public.charts import MAP_H, MAP_W, budget_bar, project_map
from webapp.queries import ProjectQuery


@bp.route("/fonds/<fund_id>")
def fund(fund_id: str) -> ResponseReturnValue:
    """What the fund is for, who may apply, how, rounds, next jury session, this year's budget."""
    try:
        page = fund_page(fonds(), fund_id)
    except NotFound:
        abort(404)
    projects = public_projects(fonds(), ProjectFilter(fund_id=fund_id))[:6]
    bar = budget_bar(page.budget) if page.budget else []
    return render_template("public/fund.html", f=page, bar=bar, projects=projects)


@bp.route("/fonds/<fund_id>/richtlinie")
def guideline(fund_id: str) -> ResponseReturnValue:
    """The guideline in force as a readable page, part by part with its clauses."""
    try:
        g = readable_guideline(fonds(), fund_id)
    except NotFound:
        abort(404)
    return render_template("public/guideline.html", g=g)


@bp.route("/fonds/<fund_id>/leichte-sprache")
def easy_language(fund_id: str) -> ResponseReturnValue:
    """The guideline's summary in Leichte Sprache, where the guideline has one."""
    try:
        g = readable_guideline(fonds(), fund_id)
    except NotFound:
        abort(404)
    if not g.easy_language:
        abort(404)
    return render_template("public/easy_language.html", g=g)


@bp.route("/fonds/<fund_id>/kennzahlen")
def monitoring(fund_id: str) -> ResponseReturnValue:
    """The monitoring summary of a fund's year, where its guideline publishes it (aggregates only)."""
    year = chosen_year()
    try:
        m = public_monitoring_figures(fonds(), fund_id, year)
        name = fund_page(fonds(), fund_id).name
    except (NotFound, PermissionDenied):
        abort(404)
    bars = outcome_bars(m)
    return render_template(
        "public/monitoring.html", fund_id=fund_id, fund_name=name, year=year, m=m,
        sections=grouped(monitoring_rows(m)), bars=bars, top=max([n for _, n in bars] + [1]),
    )  # fmt: skip


def _filter_from_args() -> ProjectFilter:
    query = ProjectQuery()
    return ProjectFilter(
        fund_id=query.fund_id,
        year=query.year,
        category=query.kategorie.data or None,
        area_part=query.teilgebiet.data or None,
    )


@bp.route("/projekte")
def gallery() -> ResponseReturnValue:
    """Gallery and archive of funded projects across years, filterable; with a map where located."""
    everything = public_projects(fonds())
    flt = _filter_from_args()
    shown = public_projects(fonds(), flt)
    funds = sorted({(p.fund_id, p.fund_name) for p in everything}, key=lambda t: t[1])
    shown_funds = {p.fund_id for p in shown} or ({flt.fund_id} if flt.fund_id else set())
    outline = area_outline(fonds(), next(iter(shown_funds))) if len(shown_funds) == 1 else ()
    return render_template(
        "public/gallery.html",
        projects=shown,
        flt=flt,
        facets=facets(everything),
        funds=funds,
        points=project_map(shown, outline),
        map_w=MAP_W,
        map_h=MAP_H,
    )


@bp.route("/projekte/<int:application_id>")
def project(application_id: int) -> ResponseReturnValue:
    """A funded project: what the applicant released, the amount and the period."""
    try:
        p = public_project(fonds(), application_id)
    except NotFound:
        abort(404)
    drawing = project_map([p], area_outline(fonds(), p.fund_id))
    return render_template("public/project.html", p=p, points=drawing, map_w=MAP_W, map_h=MAP_H)


@bp.route("/projekte/<int:application_id>/fotos/<int:attachment_id>")
def photo(application_id: int, attachment_id: int) -> ResponseReturnValue:
    """A photo the applicant released, with recorded consent."""
    try:
        ph = public_photo(fonds(), application_id, attachment_id)
    except NotFound:
        abort(404)
    try:
        content = fonds().storage.read(ph.stored_name)
    except StorageError:
        abort(404)
    return send_file(io.BytesIO(content), mimetype=ph.mimetype, download_name=f"foto-{attachment_id}")
