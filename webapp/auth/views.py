"""Views of the account pages."""

from __future__ import annotations

import time
from dataclasses import replace
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from fondsengine.accounts import login as logins
from fondsengine.accounts import second_factor
from fondsengine.accounts.erasure import erasure_preview, my_erasure_request
from fondsengine.accounts.notifications import notification_choices, set_notifications
from fondsengine.accounts.profile import profile_of
from fondsengine.accounts.service import (
    Account,
    account_by_email,
    account_by_id,
    change_email,
    check_email_change,
    confirm_email,
    set_password,
)
from fondsengine.accounts.users import DUMMY_HASH, EmailTaken, create_user
from fondsengine.engine import Actor
from fondsengine.errors import FondsError, InvalidInput
from fondsengine.i18n import mail_language
from fondsengine.notify import DeliveryError
from fondsengine.notify.messages import (
    account_exists_notice,
    account_locked,
    email_change_confirmation,
    email_changed,
    email_confirmation,
    invitation,
    password_changed,
    password_reset,
    second_factor_changed,
)
from webapp.auth import bp, tokens
from webapp.auth.forms import (
    CodeForm,
    EmailChangeForm,
    ErasureForm,
    ForgotForm,
    LoginForm,
    NotificationsForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    RemoveSecondFactorForm,
    ResetForm,
)
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import fonds, login_manager, mailer
from webapp.form_errors import Errors, engine_errors, merged
from webapp.i18n import page_language
from webapp.queries import NextQuery
from webapp.ratelimit import limiter, login_limit, register_limit, reset_limit

_DUMMY_HASH = DUMMY_HASH
GENERATION = "_fonds_gen"  # the session generation the session was opened with
PENDING = "_fonds_pending"  # password checked, second factor still to come
PENDING_SECONDS = 300
WRONG_LOGIN = "E-Mail-Adresse oder Passwort stimmen nicht."


class WebUser(UserMixin):
    """The logged-in person as Flask-Login sees it."""

    def __init__(self, account: Account) -> None:
        self.id = str(account.id)
        self.name = account.name
        self.email = account.email
        self.roles = account.roles
        self.is_admin = account.is_admin
        self.totp_enabled = account.totp_enabled
        self.language = account.language  # of pages and mails (webapp/i18n.py)


@login_manager.user_loader
def _load_user(user_id: str) -> WebUser | None:
    account = account_by_id(fonds(), int(user_id))
    if account is None or not account.active:
        return None
    if session.get(GENERATION) != account.session_generation:
        # logged out elsewhere, password changed or reset: this (possibly copied) cookie is void
        return None
    return WebUser(account)


def _client() -> str:
    return request.remote_addr or ""


def _start_session(account: Account, generation: int | None = None) -> None:
    session.pop(PENDING, None)
    login_user(WebUser(account))
    session[GENERATION] = account.session_generation if generation is None else generation


def _office_name() -> str:
    return "Ihr Bewohnerfonds"


def _send(message_factory, *, language: str | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Send an account mail in the person's language (default: the page's); letters stay German."""
    try:
        with mail_language(language or page_language()):
            message = message_factory(**kwargs)
        mailer().send(message)
    except (DeliveryError, FondsError):
        current_app.logger.exception("Konto-Mail konnte nicht gesendet werden")


def _send_confirmation(account: Account) -> None:
    url = url_for("auth.confirm", token=tokens.confirm_token(account.id), _external=True)
    _send(
        email_confirmation,
        language=account.language,
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


# Where each role's work is, most specific first: the start page after login (city approvers and
# auditors get their page as soon as one exists; until then the office view if they manage, else their own).
START_PAGES = (
    ("manager", "manage.index"),
    ("city_approver", "granting.queue"),
    ("jury_member", "jury.index"),
)


def start_page(roles: frozenset[str] | set[str]) -> str:
    """The start page of a person with these roles."""
    for role, endpoint in START_PAGES:
        if role in roles and endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("applicant.overview")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    roles = set(current_user.roles) if current_user.is_authenticated else set()
    return start_page(roles)


def _forgot_url() -> str:
    return url_for("auth.forgot", _external=True)


def _send_confirmation_limited(account: Account) -> None:
    """A confirmation mail, unless this address had its share this hour (then silently none)."""
    if account.email and logins.account_mail_allowed(fonds(), "confirm", account.email):
        _send_confirmation(account)


def _mail_password_changed(account: Account) -> None:
    if account.email:
        _send(password_changed, to=account.email, name=account.name, reset_url=_forgot_url(), office=_office_name())


@bp.route("/registrieren", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])
@rerender_on_csrf
def register() -> ResponseReturnValue:
    """Create an account; the confirmation link goes out by e-mail.

    A taken address gets the same answer as a new one (and its owner a notice by mail), so the
    page does not reveal which addresses have an account.
    """
    form = RegisterForm()
    errors: Errors = []
    if csrf_failed():
        errors.append(("name", CSRF_MESSAGE))
    elif form.validate_on_submit():
        email = form.email.data or ""
        try:
            user_id = create_user(
                fonds(),
                name=form.name.data or "",
                email=email,
                password=form.password.data or "",
                language=page_language(),  # the language she registered in: pages and mails
            )
        except EmailTaken:
            owner = account_by_email(fonds(), email)
            if owner is not None and owner.email and logins.account_mail_allowed(fonds(), "notice", owner.email):
                _send(
                    account_exists_notice,
                    language=owner.language,
                    to=owner.email,
                    name=owner.name,
                    login_url=url_for("auth.login", _external=True),
                    reset_url=_forgot_url(),
                    office=_office_name(),
                )
            return render_template("auth/check_mail.html", email=email.strip().lower())
        except InvalidInput as exc:
            errors = engine_errors(form, exc)
        else:
            account = account_by_id(fonds(), user_id)
            assert account is not None
            _send_confirmation_limited(account)
            return render_template("auth/check_mail.html", email=account.email)
    errors = merged(errors, form)
    status = 400 if errors else 200
    return render_template("auth/register.html", form=form, errors=errors), status


@bp.route("/bestaetigen/<token>")
def confirm(token: str) -> ResponseReturnValue:
    """Confirm the e-mail address with the link from the mail."""
    user_id = tokens.read_confirm_token(token)
    if user_id is None or account_by_id(fonds(), user_id) is None:
        flash(
            _(
                "Der Bestätigungslink ist ungültig oder abgelaufen. Melden Sie sich an, "
                "dann schicken wir Ihnen einen neuen."
            ),
            "error",
        )
        return redirect(url_for("auth.login"))
    confirm_email(fonds(), user_id)
    flash(_("Danke! Ihre E-Mail-Adresse ist bestätigt. Sie können sich jetzt anmelden."), "success")
    return redirect(url_for("auth.login"))


def _too_many_message(minutes: int) -> str:
    return ngettext(
        "Zu viele Versuche. Bitte warten Sie %(num)s Minute und versuchen Sie es dann noch einmal.",
        "Zu viele Versuche. Bitte warten Sie %(num)s Minuten und versuchen Sie es dann noch einmal.",
        minutes,
    )


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@rerender_on_csrf
def login() -> ResponseReturnValue:
    """Log in with e-mail and password (then the code, when a second factor is set up)."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = NextQuery().next.data or ""
    errors: Errors = []
    status = 400
    if csrf_failed():
        errors.append(("email", CSRF_MESSAGE))
    elif form.validate_on_submit():
        result = logins.authenticate(fonds(), form.email.data or "", form.password.data or "", client=_client())
        account = result.account
        if result.outcome == "locked":
            errors.append(("email", _too_many_message(result.wait_minutes)))
            status = 429
            owner = result.locked_now
            if owner is not None and owner.email:
                _send(
                    account_locked,
                    to=owner.email,
                    name=owner.name,
                    minutes=result.wait_minutes,
                    reset_url=_forgot_url(),
                    office=_office_name(),
                )
        elif result.outcome == "refused" or account is None:
            errors.append(("email", WRONG_LOGIN))
        elif result.outcome == "unconfirmed":
            _send_confirmation_limited(account)
            errors.append(
                (
                    "email",
                    "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse. Wir haben Ihnen den Link "
                    "per E-Mail geschickt; sehen Sie bitte auch im Spam-Ordner nach.",
                )
            )
        elif result.outcome == "second_factor":
            session[PENDING] = {
                "u": account.id,
                "g": account.session_generation,
                "e": account.email,
                "n": form.next.data if _safe_next(form.next.data) == form.next.data else "",
                "t": time.time(),
            }
            return redirect(url_for("auth.second_step"))
        else:
            _start_session(account)
            flash(_("Willkommen, %(name)s!", name=account.name), "success")
            return redirect(_safe_next(form.next.data))
    errors = merged(errors, form, skip=("csrf_token", "next"))
    return render_template("auth/login.html", form=form, errors=errors), status if errors else 200


@bp.route("/anmelden/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@rerender_on_csrf
def second_step() -> ResponseReturnValue:
    """The second step of the login: the code from the authenticator app (or a recovery code)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("t", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        flash(_("Bitte melden Sie sich noch einmal mit Ihrem Passwort an."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    errors: Errors = []
    status = 400
    if csrf_failed():
        errors.append(("code", CSRF_MESSAGE))
    elif form.validate_on_submit():
        f, user_id, email = fonds(), int(pending["u"]), str(pending.get("e") or "")
        wait = logins.lock_remaining(f, email)
        method = None if wait else second_factor.check_code(f, user_id, form.code.data or "")
        account = account_by_id(f, user_id)
        if wait:
            session.pop(PENDING, None)
            errors.append(("code", _too_many_message(wait)))
            status = 429
        elif method is None or account is None or account.session_generation != pending.get("g"):
            result = logins.code_failed(f, account, email, client=_client())
            if result.outcome == "locked":
                session.pop(PENDING, None)
                errors.append(("code", _too_many_message(result.wait_minutes)))
                status = 429
            else:
                errors.append(("code", "Der Code stimmt nicht. Bitte geben Sie den aktuellen Code aus der App ein."))
        else:
            logins.record_login(f, user_id, client=_client(), method=method)
            target = str(pending.get("n") or "")
            _start_session(account)
            if method == "recovery":
                flash(
                    _(
                        "Sie haben einen Wiederherstellungscode benutzt; er gilt jetzt nicht mehr. "
                        "Richten Sie bei Bedarf den zweiten Faktor neu ein."
                    ),
                    "info",
                )
            flash(_("Willkommen, %(name)s!", name=account.name), "success")
            return redirect(_safe_next(target))
    errors = merged(errors, form)
    return render_template("auth/second_step.html", form=form, errors=errors), status if errors else 200


@bp.route("/abmelden", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    """Log out (POST only, with CSRF): ends this and every other session of the account."""
    logins.end_sessions(fonds(), Actor(int(current_user.id)), client=_client())
    logout_user()
    session.clear()
    flash(_("Sie sind abgemeldet. Ihre Entwürfe bleiben gespeichert."), "success")
    return redirect(url_for("public.index"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit(reset_limit, methods=["POST"])
@rerender_on_csrf
def forgot() -> ResponseReturnValue:
    """Ask for a reset link (the answer never reveals whether the address is known).

    At most ``account_mails_per_hour`` links per address and hour; beyond that the answer stays
    the same, only no mail goes out.
    """
    form = ForgotForm()
    errors: Errors = []
    if csrf_failed():
        errors.append(("email", CSRF_MESSAGE))
    elif form.validate_on_submit():
        account = account_by_email(fonds(), form.email.data or "")
        token = tokens.reset_token(account.id if account else 0, account.password_hash if account else DUMMY_HASH)
        if (
            account is not None
            and account.active
            and account.email
            and logins.account_mail_allowed(fonds(), "reset", account.email)
        ):
            _send(
                password_reset,
                to=account.email,
                name=account.name,
                reset_url=url_for("auth.reset", token=token, _external=True),
                office=_office_name(),
                valid_hours=tokens.RESET_HOURS,
            )
        return render_template("auth/check_mail.html", email=form.email.data, reset=True)
    errors = merged(errors, form)
    return render_template("auth/forgot.html", form=form, errors=errors), 400 if errors else 200


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
@rerender_on_csrf
def reset(token: str) -> ResponseReturnValue:
    """Choose a new password with a valid reset link; every session of the account ends."""
    data = tokens.read_reset_token(token)
    account = account_by_id(fonds(), data[0]) if data else None
    if data is None or account is None or not tokens.fingerprint_matches(account.password_hash, data[1]):
        flash(
            _("Der Link ist ungültig, abgelaufen oder wurde schon benutzt. Fordern Sie bitte einen neuen an."),
            "error",
        )
        return redirect(url_for("auth.forgot"))
    form = ResetForm()
    errors: Errors = []
    if csrf_failed():
        errors.append(("password", CSRF_MESSAGE))
    elif form.validate_on_submit():
        try:
            set_password(fonds(), account.id, form.password.data or "")
        except InvalidInput as exc:
            errors.append(("password", exc.message))
            form.password.errors = [exc.message]
        else:
            if account.password_hash:  # a reset, not the first password of an invitation
                _mail_password_changed(account)
            logout_user()
            session.clear()
            flash(_("Ihr neues Passwort ist gespeichert. Sie können sich jetzt anmelden."), "success")
            return redirect(url_for("auth.login"))
    errors = merged(errors, form)
    return render_template("auth/reset.html", form=form, errors=errors), 400 if errors else 200


@bp.route("/konto", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def account() -> ResponseReturnValue:
    """The account page: who am I, which optional e-mails I want, password and second factor."""
    f, me = fonds(), Actor(int(current_user.id))
    form = NotificationsForm()
    errors: list[tuple[str | None, str]] = []
    if csrf_failed():
        errors.append((None, CSRF_MESSAGE))
    elif request.method == "POST" and form.validate_on_submit():
        try:
            set_notifications(f, me, set(form.choice.data or []))
        except FondsError as exc:
            errors.append((None, exc.message))
        else:
            flash(_("Ihre E-Mail-Einstellungen sind gespeichert."), "success")
            return redirect(url_for("auth.account"))
    choices = notification_choices(f, me)
    if errors and request.method == "POST":
        posted = set(form.choice.data or [])
        choices = [replace(c, enabled=c.key in posted) for c in choices]
    return _account_page(form=form, choices=choices, errors=errors)


def _account_page(
    *,
    form: NotificationsForm | None = None,
    choices: list | None = None,  # type: ignore[type-arg]
    errors: list[tuple[str | None, str]] | None = None,
    password_form: PasswordChangeForm | None = None,
    remove_form: RemoveSecondFactorForm | None = None,
    email_form: EmailChangeForm | None = None,
    profile_form: ProfileForm | None = None,
    erasure_form: ErasureForm | None = None,
) -> ResponseReturnValue:
    me = Actor(int(current_user.id))
    if profile_form is None:
        profile_form = ProfileForm(data=vars(profile_of(fonds(), me)))
    errors = errors or []
    return render_template(
        "auth/account.html",
        user=current_user,
        form=form or NotificationsForm(),
        choices=choices if choices is not None else notification_choices(fonds(), me),
        errors=errors,
        password_form=password_form or PasswordChangeForm(),
        remove_form=remove_form or RemoveSecondFactorForm(),
        email_form=email_form or EmailChangeForm(),
        profile_form=profile_form,
        erasure_form=erasure_form or ErasureForm(),
        erasure=my_erasure_request(fonds(), me),
        erasure_plan=erasure_preview(fonds(), me),
        totp_required=_second_factor_required(),
    ), (400 if errors else 200)


@bp.route("/konto/passwort", methods=["POST"])
@login_required
@rerender_on_csrf
def change_password() -> ResponseReturnValue:
    """Change the password; this session stays, every other one ends, a mail confirms it."""
    form = PasswordChangeForm()
    errors: list[tuple[str | None, str]] = []
    if csrf_failed():
        errors.append(("current", CSRF_MESSAGE))
    elif form.validate_on_submit():
        try:
            generation = logins.change_password(
                fonds(),
                Actor(int(current_user.id)),
                current=form.current.data or "",
                new=form.password.data or "",
                client=_client(),
            )
        except InvalidInput as exc:
            errors = engine_errors(form, exc)
        else:
            session[GENERATION] = generation
            account = account_by_id(fonds(), int(current_user.id))
            if account is not None:
                _mail_password_changed(account)
            flash(_("Ihr Passwort ist geändert. Andere Anmeldungen mit Ihrem Konto sind beendet."), "success")
            return redirect(url_for("auth.account"))
    errors = merged(errors, form)
    return _account_page(errors=errors, password_form=form)


@bp.route("/konto/adresse", methods=["POST"])
@login_required
@rerender_on_csrf
def request_email_change() -> ResponseReturnValue:
    """Ask for a new address (password again); the confirmation link goes to the new address."""
    form = EmailChangeForm()
    errors: list[tuple[str | None, str]] = []
    if csrf_failed():
        errors.append(("new_email", CSRF_MESSAGE))
    elif form.validate_on_submit():
        me = Actor(int(current_user.id))
        try:
            addr = check_email_change(
                fonds(), me, new_email=form.new_email.data or "", password=form.email_password.data or ""
            )
        except InvalidInput as exc:
            errors = engine_errors(form, exc)
        else:
            account = account_by_id(fonds(), me.user_id or 0)
            if addr and account is not None and logins.account_mail_allowed(fonds(), "change", addr):
                token = tokens.email_change_token(account.id, addr, account.password_hash)
                _send(
                    email_change_confirmation,
                    to=addr,
                    name=account.name,
                    confirm_url=url_for("auth.confirm_email_change", token=token, _external=True),
                    office=_office_name(),
                    valid_hours=tokens.EMAIL_CHANGE_HOURS,
                )
            shown = (form.new_email.data or "").strip().lower()
            flash(
                _(
                    "Wir haben einen Bestätigungslink an %(address)s geschickt. Erst wenn Sie ihn öffnen, "
                    "gilt die neue Adresse.",
                    address=shown,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    errors = merged(errors, form)
    return _account_page(errors=errors, email_form=form)


@bp.route("/konto/adresse-bestaetigen/<token>")
@login_required
def confirm_email_change(token: str) -> ResponseReturnValue:
    """Open the link from the new address (logged in as the same person): the address changes,
    every other session ends and the old address is told."""
    data = tokens.read_email_change_token(token)
    account = account_by_id(fonds(), int(current_user.id))
    if (
        data is None
        or account is None
        or data[0] != account.id
        or not tokens.fingerprint_matches(account.password_hash, data[2])
    ):
        flash(_("Der Link ist ungültig oder abgelaufen. Bitte ändern Sie die Adresse noch einmal."), "error")
        return redirect(url_for("auth.account"))
    try:
        old, generation = change_email(fonds(), Actor(account.id), data[1])
    except InvalidInput as exc:
        flash(exc.message, "error")
        return redirect(url_for("auth.account"))
    session[GENERATION] = generation
    if old and old != data[1]:
        _send(
            email_changed, to=old, name=account.name, new_email=data[1], reset_url=_forgot_url(), office=_office_name()
        )
    flash(_("Ihre neue E-Mail-Adresse ist gespeichert. Andere Anmeldungen mit Ihrem Konto sind beendet."), "success")
    return redirect(url_for("auth.account"))


def _second_factor_required() -> bool:
    if not current_user.is_authenticated:
        return False
    return second_factor.required_for(
        frozenset(current_user.roles), bool(current_user.is_admin), fonds().settings.totp_required_roles
    )


def _mail_second_factor(enabled: bool) -> None:
    account = account_by_id(fonds(), int(current_user.id))
    if account is not None and account.email:
        _send(
            second_factor_changed,
            to=account.email,
            name=account.name,
            enabled=enabled,
            reset_url=_forgot_url(),
            office=_office_name(),
        )


@bp.route("/konto/zweiter-faktor", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def second_factor_setup() -> ResponseReturnValue:
    """Set up the authenticator app: the secret as text and otpauth address, confirmed with a code."""
    if current_user.totp_enabled:
        flash(_("Der zweite Faktor ist schon eingerichtet."), "info")
        return redirect(url_for("auth.account"))
    me = Actor(int(current_user.id))
    secret = second_factor.start_setup(fonds(), me)
    form = CodeForm()
    errors: Errors = []
    if csrf_failed():
        errors.append(("code", CSRF_MESSAGE))
    elif form.validate_on_submit():
        try:
            codes = second_factor.confirm_setup(fonds(), me, form.code.data or "")
        except InvalidInput as exc:
            errors = engine_errors(form, exc, default="code")
        else:
            _mail_second_factor(True)
            return render_template("auth/second_factor_done.html", codes=codes)
    errors = merged(errors, form)
    uri = second_factor.provisioning_uri(secret, current_user.email or current_user.name, _office_name())
    return render_template(
        "auth/second_factor.html",
        form=form,
        errors=errors,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        uri=uri,
        required=_second_factor_required(),
    ), (400 if errors else 200)


@bp.route("/konto/zweiter-faktor/entfernen", methods=["POST"])
@login_required
@rerender_on_csrf
def second_factor_remove() -> ResponseReturnValue:
    """Switch the second factor off (password asked again; refused where the role requires it)."""
    form = RemoveSecondFactorForm()
    errors: list[tuple[str | None, str]] = []
    if csrf_failed():
        errors.append(("password", CSRF_MESSAGE))
    elif form.validate_on_submit():
        try:
            second_factor.remove(fonds(), Actor(int(current_user.id)), password=form.confirm_password.data or "")
        except InvalidInput as exc:
            errors = engine_errors(form, exc)
        else:
            _mail_second_factor(False)
            flash(_("Der zweite Faktor ist entfernt."), "success")
            return redirect(url_for("auth.account"))
    errors = merged(errors, form)
    return _account_page(errors=errors, remove_form=form)


_ALLOWED_WITHOUT_SECOND_FACTOR = {"auth.second_factor_setup", "auth.logout", "static"}


@bp.before_app_request
def _require_second_factor() -> ResponseReturnValue | None:
    """Where the configuration requires it, a person without second factor can only set it up."""
    if request.endpoint in _ALLOWED_WITHOUT_SECOND_FACTOR or not current_user.is_authenticated:
        return None
    if current_user.totp_enabled or not _second_factor_required():
        return None
    flash(_("Für Ihre Rolle ist ein zweiter Faktor vorgeschrieben. Bitte richten Sie ihn jetzt ein."), "info")
    return redirect(url_for("auth.second_factor_setup"))
