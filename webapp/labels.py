"""One source of the German names of recorded events (timelines of the resident and the office).

Workflow steps are named by the workflow file (their labels); these are the other recorded actions."""

from __future__ import annotations

EVENT_TEXT = {
    "create_draft": "Entwurf angelegt",
    "add_message": "Nachricht geschrieben",
    "save": "Entwurf gespeichert",
    "confirm_consultation": "Beratungsgespräch bestätigt",
    "add_attachment": "Datei angehängt",
    "remove_attachment": "Datei gelöscht",
    "add_note": "Notiz hinzugefügt",
    "record_review": "Prüfpunkte erfasst",
    "request_payment": "Auszahlung angefordert",
    "book_payment": "Auszahlung gebucht",
    "book_refund": "Rückzahlung gebucht",
    "review_receipt": "Beleg geprüft",
    "cast_vote": "Stimme abgegeben",
    "declare_conflict": "Befangenheit erklärt",
    "enter_show_of_hands": "Abstimmung per Handzeichen erfasst",
    "open_session": "Jurysitzung eröffnet",
    "close_session": "Jurysitzung abgeschlossen",
    "close_circulation": "Umlaufverfahren abgeschlossen",
    "jury_no_quorum": "Jury nicht beschlussfähig",
}
# What the jury does internally is not the applicant's timeline (e.g. when each vote was cast).
JURY_INTERNAL = frozenset(
    {
        "cast_vote",
        "declare_conflict",
        "enter_show_of_hands",
        "add_note",
        "review_receipt",
        "comment_on_item",
        "score_item",
    }
)


def event_text(action: str, workflow_labels: dict[str, str]) -> str:
    """The German name of a recorded action: the workflow's label, else ours, else a neutral text."""
    return workflow_labels.get(action) or EVENT_TEXT.get(action) or "Bearbeitungsschritt"
