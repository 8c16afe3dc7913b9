"""The allow-list of guard, effect and role names a workflow file may use.

Nothing named in a YAML file is ever imported or executed by name: the loader only
accepts names listed here, and the services map each name to a function in code
(fondsengine.services.guards / fondsengine.services.effects).
"""

from __future__ import annotations

ROLES: dict[str, str] = {
    "applicant": "Antragsteller/in (Eigentümer/in des Antrags)",
    "manager": "Geschäftsführung",
    "jury_member": "Jurymitglied",
    "city_approver": "Bewilligungsstelle der Stadt",
    "auditor": "Prüfer/in (nur lesen)",
    "system": "Automatischer Vorgang (Zeitplan)",
}

GUARDS: dict[str, str] = {
    "no_blocking_findings": "Die Förderrichtlinie ist eingehalten (keine blockierenden Prüfergebnisse).",
    "review_complete": "Alle Punkte der formalen Prüfung sind bewertet.",
    "review_passed": "Kein Punkt der formalen Prüfung ist „nicht erfüllt“.",
    "within_management_tier": "Der Betrag liegt in der Entscheidungsbefugnis der Geschäftsführung.",
    "needs_jury": "Über den Betrag entscheidet die Jury.",
    "needs_outside_body": "Über den Betrag entscheidet ein anderes Gremium (z. B. Bezirksvertretung, Stadt).",
    "on_jury_session": "Der Antrag steht auf der Tagesordnung einer Jurysitzung.",
    "budget_available": "Das freie Budget des Haushaltsjahres reicht aus.",
    "payment_mode_allowed": "Die Auszahlung ist nach der Förderrichtlinie zulässig.",
    "fully_paid": "Der zustehende Betrag ist vollständig ausgezahlt.",
    "overpaid": "Es wurde mehr ausgezahlt als zusteht.",
    "settled": "Ausgezahlter und zustehender Betrag stimmen überein.",
    "refund_received": "Die Rückforderung ist vollständig eingegangen.",
    "lapse_due": "Die Frist zum Abruf der Förderung ist abgelaufen und nichts wurde ausgezahlt.",
    "nothing_paid": "Bisher wurde nichts ausgezahlt.",
}

EFFECTS: dict[str, str] = {
    "commit_budget": "Bindet den bewilligten Betrag im Budget (Ledger: commitment).",
    "release_budget": "Gibt den gebundenen, nicht ausgezahlten Betrag frei (Ledger: release).",
    "settle_budget": "Gibt den nicht verbrauchten Teil nach dem Verwendungsnachweis frei.",
    "letter_receipt": "Eingangsbestätigung",
    "letter_changes": "Nachforderung",
    "letter_approval": "Bewilligungsbescheid",
    "letter_recommendation": "Mitteilung über die Empfehlung der Jury",
    "letter_rejection": "Ablehnungsbescheid",
    "letter_payment": "Auszahlungsmitteilung",
    "letter_proof_result": "Ergebnis der Prüfung des Verwendungsnachweises",
    "letter_refund": "Rückforderung",
    "letter_lapse": "Mitteilung über das Erlöschen der Bewilligung",
    "notify_applicant": "E-Mail an die Antragstellerin / den Antragsteller",
    "notify_office": "E-Mail an die Geschäftsführung",
}

OUTCOMES: frozenset[str] = frozenset({"approved", "rejected", "withdrawn", "lapsed", "completed"})
