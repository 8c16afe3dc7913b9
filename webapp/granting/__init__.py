"""The granting body's pages (city approver): its queue, the recommended application, grant or refuse.

The views only shape input; who may grant, the amounts and the letters are the engine's
(fondsengine.applications.granting, decisions.record_city_grant / record_city_rejection).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from fondsengine.applications import decisions, granting
from fondsengine.errors import FondsError, InvalidInput, NotFound, PermissionDenied
from fondsengine.inputs import MAX_TEXT
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import EuroField, GermanDateField, SafeText, stripped, typed_values
from webapp.form_errors import engine_errors, summary_errors

bp = Blueprint("granting", __name__, url_prefix="/bewilligung")
Errors = list[tuple[str | None, str]]


@bp.errorhandler(PermissionDenied)
def _denied(exc: PermissionDenied) -> ResponseReturnValue:
    return render_template("errors/http.html", code=403, description=str(exc)), 403


@bp.route("/")
@login_required
def queue() -> ResponseReturnValue:
    """The applications the jury recommended, waiting for the grant."""
    return render_template("granting/queue.html", rows=granting.granting_queue(fonds(), actor()))


def _page(application_id: int, errors: Errors, form: MultiDict[str, str], status: int = 200) -> ResponseReturnValue:
    try:
        view = granting.granting_view(fonds(), actor(), application_id)
    except NotFound:
        abort(404)
    return render_template(
        "granting/application.html",
        v=view,
        errors=errors,
        err={f: m for f, m in errors if f},
        form=form,
        today=fonds().clock.now().date(),
    ), status


@bp.route("/antraege/<int:application_id>")
@login_required
def application(application_id: int) -> ResponseReturnValue:
    """One recommended application with the jury's recommendation, minutes and the two decisions."""
    return _page(application_id, [], MultiDict())


def _long_text(label: str, *, required: str | None = None) -> TextAreaField:
    validators: list[Any] = [DataRequired(required)] if required else []
    return TextAreaField(label, validators=[*validators, SafeText(MAX_TEXT, multiline=True)], filters=[stripped])


class GrantForm(FlaskForm):
    """The grant: amount (empty: as recommended), reason, conditions (one a line), date and file number."""

    amount = EuroField("Betrag")
    reason = _long_text("Begründung")
    conditions = _long_text("Auflagen")
    granted_on = GermanDateField("Datum")
    grant_file_number = StringField("Aktenzeichen", validators=[SafeText(80)], filters=[stripped])


class RefuseForm(FlaskForm):
    """The refusal with its reasons."""

    reasons = _long_text("Gründe", required="Bitte nennen Sie die Gründe der Ablehnung.")


def _above_jury(application_id: int) -> bool:
    """Whether the application waits for an outside body's grant above the jury's limit."""
    try:
        return granting.granting_view(fonds(), actor(), application_id).above_jury
    except NotFound:
        abort(404)


def _grant(application_id: int, form: GrantForm) -> None:
    conditions = [line.strip() for line in (form.conditions.data or "").splitlines() if line.strip()]
    if _above_jury(application_id):  # no recommendation before it
        decisions.external_approve(
            fonds(),
            actor(),
            application_id,
            amount_cents=form.amount.data,
            reason=form.reason.data or None,
            conditions=conditions,
        )
        return
    decisions.record_city_grant(
        fonds(),
        actor(),
        application_id,
        granted_on=form.granted_on.data or fonds().clock.now().date(),  # empty: today
        grant_file_number=form.grant_file_number.data or "",
        amount_cents=form.amount.data,
        reason=form.reason.data or None,
        conditions=conditions,
    )


def _refuse(application_id: int, form: RefuseForm) -> None:
    reasons = form.reasons.data or ""
    if _above_jury(application_id):
        decisions.external_reject(fonds(), actor(), application_id, reasons)
    else:
        decisions.record_city_rejection(fonds(), actor(), application_id, reasons)


@bp.route("/antraege/<int:application_id>/<any(bewilligen, ablehnen):decision>", methods=["POST"])
@login_required
@rerender_on_csrf
def decide(application_id: int, decision: str) -> ResponseReturnValue:
    """Grant (amount, conditions, file number) or refuse (reasons); the letter goes out in the body's name."""
    form: GrantForm | RefuseForm = GrantForm() if decision == "bewilligen" else RefuseForm()
    if csrf_failed():
        return _page(application_id, [(None, CSRF_MESSAGE)], typed_values(form), 400)
    if not form.validate():
        return _page(application_id, summary_errors(form), typed_values(form), 400)
    try:
        if isinstance(form, GrantForm):
            _grant(application_id, form)
        else:
            _refuse(application_id, form)
    except InvalidInput as exc:
        return _page(application_id, engine_errors(form, exc), typed_values(form), 400)
    except FondsError as exc:
        return _page(application_id, [(None, str(exc))], typed_values(form), 400)
    done = "Die Bewilligung ist erteilt" if decision == "bewilligen" else "Die Ablehnung ist erteilt"
    flash(f"{done}; der Bescheid geht an die Antragstellerin / den Antragsteller.", "success")
    return redirect(url_for("granting.queue"))
