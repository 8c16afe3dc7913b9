"""The form of an office step, built from what the workflow says the step asks for (`asks`).

Each entry of `asks` (amount, reason, conditions, session, date, file_number, payment) brings its
fields; a jury decision taken on paper adds the record's fields (webapp/manage/paper_votes.py).
The form only reads and checks the input; every rule is the engine's.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired

from fondsengine.applications.queries import Action
from fondsengine.inputs import MAX_TEXT
from webapp.fields import EuroField, GermanDateField, IdField, IdsField, SafeText, stripped, typed_values
from webapp.manage.paper_votes import JURY_DECISIONS

AMOUNT_REQUIRED = "Bitte geben Sie einen Betrag an."
REASON = "Bitte geben Sie eine Begründung an."
# the request for a reason in the words of the step (else REASON)
REASON_REQUIRED = {
    "request_changes": "Bitte schreiben Sie, was geändert werden soll.",
    "return_proof": "Bitte schreiben Sie, was ergänzt werden soll.",
}


def _text(label: str, max_len: int, *, required: str | None = None) -> StringField:
    validators: list[Any] = [DataRequired(required)] if required else []
    return StringField(label, validators=[*validators, SafeText(max_len)], filters=[stripped])


def _long_text(label: str, *, required: str | None = None) -> TextAreaField:
    validators: list[Any] = [DataRequired(required)] if required else []
    return TextAreaField(label, validators=[*validators, SafeText(MAX_TEXT, multiline=True)], filters=[stripped])


def _fields(step: Action) -> dict[str, Field]:
    asks = set(step.asks)
    out: dict[str, Any] = {}
    if "amount" in asks:
        # a step that asks for the amount alone has nothing to book without it
        out["amount"] = EuroField("Betrag", required=AMOUNT_REQUIRED if asks == {"amount"} else None)
    if "payment" in asks:
        out["payment_id"] = IdField("Anforderung")
        out["amount"] = EuroField("Betrag", required=AMOUNT_REQUIRED)
        out["kind"] = _text("Art der Auszahlung", 20, required="Bitte wählen Sie die Art der Auszahlung.")
    if "conditions" in asks:
        out["condition"] = SelectMultipleField("Auflagen", choices=[], validate_choice=False)
        out["conditions_extra"] = _long_text("Weitere Auflagen")
    if "session" in asks:
        out["session_id"] = IdField("Jurysitzung", required="Bitte wählen Sie eine Jurysitzung.")
    if "date" in asks:
        out["granted_on"] = GermanDateField("Datum", required="Bitte geben Sie ein Datum an (TT.MM.JJJJ).")
    if "file_number" in asks:
        out["grant_file_number"] = _text(
            "Aktenzeichen der Stadt", 80, required="Bitte geben Sie das Aktenzeichen der Stadt an."
        )
    if "reason" in asks or not asks:
        required = REASON_REQUIRED.get(step.trigger, REASON) if step.needs_reason else None
        if step.trigger in JURY_DECISIONS:
            required = None  # the paper record's rules decide (fondsengine.jury.paper)
        out["reason"] = _long_text("Begründung", required=required)
    if step.trigger in JURY_DECISIONS:
        for name, label in (("yes", "Ja-Stimmen"), ("no", "Nein-Stimmen"), ("abstain", "Enthaltungen")):
            out[name] = StringField(label, validators=[SafeText(20)])  # counted by paper_votes.record_on_paper
        out["left_room"] = IdsField("Haben den Raum verlassen")
        out["chair_casting"] = _text("Stichentscheid", 20)
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


def step_form(step: Action) -> StepForm:
    """The form of the step with the fields its transition asks for (bound to the posted values)."""
    form_class: type[StepForm] = type(f"StepForm_{step.trigger}", (StepForm,), _fields(step))
    return form_class()
