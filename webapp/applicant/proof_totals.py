"""The numerical proof on the proof-of-use form: money besides the grant, planned against actual."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fondsengine.errors import InvalidInput
from fondsengine.guidelines.model import Guideline
from fondsengine.model import Application
from fondsengine.payments.numerical import ActualFinancing, NumericalProof, ReceiptAmount, compare
from webapp import fields

TOTAL_FIELDS = ("income", "own_funds", "other_funding")  # form field -> ActualFinancing.<field>_cents
CONFIRM_FIELD = "confirmed"
FIELDS = (*TOTAL_FIELDS, CONFIRM_FIELD)
LABELS = {"income": "Einnahmen", "own_funds": "Eigenmittel", "other_funding": "Mittel Dritter"}
REQUIRED = {
    "income": "Bitte geben Sie die Einnahmen des Projekts an (0 wenn es keine gab).",
    "own_funds": "Bitte geben Sie die eingesetzten Eigenmittel an (0 wenn keine).",
    "other_funding": "Bitte geben Sie die erhaltenen Mittel Dritter an (0 wenn keine).",
}


def actual_financing(values: Mapping[str, str]) -> ActualFinancing:
    """The stated money as cents; each amount is required (0 is an answer, empty is not)."""
    cents = {name: fields.euro(values, name, label=LABELS[name], required=REQUIRED[name]) or 0 for name in TOTAL_FIELDS}
    return ActualFinancing(cents["income"], cents["own_funds"], cents["other_funding"])


def stated_or_none(values: Mapping[str, str]) -> ActualFinancing | None:
    """The stated money for the comparison table; None while an amount is missing or unreadable."""
    try:
        return actual_financing(values)
    except InvalidInput:  # the table shows what can be read; the errors come with the submission
        return None


def comparison(
    app: Application, guideline: Guideline, rows: Sequence[Mapping[str, str]], values: Mapping[str, str]
) -> NumericalProof:
    """Planned costs per category against the receipt list as entered, and the financing."""
    known = {c.id for c in guideline.costs.categories}
    return compare(
        [(c.category, c.amount_cents) for c in app.cost_items],
        [ReceiptAmount(r["category"], int(r.get("cents", "0")), None) for r in rows if r.get("category") in known],
        planned_financing={
            "grant": app.approved_cents or 0,
            "own_funds": app.own_funds_cents,
            "other_funding": app.other_funding_cents,
        },
        actual=stated_or_none(values),
        settled_cents=None,
    )
