"""Money is integer cents inside the engine; Decimal only at the edges."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from fondsengine.errors import InvalidInput

_EURO_RE = re.compile(r"^\s*(-)?\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?\s*(?:€|EUR)?\s*$")


def cents_from_decimal(value: Decimal | int | str) -> int:
    """Convert euros (Decimal, int or '12.50') into integer cents, rejecting sub-cent values."""
    try:
        dec = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidInput(f"„{value}“ ist kein gültiger Betrag.") from exc
    cents = dec * 100
    if cents != cents.to_integral_value():
        raise InvalidInput(f"„{value}“ hat mehr als zwei Nachkommastellen.")
    return int(cents)


def parse_euro(text: str) -> int:
    """Parse a German amount such as '1.500,00 €' or '1500' into cents."""
    m = _EURO_RE.match(text)
    if not m:
        raise InvalidInput(f"„{text}“ ist kein gültiger Betrag (Beispiel: 1.500,00).")
    sign, whole, frac = m.groups()
    cents = int(whole.replace(".", "")) * 100 + int((frac or "0").ljust(2, "0"))
    return -cents if sign else cents


def to_decimal(cents: int) -> Decimal:
    """Cents as a Decimal amount of euros."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_euro(cents: int) -> str:
    """Format cents the German way: 1.500,00 €."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", ".")
    return f"{sign}{grouped},{frac:02d} €"


def share_of(cents: int, share: Fraction) -> int:
    """The share of an amount, rounded down to whole cents (never pays a cent too much)."""
    return int((Fraction(cents) * share).__floor__())


def round_half_up(value: Fraction) -> int:
    """Round an exact fraction of cents half up."""
    return int(Decimal(value.numerator / value.denominator).quantize(Decimal(1), ROUND_HALF_UP))
