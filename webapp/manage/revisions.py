"""What the applicant changed on resubmission: the difference between the last two revisions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fondsengine.guidelines.model import Guideline
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


@dataclass(frozen=True)
class Labels:
    """The guideline's names for the ids a snapshot stores (cost categories, applicant kinds, extra fields)."""

    categories: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, g: Guideline) -> Labels:
        """The labels of a guideline version."""
        return cls(
            {c.id: c.label for c in g.costs.categories},
            {k.id: k.label for k in (*g.applicants.kinds, *g.applicants.excluded)},
            {f.id: f.label for f in g.form_fields},
        )


def _show(key: str, value: Any, labels: Labels) -> str:
    if value in (None, "", [], {}):
        return "–"
    if key.endswith("_cents") and isinstance(value, int):
        return euro(value)
    if key == "applicant_kind":
        return labels.kinds.get(str(value), str(value))
    if isinstance(value, dict):
        return "; ".join(f"{labels.extra.get(k, k)}: {v}" for k, v in sorted(value.items()) if v not in (None, ""))
    return str(value)


def _cost_line(item: dict[str, Any] | None, labels: Labels) -> str:
    if not item:
        return "–"
    category = labels.categories.get(str(item.get("category")), str(item.get("category")))
    return f"{category}: {item.get('description', '')}, {euro(int(item.get('amount_cents') or 0))}"


def diff(before: dict[str, Any], after: dict[str, Any], labels: Labels | None = None) -> list[Change]:
    """The fields that differ between two snapshots, in form order, and each changed, added or removed cost
    line on its own row, named with the guideline's labels (pure)."""
    lab = labels or Labels()
    out = [
        Change(label, _show(key, before.get(key), lab), _show(key, after.get(key), lab))
        for key, label in LABELS.items()
        if before.get(key) != after.get(key)
    ]
    old, new = before.get("cost_items") or [], after.get("cost_items") or []
    for n in range(max(len(old), len(new))):
        b, a = (old[n] if n < len(old) else None), (new[n] if n < len(new) else None)
        if b != a:
            out.append(Change(f"Kostenzeile {n + 1}", _cost_line(b, lab), _cost_line(a, lab)))
    return out


def last_changes(
    revisions: tuple[tuple[int, dict[str, Any]], ...], guideline: Guideline | None = None
) -> tuple[int, list[Change]] | None:
    """(revision number, changes) between the two latest submissions (newest first, as the engine's
    read model gives them), or None before a resubmission (pure); values named by the guideline's labels."""
    if len(revisions) < 2:
        return None
    (number, after), (_, before) = revisions[0], revisions[1]
    return number, diff(before, after, Labels.of(guideline) if guideline else None)
