"""From a letter's stored snapshot (Letter.data) and its guideline to the letter's context and data.

Pure functions (no database, no reportlab): the PDF renderer (letters/store.py), the HTML page of a
letter and the guideline check of placeholders a letter kind can never fill (letters/fillable.py)
all build a letter from a snapshot the same way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from fondsengine.guidelines.calc import changes_due_date
from fondsengine.guidelines.model import Guideline, PaymentMode
from fondsengine.letters.defaults import financing_text, payment_mode_text, use_within_text
from fondsengine.letters.model import (
    ApprovalData,
    ChangesData,
    CostLine,
    LapseData,
    LetterContext,
    LiftedLimit,
    PaymentData,
    ProofResultData,
    Reason,
    ReceiptData,
    ReceiptLine,
    RecommendationData,
    RefundData,
    RejectionData,
    letter_context,
)


def _day(value: Any, fallback: date) -> date:
    return date.fromisoformat(value) if isinstance(value, str) and value else fallback


def _cents(value: Any) -> int:
    return int(value) if isinstance(value, int) else 0


def _reasons(text: Any) -> tuple[Reason, ...]:
    return (Reason(str(text).strip()),) if isinstance(text, str) and text.strip() else ()


def _session_for(g: Guideline, submitted: date) -> date | None:
    """The jury session the application goes to: the session of the round it was submitted in."""
    found = g.timing.round_for(submitted)
    return found.session_date if found is not None and found.session_date != date.min else None


def payment_text(g: Guideline, approved: int) -> str:
    """Every payment mode the guideline allows, with the advance share and the rule to use money in time."""
    texts = [
        payment_mode_text(
            mode,
            approved_cents=approved,
            advance_max_share=g.payment.advance_max_share,
            instalments=g.payment.instalments,
        )
        for mode in g.payment.modes
    ]
    if len(texts) > 1:
        texts.insert(0, "Sie können die Zuwendung auf folgenden Wegen abrufen:")
    if g.issuance is not None and any(m is not PaymentMode.REIMBURSEMENT for m in g.payment.modes):
        texts.append(use_within_text(g.issuance.use_within_months))
    return "\n\n".join(texts)


def _approval(d: dict[str, Any], g: Guideline, on: date) -> ApprovalData:
    approved = _cents(d.get("approved_cents"))
    labels = {c.id: c.label for c in g.costs.categories}
    lines = tuple(
        CostLine(labels.get(cat, cat), desc, amount)
        for cat, desc, amount in d.get("cost_lines") or []
    )
    issuance = g.issuance
    lapse_on = d.get("lapse_due_on")
    return ApprovalData(
        approved_cents=approved,
        requested_cents=_cents(d.get("requested_cents")),
        purpose=str(d.get("title") or ""),
        cost_lines=lines,
        payment_mode_text=payment_text(g, approved),
        proof_due=_day(d.get("proof_due_on"), date(on.year + 1, 1, 31)),
        proof_parts=g.proof.parts,
        conditions=tuple(str(x) for x in d.get("conditions") or []),
        publicity_text=g.publicity.text if g.publicity.required else None,
        publicity_clause=g.publicity.clause,
        project_start=_day(d.get("project_start"), on) if d.get("project_start") else None,
        project_end=_day(d.get("project_end"), on) if d.get("project_end") else None,
        own_contribution_cents=d.get("own_funds_cents") or None,
        decision_note=str(d["reason"]) if d.get("reason") else None,
        decided_on=_day(d.get("decided_on"), on) if d.get("decided_on") else None,
        financing_text=(
            financing_text(
                issuance.financing.value,
                approved_cents=approved,
                max_share=g.amounts.max_share,
                cut_when_lower=g.proof.cut_when_lower,
            )
            if issuance is not None
            else None
        ),
        standard_conditions=tuple(c.text for c in g.conditions) if issuance is not None else (),
        general_terms=issuance.general_terms if issuance is not None else (),
        lapse_on=_day(lapse_on, on) if isinstance(lapse_on, str) and lapse_on else None,
        lapse_after_days=g.payment.lapse_after_days,
        lapse_clause=g.payment.lapse_clause,
        lifted_limits=tuple(
            LiftedLimit(str(limit), str(clause) if clause else None, str(reason))
            for limit, clause, reason in d.get("lifted_limits") or []
            if str(reason or "").strip()
        ),
    )


def _rejection(d: dict[str, Any]) -> RejectionData:
    """Each reason with its clause: the failed review items, then the decision's own reason."""
    reasons = [
        Reason(f"{label}: {note}" if note else str(label), clause)
        for label, clause, note in d.get("review_failures") or []
    ]
    reasons += list(_reasons(d.get("reason")))
    if not reasons:
        reasons = [Reason("Die Voraussetzungen der Förderrichtlinie sind nicht erfüllt.")]
    return RejectionData(
        reasons=tuple(reasons),
        requested_cents=_cents(d.get("requested_cents")),
        decided_on=_day(d.get("decided_on"), date.min) if d.get("decided_on") else None,
    )


def addressee_lines(d: dict[str, Any]) -> tuple[str, ...]:
    """The applicant as legal entity: organisation with legal form, and who represents it."""
    name = str(d.get("applicant_name") or "")
    organisation = str(d.get("organisation") or "")
    if not organisation:
        return (name,) if name else ()
    legal_form = str(d.get("legal_form") or "")
    first = f"{organisation} ({legal_form})" if legal_form and legal_form not in organisation else organisation
    representative = str(d.get("representative") or "")
    second = f"vertreten durch {representative}" if representative else (f"z. Hd. {name}" if name else "")
    return (first, second) if second else (first,)


def _proof_result(d: dict[str, Any]) -> ProofResultData:
    receipts = tuple(
        ReceiptLine(str(pos), desc, amount, accepted, reason)
        for pos, desc, amount, accepted, reason in d.get("receipts") or []
    )
    paid, recognised = _cents(d.get("paid_cents")), _cents(d.get("settled_cents"))
    return ProofResultData(
        approved_cents=_cents(d.get("approved_cents")),
        paid_cents=paid,
        eligible_spent_cents=_cents(d.get("eligible_cents")),
        recognised_cents=recognised,
        receipts=receipts,
        # more paid than recognised: a refund is open, so the letter must not say "abgeschlossen"
        refund_cents=max(paid - recognised, 0),
    )


def _refund(d: dict[str, Any], g: Guideline, on: date) -> RefundData:
    amount, paid = _cents(d.get("amount_cents")), _cents(d.get("paid_cents"))
    recognised = d.get("settled_cents")
    return RefundData(
        refund_cents=amount,
        due_on=on + timedelta(days=g.proof.refund_due_days),
        approved_cents=_cents(d.get("approved_cents")),
        paid_cents=paid,
        recognised_cents=recognised if isinstance(recognised, int) else paid - amount,
        reasons=_reasons(d.get("reason")),
        pay_to_iban=g.proof.refund_iban or "",  # the fund's account (guideline proof.refund_iban)
        pay_to_holder=g.proof.refund_account_holder or g.office.city_name or g.office.name,
        purpose_text=f"{d.get('file_number') or ''} Rückzahlung".strip(),
        objection_text=g.letters["objection"].body if "objection" in g.letters else None,
        interest_note=g.proof.refund_interest_note,
    )


def letter_data(kind: str, d: dict[str, Any], g: Guideline, on: date) -> object:
    """The letter dataclass of one kind, built from a stored snapshot and its guideline."""
    if kind == "receipt":
        submitted = _day(d.get("submitted_on"), on)
        return ReceiptData(
            submitted_on=submitted,
            requested_cents=_cents(d.get("requested_cents")),
            session_date=_session_for(g, submitted),
        )
    if kind == "changes":
        return ChangesData(
            items=_reasons(d.get("reason")) or (Reason("Bitte ergänzen Sie Ihren Antrag."),),
            respond_by=changes_due_date(g, on),
        )
    if kind == "approval":
        return _approval(d, g, on)
    if kind == "rejection":
        return _rejection(d)
    if kind == "payment":
        amount = _cents(d.get("amount_cents"))
        final = d.get("trigger") == "record_final_payment"
        return PaymentData(
            amount_cents=amount,
            paid_on=on,
            iban=str(d.get("iban_masked") or ""),
            purpose_text=f"{d.get('file_number') or ''} {d.get('title') or ''}".strip()[:140],
            approved_cents=_cents(d.get("settled_cents") if final else d.get("approved_cents")),
            total_paid_cents=_cents(d.get("paid_cents")) + amount,
            payment_label=str(
                (d.get("extra") or {}).get("payment_label") or ("Schlusszahlung" if final else "Auszahlung")
            ),
        )
    if kind == "proof_result":
        return _proof_result(d)
    if kind == "refund":
        return _refund(d, g, on)
    if kind == "lapse":
        return LapseData(
            approved_cents=_cents(d.get("approved_cents")),
            approved_on=_day(d.get("approved_on"), on),
            lapsed_on=on,
            lapse_after_days=g.payment.lapse_after_days,
            clause=g.payment.lapse_clause,
        )
    if kind == "recommendation":
        return RecommendationData(
            recommended_cents=_cents(d.get("approved_cents")),
            requested_cents=_cents(d.get("requested_cents")),
            session_date=on,
            granting_body=g.decision.granting_body or g.office.city_name or "die Stadt",
        )
    raise ValueError(f"unknown letter kind {kind!r}")




def snapshot_day(d: dict[str, Any], fallback: date) -> date:
    """The day the letter is dated (the snapshot's date, else the fallback)."""
    return _day(d.get("date"), fallback)


def context_for(g: Guideline, d: dict[str, Any], on: date) -> LetterContext:
    """The letter's context (sender, addressee, texts) from its snapshot and guideline."""
    name = str(d.get("applicant_name") or "")
    ctx = letter_context(
        g,
        recipient_name=name,
        recipient_address=tuple(str(x) for x in d.get("address") or []),
        file_number=str(d.get("file_number") or ""),
        on=on,
        project_title=str(d.get("title") or ""),
        applicant_name=str(d.get("organisation") or name) or None,
        addressee=addressee_lines(d),
    )
    if d.get("grant_file_number"):  # the number the granting authority gave (two-step funds)
        ctx = replace(ctx, authority_file_number=str(d["grant_file_number"]))
    return ctx
