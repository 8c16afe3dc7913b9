"""One source of the German names shown on the pages: recorded events and the timeline composed from
them (the resident's and the office's), the fields of an application as the jury's papers name them,
the sources of a project's money, and the pages' views of the engine's label tables
(`fondsengine/labels.py`: links to the area, payment kinds and statuses, review results).

Workflow steps are named by the workflow file (their labels); EVENT_TEXT names the other recorded actions.
`tests/unit/test_one_label_place.py` keeps label dicts of German text in this module and the engine's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from fondsengine.applications.queries import TimelineEvent
from fondsengine.labels import AREA_LINK_NAMES, PAYMENT_KIND_NAMES, PAYMENT_STATUS_NAMES, REVIEW_RESULT_NAMES
from fondsengine.workflow.model import Workflow
from webapp.i18n import N_

EVENT_TEXT = {
    "create_draft": N_("Entwurf angelegt"),
    "add_message": N_("Nachricht geschrieben"),
    "save": N_("Entwurf gespeichert"),
    "confirm_consultation": N_("Beratungsgespräch bestätigt"),
    "add_attachment": N_("Datei angehängt"),
    "remove_attachment": N_("Datei gelöscht"),
    "add_note": N_("Notiz hinzugefügt"),
    "record_review": N_("Prüfpunkte erfasst"),
    "request_payment": N_("Auszahlung angefordert"),
    "book_payment": N_("Auszahlung gebucht"),
    "book_refund": N_("Rückzahlung gebucht"),
    "review_receipt": N_("Beleg geprüft"),
    "cast_vote": N_("Stimme abgegeben"),
    "declare_conflict": N_("Befangenheit erklärt"),
    "withdraw_conflict": N_("Befangenheit zurückgenommen"),
    "enter_show_of_hands": N_("Abstimmung per Handzeichen erfasst"),
    "open_session": N_("Jurysitzung eröffnet"),
    "close_session": N_("Jurysitzung abgeschlossen"),
    "close_circulation": N_("Umlaufverfahren abgeschlossen"),
    "jury_no_quorum": N_("Jury nicht beschlussfähig"),
    "release_to_jury": N_("Freigabe eines Anhangs für die Jury geändert"),
}
# What the jury does internally is not the applicant's timeline (e.g. when each vote was cast).
JURY_INTERNAL = frozenset(
    {
        "cast_vote",
        "declare_conflict",
        "withdraw_conflict",
        "enter_show_of_hands",
        "add_note",
        "review_receipt",
        "comment_on_item",
        "score_item",
        "release_to_jury",
    }
)


def event_text(action: str, workflow_labels: dict[str, str]) -> str:
    """The German name of a recorded action: the workflow's label, else ours, else a neutral text (a msgid:
    the resident's timeline translates it)."""
    return workflow_labels.get(action) or EVENT_TEXT.get(action) or N_("Bearbeitungsschritt")


NEW_STATE = N_("%(step)s – neuer Stand: %(state)s")  # a step that changed the state, and the new state


def _german(text: str) -> str:
    return text


@dataclass(frozen=True)
class Audience:
    """Who reads a timeline, and so what it shows: in which language, which events it leaves out,
    whether it names who acted."""

    translate: Callable[[str], str]  # a German msgid in the reader's language
    hidden: frozenset[str]  # recorded actions not shown
    names: bool  # who acted (and for whom, on a paper application)


# The office reads every event in German, with who acted; the resident reads her language, without the
# jury's internal work (JURY_INTERNAL) and without the names of the people who acted.
OFFICE = Audience(_german, frozenset(), names=True)
APPLICANT = Audience(gettext, JURY_INTERNAL, names=False)


@dataclass(frozen=True)
class TimelineLine:
    """One line of an application's timeline as a page shows it."""

    at: datetime
    text: str
    reason: str | None
    who: str | None  # None for an audience that is not shown names


def timeline_lines(entries: Iterable[TimelineEvent], workflow: Workflow, audience: Audience) -> list[TimelineLine]:
    """The audit trail of an application (`applications.queries.timeline_statement`, read by the page's
    read model) as the lines of its timeline for one audience, oldest first."""
    labels = {t.trigger: t.label for t in workflow.transitions}
    tr = audience.translate
    out = []
    for entry in entries:
        e = entry.event
        if e.action in audience.hidden:
            continue
        text = tr(event_text(e.action, labels))
        if e.to_state and e.to_state != e.from_state and e.action != "create_draft":
            try:
                state = tr(workflow.state(e.to_state).label)
            except KeyError:  # a state the bound workflow no longer declares: the step alone
                pass
            else:
                text = tr(NEW_STATE) % {"step": text, "state": state}
        who = None
        if audience.names:
            who = (entry.actor_name or "System") if e.actor_id else "System"
            if e.on_behalf_of_id:
                who = f"{who} für {entry.on_behalf_of_name or 'eine Person'}"
        out.append(TimelineLine(e.at, text, e.reason, who))
    return out


# The sources of a project's money: the financing plan, the numerical proof, the jury papers.
FINANCING_SOURCES = {
    "grant": N_("Zuschuss aus dem Fonds"),
    "own_funds": N_("Eigenmittel"),
    "other_funding": N_("Mittel Dritter"),
    "income": N_("Einnahmen des Projekts"),
}

# The fields of an application as the jury's papers name them (the guideline's `jury.visible_fields`;
# the office and the jury read German only)
APPLICATION_FIELDS = {
    "title": "Projekt",
    "description": "Beschreibung",
    "goals": "Ziele",
    "target_group": "Zielgruppe",
    "applicant_kind": "Antragstellende",
    "organisation": "Organisation",
    "applicant": "Antragsteller/in",
    "contact_name": "Ansprechperson",
    "requested": "Beantragter Betrag",
    "own_funds": "Eigenmittel",
    "other_funding": "Andere Förderung",
    "volunteer_hours": "Ehrenamtliche Stunden",
    "project_start": "Projektbeginn",
    "project_end": "Projektende",
    "participants_expected": "Erwartete Teilnehmende",
    "area_link": "Bezug zum Gebiet",
    "location": "Ort",
    "cost_items": "Kostenplan",
    "total_cost": "Gesamtkosten",
}
# The applicant's link to the area (guideline `area.link_kinds`): as her form offers it (first person, a
# msgid; the office's paper form offers the same words) and as the office's and jury's papers state it
AREA_LINK_CHOICES = {kind: names.choice for kind, names in AREA_LINK_NAMES.items()}
AREA_LINK_TEXT = {kind: names.fact for kind, names in AREA_LINK_NAMES.items()}
# A payment's kind on the office's pages and as the resident's choice (a msgid), its status, a review result
PAYMENT_KINDS = {kind: names.name for kind, names in PAYMENT_KIND_NAMES.items()}
PAYMENT_CHOICES = {kind: names.choice for kind, names in PAYMENT_KIND_NAMES.items()}
PAYMENT_STATUS = dict(PAYMENT_STATUS_NAMES)
REVIEW_RESULTS = dict(REVIEW_RESULT_NAMES)
# The financing plan in the jury's papers: each line's name (the order is the papers' order)
FINANCING_PLAN = {
    "total_cost": "Gesamtkosten",
    "own_funds": "Eigenmittel (Geld)",
    "volunteer": "Eigenleistung (ehrenamtliche Stunden, bewertet)",
    "other_funding": "Mittel Dritter",
    "requested": "Beantragter Zuschuss",
}
