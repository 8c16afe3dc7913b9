"""Helpers shared by the jury views: loading a visible session, engine errors as form errors, input."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fondsengine.engine import Engine
from fondsengine.errors import FondsError, PermissionDenied
from fondsengine.jury.papers_read import session_page
from fondsengine.jury.reads import SessionInfo, session_info
from webapp.errors import CSRF_MESSAGE, csrf_failed
from webapp.extensions import actor, fonds
from webapp.form_errors import refusal_lines, summary_errors
from webapp.jury.papers import papers_for

Errors = list[tuple[str | None, str]]


def load_info(session_id: int) -> SessionInfo:
    """The session if the logged-in user may see it, else 404."""
    info = session_info(fonds(), actor(), session_id)
    if info is None:
        abort(404)
    return info


def require_lead(info: SessionInfo) -> None:
    """403 unless the user chairs the session or manages the fund."""
    if not info.leads(int(current_user.id)):
        abort(403)


def error_lines(exc: FondsError, suffix: str = "") -> Errors:
    """An engine error as (field id, message) lines for the error summary, with its clause."""
    if isinstance(exc, PermissionDenied):
        abort(403)
    return refusal_lines(exc, rename=lambda field: f"{field}{suffix}")


def stale_form() -> Errors:
    """The error line after a stale CSRF token (nothing was saved)."""
    return [(None, CSRF_MESSAGE)] if csrf_failed() else []


def form_lines(form: Any, suffix: str = "", rename: dict[str, str] | None = None) -> Errors:
    """A refused form's errors (the one summary, `summary_errors`) as lines naming the item's fields."""
    names = rename or {}
    return [(f"{names.get(n, n)}{suffix}" if n else None, m) for n, m in summary_errors(form)]


def guideline_of_fund(f: Engine, fund_id: str):  # type: ignore[no-untyped-def]
    """The fund's current guideline (labels for the papers)."""
    with f.db.read() as s:
        return f.catalog.current(s, fund_id)[2]


def render_session(
    info: SessionInfo, errors: Errors | None = None, values: dict[str, str] | None = None
) -> ResponseReturnValue:
    """The session page, with the errors of a refused form (status 400) or without (200)."""
    page = session_page(fonds(), actor(), info)  # one read: agenda, papers, notes, guideline
    errors = errors or []
    return render_template(
        "jury/session.html",
        info=info,
        items=page.items,
        papers={item_id: papers_for(p, page.guideline) for item_id, p in page.papers.items()},
        notes=page.notes,
        criteria=page.guideline.jury.criteria,
        me=int(current_user.id),
        errors=errors,
        err={fld: msg for fld, msg in errors if fld},
        values=values or {},
    ), 400 if errors else 200
