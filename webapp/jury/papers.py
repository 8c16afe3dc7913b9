"""The papers of an agenda item for the jury: the visible fields, the financing plan, the findings,
labelled in German (the labels: webapp/labels.py).

What is shown is exactly what the engine's read model of the session page hands out
(`fondsengine.jury.papers_read.session_page`: the guideline's `jury.visible_fields`, never bank
details or private contact data, the findings and the messages the office shared with the
papers); this module only labels it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fondsengine.applications.messages import MessageView
from fondsengine.guidelines.findings import Finding
from fondsengine.guidelines.model import Guideline
from fondsengine.jury.papers_files import JuryFile
from fondsengine.jury.papers_read import ItemPapers
from webapp.filters import datum, euro
from webapp.labels import APPLICATION_FIELDS, AREA_LINK_TEXT, FINANCING_PLAN

MONEY_FIELDS = frozenset({"requested", "own_funds", "other_funding", "total_cost"})


@dataclass(frozen=True)
class Papers:
    """An application's papers for the jury."""

    fields: tuple[tuple[str, str], ...]  # (label, text) in the guideline's order
    cost_items: tuple[tuple[str, str, int], ...]  # (category label, description, cents)
    findings: tuple[Finding, ...]
    available: bool
    messages: tuple[MessageView, ...] = ()  # shared by the office, oldest first
    financing: tuple[tuple[str, int], ...] = ()  # the financing plan: (label, cents), always shown
    files: tuple[JuryFile, ...] = ()  # attachments the office released to the jury
    application_id: int = 0


def papers_for(papers: ItemPapers, guideline: Guideline) -> Papers:
    """The papers of an item on the agenda as the read model hands them out, labelled for the page."""
    view = papers.view
    if view is None:
        return Papers((), (), (), False)
    financing = tuple((FINANCING_PLAN[k], view.financing[k]) for k in FINANCING_PLAN if k in view.financing)
    fields: list[tuple[str, str]] = []
    costs: tuple[tuple[str, str, int], ...] = ()
    extra_labels = {f.id: f.label for f in guideline.form_fields}
    for name, value in view.fields.items():
        if name == "cost_items":
            costs = tuple((_category(guideline, c[0]), str(c[1]), int(c[2])) for c in value)
            continue
        label = APPLICATION_FIELDS.get(name) or extra_labels.get(name) or name
        fields.append((label, _text(guideline, name, value)))
    return Papers(
        tuple(fields), costs, papers.findings, True,
        messages=papers.messages, financing=financing, files=view.files, application_id=view.application_id,
    )  # fmt: skip


def _category(guideline: Guideline, category_id: str) -> str:
    category = guideline.costs.category(category_id)
    return category.label if category else category_id


def _text(guideline: Guideline, name: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if name in MONEY_FIELDS:
        return euro(int(value))
    if isinstance(value, date):
        return datum(value)
    if name == "applicant_kind":
        kinds = {k.id: k.label for k in guideline.applicants.kinds}
        return kinds.get(str(value), str(value))
    if name == "area_link":
        return AREA_LINK_TEXT.get(str(value), str(value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return str(value)
