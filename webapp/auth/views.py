"""Views of the account pages."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from fondsengine.errors import FondsError, InvalidInput
from fondsengine.notify import DeliveryError
from fondsengine.notify.messages import email_confirmation, invitation, password_reset
from fondsengine.services.accounts import (
    Account,
    account_by_email,
    account_by_id,
    confirm_email,
    set_password,
)
from fondsengine.services.context import Actor
from fondsengine.services.notifications import notification_choices, set_notifications
from fondsengine.services.users import create_user, verify_password
from webapp.auth import bp, tokens
from webapp.auth.forms import ForgotForm, LoginForm, NotificationsForm, RegisterForm, ResetForm
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import fonds, login_manager, mailer

_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$kNZamVLxLfW7lhcO302xEg$ZOhJmjnqIXqVP6HxsNcWd+sDl9gbaWL27hbGK+GFTMQ"


class WebUser(UserMixin):
    """The logged-in person as Flask-Login sees it."""

    def __init__(self, account: Account) -> None:
        self.id = str(account.id)
        self.name = account.name
        self.email = account.email
        self.roles = account.roles


@login_manager.user_loader
def _load_user(user_id: str) -> WebUser | None:
    account = account_by_id(fonds(), int(user_id))
    if account is None or not account.active:
        return None
    return WebUser(account)


def _office_name() -> str:
    return "Ihr Bewohnerfonds"


def _send(message_factory, **kwargs) -> None:  # type: ignore[no-untyped-def]
    try:
        mailer().send(message_factory(**kwargs))
    except (DeliveryError, FondsError):
        current_app.logger.exception("Konto-Mail konnte nicht gesendet werden")


def _send_confirmation(account: Account) -> None:
    url = url_for("auth.confirm", token=tokens.confirm_token(account.id), _external=True)
    _send(
        email_confirmation,
        to=account.email,
        name=account.name,
        confirm_url=url,
        office=_office_name(),
        valid_hours=tokens.CONFIRM_HOURS,
    )


def send_invitation(user_id: int, role_label: str, fund_name: str) -> bool:
    """Mail a set-password link to a person who has no password yet; True when a mail went out."""
    account = account_by_id(fonds(), user_id)
    if account is None or not account.email or account.password_hash:
        return False
    url = url_for("auth.reset", token=tokens.invite_token(account.id, account.password_hash), _external=True)
    _send(
        invitation,
        to=account.email,
        name=account.name,
        role=role_label,
        fund_name=fund_name,
        set_password_url=url,
        office=_office_name(),
        valid_hours=tokens.INVITE_HOURS,
    )
    return True


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("applicant.overview")


@bp.route("/registrieren", methods=["GET", "POST"])
@rerender_on_csrf
def register() -> ResponseReturnValue:
    """Create an account; the confirmation link goes out by e-mail."""
    form = RegisterForm()
    errors: list[tuple[str, str]] = []
    if csrf_failed():
        errors.append(("name", CSRF_MESSAGE))
    elif form.validate_on_submit():
        try:
            user_id = create_user(
                fonds(),
                name=form.name.data or "",
                email=form.email.data or "",
                password=form.password.data or "",
            )
        except InvalidInput as exc:
            errors.append((exc.field or "name", exc.message))
            if exc.field and hasattr(form, exc.field):
                getattr(form, exc.field).errors = [exc.message]
        else:
            account = account_by_id(fonds(), user_id)
            assert account is not None
            _send_confirmation(account)
            return render_template("auth/check_mail.html", email=account.email)
    errors += [(name, msgs[0]) for name, msgs in form.errors.items() if name != "csrf_token"]
    status = 400 if errors else 200
    return render_template("auth/register.html", form=form, errors=errors), status


@bp.route("/bestaetigen/<token>")
def confirm(token: str) -> ResponseReturnValue:
    """Confirm the e-mail address with the link from the mail."""
    user_id = tokens.read_confirm_token(token)
    if user_id is None or account_by_id(fonds(), user_id) is None:
        flash(
            "Der Bestätigungslink ist ungültig oder abgelaufen. Melden Sie sich an, "
            "dann schicken wir Ihnen einen neuen.",
            "error",
        )
        return redirect(url_for("auth.login"))
    confirm_email(fonds(), user_id)
    flash("Danke! Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/anmelden", methods=["GET", "POST"])
@rerender_on_csrf
def login() -> ResponseReturnValue:
    """Log in with e-mail and password."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    errors: list[tuple[str, str]] = []
    if csrf_failed():
        errors.append(("email", CSRF_MESSAGE))
    elif form.validate_on_submit():
        account = account_by_email(fonds(), form.email.data or "")
        ok = verify_password(account.password_hash if account else _DUMMY_HASH, form.password.data or "")
        if not account or not ok or not account.active:
            errors.append(("email", "E-Mail-Adresse oder Passwort stimmen nicht."))
        elif not account.confirmed:
            _send_confirmation(account)
            errors.append(
                (
                    "email",
                    "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse. Wir haben Ihnen "
                    "den Link eben noch einmal geschickt.",
                )
            )
        else:
            login_user(WebUser(account))
            flash(f"Willkommen, {account.name}!", "success")
            return redirect(_safe_next(form.next.data))
    errors += [(name, msgs[0]) for name, msgs in form.errors.items() if name not in ("csrf_token", "next")]
    return render_template("auth/login.html", form=form, errors=errors), 400 if errors else 200


@bp.route("/abmelden", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    """Log out (POST only, with CSRF)."""
    logout_user()
    flash("Sie sind abgemeldet. Ihre Entwürfe bleiben gespeichert.", "success")
    return redirect(url_for("public.index"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@rerender_on_csrf
def forgot() -> ResponseReturnValue:
    """Ask for a reset link (the answer never reveals whether the address is known)."""
    form = ForgotForm()
    errors: list[tuple[str, str]] = []
    if csrf_failed():
        errors.append(("email", CSRF_MESSAGE))
    elif form.validate_on_submit():
        account = account_by_email(fonds(), form.email.data or "")
        if account is not None and account.active and account.email:
            url = url_for(
                "auth.reset",
                token=tokens.reset_token(account.id, account.password_hash),
                _external=True,
            )
            _send(
                password_reset,
                to=account.email,
                name=account.name,
                reset_url=url,
                office=_office_name(),
                valid_hours=tokens.RESET_HOURS,
            )
        return render_template("auth/check_mail.html", email=form.email.data, reset=True)
    errors += [(name, msgs[0]) for name, msgs in form.errors.items() if name != "csrf_token"]
    return render_template("auth/forgot.html", form=form, errors=errors), 400 if errors else 200


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
@rerender_on_csrf
def reset(token: str) -> ResponseReturnValue:
    """Choose a new password with a valid reset link."""
    data = tokens.read_reset_token(token)
    account = account_by_id(fonds(), data[0]) if data else None
    if data is None or account is None or not tokens.fingerprint_matches(account.password_hash, data[1]):
        flash(
            "Der Link ist ungültig, abgelaufen oder wurde schon benutzt. Fordern Sie bitte einen neuen an.",
            "error",
        )
        return redirect(url_for("auth.forgot"))
    form = ResetForm()
    errors: list[tuple[str, str]] = []
    if csrf_failed():
        errors.append(("password", CSRF_MESSAGE))
    elif form.validate_on_submit():
        try:
            set_password(fonds(), account.id, form.password.data or "")
        except InvalidInput as exc:
            errors.append(("password", exc.message))
            form.password.errors = [exc.message]
        else:
            flash("Ihr neues Passwort ist gespeichert. Sie können sich jetzt anmelden.", "success")
            return redirect(url_for("auth.login"))
    errors += [(name, msgs[0]) for name, msgs in form.errors.items() if name != "csrf_token"]
    return render_template("auth/reset.html", form=form, errors=errors), 400 if errors else 200


@bp.route("/konto", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def account() -> ResponseReturnValue:
    """The account page: who am I, and which optional e-mails I want."""
    f, me = fonds(), Actor(int(current_user.id))
    form = NotificationsForm()
    errors: list[tuple[str | None, str]] = []
    if csrf_failed():
        errors.append((None, CSRF_MESSAGE))
    elif request.method == "POST" and form.validate_on_submit():
        try:
            set_notifications(f, me, set(request.form.getlist("choice")))
        except FondsError as exc:
            errors.append((None, exc.message))
        else:
            flash("Ihre E-Mail-Einstellungen sind gespeichert.", "success")
            return redirect(url_for("auth.account"))
    choices = notification_choices(f, me)
    if errors and request.method == "POST":
        posted = set(request.form.getlist("choice"))
        choices = [replace(c, enabled=c.key in posted) for c in choices]
    return render_template("auth/account.html", user=current_user, form=form, choices=choices, errors=errors), (
        400 if errors else 200
    )
