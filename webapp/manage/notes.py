"""Internal notes of the office on an application (the use cases are in fondsengine.applications.notes)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from fondsengine.applications.notes import add_note
from fondsengine.errors import FondsError
from fondsengine.inputs import MAX_TEXT
from webapp.extensions import actor, fonds
from webapp.fields import SafeText
from webapp.form_errors import summary_errors
from webapp.manage import bp
from webapp.manage.application import load_for_office, render_application
from webapp.manage.common import error_list


class NoteForm(FlaskForm):
    """An internal note of the office (the engine refuses an empty one)."""

    note = TextAreaField("Notiz", validators=[SafeText(MAX_TEXT, multiline=True)])


@bp.route("/antraege/<int:application_id>/notizen", methods=["POST"])
@login_required
def note(application_id: int) -> ResponseReturnValue:
    """Add an internal note."""
    load_for_office(application_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_application(application_id, summary_errors(form), 400)
    try:
        add_note(fonds(), actor(), application_id, (form.note.data or "").strip())
    except FondsError as exc:
        return render_application(application_id, error_list(exc), 400)
    flash("Die Notiz ist gespeichert.", "success")
    return redirect(url_for("manage.application", application_id=application_id, _anchor="notizen"))
