"""Money is integer cents inside the engine; Decimal only at the edges."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from fondsengine.errors import InvalidInput

MAX_CENTS = 1_000_000_000  # 10 Mio. €: no amount of a neighbourhood fund is larger
# ASCII digits only ("\d" would accept Arabic-Indic or superscript digits): German "1.234,56" or "1234.56".
_EURO_RE = re.compile(
    r"^\s*(-)?\s*(?:([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,10})(?:,([0-9]{1,2}))?|([0-9]{1,10})\.([0-9]{1,2}))\s*(?:€|EUR)?\s*$"
)


def cents_from_decimal(value: Decimal | int | str) -> int:
    """Convert euros (Decimal, int or '12.50') into integer cents, rejecting sub-cent values."""
    try:
        dec = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidInput(f"„{value}“ ist kein gültiger Betrag.") from exc
    if not dec.is_finite() or abs(dec) > MAX_CENTS // 100:
        raise InvalidInput(f"„{value}“ ist kein gültiger Betrag (höchstens 10.000.000,00 €).")
    cents = dec * 100
    if cents != cents.to_integral_value():
        raise InvalidInput(f"„{value}“ hat mehr als zwei Nachkommastellen.")
    return int(cents)


def parse_euro(text: str) -> int:
    """Parse an amount such as '1.500,00 €', '1500' or '1500.50' into cents (at most 10 Mio. €)."""
    m = _EURO_RE.match(text) if len(text) <= 40 else None
    if not m:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise InvalidInput(f"„{shown}“ ist kein gültiger Betrag (Beispiel: 1.500,00).")
    sign, grouped, comma_frac, plain, dot_frac = m.groups()
    whole, frac = (grouped, comma_frac) if grouped is not None else (plain, dot_frac)
    cents = int(whole.replace(".", "")) * 100 + int((frac or "0").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise InvalidInput(f"„{text.strip()}“ ist kein gültiger Betrag: höchstens 10.000.000,00 €.")
    return -cents if sign else cents


def to_decimal(cents: int) -> Decimal:
    """Cents as a Decimal amount of euros."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_amount(cents: int) -> str:
    """Cents as a German amount without the currency: 1.500,00 (as Babel's de_DE "#,##0.00")."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", ".")
    return f"{sign}{grouped},{frac:02d}"


def format_euro(cents: int, *, space: str = " ") -> str:
    """Format cents the German way: 1.500,00 €. Pages pass a non-breaking space (Babel's de_DE
    currency format, which this equals, at a fraction of its cost: a test compares both)."""
    return f"{format_amount(cents)}{space}€"


def share_of(cents: int, share: Fraction) -> int:
    """The share of an amount, rounded down to whole cents (never pays a cent too much)."""
    return int((Fraction(cents) * share).__floor__())


def round_half_up(value: Fraction) -> int:
    """Round an exact fraction of cents half up."""
    return int(Decimal(value.numerator / value.denominator).quantize(Decimal(1), ROUND_HALF_UP))
