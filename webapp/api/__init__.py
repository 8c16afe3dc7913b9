"""Open data: read-only JSON under /api/v1/ (funds, budget figures, public projects, statistics).

Only public data (the engine's public read models); GET only, CORS open, ETag and Last-Modified,
pagination, a rate limit per client address (setting ``ratelimit_api``). The OpenAPI 3.1 document
is at /api/v1/openapi.json (`webapp.api.openapi`).
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded

from fondsengine.errors import NotFound
from fondsengine.public.fund import active_fund_ids, budget_figures, fund_page
from fondsengine.public.projects import ProjectFilter, PublicProject, public_project, public_projects
from fondsengine.public.stats import budget_years, year_statistics
from webapp.api.openapi import document
from webapp.extensions import csrf, fonds
from webapp.ratelimit import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
MAX_PER_PAGE = 100


class BadRequest(Exception):
    """A query parameter the API cannot use."""


def _api_limit() -> str:
    return str(current_app.config.get("FONDS_RATELIMIT_API", "300 per minute"))


limiter.limit(_api_limit)(bp)


def _json(data: Any, status: int = 200, last_modified: datetime | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = Response(body, status=status, mimetype="application/json")
    if status == 200:
        response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
        if last_modified is not None:
            response.last_modified = last_modified.replace(microsecond=0)
        response.headers["Cache-Control"] = "public, max-age=60"
        response.make_conditional(request)  # changes the response in place (304, ranges)
    return response


def _error(status: int, message: str) -> Response:
    return _json({"error": message, "status": status}, status)


@bp.after_request
def _cors(response: Response) -> Response:
    if response.status_code >= 400 and response.mimetype != "application/json":
        # an app-wide refusal (e.g. a NUL byte in the query, answered before the view) as JSON too
        response = _error(response.status_code, "Die Anfrage enthält Zeichen, die nicht verarbeitet werden können.")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
    return response


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound) -> ResponseReturnValue:
    return _error(404, exc.message if hasattr(exc, "message") else "Nicht gefunden.")


@bp.errorhandler(BadRequest)
def _bad_request(exc: BadRequest) -> ResponseReturnValue:
    return _error(400, str(exc))


@bp.errorhandler(RateLimitExceeded)
def _too_many(exc: RateLimitExceeded) -> ResponseReturnValue:
    response = _error(429, "Zu viele Anfragen. Bitte warten Sie eine Minute.")
    response.headers["Retry-After"] = "60"
    return response


def _int_param(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise BadRequest(f"„{name}“ muss eine ganze Zahl zwischen {low} und {high} sein.")
    return int(raw)


def _year(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4) or not 1900 <= int(raw) <= 2100:
        raise NotFound("Dieses Jahr gibt es nicht.")
    return int(raw)


def _id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        raise NotFound("Dieses Projekt gibt es nicht.")
    return int(raw)


def _page(items: list[Any], endpoint: str, **args: Any) -> tuple[dict[str, Any], dict[str, str]]:
    page = _int_param("page", 1, 1, 1_000_000)
    per_page = _int_param("per_page", 20, 1, MAX_PER_PAGE)
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    links: dict[str, str] = {"self": url_for(endpoint, page=page, per_page=per_page, **args)}
    if page < pages:
        links["next"] = url_for(endpoint, page=page + 1, per_page=per_page, **args)
    if page > 1:
        links["prev"] = url_for(endpoint, page=min(page - 1, pages), per_page=per_page, **args)
    header = ", ".join(f'<{u}>; rel="{r}"' for r, u in links.items() if r != "self")
    return {"items": chunk, "page": page, "per_page": per_page, "total": total, "links": links}, (
        {"Link": header} if header else {}
    )


def _money(cents: int) -> dict[str, Any]:
    return {"cents": cents, "euro": f"{cents / 100:.2f}"}


def _project(p: PublicProject) -> dict[str, Any]:
    return {
        "id": p.id,
        "fund_id": p.fund_id,
        "fund_name": p.fund_name,
        "year": p.year,
        "title": p.title,
        "summary": p.summary,
        "organisation": p.organisation,
        "approved": _money(p.approved_cents),
        "project_start": p.project_start.isoformat() if p.project_start else None,
        "project_end": p.project_end.isoformat() if p.project_end else None,
        "decided_at": p.decided_at.isoformat() if p.decided_at else None,
        "category": p.category,
        "area_part": p.area_part,
        "location": (
            {"latitude": float(p.latitude), "longitude": float(p.longitude)}
            if p.latitude is not None and p.longitude is not None
            else None
        ),
        "photos": [url_for("public.photo", application_id=p.id, attachment_id=a) for a in p.photo_ids],
        "report": p.report,
        "url": url_for("public.project", application_id=p.id),
    }


@bp.route("/funds")
def funds() -> ResponseReturnValue:
    """The active funds."""
    items = []
    for fid in active_fund_ids(fonds()):
        f = fund_page(fonds(), fid)
        items.append(
            {
                "id": f.id,
                "name": f.name,
                "short_name": f.short_name,
                "summary": f.summary,
                "area": f.area_name,
                "min_amount": _money(f.min_cents),
                "max_amount": _money(f.max_cents),
                "url": url_for("api.fund", fund_id=f.id),
            }
        )
    data, headers = _page(items, "api.funds")
    response = _json(data)
    response.headers.update(headers)
    return response


@bp.route("/funds/<fund_id>")
def fund(fund_id: str) -> ResponseReturnValue:
    """One fund: purpose, who may apply, rounds, next jury session, this year's budget."""
    f = fund_page(fonds(), fund_id)
    return _json(
        {
            "id": f.id,
            "name": f.name,
            "short_name": f.short_name,
            "summary": f.summary,
            "legal_basis": f.legal_basis,
            "area": f.area_name,
            "applicant_kinds": list(f.applicant_kinds),
            "excluded": list(f.excluded),
            "nonprofit_required": f.nonprofit_required,
            "min_amount": _money(f.min_cents),
            "max_amount": _money(f.max_cents),
            "submission_mode": f.submission_mode,
            "rounds": [
                {
                    "id": r.id,
                    "label": r.label,
                    "deadline": r.deadline.isoformat(),
                    "session_date": r.session_date.isoformat(),
                }
                for r in f.rounds
            ],
            "next_jury_session": (
                {
                    "date": f.next_jury.day.isoformat(),
                    "place": f.next_jury.place or None,
                    "deadline": f.next_jury.deadline.isoformat() if f.next_jury.deadline else None,
                }
                if f.next_jury
                else None
            ),
            "budget_years": list(budget_years(fonds(), fund_id)),
            "budget_url": url_for("api.budget", fund_id=f.id, year=f.year),
            "projects_url": url_for("api.projects", fund=f.id),
            "feed_url": url_for("public.feed", fund_id=f.id),
        }
    )


def _budget_json(fund_id: str, year: int) -> tuple[dict[str, Any], datetime | None]:
    b = budget_figures(fonds(), fund_id, year)
    return {
        "fund_id": b.fund_id,
        "year": b.year,
        "allocated": _money(b.allocated),
        "committed": _money(b.committed),
        "paid": _money(b.paid),
        "free": _money(b.free),
        "outstanding": _money(b.outstanding),
    }, b.as_of


@bp.route("/funds/<fund_id>/budget/<year>")
def budget(fund_id: str, year: str) -> ResponseReturnValue:
    """Budget figures of a fund's year (allocated, committed, paid, free)."""
    data, as_of = _budget_json(fund_id, _year(year))
    return _json(data, last_modified=as_of)


@bp.route("/funds/<fund_id>/statistics/<year>")
def statistics(fund_id: str, year: str) -> ResponseReturnValue:
    """Counts by outcome and amounts of a fund's year."""
    st = year_statistics(fonds(), fund_id, _year(year))
    return _json(
        {
            "fund_id": st.fund_id,
            "year": st.year,
            "applications": {
                "received": st.received,
                "approved": st.approved,
                "rejected": st.rejected,
                "withdrawn": st.withdrawn,
                "lapsed": st.lapsed,
                "open": st.open,
            },
            "requested": _money(st.requested_cents),
            "approved": _money(st.approved_cents),
            "committed": _money(st.committed_cents),
            "paid": _money(st.paid_cents),
            "refunded": _money(st.refunded_cents),
        }
    )


@bp.route("/projects")
def projects() -> ResponseReturnValue:
    """Public funded projects, newest decision first, filtered and paginated."""
    args = {k: request.args[k] for k in ("fund", "year", "category", "area_part") if request.args.get(k)}
    year = args.get("year")
    if year is not None and not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 2100):
        raise BadRequest("„year“ muss ein Jahr zwischen 1900 und 2100 sein.")
    flt = ProjectFilter(
        fund_id=args.get("fund"),
        year=int(year) if year else None,
        category=args.get("category"),
        area_part=args.get("area_part"),
    )
    found = public_projects(fonds(), flt)
    data, headers = _page([_project(p) for p in found], "api.projects", **args)
    response = _json(data, last_modified=max((p.updated_at for p in found), default=None))
    response.headers.update(headers)
    return response


@bp.route("/projects/<project_id>")
def project(project_id: str) -> ResponseReturnValue:
    """One public project."""
    p = public_project(fonds(), _id(project_id))
    return _json(_project(p), last_modified=p.updated_at)


@bp.route("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 document of this API."""
    return _json(document())
