"""The applicant decides what of a funded project becomes public (Flask-WTF form; the engine records it)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from fondsengine.accounts.subject_access import personal_data, render_personal_data
from fondsengine.applications.publication import (
    CONSENT_TEXT,
    CONSENT_TEXT_VERSION,
    MAX_REPORT,
    MAX_SUMMARY,
    PHOTO_CONSENT_TEXT,
    ConsentInput,
    consent_of,
    record_consent,
)
from fondsengine.errors import FondsError
from webapp.applicant import bp
from webapp.applicant.common import error_list, load
from webapp.extensions import actor, fonds
from webapp.fields import SafeText
from webapp.form_errors import summary_errors
from webapp.queries import StageQuery


class ConsentForm(FlaskForm):
    """What may be published; the texts are the ones to publish."""

    stage = HiddenField(default="application")
    publish_title = BooleanField("Projekttitel veröffentlichen")
    publish_summary = BooleanField("Kurzbeschreibung veröffentlichen")
    public_summary = TextAreaField(
        "Kurzbeschreibung für die Öffentlichkeit", validators=[SafeText(MAX_SUMMARY, multiline=True)]
    )
    publish_organisation = BooleanField("Name der Organisation veröffentlichen")
    publish_photos = BooleanField("Fotos aus dem Verwendungsnachweis veröffentlichen")
    photo_consent_by = StringField("Wer hat der Veröffentlichung der Fotos zugestimmt?", validators=[SafeText(300)])
    photo_consent_scope = TextAreaField(
        "Wozu gilt die Zustimmung (wo und wie lange)?", validators=[SafeText(1000, multiline=True)]
    )
    publish_report = BooleanField("Kurzbericht veröffentlichen")
    public_report = TextAreaField(
        "Kurzbericht für die Öffentlichkeit", validators=[SafeText(MAX_REPORT, multiline=True)]
    )


def _input(form: ConsentForm) -> ConsentInput:
    return ConsentInput(
        publish_title=bool(form.publish_title.data),
        publish_summary=bool(form.publish_summary.data),
        publish_organisation=bool(form.publish_organisation.data),
        publish_photos=bool(form.publish_photos.data),
        publish_report=bool(form.publish_report.data),
        public_summary=form.public_summary.data or "",
        public_report=form.public_report.data or "",
        photo_consent_by=form.photo_consent_by.data or "",
        photo_consent_scope=form.photo_consent_scope.data or "",
    )


@bp.route("/antraege/<int:application_id>/veroeffentlichung", methods=["GET", "POST"])
@login_required
def publication(application_id: int) -> ResponseReturnValue:
    """Choose what becomes public (with the application, and again with the proof of use)."""
    loaded = load(application_id)
    current = consent_of(fonds(), actor(), application_id)
    form = ConsentForm()
    if request.method == "GET" and current is not None:
        for name, value in vars(current.data).items():
            getattr(form, name).data = value
    if request.method == "GET":
        form.stage.data = "proof" if StageQuery().stufe.data == "nachweis" else "application"
    errors: list[tuple[str | None, str]] = []
    if form.validate_on_submit():
        stage = "proof" if form.stage.data == "proof" else "application"
        try:
            record_consent(fonds(), actor(), application_id, _input(form), stage=stage)
        except FondsError as exc:
            errors = error_list(exc)
        else:
            flash(_("Ihre Entscheidung zur Veröffentlichung ist gespeichert."), "success")
            return redirect(url_for("applicant.detail", application_id=application_id))
    elif request.method == "POST":
        errors = summary_errors(form, skip=())
    return render_template(
        "applicant/publication.html",
        app=loaded.app,
        form=form,
        errors=errors,
        current=current,
        consent_text=CONSENT_TEXT,
        photo_text=PHOTO_CONSENT_TEXT,
        version=CONSENT_TEXT_VERSION,
    ), 400 if errors else 200


@bp.route("/konto/meine-daten.json")
@login_required
def my_data() -> ResponseReturnValue:
    """Download all data about me (DSGVO Art. 15) as JSON."""
    import json

    from flask import Response

    body = json.dumps(personal_data(fonds(), actor()), ensure_ascii=False, indent=2, sort_keys=True)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="meine-daten.json"', "Cache-Control": "no-store"},
    )


@bp.route("/konto/meine-daten.pdf")
@login_required
def my_data_pdf() -> ResponseReturnValue:
    """The same information (DSGVO Art. 15) as a PDF to read and keep."""
    from flask import Response

    pdf = render_personal_data(personal_data(fonds(), actor()))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="meine-daten.pdf"', "Cache-Control": "no-store"},
    )
