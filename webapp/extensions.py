"""Flask extensions shared by the blueprints, and access to the engine context."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

from fondsengine.engine import Actor, Engine, PageRead, ReadSession
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


_PAGE_READ = "_fonds_page_read"


def page_read() -> ReadSession:
    """The request's one read session (the engine's `PageRead`), for a page's read model and its layout
    (which then share what the session keeps, e.g. the funds and their guideline versions:
    `Catalog.current`). Opened on first use, closed when the request ends. Only for reading: a view
    that writes uses a unit of work, and reads what it shows afterwards."""
    reads: PageRead | None = g.get(_PAGE_READ)
    if reads is None:
        reads = fonds().page_read()
        setattr(g, _PAGE_READ, reads)
    return reads.session


def _close_page_read(_exc: BaseException | None = None) -> None:
    reads: PageRead | None = g.pop(_PAGE_READ, None)
    if reads is not None:
        reads.close()


def init_page_read(app: Flask) -> None:
    """Close the request's read session when the request ends."""
    app.teardown_appcontext(_close_page_read)
