"""The use cases a workflow step may name (`use_case:` in a workflow file), each with its German
description (docs/workflows.md lists them).

A leaf module: the workflow loader checks a file's names against this list without importing the
use cases, which depend on the loader's callers (the catalogue, authorisation). Each constant is the
typed handle an engine service fires its step with (`lifecycle.fire(uow, actor, app, SUBMIT)`): the
application's workflow answers which transition from its current state serves the use case, so no
service names a trigger. The use cases the office takes on the application's page (`office`) are
implemented once in fondsengine/applications/steps.py (`@USE_CASES.implements`, the function of the
same name); that module refuses an undeclared name and checks on import that none is missing. The
others are taken on their own pages (the applicant's proof of use, the granting body's pages).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UseCase:
    """One declared use case: its name (what `use_case:` says in a workflow file) and description."""

    name: str
    description: str  # German, one sentence (docs/workflows.md)
    office: bool = True  # taken on the office's application page (applications.steps.take_step)


START_REVIEW = UseCase("start_review", "Formale Prüfung beginnen.")
REQUEST_CHANGES = UseCase(
    "request_changes", "Änderungen anfordern (die Nachricht geht an die Antragstellenden, mit Frist)."
)
COMPLETE_REVIEW = UseCase("complete_review", "Formale Prüfung abschließen (die Checkliste muss vollständig sein).")
DECIDE_APPROVE = UseCase(
    "decide_approve", "Bewilligen in der Stufe der Geschäftsführung (Betrag, Begründung, Auflagen)."
)
DECIDE_REJECT = UseCase("decide_reject", "Ablehnen durch die Geschäftsführung (mit Begründung).")
SCHEDULE = UseCase("schedule", "Auf die Tagesordnung einer Jurysitzung setzen.")
UNSCHEDULE = UseCase("unschedule", "Von der Tagesordnung nehmen.")
JURY_DECISION = UseCase(
    "jury_decision",
    "Beschluss der Jury eintragen: bewilligt, abgelehnt oder empfohlen nur mit dem Protokoll auf "
    "Papier (paper_record: Stimmen und unterschriebenes Protokoll), vertagt auch ohne.",
)
CITY_GRANT = UseCase("city_grant", "Bewilligung durch die Stadt eintragen (Datum, Aktenzeichen, Betrag).")
CITY_REJECT = UseCase("city_reject", "Ablehnung durch die Stadt eintragen (mit Begründung).")
RECORD_PAYMENT = UseCase("record_payment", "Eine Auszahlung buchen (Betrag, Art, offene Anforderung).")
RETURN_PROOF = UseCase("return_proof", "Den Verwendungsnachweis zur Ergänzung zurückgeben (mit Nachricht).")
ACCEPT_PROOF = UseCase("accept_proof", "Den Verwendungsnachweis anerkennen.")
CLAIM_REFUND = UseCase("claim_refund", "Eine Rückforderung stellen (Betrag, Begründung).")
RECORD_REFUND = UseCase("record_refund", "Eine eingegangene Rückzahlung buchen.")
CLOSE = UseCase("close", "Den Vorgang abschließen.")
LAPSE = UseCase("lapse", "Eine nicht abgerufene Bewilligung erlöschen lassen.")
SUBMIT = UseCase("submit", "Den Antrag einreichen (auch für die Antragstellenden).")
RESUBMIT = UseCase("resubmit", "Den Antrag erneut einreichen.")
WITHDRAW = UseCase("withdraw", "Den Antrag zurückziehen (Grund freiwillig).")
# taken on their own pages, not with the office's step form
SUBMIT_PROOF = UseCase(
    "submit_proof",
    "Den Verwendungsnachweis einreichen (auf den Seiten der Antragstellenden, mit Bericht und Belegen).",
    office=False,
)
EXTERNAL_APPROVE = UseCase(
    "external_approve",
    "Bewilligung durch das zuständige Gremium über der Grenze der Jury eintragen (auf /bewilligung).",
    office=False,
)
EXTERNAL_REJECT = UseCase(
    "external_reject",
    "Ablehnung durch das zuständige Gremium über der Grenze der Jury eintragen (auf /bewilligung).",
    office=False,
)

DECLARED: tuple[UseCase, ...] = (
    START_REVIEW,
    REQUEST_CHANGES,
    COMPLETE_REVIEW,
    DECIDE_APPROVE,
    DECIDE_REJECT,
    SCHEDULE,
    UNSCHEDULE,
    JURY_DECISION,
    CITY_GRANT,
    CITY_REJECT,
    RECORD_PAYMENT,
    RETURN_PROOF,
    ACCEPT_PROOF,
    CLAIM_REFUND,
    RECORD_REFUND,
    CLOSE,
    LAPSE,
    SUBMIT,
    RESUBMIT,
    WITHDRAW,
    SUBMIT_PROOF,
    EXTERNAL_APPROVE,
    EXTERNAL_REJECT,
)
USE_CASE_DESCRIPTIONS: dict[str, str] = {u.name: u.description for u in DECLARED}
# the names the office takes on the application's page (fondsengine/applications/steps.py implements them)
OFFICE_USE_CASES: frozenset[str] = frozenset(u.name for u in DECLARED if u.office)


def office_step(use_case: str | None) -> bool:
    """Whether a step's declared use case is taken on the office's application page."""
    return use_case in OFFICE_USE_CASES
