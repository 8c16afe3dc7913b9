"""The form of an office step, built from what the workflow says the step asks for (`asks`).

Each entry of `asks` (amount, reason, conditions, session, date, file_number, payment, paper_record)
brings its fields, labelled in the step's own words where the transition declares them
(`reason_label`, `amount_label`, `reason_required` ...; docs/workflows.md). The form only reads and
checks the input; every rule is the engine's. templates/manage/action.html renders its fields.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired

from fondsengine.applications.queries import Action
from fondsengine.inputs import MAX_TEXT
from webapp.fields import (
    EuroField,
    GermanDateField,
    IdField,
    IdsField,
    SafeText,
    UploadField,
    stripped,
    typed_values,
)

AMOUNT_REQUIRED = "Bitte geben Sie einen Betrag an."
REASON = "Bitte geben Sie eine Begründung an."
# the fields of a paper record (rendered together by templates/manage/_paper_votes.html)
PAPER_FIELDS = ("yes", "no", "abstain", "left_room", "chair_casting", "protocol")


def _text(label: str, max_len: int, *, required: str | None = None) -> StringField:
    validators: list[Any] = [DataRequired(required)] if required else []
    return StringField(label, validators=[*validators, SafeText(max_len)], filters=[stripped])


def _long_text(label: str, *, required: str | None = None, hint: str | None = None) -> TextAreaField:
    validators: list[Any] = [DataRequired(required)] if required else []
    return TextAreaField(
        label,
        validators=[*validators, SafeText(MAX_TEXT, multiline=True)],
        filters=[stripped],
        description=hint or "",
    )


def _fields(step: Action) -> dict[str, Field]:
    """The step's fields in the order the page shows them."""
    asks = set(step.asks)
    out: dict[str, Any] = {}
    if "date" in asks:
        out["granted_on"] = GermanDateField(
            step.date_label or "Datum", required="Bitte geben Sie ein Datum an (TT.MM.JJJJ)."
        )
    if "file_number" in asks:
        out["grant_file_number"] = _text(
            "Aktenzeichen der Stadt", 80, required="Bitte geben Sie das Aktenzeichen der Stadt an."
        )
    if "payment" in asks:
        out["payment_id"] = IdField("Anforderung")
    if asks & {"amount", "payment"}:
        # a payment, or a step that asks for the amount alone, has nothing to book without it
        needed = "payment" in asks or asks == {"amount"}
        out["amount"] = EuroField(
            step.amount_label or "Betrag in Euro",
            required=AMOUNT_REQUIRED if needed else None,
            description=step.amount_hint or "",
        )
    if "payment" in asks:
        out["kind"] = _text("Art der Auszahlung", 20, required="Bitte wählen Sie die Art der Auszahlung.")
    if "session" in asks:
        out["session_id"] = IdField("Jurysitzung", required="Bitte wählen Sie eine Jurysitzung.")
    if "reason" in asks or not asks:
        required = (step.reason_required or REASON) if step.needs_reason else None
        if "paper_record" in asks:
            required = None  # the paper record's rules decide (fondsengine.jury.paper)
        out["reason"] = _long_text(step.reason_label or "Begründung", required=required, hint=step.reason_hint)
    if "conditions" in asks:
        out["condition"] = SelectMultipleField("Auflagen aus der Förderrichtlinie", choices=[], validate_choice=False)
        out["conditions_extra"] = _long_text("Weitere Auflagen (eine pro Zeile)")
    if "paper_record" in asks:
        for name, label in (("yes", "Ja-Stimmen"), ("no", "Nein-Stimmen"), ("abstain", "Enthaltungen")):
            out[name] = StringField(label, validators=[SafeText(20)])  # counted by paper_votes.paper_record
        out["left_room"] = IdsField("Haben den Raum verlassen")
        out["chair_casting"] = _text("Stichentscheid", 20)
        out["protocol"] = UploadField("Unterschriebenes Protokoll (PDF)")  # checked by paper_votes.paper_record
    return out


class StepForm(FlaskForm):
    """The fields of one step (see `step_form`)."""

    def value(self, name: str) -> Any:
        """The checked value of a field, None when the step does not ask for it."""
        return self[name].data if name in self else None

    def text(self, name: str) -> str:
        """A text field's stripped value ('' when empty or not asked)."""
        return str(self.value(name) or "")

    def shown(self) -> MultiDict[str, str]:
        """The values as typed, to show the form again (and for the paper record's counts)."""
        return typed_values(self)

    def page_fields(self) -> list[Field]:
        """The fields the step's page lays out one by one, in order (not the paper record's, not CSRF)."""
        return [f for f in self if f.name not in PAPER_FIELDS and f.type != "CSRFTokenField"]


def is_required(field: Field) -> bool:
    """Whether the field must be filled (a DataRequired validator, or a parsed field's `required`)."""
    return bool(field.flags.required or getattr(field, "required", None))


def step_form(step: Action) -> StepForm:
    """The form of the step with the fields its transition asks for (bound to the posted values)."""
    form_class: type[StepForm] = type(f"StepForm_{step.trigger}", (StepForm,), _fields(step))
    return form_class()
