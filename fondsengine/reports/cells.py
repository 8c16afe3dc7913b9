"""Cells of the engine's CSV files (roll-up, whatif): text safe for spreadsheets, amounts with a decimal comma."""

from __future__ import annotations

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """Text for a spreadsheet cell; a leading formula character is neutralised by an apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_amount(cents: int) -> str:
    """Cents as euros with a decimal comma and no thousands separator, e.g. -1234,50."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole},{frac:02d}"
