"""Placeholders a guideline's letter texts use that the letter can never fill when it is sent.

A letter is never sent with an empty placeholder (compose raises LetterIncomplete and the letter
is held). That is a safety net; this check finds the cause while the guideline is being written:
for each letter kind it builds the fullest snapshot an application can have when that letter is
sent (an organisation with legal form and address, decided, paid, proved, with conditions) and
looks at which placeholders stay empty. Whatever stays empty there stays empty for every
application: the value depends only on the guideline (e.g. {session_date} in a fund without
rounds, {office_phone} without a phone number) or is never known for that letter at all
(e.g. {refund_due} in the proof-of-use result). No database, no reportlab.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fondsengine.guidelines.model import Guideline
from fondsengine.letters.registry import LETTER_KINDS, letter_kind
from fondsengine.letters.snapshot import context_for, letter_data
from fondsengine.letters.template import empty_placeholders
from fondsengine.letters.values import letter_values, texts_used


@dataclass(frozen=True)
class Unfillable:
    """One placeholder of one letter kind that no application of this guideline can fill."""

    kind: str
    label: str  # German name of the letter kind
    name: str  # the placeholder, without braces
    in_remedy: bool  # the placeholder is in the remedy text (issuance.remedy / letters.objection)


def _probe(g: Guideline, kind: str, submitted: date) -> dict[str, Any]:
    """The fullest snapshot an application can have when a letter of `kind` is sent."""
    decided = submitted + timedelta(days=30)
    category = g.costs.categories[0].id if g.costs.categories else "material"
    return {
        "kind": kind,
        "trigger": "",
        "date": decided.isoformat(),
        "file_number": "XX-0000-0001",
        "fund_id": g.fund_id,
        "guideline_hash": g.version_hash,
        "title": "Projekt",
        "applicant_name": "Antragstellerin",
        "organisation": "Verein",
        "legal_form": "eingetragener Verein",
        "representative": "Vorsitzende",
        "grant_file_number": None,
        "address": ["Straße 1", "00000 Ort"],
        "requested_cents": 100_000,
        "approved_cents": 100_000,
        "settled_cents": 80_000,
        "paid_cents": 100_000,
        "amount_cents": 20_000,
        "conditions": ["Auflage"],
        "reason": "Begründung",
        "review_failures": [["Prüfpunkt", "§ 1", "Anmerkung"]],
        "submitted_on": submitted.isoformat(),
        "approved_on": decided.isoformat(),
        "decided_on": decided.isoformat(),
        "project_start": (decided + timedelta(days=30)).isoformat(),
        "project_end": (decided + timedelta(days=60)).isoformat(),
        "proof_due_on": (decided + timedelta(days=150)).isoformat(),
        "lapse_due_on": (decided + timedelta(days=180)).isoformat(),
        "own_funds_cents": 10_000,
        "iban_masked": "******************1234",
        "cost_lines": [[category, "Kosten", 100_000]],
        "receipts": [[1, "Beleg", 80_000, True, None]],
        "eligible_cents": 80_000,
        "extra": {},
    }


def _submission_days(g: Guideline) -> list[date]:
    """Days an application may be submitted on: each round's deadline, else the guideline's start."""
    days = [r.deadline for r in g.timing.rounds]
    start = g.valid_from if g.valid_from != date.min else date(2026, 1, 1)
    return days or [start]


def _empty_names(g: Guideline, kind: str, submitted: date) -> tuple[set[str], set[str]]:
    """Empty placeholders of one probe: (in the letter's own texts, in its remedy text)."""
    spec = letter_kind(kind)
    d = _probe(g, kind, submitted)
    on = date.fromisoformat(d["date"])
    ctx = context_for(g, d, on)
    data = letter_data(kind, d, g, on)
    values = letter_values(spec, ctx, data)
    texts = texts_used(spec, ctx, data)
    own = {n for t in texts[:3] for n in empty_placeholders(t, values)}
    remedy = {n for t in texts[3:] for n in empty_placeholders(t, values)}
    return own, remedy


def unfillable_placeholders(g: Guideline) -> list[Unfillable]:
    """Every placeholder of every letter kind this guideline's applications can never fill."""
    found: list[Unfillable] = []
    for kind in LETTER_KINDS:
        own: set[str] | None = None
        remedy: set[str] | None = None
        for day in _submission_days(g):
            o, r = _empty_names(g, kind, day)
            own = o if own is None else own & o
            remedy = r if remedy is None else remedy & r
        label = letter_kind(kind).label
        found += [Unfillable(kind, label, n, False) for n in sorted(own or ())]
        found += [Unfillable(kind, label, n, True) for n in sorted((remedy or set()) - (own or set()))]
    return found
