"""Forms of the account pages (they only validate and shape input)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = "Bitte füllen Sie dieses Feld aus."


class RegisterForm(FlaskForm):
    name = StringField("Ihr Name", validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField("E-Mail-Adresse", validators=[DataRequired(REQUIRED), Length(max=320)])
    password = PasswordField("Passwort (mindestens 12 Zeichen)", validators=[DataRequired(REQUIRED)])
    password2 = PasswordField(
        "Passwort wiederholen",
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", "Die beiden Passwörter stimmen nicht überein."),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField("E-Mail-Adresse", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Passwort", validators=[DataRequired(REQUIRED)])
    next = HiddenField()


class ForgotForm(FlaskForm):
    email = EmailField("E-Mail-Adresse", validators=[DataRequired(REQUIRED)])


class ResetForm(FlaskForm):
    password = PasswordField("Neues Passwort (mindestens 12 Zeichen)", validators=[DataRequired(REQUIRED)])
    password2 = PasswordField(
        "Neues Passwort wiederholen",
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", "Die beiden Passwörter stimmen nicht überein."),
        ],
    )


class NotificationsForm(FlaskForm):
    """Only the CSRF token; the checkboxes are generated from the engine's choices."""


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Bisheriges Passwort", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Neues Passwort (mindestens 12 Zeichen)", validators=[DataRequired(REQUIRED)])
    password2 = PasswordField(
        "Neues Passwort wiederholen",
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", "Die beiden Passwörter stimmen nicht überein."),
        ],
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Code aus der Authenticator-App (oder ein Wiederherstellungscode)",
        validators=[DataRequired(REQUIRED), Length(max=32)],
    )


class RemoveSecondFactorForm(FlaskForm):
    confirm_password = PasswordField("Ihr Passwort", validators=[DataRequired(REQUIRED)])


class EmailChangeForm(FlaskForm):
    new_email = EmailField("Neue E-Mail-Adresse", validators=[DataRequired(REQUIRED), Length(max=320)])
    email_password = PasswordField("Ihr Passwort", validators=[DataRequired(REQUIRED)])
