"""The office decides about an application's rules: lift a soft limit with the accepted written
reason, link the earlier funded project it continues (use cases in fondsengine.applications)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.limits import lift_limit
from fondsengine.applications.repeats import link_repeat
from fondsengine.errors import FondsError, PermissionDenied
from fondsengine.inputs import MAX_TEXT
from webapp import fields
from webapp.extensions import actor, fonds
from webapp.manage import bp
from webapp.manage.common import error_list


@bp.route("/antraege/<int:application_id>/regel-grenze", methods=["POST"])
@login_required
def lift_soft_limit(application_id: int) -> ResponseReturnValue:
    """Lift one soft limit with the written reason the deciding body accepts."""
    from webapp.manage.application import load_for_office, render_application

    load_for_office(application_id)
    try:
        code = fields.text(request.form, "code", label="Grenze", max_len=64)
        reason = fields.text(request.form, "reason", label="Begründung", max_len=MAX_TEXT, multiline=True)
        lift_limit(fonds(), actor(), application_id, code, reason)
    except PermissionDenied:
        abort(403)
    except FondsError as exc:
        return render_application(application_id, error_list(exc), 400)
    flash("Die Grenze ist mit Begründung aufgehoben; die Bewilligung nennt die Begründung.", "success")
    return redirect(url_for("manage.application", application_id=application_id, _anchor="regeln"))


@bp.route("/antraege/<int:application_id>/wiederholung", methods=["POST"])
@login_required
def link_earlier_project(application_id: int) -> ResponseReturnValue:
    """Link the application to the earlier funded project it continues."""
    from webapp.manage.application import load_for_office, render_application

    load_for_office(application_id)
    try:
        number = fields.text(request.form, "continues_file_number", label="Aktenzeichen", max_len=40)
        count = link_repeat(fonds(), actor(), application_id, number)
    except PermissionDenied:
        abort(403)
    except FondsError as exc:
        return render_application(application_id, error_list(exc), 400)
    flash(f"Verknüpft: das Projekt wurde schon {count}-mal gefördert; die Regeln für Wiederholungen gelten.",
          "success")  # fmt: skip
    return redirect(url_for("manage.application", application_id=application_id, _anchor="regeln"))
