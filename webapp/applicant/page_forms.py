"""Flask-WTF forms of the applicant's pages besides the application form (forms.py parses that one).

They read and shape the post; the engine checks what it stores and words the refusals.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from fondsengine.inputs import MAX_TEXT
from webapp.fields import EuroField, IbanField, PostedForm, SafeText, UploadsField


def _strip(value: str | None) -> str:
    return (value or "").strip()


class OrganisationForm(FlaskForm):
    """A new organisation: its name and kind (the engine checks both)."""

    name = StringField("Name der Organisation", filters=[_strip])
    kind = StringField("Art", filters=[_strip])


class OrganisationMemberForm(FlaskForm):
    """A member to add, by the e-mail address of their account."""

    email = StringField("E-Mail-Adresse", filters=[_strip])


class OrganisationPersonForm(FlaskForm):
    """A member to remove, or to hand the representation to."""

    user = HiddenField()


class LinkOrganisationForm(FlaskForm):
    """The organisation a draft is to belong to."""

    organisation = HiddenField()


class StepForm(FlaskForm):
    """A workflow step on the status page; `from_state` guards against a double click."""

    trigger = HiddenField(filters=[_strip])
    from_state = HiddenField()
    answer = TextAreaField("Ihre Antwort")


class WithdrawForm(FlaskForm):
    """Withdrawing an application, with an optional reason."""

    reason = TextAreaField("Grund", validators=[SafeText(MAX_TEXT, multiline=True)])


class PaymentForm(FlaskForm):
    """Calling off (part of) the grant, into the account given."""

    kind = StringField("Art der Auszahlung", filters=[_strip])
    amount = EuroField("Betrag")
    iban = IbanField("IBAN")
    account_holder = StringField("Kontoinhaber/in", filters=[_strip], validators=[SafeText(200)])


class AttachmentForm(FlaskForm):
    """Files to attach to an application (cost estimates and other documents)."""

    file = UploadsField("Datei")


class ProofForm(PostedForm):
    """The proof of use; the receipt rows (`receipt-<n>-<field>`) come from `posted`, a receipt's file
    (`receipt-<n>-file`) from `files`."""

    action = HiddenField(filters=[_strip])
    report = TextAreaField("Sachbericht", filters=[_strip])
    participants_reached = StringField("Erreichte Menschen", filters=[_strip])
    income = StringField("Einnahmen", filters=[_strip])
    own_funds = StringField("Eigenmittel", filters=[_strip])
    other_funding = StringField("Mittel Dritter", filters=[_strip])
    confirmed = StringField(filters=[_strip])
    photos = UploadsField("Fotos")


class ApplicationPostForm(PostedForm):
    """The application form's buttons and bookkeeping; its fields, generated from the guideline, are
    parsed from `posted` by forms.parse_form."""

    action = HiddenField(default="save")
    remove_attachment = HiddenField()
    row_version = HiddenField()
    form_token = HiddenField()
    file = UploadsField("Datei")
