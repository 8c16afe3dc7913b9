"""The office releases an application's attachments to the jury's papers (or takes them back)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from fondsengine.errors import FondsError
from fondsengine.jury.papers_files import release_to_jury
from webapp.extensions import actor, fonds
from webapp.fields import stripped
from webapp.manage import bp
from webapp.manage.application import load_for_office, render_application
from webapp.manage.common import error_list


class ReleaseForm(FlaskForm):
    """Release to the jury (freigeben=1) or take back (anything else)."""

    freigeben = StringField("Freigeben", filters=[stripped])


@bp.route("/antraege/<int:application_id>/anhaenge/<int:attachment_id>/jury", methods=["POST"])
@login_required
def release_attachment(application_id: int, attachment_id: int) -> ResponseReturnValue:
    """Release an attachment to the jury's papers (freigeben=1) or take the release back (freigeben=0)."""
    load_for_office(application_id)
    released = ReleaseForm().freigeben.data == "1"
    try:
        release_to_jury(fonds(), actor(), application_id, attachment_id, released=released)
    except FondsError as exc:
        return render_application(application_id, error_list(exc), 400)
    flash("Der Anhang steht jetzt in den Unterlagen der Jury." if released else "Die Jury sieht den Anhang nicht mehr.",
          "success")  # fmt: skip
    return redirect(url_for("manage.application", application_id=application_id, _anchor="docs-titel"))
