"""Jinja filters: German dates and money, Europe/Berlin display.

Amounts and dates come from the engine's one formatter each (`money.format_euro`, `text.format_date`,
`text.format_datetime`), which give what Babel's de_DE formats give (tests/unit/test_filters_babel.py
compares them) at a small fraction of the cost: a dashboard renders some 270 amounts. Babel formats
the other numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.numbers import format_decimal
from flask import Flask

from fondsengine import text
from fondsengine.clock import BERLIN
from fondsengine.i18n import DEFAULT_LANGUAGE
from fondsengine.money import format_amount, format_euro
from webapp.branding import context
from webapp.i18n import page_language


def euro(cents: int | None) -> str:
    """Cents as '1.500,00 €' (with a non-breaking space)."""
    if cents is None:
        return "–"
    return format_euro(cents, space="\u00a0")


def euro_input(cents: int | None) -> str:
    """Cents as '1.500,00' for an input field."""
    if cents is None:
        return ""
    return format_amount(cents)


def datum(value: date | datetime | None) -> str:
    """A date as 24.11.2026 (datetimes in Berlin time)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(BERLIN).date()
    return text.format_date(value)


def zeit(value: datetime | None) -> str:
    """A timestamp as 24.11.2026, 14:05 Uhr in Berlin time."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    german = text.format_datetime(value)  # 24.11.2026, 14:05 Uhr
    return german if page_language() == DEFAULT_LANGUAGE else german.removesuffix(" Uhr")


def filesize(n: int | None) -> str:
    """A size limit in bytes as '10 MB' or '300 KB' (German decimal comma)."""
    if not n:
        return "0 KB"
    if n >= 1024 * 1024:
        return format_decimal(Decimal(n) / (1024 * 1024), format="#,##0.#", locale="de_DE") + " MB"
    return f"{max(n // 1024, 1)} KB"


def stunden(value: Decimal | float | int | str | None) -> str:
    """Hours as '8 Stunden', '8,5 Stunden', '1 Stunde' (no trailing zeros)."""
    if value is None or value == "":
        return "–"
    number = Decimal(str(value))
    text = format_decimal(number, format="#,##0.##", locale="de_DE")
    return f"{text} {'Stunde' if number == 1 else 'Stunden'}"


def figure(value: int | Decimal | float | None, unit: str) -> str:
    """A monitoring figure as shown: counts, euro amounts, days (one decimal) or hours."""
    if value is None:
        return "–"
    if unit == "cents":
        return euro(int(value))
    if unit == "days":
        return format_decimal(Decimal(str(value)), format="#,##0.0", locale="de_DE")
    if unit == "hours":
        return stunden(value)
    return format_decimal(value, format="#,##0", locale="de_DE")


def register(app: Flask) -> None:
    """Install the filters."""
    app.jinja_env.filters.update(
        euro=euro, euro_input=euro_input, datum=datum, zeit=zeit, filesize=filesize, stunden=stunden, figure=figure
    )
    app.context_processor(context)
