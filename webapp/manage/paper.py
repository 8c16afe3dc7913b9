"""Enter an application received on paper or by e-mail, on behalf of a resident.

The form only shapes input (webapp.applicant.forms.parse_form); the engine creates the person and
the draft in one unit of work and records who entered the application for whom
(enter_paper_application).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from wtforms import StringField

from fondsengine.applications.service import PaperPerson, enter_paper_application
from fondsengine.errors import FondsError
from fondsengine.guidelines.asks import rule_questions
from fondsengine.guidelines.model import Guideline
from webapp import fields
from webapp.applicant.forms import AREA_LINKS, CORE_FIELDS, FormState, checkbox_names, parse_form
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import PostedForm
from webapp.manage import bp
from webapp.manage.common import Errors, chosen_fund, error_list

COST_ROWS = 5


def _guideline(fund_id: str) -> Guideline:
    f = fonds()
    with f.db.read() as s:
        return f.catalog.current(s, fund_id)[2]


class PaperForm(PostedForm):
    """The person the paper application is for (checked in the view), the idempotency token; the
    application's own fields come from the guideline and go through parse_form (`posted`)."""

    person_name = StringField("Name")
    person_email = StringField("E-Mail-Adresse")
    form_token = StringField("Formular")


@bp.route("/papierantrag", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def paper() -> ResponseReturnValue:
    """Enter a paper application for a resident (saved as a draft the office can then submit)."""
    funds, fund_id = chosen_fund()
    guideline = _guideline(fund_id)
    errors: Errors = []
    form = PaperForm()
    person = {k: str(form[k].data or "").strip() for k in ("person_name", "person_email")}
    token = fields.form_token({"form_token": form.form_token.data})
    state = FormState()
    if request.method == "POST":
        data, state = parse_form(form.posted, guideline, checkbox_names(guideline))
        if csrf_failed():
            errors = [(None, CSRF_MESSAGE)]
        elif data is not None:
            try:
                fields.clean(person["person_name"], label="Name", max_len=200, field="person_name")
                fields.email(person, "person_email")
                who = PaperPerson(person["person_name"] or data.contact_name, person["person_email"] or None)
                app_id = enter_paper_application(fonds(), actor(), fund_id, data, who, client_token=token)
            except FondsError as exc:
                errors = error_list(exc)
            else:
                flash(
                    "Der Papierantrag ist als Entwurf erfasst. Prüfen Sie ihn und reichen Sie ihn dann ein.", "success"
                )
                return redirect(url_for("manage.application", application_id=app_id))
    return render_office_form(guideline, state, errors, funds=funds, fund_id=fund_id, person=person, token=token)


def render_office_form(
    guideline: Guideline, state: FormState, errors: Errors, *, cost_rows: int = COST_ROWS, **context: Any
) -> ResponseReturnValue:
    """The office's application form (paper application, correction) with the error summary; 400 with errors."""
    summary = errors + [
        (key if not key.startswith("cost-") else f"{key}-description", message) for key, message in state.errors.items()
    ]
    return render_template(
        "manage/paper.html",
        g_=guideline,
        v=state.values,
        checks=state.checks,
        costs=state.costs + [{} for _ in range(max(cost_rows - len(state.costs), 1))],
        errors=summary,
        err={k: m for k, m in summary if k},
        area_links=AREA_LINKS,
        asks=rule_questions(guideline),
        extra_fields=[ff for ff in guideline.form_fields if ff.id not in CORE_FIELDS],
        **context,
    ), 400 if summary else 200
