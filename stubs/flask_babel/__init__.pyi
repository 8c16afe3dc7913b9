# Type stubs for the parts of Flask-Babel 4 that fondsengine uses (the package ships none).
from collections.abc import Callable
from typing import Any

from babel.core import Locale
from flask import Flask

class LazyString:
    def __str__(self) -> str: ...
    def __html__(self) -> str: ...

class Babel:
    def __init__(
        self,
        app: Flask | None = ...,
        date_formats: Any = ...,
        configure_jinja: bool = ...,
        *args: Any,
        **kwargs: Any,
    ) -> None: ...
    def init_app(
        self,
        app: Flask,
        default_locale: str = ...,
        default_domain: str = ...,
        default_translation_directories: str = ...,
        default_timezone: str = ...,
        locale_selector: Callable[[], str | None] | None = ...,
        timezone_selector: Callable[[], str | None] | None = ...,
    ) -> None: ...

def gettext(string: str, **variables: Any) -> str: ...
def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str: ...
# A LazyString at run time; typed as str because it stands wherever a str is expected (labels).
def lazy_gettext(string: str, **variables: Any) -> str: ...
def get_locale() -> Locale | None: ...
def force_locale(locale: str | Locale) -> Any: ...
