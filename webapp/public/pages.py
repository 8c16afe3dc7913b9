"""Public pages of a fund, the gallery and archive of funded projects, a page per project, its photos."""

from __future__ import annotations

import io

from flask import abort, render_template, request, send_file
from flask.typing import ResponseReturnValue

from fondsengine.errors import NotFound
from fondsengine.public.fund import fund_page
from fondsengine.public.projects import ProjectFilter, facets, public_photo, public_project, public_projects
from fondsengine.storage import StorageError
from webapp.extensions import fonds
from webapp.public import bp
from webapp.public.charts import MAP_H, MAP_W, budget_bar, map_points


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


def _filter_from_args() -> ProjectFilter:
    year = request.args.get("jahr", "")
    return ProjectFilter(
        fund_id=request.args.get("fonds") or None,
        year=int(year) if year.isdigit() and 1900 <= int(year) <= 2100 else None,
        category=request.args.get("kategorie") or None,
        area_part=request.args.get("teilgebiet") or None,
    )


@bp.route("/projekte")
def gallery() -> ResponseReturnValue:
    """Gallery and archive of funded projects across years, filterable; with a map where located."""
    everything = public_projects(fonds())
    flt = _filter_from_args()
    shown = public_projects(fonds(), flt)
    funds = sorted({(p.fund_id, p.fund_name) for p in everything}, key=lambda t: t[1])
    return render_template(
        "public/gallery.html",
        projects=shown,
        flt=flt,
        facets=facets(everything),
        funds=funds,
        points=map_points(shown),
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
    return render_template("public/project.html", p=p, points=map_points([p]), map_w=MAP_W, map_h=MAP_H)


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
