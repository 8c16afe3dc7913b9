"""One source of the German names of recorded events (timelines of the resident and the office).

Workflow steps are named by the workflow file (their labels); these are the other recorded actions."""

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
    }
)


def event_text(action: str, workflow_labels: dict[str, str]) -> str:
    """The German name of a recorded action: the workflow's label, else ours, else a neutral text (a msgid:
    the resident's timeline translates it)."""
    return workflow_labels.get(action) or EVENT_TEXT.get(action) or N_("Bearbeitungsschritt")
