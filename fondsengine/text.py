"""German formatting shared by letters, mails, reports and pages: dates, instants, IBANs.

One definition each (issue 11 found three date formatters and three IBAN masks with three
different outputs); the letters (`letters/fmt.py`) and mails (`notify/compose.py`) use these."""

from __future__ import annotations

import re
from datetime import date, datetime

from fondsengine.clock import BERLIN
from fondsengine.errors import InvalidInput


def format_date(day: date) -> str:
    """A date the German way: 05.03.2026."""
    return day.strftime("%d.%m.%Y")


def _berlin(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise InvalidInput("Zeitpunkte brauchen eine Zeitzone.")
    return instant.astimezone(BERLIN)


def format_datetime(instant: datetime) -> str:
    """An instant in Berlin time: 12.05.2026, 18:00 Uhr."""
    local = _berlin(instant)
    return f"{format_date(local.date())}, {local:%H:%M} Uhr"


def format_timestamp(instant: datetime) -> str:
    """An instant in Berlin time for a table or a console line: 12.05.2026 18:00."""
    local = _berlin(instant)
    return f"{format_date(local.date())} {local:%H:%M}"


def _compact(iban: str) -> str:
    return re.sub(r"\s+", "", iban).upper()


def _groups(text: str) -> str:
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def group_iban(iban: str) -> str:
    """An IBAN in groups of four characters, as printed on paper: DE02 1005 0000 0054 5404 02."""
    return _groups(_compact(iban))


def mask_iban(iban: str) -> str:
    """An IBAN with every character but the last four replaced by '*', grouped by four."""
    compact = _compact(iban)
    if len(compact) <= 4:
        return compact
    return _groups("*" * (len(compact) - 4) + compact[-4:])
