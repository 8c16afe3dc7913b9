"""The language of each page: Flask-Babel with German as the source and default (docs/i18n.md).

Which language a page is in, first match wins:
1. the language saved in the logged-in person's account (account page or the switch);
2. the `sprache` cookie that the language switch sets (anonymous visitors, no JavaScript needed);
3. the browser's Accept-Language;
4. German.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale, gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from fondsengine.accounts.profile import set_language
from fondsengine.engine import Actor
from fondsengine.i18n import CATALOGUES, DEFAULT_LANGUAGE, LANGUAGES, direction, known

COOKIE = "sprache"
COOKIE_DAYS = 365
babel = Babel()


def select_language() -> str:
    """The language of this request (the order in the module docstring)."""
    if current_user and current_user.is_authenticated:
        saved = known(getattr(current_user, "language", None))
        if saved:
            return saved
    chosen = known(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def page_language() -> str:
    """The language code of the page being rendered."""
    locale = get_locale()
    return known(locale.language if locale else None) or DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark a German text for the catalogue without translating it here (it is translated where shown)."""
    return message


def translated(text: Any) -> Any:
    """The `tr` filter: a text computed elsewhere (engine message, label) in the page's language when the
    catalogue has it, else unchanged; no %-formatting, so a text with "50 %" is safe."""
    if not text or not isinstance(text, str):
        return text
    return gettext(text)


def context() -> dict[str, Any]:
    """Template globals: `html lang`, `dir` and the choices of the language switch."""
    code = page_language()
    return {"page_lang": code, "page_dir": direction(code), "languages": list(LANGUAGES.values())}


def _safe_target(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("public.index")


class LanguageForm(FlaskForm):
    """The language switch in every page's header: the language and the page to return to. Without a
    CSRF token (see `install`)."""

    class Meta:
        csrf = False

    sprache = HiddenField()  # the name of COOKIE
    weiter = HiddenField()


def switch_language() -> ResponseReturnValue:
    """Switch the language (a plain form, works without JavaScript): the cookie for everybody, the
    account's language for a logged-in person (then also the language of her mails)."""
    form = LanguageForm()
    code = known(form.sprache.data) or DEFAULT_LANGUAGE
    if current_user.is_authenticated:
        set_language(current_app.extensions["fonds"], Actor(int(current_user.id)), code)
    response = redirect(_safe_target(form.weiter.data))
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_DAYS * 86400,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response


def install(app: Flask) -> None:
    """Install Flask-Babel: the page texts (webapp/translations, domain `messages`) and the resident-facing
    workflow texts (fondsengine/translations, domain `workflows`), compiled by `make translations`."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{Path(app.root_path) / 'translations'};{CATALOGUES}"
    app.config["BABEL_DOMAIN"] = "messages;workflows"
    babel.init_app(app, default_locale=DEFAULT_LANGUAGE, locale_selector=select_language)
    app.context_processor(context)
    app.jinja_env.filters["tr"] = translated
    # No CSRF token: the switch is in the header of every page, and a token there would give every
    # anonymous visitor a session and make equal answers differ (tests/web/test_auth_enumeration.py).
    # A cross-site post can only set the language cookie: the session cookie is SameSite=Lax, so the
    # account's language never changes from another site. (Exempted from CSRF in webapp/__init__.py,
    # where the CSRF extension is set up.)
    app.add_url_rule("/sprache", "language", switch_language, methods=["POST"])
