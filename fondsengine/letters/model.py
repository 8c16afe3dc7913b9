"""Plain, immutable data the letters are rendered from (no ORM objects, no database).

The service layer fills these at the moment of a decision; the renderer turns them into
PDF bytes. Money is integer cents, dates are datetime.date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fondsengine.guidelines.model import Guideline, Issuance, LetterText, Office


@dataclass(frozen=True)
class LetterContext:
    """What every letter needs: sender, recipient, file number, date and the fund."""

    office: Office
    recipient_name: str
    recipient_address: tuple[str, ...]  # street, postcode + town, ...
    file_number: str  # Aktenzeichen, e.g. "QF-2026-0042"
    date: date
    fund_name: str
    project_title: str
    applicant_name: str
    guideline_version: str  # short content hash of the guideline version
    clauses: tuple[str, ...] = ()  # general clauses the letter rests on, e.g. ("§ 2", "§ 7 Abs. 1")
    legal_basis: str | None = None  # e.g. "Förderrichtlinie vom 01.01.2026"
    contact_person: str | None = None  # Ansprechpartner:in at the office
    contact_email: str | None = None  # defaults to office.email
    contact_phone: str | None = None  # defaults to office.phone
    logo_path: Path | None = None  # resolved path of office.logo, optional
    letter_texts: Mapping[str, LetterText] = field(default_factory=dict)  # Guideline.letters
    issuance: Issuance | None = None  # who issues the decision, its form and remedy (Guideline.issuance)
    authority_file_number: str | None = None  # the granting authority's file number
    addressee: tuple[str, ...] = ()  # legal entity lines (organisation and legal form, representative)

    @property
    def issuer_name(self) -> str:
        """Who issues the letter: the guideline's issuer, else the office."""
        return self.issuance.issuer.name if self.issuance else self.office.name


def letter_context(
    guideline: Guideline,
    *,
    recipient_name: str,
    recipient_address: tuple[str, ...],
    file_number: str,
    on: date,
    project_title: str,
    applicant_name: str | None = None,
    contact_person: str | None = None,
    clauses: tuple[str, ...] = (),
    addressee: tuple[str, ...] = (),
) -> LetterContext:
    """Build a LetterContext from a loaded guideline (office, texts, version, logo path)."""
    logo: Path | None = None
    if guideline.office.logo:
        logo = Path(guideline.source).parent / guideline.office.logo
    return LetterContext(
        office=guideline.office,
        recipient_name=recipient_name,
        recipient_address=recipient_address,
        file_number=file_number,
        date=on,
        fund_name=guideline.name,
        project_title=project_title,
        applicant_name=applicant_name or recipient_name,
        guideline_version=guideline.version_hash[:10],
        clauses=clauses,
        legal_basis=guideline.legal_basis,
        contact_person=contact_person,
        logo_path=logo,
        letter_texts=dict(guideline.letters),
        issuance=guideline.issuance,
        authority_file_number=(
            guideline.issuance.authority_file_number(file_number)
            if guideline.issuance is not None and file_number
            else None
        ),
        addressee=addressee,
    )


@dataclass(frozen=True)
class Reason:
    """One reason or item, with the clause of the guideline behind it."""

    text: str
    clause: str | None = None


@dataclass(frozen=True)
class CostLine:
    """One approved line of the cost plan."""

    category: str  # German label of the cost category
    description: str
    amount_cents: int


@dataclass(frozen=True)
class ReceiptData:
    """Eingangsbestätigung: the application has arrived."""

    submitted_on: date
    requested_cents: int
    session_date: date | None = None  # the jury session it goes to, when known
    next_steps: str | None = None  # free text from the office


@dataclass(frozen=True)
class ChangesData:
    """Nachforderung: what is missing or must change before the formal check can finish."""

    items: tuple[Reason, ...]
    message: str | None = None  # the office's own words
    respond_by: date | None = None


@dataclass(frozen=True)
class LiftedLimit:
    """A soft limit the grant goes beyond, lifted with the written reason the deciding body accepted."""

    limit: str  # e.g. "in der Regel höchstens 20.000,00 € je Projekt"
    clause: str | None
    reason: str


@dataclass(frozen=True)
class ApprovalData:
    """Bewilligungsbescheid: amount, purpose, cost plan, conditions, payment, proof, publicity."""

    approved_cents: int
    requested_cents: int
    purpose: str
    cost_lines: tuple[CostLine, ...]
    payment_mode_text: str  # e.g. defaults.payment_mode_text(...)
    proof_due: date
    proof_parts: tuple[str, ...]  # ProofRules.parts ids (report, receipts, ...) or German text
    conditions: tuple[str, ...] = ()  # Auflagen
    publicity_text: str | None = None  # PublicityRules.text when publicity is required
    publicity_clause: str | None = None
    clauses: tuple[Reason, ...] = ()  # the rules the decision rests on
    project_start: date | None = None
    project_end: date | None = None
    own_contribution_cents: int | None = None
    decision_note: str | None = None  # e.g. "Die Jury hat am 12.05.2026 entschieden."
    objection_text: str | None = None  # Rechtsbehelfsbelehrung; None = default text
    decided_on: date | None = None  # day of the decision; None = the letter's date
    financing_text: str | None = None  # type of financing (defaults.financing_text)
    standard_conditions: tuple[str, ...] = ()  # the guideline's standard conditions (Auflagen)
    general_terms: tuple[str, ...] = ()  # general terms that are part of the decision (ANBest-P)
    lapse_on: date | None = None  # the grant lapses if nothing is called by this day
    lapse_after_days: int | None = None
    lapse_clause: str | None = None
    revocation_text: str | None = None  # revocation and interest note; None = default for the form
    lifted_limits: tuple[LiftedLimit, ...] = ()  # soft limits the office lifted with the accepted reason


@dataclass(frozen=True)
class RejectionData:
    """Ablehnungsbescheid: the reasons, each with its clause."""

    reasons: tuple[Reason, ...]
    requested_cents: int
    decision_note: str | None = None
    objection_text: str | None = None
    decided_on: date | None = None  # day of the decision; None = the letter's date


@dataclass(frozen=True)
class PaymentData:
    """Auszahlungsmitteilung: a payment has been ordered."""

    amount_cents: int
    paid_on: date
    iban: str  # printed masked except the last four characters
    purpose_text: str  # Verwendungszweck on the bank statement
    approved_cents: int
    total_paid_cents: int  # including this payment
    payment_label: str = "Auszahlung"  # e.g. "Abschlag", "Schlusszahlung"

    @property
    def remaining_cents(self) -> int:
        """What is still open of the approved amount after this payment."""
        return max(self.approved_cents - self.total_paid_cents, 0)


@dataclass(frozen=True)
class ReceiptLine:
    """One receipt (Beleg) of the proof of use and whether it was accepted."""

    number: str
    description: str
    amount_cents: int
    accepted: bool
    reason: str | None = None  # why it was not (fully) accepted


@dataclass(frozen=True)
class ProofResultData:
    """Result of the proof-of-use check, with a refund or final payment when due."""

    approved_cents: int
    paid_cents: int
    eligible_spent_cents: int
    recognised_cents: int  # the grant finally recognised after the check
    receipts: tuple[ReceiptLine, ...]
    refund_cents: int = 0
    refund_due: date | None = None
    note: str | None = None
    clauses: tuple[Reason, ...] = ()

    @property
    def final_payment_cents(self) -> int:
        """What the office still pays when the recognised grant exceeds the payments."""
        return max(self.recognised_cents - self.paid_cents, 0)


@dataclass(frozen=True)
class RefundData:
    """Rückforderung: money paid but not used as approved is claimed back."""

    refund_cents: int
    due_on: date
    approved_cents: int
    paid_cents: int
    recognised_cents: int
    reasons: tuple[Reason, ...]
    pay_to_iban: str  # the office's or city's account, printed in full
    pay_to_holder: str
    purpose_text: str  # Verwendungszweck the applicant must use
    objection_text: str | None = None
    interest_note: str | None = None  # the guideline's note on interest for late refunds
    clause: str | None = None  # where the guideline rules the refund (proof.refund_clause)


@dataclass(frozen=True)
class LapseData:
    """The approval has lapsed because no payment was called in time."""

    approved_cents: int
    approved_on: date
    lapsed_on: date
    lapse_after_days: int
    clause: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RecommendationData:
    """Two-step funds: the jury recommended; the city decides and sends the approval."""

    recommended_cents: int
    requested_cents: int
    session_date: date
    granting_body: str  # e.g. "Stadt Witten, Amt für Stadtentwicklung"
    notes: tuple[str, ...] = ()  # the jury's remarks or expected conditions
    clause: str | None = None
