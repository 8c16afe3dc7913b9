"""The office's pages (Geschäftsführung) — part 1: the list and confirming a prior consultation."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from fondsengine.errors import FondsError
from fondsengine.model import Application, Membership
from fondsengine.services.applications import confirm_consultation
from webapp.extensions import actor, fonds

bp = Blueprint("manage", __name__, url_prefix="/verwaltung")


def _require_manager() -> None:
    if "manager" not in current_user.roles:
        abort(404)


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Applications of the funds the user manages (submitted ones, newest first)."""
    _require_manager()
    f = fonds()
    with f.db.read() as s:
        funds = list(
            s.scalars(
                select(Membership.fund_id).where(
                    Membership.user_id == int(current_user.id), Membership.role == "manager"
                )
            )
        )
        rows = []
        for app in s.scalars(
            select(Application)
            .where(Application.fund_id.in_(funds), Application.state != "draft")
            .order_by(Application.id.desc())
        ):
            wf = f.catalog.workflow(s, app.workflow_version_id)
            rows.append(
                {
                    "id": app.id,
                    "title": app.title,
                    "file_number": app.file_number,
                    "state_label": wf.state(app.state).label,
                    "requested_cents": app.requested_cents,
                    "consultation": app.prior_consultation_on,
                    "confirmed": app.consultation_confirmed_by_id is not None,
                }
            )
    return render_template("manage/index.html", rows=rows)


@bp.route("/antraege/<int:application_id>/beratung", methods=["POST"])
@login_required
def consultation(application_id: int) -> ResponseReturnValue:
    """Confirm that the prior consultation took place."""
    _require_manager()
    try:
        confirm_consultation(
            fonds(), actor(), application_id, date.fromisoformat(request.form.get("on", ""))
        )
        flash("Das Beratungsgespräch ist bestätigt.", "success")
    except ValueError:
        flash("Bitte geben Sie das Datum des Gesprächs an.", "error")
    except FondsError as exc:
        flash(exc.message, "error")
    return redirect(url_for("manage.index"))
