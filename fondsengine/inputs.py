"""Values the database can store: text without control characters that fits its column, bounded numbers.

Pure parsing helpers shared by the web forms and the CLI, and a check of every row a unit of work
flushes (`check_storable`, installed on the write sessions), so that nothing reaches SQLite or
PostgreSQL that one of them cannot store or that would break a page or a mail later.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, Numeric, String, Text, inspect
from sqlalchemy.orm import Session

from fondsengine.errors import InvalidInput
from fondsengine.money import MAX_CENTS

MAX_HOURS = Decimal(100_000)  # volunteer hours of one project
MAX_TEXT = 50_000  # characters of a multi-line text without a column limit (Text)
MIN_YEAR, MAX_YEAR = 1900, 2100
INT32 = 2**31 - 1
INT64 = 2**63 - 1

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_HOURS_RE = re.compile(r"^([0-9]{1,6})(?:[.,]([0-9]{1,2}))?$")
_INT_RE = re.compile(r"^[+]?[0-9]{1,12}$")


def bad_character(text: str, *, multiline: bool) -> str | None:
    """The first character a text may not contain (NUL, control characters, line breaks if single-line)."""
    for ch in text:
        if ch in "\n\t" and multiline:
            continue
        if ch == "\r" and multiline:
            continue  # browsers send CRLF in text areas; stored as typed
        if ch in _LINE_BREAKS or unicodedata.category(ch) in ("Cc", "Cs"):
            return ch
    return None


def describe(ch: str) -> str:
    """A German description of a refused character."""
    if ch in _LINE_BREAKS:
        return "einen Zeilenumbruch"
    if ch == "\x00":
        return "ein Nullzeichen"
    return f"ein Steuerzeichen (U+{ord(ch):04X})"


def check_text(text: str, *, label: str, max_len: int, multiline: bool = False, field: str | None = None) -> str:
    """The text unchanged, or InvalidInput when it is too long or holds characters it may not hold."""
    if len(text) > max_len:
        raise InvalidInput(
            f"„{label}“ ist zu lang: höchstens {max_len:,} Zeichen, eingegeben {len(text):,}.".replace(",", "."),
            field=field,
        )
    ch = bad_character(text, multiline=multiline)
    if ch is not None:
        where = "" if multiline or ch not in _LINE_BREAKS else " (nur eine Zeile erlaubt)"
        raise InvalidInput(f"„{label}“ enthält {describe(ch)}{where}. Bitte entfernen Sie es.", field=field)
    return text


def check_cents(cents: int, *, label: str = "Betrag", field: str | None = None, negative: bool = False) -> int:
    """An amount in cents within ± 10 Mio. €, else InvalidInput."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise InvalidInput(f"„{label}“ ist kein Betrag in Cent.", field=field)
    if cents < 0 and not negative:
        raise InvalidInput(f"„{label}“ darf nicht negativ sein.", field=field)
    if abs(cents) > MAX_CENTS:
        raise InvalidInput(f"„{label}“ ist zu groß: höchstens 10.000.000,00 €.", field=field)
    return cents


def parse_hours(text: str, *, label: str = "Stunden", field: str | None = None) -> Decimal:
    """Hours such as '12,5' or '3.25': ASCII digits, at most two decimals, 0 to 100.000."""
    raw = text.strip()
    m = _HOURS_RE.match(raw)
    if not m:
        raise InvalidInput(f"„{label}“: Bitte geben Sie die Stunden als Zahl an (Beispiel: 12,5).", field=field)
    value = Decimal(f"{m.group(1)}.{m.group(2) or '0'}")
    if value > MAX_HOURS:
        raise InvalidInput(f"„{label}“: höchstens 100.000 Stunden.", field=field)
    return value


def parse_int(text: str, *, label: str, low: int = 0, high: int = 1_000_000, field: str | None = None) -> int:
    """A whole number of ASCII digits between low and high."""
    raw = text.strip()
    if not _INT_RE.match(raw):
        raise InvalidInput(f"„{label}“: Bitte geben Sie eine ganze Zahl an.", field=field)
    value = int(raw)
    if not low <= value <= high:
        raise InvalidInput(
            f"„{label}“: Bitte geben Sie eine Zahl zwischen {low:,} und {high:,} an.".replace(",", "."), field=field
        )
    return value


def parse_date(text: str, *, label: str = "Datum", field: str | None = None) -> date:
    """A date as 2026-11-24 or 24.11.2026, between the years 1900 and 2100."""
    raw = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        if not raw.isascii():
            break
        try:
            day = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            break
        return day
    raise InvalidInput(f"„{label}“: Bitte geben Sie ein Datum wie 24.11.2026 an.", field=field)


# --- the check of every flushed row -----------------------------------------------------------------


def _json_strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _json_strings(v)


def _check_value(table: str, name: str, column_type: Any, value: Any) -> None:
    label = f"{table}.{name}"
    if value is None:
        return
    if isinstance(column_type, String) and isinstance(value, str):
        limit = column_type.length
        multiline = isinstance(column_type, Text) or limit is None
        check_text(value, label=label, max_len=limit or MAX_TEXT * 20, multiline=multiline, field=name)
    elif isinstance(column_type, JSON):
        for text in _json_strings(value):
            if "\x00" in text:
                raise InvalidInput(f"„{label}“ enthält ein Nullzeichen. Bitte entfernen Sie es.", field=name)
    elif isinstance(column_type, Numeric) and isinstance(value, Decimal | float):
        dec = Decimal(str(value)) if isinstance(value, float) else value
        if not dec.is_finite():
            raise InvalidInput(f"„{label}“ ist keine endliche Zahl.", field=name)
        precision, scale = column_type.precision, column_type.scale
        if precision is not None and scale is not None:
            try:
                fits = abs(dec.quantize(Decimal(1).scaleb(-scale))) < Decimal(10) ** (precision - scale)
            except InvalidOperation:
                fits = False
            if not fits:
                raise InvalidInput(f"„{label}“ ist zu groß.", field=name)
    elif isinstance(column_type, Integer) and isinstance(value, int):
        bound = INT64 if isinstance(column_type, BigInteger) else INT32
        if name.endswith("_cents") and abs(value) > MAX_CENTS:
            raise InvalidInput(f"„{label}“ ist zu groß: höchstens 10.000.000,00 €.", field=name)
        if abs(value) > bound:
            raise InvalidInput(f"„{label}“ ist zu groß.", field=name)


def check_row(obj: Any, *, changed_only: bool = False) -> None:
    """Refuse a mapped object whose column values the database cannot store (InvalidInput).

    With changed_only, only the attributes changed in this session are checked (rows stored before
    these checks existed stay changeable)."""
    state = inspect(obj)
    mapper = state.mapper
    for attr in mapper.column_attrs:
        if attr.key not in state.dict:
            continue  # not loaded, hence not changed
        if changed_only and not state.attrs[attr.key].history.has_changes():
            continue
        column = attr.columns[0]
        table = getattr(column.table, "name", mapper.class_.__name__)
        _check_value(table, column.name, column.type, state.dict[attr.key])


def check_storable(session: Session, _flush_context: Any, _instances: Any) -> None:
    """before_flush hook: check every new row and every changed value."""
    for obj in list(session.new):
        check_row(obj)
    for obj in list(session.dirty):
        check_row(obj, changed_only=True)
