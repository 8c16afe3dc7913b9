"""The office decides about an application's rules: lift a soft limit with the accepted written
reason, link the earlier funded project it continues (use cases in fondsengine.applications)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from fondsengine.applications.limits import lift_limit
from fondsengine.applications.repeats import link_repeat
from fondsengine.errors import FondsError, PermissionDenied
from fondsengine.inputs import MAX_TEXT
from webapp.extensions import actor, fonds
from webapp.fields import SafeText, stripped
from webapp.form_errors import engine_errors, summary_errors
from webapp.manage import bp
from webapp.manage.application import load_for_office, render_application


class LiftForm(FlaskForm):
    """Which soft limit, and the written reason the deciding body accepts."""

    code = StringField("Grenze", validators=[SafeText(64)], filters=[stripped])
    reason = TextAreaField("Begründung", validators=[SafeText(MAX_TEXT, multiline=True)], filters=[stripped])


class RepeatForm(FlaskForm):
    """The file number of the earlier funded project."""

    continues_file_number = StringField("Aktenzeichen", validators=[SafeText(40)], filters=[stripped])


@bp.route("/antraege/<int:application_id>/regel-grenze", methods=["POST"])
@login_required
def lift_soft_limit(application_id: int) -> ResponseReturnValue:
    """Lift one soft limit with the written reason the deciding body accepts."""
    load_for_office(application_id)
    form = LiftForm()
    if not form.validate_on_submit():
        return render_application(application_id, summary_errors(form), 400)
    try:
        lift_limit(fonds(), actor(), application_id, form.code.data or "", form.reason.data or "")
    except PermissionDenied:
        abort(403)
    except FondsError as exc:
        return render_application(application_id, engine_errors(form, exc), 400)
    flash("Die Grenze ist mit Begründung aufgehoben; die Bewilligung nennt die Begründung.", "success")
    return redirect(url_for("manage.application", application_id=application_id, _anchor="regeln"))


@bp.route("/antraege/<int:application_id>/wiederholung", methods=["POST"])
@login_required
def link_earlier_project(application_id: int) -> ResponseReturnValue:
    """Link the application to the earlier funded project it continues."""
    load_for_office(application_id)
    form = RepeatForm()
    if not form.validate_on_submit():
        return render_application(application_id, summary_errors(form), 400)
    try:
        count = link_repeat(fonds(), actor(), application_id, form.continues_file_number.data or "")
    except PermissionDenied:
        abort(403)
    except FondsError as exc:
        return render_application(application_id, engine_errors(form, exc), 400)
    flash(f"Verknüpft: das Projekt wurde schon {count}-mal gefördert; die Regeln für Wiederholungen gelten.",
          "success")  # fmt: skip
    return redirect(url_for("manage.application", application_id=application_id, _anchor="regeln"))
