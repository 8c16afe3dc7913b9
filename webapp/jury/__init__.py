"""The jury's pages: my sessions, the agenda with papers and votes, leading a session, minutes."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from fondsengine.errors import PermissionDenied

bp = Blueprint("jury", __name__, url_prefix="/jury")


@bp.errorhandler(PermissionDenied)
def _denied(exc: PermissionDenied) -> ResponseReturnValue:
    return render_template("errors/http.html", code=403, description=str(exc)), 403


from webapp.jury import views_chair, views_files, views_member, views_minutes, views_notes  # noqa: E402,F401
