"""The office's side of publication: the applicant's consent in force, and where and under what a project is listed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from fondsengine.applications.publication import ListingInput, consent_of, listing_of, set_listing
from fondsengine.errors import FondsError
from webapp.extensions import actor, fonds
from webapp.fields import SafeText
from webapp.form_errors import summary_errors
from webapp.manage import bp
from webapp.manage.application import load_for_office
from webapp.manage.common import error_list


def _degrees(form: FlaskForm, field: StringField) -> None:
    text = (field.data or "").strip().replace(",", ".")
    if not text:
        return
    try:
        Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"„{field.label.text}“: Bitte eine Zahl in Grad angeben, z. B. 51,4370.") from None


class ListingForm(FlaskForm):
    """Part of the area, theme, coordinates (WGS 84, decimal degrees) and whether to withhold the project."""

    area_part = StringField("Teilgebiet", validators=[SafeText(100)])
    category = StringField("Themenbereich", validators=[SafeText(100)])
    latitude = StringField("Breite (Grad, z. B. 51,4370)", validators=[SafeText(20), _degrees])
    longitude = StringField("Länge (Grad, z. B. 7,3350)", validators=[SafeText(20), _degrees])
    withheld = BooleanField("Nicht öffentlich zeigen (trotz Einwilligung)")


def _decimal(text: str | None) -> Decimal | None:
    text = (text or "").strip().replace(",", ".")
    return Decimal(text) if text else None


@bp.route("/antraege/<int:application_id>/veroeffentlichung", methods=["GET", "POST"])
@login_required
def publication(application_id: int) -> ResponseReturnValue:
    """See what the applicant released and enter the listing data for the public pages."""
    view = load_for_office(application_id)
    form = ListingForm()
    errors: list[tuple[str | None, str]] = []
    current = listing_of(fonds(), actor(), application_id)
    if not form.is_submitted() and current is not None:
        form.area_part.data, form.category.data = current.area_part, current.category
        form.latitude.data = str(current.latitude).replace(".", ",") if current.latitude is not None else ""
        form.longitude.data = str(current.longitude).replace(".", ",") if current.longitude is not None else ""
        form.withheld.data = current.withheld
    if form.validate_on_submit():
        data = ListingInput(
            area_part=form.area_part.data or "",
            category=form.category.data or "",
            latitude=_decimal(form.latitude.data),
            longitude=_decimal(form.longitude.data),
            withheld=bool(form.withheld.data),
        )
        try:
            set_listing(fonds(), actor(), application_id, data)
        except FondsError as exc:
            errors = error_list(exc)
        else:
            flash("Die Angaben für die öffentlichen Seiten sind gespeichert.", "success")
            return redirect(url_for("manage.publication", application_id=application_id))
    elif form.is_submitted():
        errors = summary_errors(form, skip=())
    return render_template(
        "manage/publication.html",
        app=view.app,
        form=form,
        errors=errors,
        consent=consent_of(fonds(), actor(), application_id),
    ), 400 if errors else 200
