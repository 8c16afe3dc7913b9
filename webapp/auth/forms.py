"""Forms of the account pages (they only validate and shape input)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo

from webapp.fields import SafeText
from webapp.form_errors import REQUIRED
from webapp.i18n import N_


class RegisterForm(FlaskForm):
    name = StringField(_l("Ihr Name"), validators=[DataRequired(REQUIRED), SafeText(200)])
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(REQUIRED), SafeText(320)])
    password = PasswordField(
        _l("Passwort (mindestens 12 Zeichen)"), validators=[DataRequired(REQUIRED), SafeText(1000)]
    )
    password2 = PasswordField(
        _l("Passwort wiederholen"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", N_("Die beiden Passwörter stimmen nicht überein.")),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(REQUIRED), SafeText(320)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(REQUIRED), SafeText(1000)])
    next = HiddenField()


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(REQUIRED), SafeText(320)])


class ResetForm(FlaskForm):
    password = PasswordField(
        _l("Neues Passwort (mindestens 12 Zeichen)"), validators=[DataRequired(REQUIRED), SafeText(1000)]
    )
    password2 = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", N_("Die beiden Passwörter stimmen nicht überein.")),
        ],
    )


class NotificationsForm(FlaskForm):
    """The optional e-mails chosen; the checkboxes are generated from the engine's choices (which
    checks the keys)."""

    choice = SelectMultipleField(choices=[], validate_choice=False)


class PasswordChangeForm(ResetForm):
    """The reset form's new password twice, plus the current password."""

    current = PasswordField(_l("Bisheriges Passwort"), validators=[DataRequired(REQUIRED), SafeText(1000)])


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code aus der Authenticator-App (oder ein Wiederherstellungscode)"),
        validators=[DataRequired(REQUIRED), SafeText(32)],
    )


class RemoveSecondFactorForm(FlaskForm):
    confirm_password = PasswordField(_l("Ihr Passwort"), validators=[DataRequired(REQUIRED), SafeText(1000)])


class EmailChangeForm(FlaskForm):
    new_email = EmailField(_l("Neue E-Mail-Adresse"), validators=[DataRequired(REQUIRED), SafeText(320)])
    email_password = PasswordField(_l("Ihr Passwort"), validators=[DataRequired(REQUIRED), SafeText(1000)])


class ProfileForm(FlaskForm):
    """Name and postal address of the account (the e-mail address has its own form)."""

    name = StringField(_l("Ihr Name"), validators=[DataRequired(REQUIRED), SafeText(200)])
    street = StringField(_l("Straße und Hausnummer"), validators=[SafeText(200)])
    postcode = StringField(_l("Postleitzahl"), validators=[SafeText(10)])
    city = StringField(_l("Ort"), validators=[SafeText(100)])


class ErasureForm(FlaskForm):
    """The request to erase one's data (Art. 17 DSGVO)."""

    erasure_reason = TextAreaField("Begründung (freiwillig)", validators=[SafeText(2000, multiline=True)])
    erasure_confirm = BooleanField(
        "Ich möchte, dass meine Daten gelöscht werden, soweit sie nicht aufbewahrt werden müssen.",
        validators=[DataRequired("Bitte bestätigen Sie, dass Sie die Löschung möchten.")],
    )
