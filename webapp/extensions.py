"""Flask extensions shared by the blueprints, and access to the engine context."""

from __future__ import annotations

from flask import current_app
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

from fondsengine.engine import Actor, Engine
from fondsengine.notify import Mailer
from webapp.i18n import N_

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = N_("Bitte melden Sie sich an, um diese Seite zu sehen.")  # shown through `tr`
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


def fonds() -> Engine:
    """The engine context of the running app."""
    return current_app.extensions["fonds"]  # type: ignore[no-any-return]


def mailer() -> Mailer:
    """The mailer for account mails (confirmation, password reset)."""
    return current_app.extensions["fonds_mailer"]  # type: ignore[no-any-return]


def actor() -> Actor:
    """The logged-in user as the engine's actor (views pass it explicitly)."""
    return Actor(int(current_user.id))
