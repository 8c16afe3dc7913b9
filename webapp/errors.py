"""Error pages: 404 for anything not visible, a friendly page for a stale form token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from fondsengine.errors import NotFound
from webapp.extensions import fonds
from webapp.filters import filesize
from webapp.i18n import N_

View = TypeVar("View", bound=Callable[..., Any])

CSRF_MESSAGE = N_(  # German; pages show it through the `tr` filter (webapp/i18n.py)
    "Ihre Sitzung war abgelaufen, deshalb wurde noch nichts gespeichert. Ihre Eingaben "
    "stehen unten noch im Formular: Bitte prüfen Sie sie und senden Sie das Formular "
    "noch einmal ab."
)


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(NotFound)
    def _engine_not_found(_exc: NotFound) -> ResponseReturnValue:
        return render_template("errors/404.html"), 404

    @app.errorhandler(CSRFError)
    def _stale_token(_exc: CSRFError) -> ResponseReturnValue:
        view = app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "rerender_on_csrf", False):
            g.csrf_failed = True
            return cast(ResponseReturnValue, view(**(request.view_args or {})))  # views are synchronous
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        code = exc.code or 500
        if code == 404:
            return render_template("errors/404.html"), 404
        if code == 413:
            return _too_large()
        return render_template("errors/http.html", code=code, description=_german(code)), code


def _too_large() -> ResponseReturnValue:
    """The request was bigger than the server takes: say the limit and offer the way back."""
    from urllib.parse import urlsplit

    back = request.referrer or ""
    parts = urlsplit(back)
    if not back or (parts.netloc and parts.netloc != request.host):
        back = request.path if request.method == "POST" and request.path.endswith("/bearbeiten") else "/"
    return render_template("errors/too_large.html", limit=filesize(fonds().settings.upload_max_bytes), back=back), 413


def _german(code: int) -> str:
    return {
        400: "Die Anfrage war unvollständig. Bitte gehen Sie zurück und versuchen Sie es noch einmal.",
        403: "Diese Seite dürfen Sie nicht sehen.",
        405: "Diese Seite kann so nicht aufgerufen werden.",
        413: "Die Datei ist zu groß. Bitte laden Sie eine kleinere Datei hoch.",
        429: "Zu viele Versuche. Bitte warten Sie einen Moment.",
    }.get(code, "Da ist etwas schiefgegangen. Bitte versuchen Sie es später noch einmal.")


def rerender_on_csrf(view: View) -> View:
    """Mark a form view: on a stale CSRF token it re-renders the form with the posted values."""
    setattr(view, "rerender_on_csrf", True)  # noqa: B010 (an attribute on a function object)
    return view


def csrf_failed() -> bool:
    """True while a view re-renders a form after a stale CSRF token."""
    return bool(g.get("csrf_failed"))
