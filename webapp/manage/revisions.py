"""What the applicant changed on resubmission: the difference between the last two revisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from webapp.filters import euro

LABELS = {
    "title": "Projekttitel",
    "applicant_kind": "Art der Antragsteller/in",
    "organisation": "Organisation",
    "contact_name": "Ansprechperson",
    "contact_email": "E-Mail",
    "contact_phone": "Telefon",
    "description": "Beschreibung",
    "goals": "Ziele",
    "target_group": "Zielgruppe",
    "place": "Ort",
    "street": "Straße",
    "postcode": "Postleitzahl",
    "project_start": "Beginn",
    "project_end": "Ende",
    "participants_expected": "Erwartete Teilnehmende",
    "requested_cents": "Beantragter Zuschuss",
    "own_funds_cents": "Eigenmittel",
    "other_funding_cents": "Andere Förderung",
    "volunteer_hours": "Eigenleistung (Stunden)",
    "prior_consultation_on": "Beratungsgespräch",
    "extra": "Weitere Angaben",
}


@dataclass(frozen=True)
class Change:
    """One changed field: its label, the value before and after."""

    label: str
    before: str
    after: str


def _show(key: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return "–"
    if key.endswith("_cents") and isinstance(value, int):
        return euro(value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in sorted(value.items()) if v not in (None, ""))
    return str(value)


def _costs(items: list[dict[str, Any]]) -> str:
    return "; ".join(f"{i['category']}: {i['description']} {euro(int(i['amount_cents']))}" for i in items) or "–"


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The fields that differ between two snapshots, in form order (pure)."""
    out = [
        Change(label, _show(key, before.get(key)), _show(key, after.get(key)))
        for key, label in LABELS.items()
        if before.get(key) != after.get(key)
    ]
    if before.get("cost_items") != after.get("cost_items"):
        out.append(Change("Kostenplan", _costs(before.get("cost_items") or []), _costs(after.get("cost_items") or [])))
    return out


def last_changes(revisions: tuple[tuple[int, dict[str, Any]], ...]) -> tuple[int, list[Change]] | None:
    """(revision number, changes) between the two latest submissions (newest first, as the engine's
    read model gives them), or None before a resubmission (pure)."""
    if len(revisions) < 2:
        return None
    (number, after), (_, before) = revisions[0], revisions[1]
    return number, diff(before, after)
