"""Languages of the resident journey: German is the source of truth, English and Turkish are shipped.

The engine's own texts that a resident reads in her language are the mails
(`fondsengine/translations/<lang>/LC_MESSAGES/mails.po`, compiled to .mo at install). Letters
stay German: they are the legal text; their mail carries a cover note in the person's language.
Mails are built inside `mail_language(lang)`; `gettext` then answers from that catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

DEFAULT_LANGUAGE = "de"
MAIL_DOMAIN = "mails"
CATALOGUES = Path(__file__).resolve().parent / "translations"


@dataclass(frozen=True)
class Language:
    """A language the resident journey offers: its code, its own name, its writing direction."""

    code: str
    name: str  # in the language itself, as a selector shows it
    direction: str = "ltr"  # "rtl" for Arabic, Hebrew, Persian ...


LANGUAGES: dict[str, Language] = {
    "de": Language("de", "Deutsch"),
    "en": Language("en", "English"),
    "tr": Language("tr", "Türkçe"),
}


def known(code: str | None) -> str | None:
    """The code when it names a shipped language, else None (unknown or empty input)."""
    return code if code in LANGUAGES else None


def direction(code: str) -> str:
    """The writing direction of a language (ltr for unknown codes)."""
    lang = LANGUAGES.get(code)
    return lang.direction if lang else "ltr"


@lru_cache(maxsize=16)
def catalogue(code: str, domain: str = MAIL_DOMAIN) -> NullTranslations:
    """The compiled catalogue of one language (German and missing catalogues translate nothing)."""
    if code == DEFAULT_LANGUAGE or code not in LANGUAGES:
        return NullTranslations()
    return Translations.load(str(CATALOGUES), [code], domain)


_current: ContextVar[str] = ContextVar("fonds_mail_language", default=DEFAULT_LANGUAGE)


@contextmanager
def mail_language(code: str | None) -> Iterator[str]:
    """Build the mails inside this block in a language (unknown or None: German)."""
    token = _current.set(known(code) or DEFAULT_LANGUAGE)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current_language() -> str:
    """The language mails are being built in right now."""
    return _current.get()


def gettext(message: str) -> str:
    """The German `message` in the current mail language (itself when there is no translation)."""
    return catalogue(_current.get()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural of a German text in the current mail language."""
    return catalogue(_current.get()).ungettext(singular, plural, n)
