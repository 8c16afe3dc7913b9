"""The jury's pages (agenda, papers, votes) — built in part 2; for now a landing page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

bp = Blueprint("jury", __name__, url_prefix="/jury")


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Landing page for jury members."""
    if "jury_member" not in current_user.roles:
        abort(404)
    return render_template("jury/index.html")
