"""Internal notes of the office on an application (the use cases are in fondsengine.applications.notes)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.notes import add_note
from fondsengine.errors import FondsError
from fondsengine.inputs import MAX_TEXT
from webapp import fields
from webapp.extensions import actor, fonds
from webapp.manage import bp
from webapp.manage.common import error_list


@bp.route("/antraege/<int:application_id>/notizen", methods=["POST"])
@login_required
def note(application_id: int) -> ResponseReturnValue:
    """Add an internal note."""
    from webapp.manage.application import load_for_office, render_application

    load_for_office(application_id)
    try:
        text = fields.text(request.form, "note", label="Notiz", max_len=MAX_TEXT, multiline=True)
        add_note(fonds(), actor(), application_id, text)
    except FondsError as exc:
        return render_application(application_id, error_list(exc), 400)
    flash("Die Notiz ist gespeichert.", "success")
    return redirect(url_for("manage.application", application_id=application_id, _anchor="notizen"))
