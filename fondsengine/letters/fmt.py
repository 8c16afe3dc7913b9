"""Markup-safe paragraph text for the letters (dates and IBANs come from `fondsengine.text`)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from fondsengine.text import format_date as format_date  # re-exported for the letter kinds
from fondsengine.text import group_iban as group_iban
from fondsengine.text import mask_iban as mask_iban

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# an amount and its currency ("1.500,00 €"), a clause ("§ 4", "Abs. 2") never break across lines
_KEEP_TOGETHER = re.compile(r"(?<=\d) (?=€|EUR\b|%)|(?<=§) (?=\d)|(?<=\bAbs\.) (?=\d)|(?<=\bNr\.) (?=\d)")
NBSP = "\u00a0"


def keep_together(text: str) -> str:
    """Non-breaking spaces where a line must not break: between a number and €, after § and Abs."""
    return _KEEP_TOGETHER.sub(NBSP, text)


def markup(text: str) -> str:
    """Plain text as Paragraph markup: tags and entities print as typed, newlines break."""
    cleaned = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\t", " "))
    return escape(keep_together(cleaned)).replace("\n", "<br/>")


def plain(text: str) -> str:
    """Plain text for direct canvas drawing: control characters and newlines become spaces."""
    return _CONTROL.sub(" ", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
