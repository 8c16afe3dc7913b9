"""One source of the German names shown on the pages: recorded events (timelines of the resident and
the office), the fields of an application as the jury's papers name them, the sources of a project's
money.

Workflow steps are named by the workflow file (their labels); EVENT_TEXT names the other recorded actions."""

from __future__ import annotations

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
# The applicant's link to the area (guideline `area.link_kinds`), in the third person
AREA_LINK_TEXT = {
    "lives": "wohnt im Gebiet",
    "works": "arbeitet im Gebiet",
    "owns_property": "Eigentum im Gebiet",
    "based": "Sitz im Gebiet",
}
# The financing plan in the jury's papers: each line's name (the order is the papers' order)
FINANCING_PLAN = {
    "total_cost": "Gesamtkosten",
    "own_funds": "Eigenmittel (Geld)",
    "volunteer": "Eigenleistung (ehrenamtliche Stunden, bewertet)",
    "other_funding": "Mittel Dritter",
    "requested": "Beantragter Zuschuss",
}
