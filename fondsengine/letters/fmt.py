"""Small formatting helpers: German dates, masked IBANs and markup-safe paragraph text."""

from __future__ import annotations

import re
from datetime import date
from xml.sax.saxutils import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# an amount and its currency ("1.500,00 €"), a clause ("§ 4", "Abs. 2") never break across lines
_KEEP_TOGETHER = re.compile(r"(?<=\d) (?=€|EUR\b|%)|(?<=§) (?=\d)|(?<=\bAbs\.) (?=\d)|(?<=\bNr\.) (?=\d)")
NBSP = "\u00a0"


def keep_together(text: str) -> str:
    """Non-breaking spaces where a line must not break: between a number and €, after § and Abs."""
    return _KEEP_TOGETHER.sub(NBSP, text)


def format_date(day: date) -> str:
    """A date the German way: 05.03.2026."""
    return day.strftime("%d.%m.%Y")


def mask_iban(iban: str) -> str:
    """An IBAN with every character but the last four replaced by '*', grouped by four."""
    compact = re.sub(r"\s+", "", iban).upper()
    if len(compact) <= 4:
        return compact
    masked = "*" * (len(compact) - 4) + compact[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def group_iban(iban: str) -> str:
    """An IBAN in groups of four characters, as printed on paper."""
    compact = re.sub(r"\s+", "", iban).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def markup(text: str) -> str:
    """Plain text as Paragraph markup: tags and entities print as typed, newlines break."""
    cleaned = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\t", " "))
    return escape(keep_together(cleaned)).replace("\n", "<br/>")


def plain(text: str) -> str:
    """Plain text for direct canvas drawing: control characters and newlines become spaces."""
    return _CONTROL.sub(" ", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
