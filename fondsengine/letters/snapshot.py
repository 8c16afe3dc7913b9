"""From a letter's stored snapshot (Letter.data) and its guideline to the letter's context and data.

Pure functions (no database, no reportlab): the PDF renderer (letters/store.py), the HTML page of a
letter and the guideline check of placeholders a letter kind can never fill (letters/fillable.py)
all build a letter from a snapshot the same way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from fondsengine.guidelines.model import Guideline
from fondsengine.letters.kinds_decision import payment_text
from fondsengine.letters.model import LetterContext, letter_context
from fondsengine.letters.registry import letter_kind
from fondsengine.letters.stored import LetterSnapshot, read_snapshot

__all__ = ["addressee_lines", "context_for", "letter_data", "payment_text", "snapshot_day"]


def letter_data(kind: str, d: dict[str, Any], g: Guideline, on: date) -> object:
    """The letter dataclass of one kind, built from a stored snapshot and its guideline: the JSON is
    read into the kind's typed snapshot (its registration's `snapshot`), which `from_snapshot` turns
    into the letter's data."""
    spec = letter_kind(kind)
    return spec.from_snapshot(read_snapshot(spec.snapshot, d), g, on)


def addressee_lines(d: dict[str, Any] | LetterSnapshot) -> tuple[str, ...]:
    """The applicant as legal entity: organisation with legal form, and who represents it."""
    s = d if isinstance(d, LetterSnapshot) else read_snapshot(LetterSnapshot, d)
    name, organisation = s.applicant_name, s.organisation
    if not organisation:
        return (name,) if name else ()
    legal_form = s.legal_form
    first = f"{organisation} ({legal_form})" if legal_form and legal_form not in organisation else organisation
    representative = s.representative
    second = f"vertreten durch {representative}" if representative else (f"z. Hd. {name}" if name else "")
    return (first, second) if second else (first,)


def snapshot_day(d: dict[str, Any], fallback: date) -> date:
    """The day the letter is dated (the snapshot's date, else the fallback)."""
    return read_snapshot(LetterSnapshot, d).date or fallback


def context_for(g: Guideline, d: dict[str, Any], on: date) -> LetterContext:
    """The letter's context (sender, addressee, texts) from its snapshot and guideline."""
    s = read_snapshot(LetterSnapshot, d)
    ctx = letter_context(
        g,
        recipient_name=s.applicant_name,
        recipient_address=s.address,
        file_number=s.file_number,
        on=on,
        project_title=s.title,
        applicant_name=s.organisation or s.applicant_name or None,
        addressee=addressee_lines(s),
    )
    if s.grant_file_number:  # the number the granting authority gave (two-step funds)
        ctx = replace(ctx, authority_file_number=s.grant_file_number)
    return ctx
