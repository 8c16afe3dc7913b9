"""The office corrects a submitted application before the decision (e.g. a field missing on a paper
form), in the same form as a paper application, rule questions included. The form only shapes input
(webapp.applicant.forms.parse_form); the engine stores the revision, audits the changed fields with
the reason and tells the applicant (applications.service.correct_application)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from wtforms import TextAreaField

from fondsengine.applications.service import correct_application, correctable
from fondsengine.errors import FondsError
from fondsengine.inputs import MAX_TEXT
from webapp import fields
from webapp.applicant.forms import checkbox_names, parse_form, state_from_application
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import PostedForm
from webapp.manage import bp
from webapp.manage.application import load_for_office
from webapp.manage.common import Errors, error_list
from webapp.manage.paper import render_office_form


class CorrectionForm(PostedForm):
    """The reason of the correction (the applicant reads it); the application's fields go through
    parse_form (`posted`), as on the paper form."""

    reason = TextAreaField("Begründung")


@bp.route("/antraege/<int:application_id>/korrigieren", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def correct(application_id: int) -> ResponseReturnValue:
    """Correct a submitted application before the decision, with the reason the applicant reads."""
    view = load_for_office(application_id)
    app, guideline = view.app, view.guideline
    if not correctable(view.workflow, app.state):
        flash("Nach der Entscheidung kann der Antrag nicht mehr korrigiert werden.", "error")
        return redirect(url_for("manage.application", application_id=application_id))
    errors: Errors = []
    state = state_from_application(app, guideline)
    reason = ""
    if request.method == "POST":
        form = CorrectionForm()
        data, state = parse_form(form.posted, guideline, checkbox_names(guideline))
        reason = str(form.reason.data or "").strip()
        if csrf_failed():
            errors = [(None, CSRF_MESSAGE)]
        elif data is not None:
            try:
                reason = fields.clean(reason, label="Begründung", max_len=MAX_TEXT, multiline=True, field="reason")
                changed = correct_application(fonds(), actor(), application_id, data, reason=reason)
            except FondsError as exc:
                errors = error_list(exc)
            else:
                flash(f"Korrigiert ({len(changed)} Angaben); die Antragstellerin / der Antragsteller wird informiert.",
                      "success")  # fmt: skip
                return redirect(url_for("manage.application", application_id=application_id))
    return render_office_form(guideline, state, errors, cost_rows=0, correction=app, reason=reason, funds=[],
                              fund_id=app.fund_id, person={}, token="")  # fmt: skip
