"""The use cases a workflow step may name (`use_case:` in a workflow file), each with its German
description (docs/workflows.md lists them).

A leaf module: the workflow loader checks a file's names against this list without importing the
use cases, which depend on the loader's callers (the catalogue, authorisation). Each name is
implemented once in fondsengine/applications/steps.py (`@USE_CASES.implements`, the function of the
same name); that module refuses an undeclared name and checks on import that none is missing.
"""

from __future__ import annotations

USE_CASE_DESCRIPTIONS: dict[str, str] = {
    "start_review": "Formale Prüfung beginnen.",
    "request_changes": "Änderungen anfordern (die Nachricht geht an die Antragstellenden, mit Frist).",
    "complete_review": "Formale Prüfung abschließen (die Checkliste muss vollständig sein).",
    "decide_approve": "Bewilligen in der Stufe der Geschäftsführung (Betrag, Begründung, Auflagen).",
    "decide_reject": "Ablehnen durch die Geschäftsführung (mit Begründung).",
    "schedule": "Auf die Tagesordnung einer Jurysitzung setzen.",
    "unschedule": "Von der Tagesordnung nehmen.",
    "jury_decision": (
        "Beschluss der Jury eintragen: bewilligt, abgelehnt oder empfohlen nur mit dem Protokoll auf "
        "Papier (paper_record: Stimmen und unterschriebenes Protokoll), vertagt auch ohne."
    ),
    "city_grant": "Bewilligung durch die Stadt eintragen (Datum, Aktenzeichen, Betrag).",
    "city_reject": "Ablehnung durch die Stadt eintragen (mit Begründung).",
    "record_payment": "Eine Auszahlung buchen (Betrag, Art, offene Anforderung).",
    "return_proof": "Den Verwendungsnachweis zur Ergänzung zurückgeben (mit Nachricht).",
    "accept_proof": "Den Verwendungsnachweis anerkennen.",
    "claim_refund": "Eine Rückforderung stellen (Betrag, Begründung).",
    "record_refund": "Eine eingegangene Rückzahlung buchen.",
    "close": "Den Vorgang abschließen.",
    "lapse": "Eine nicht abgerufene Bewilligung erlöschen lassen.",
    "submit": "Den Antrag einreichen (auch für die Antragstellenden).",
    "resubmit": "Den Antrag erneut einreichen.",
    "withdraw": "Den Antrag zurückziehen (Grund freiwillig).",
}
