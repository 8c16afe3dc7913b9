"""Letters that decide: approval, rejection, result of the proof-of-use check, refund claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from fondsengine.guidelines.model import Guideline, PaymentMode
from fondsengine.letters.defaults import (
    APPROVAL_TEXT,
    PROOF_RESULT_TEXT,
    REFUND_TEXT,
    REJECTION_TEXT,
    REVOCATION_BESCHEID,
    REVOCATION_CONTRACT,
    financing_text,
    payment_mode_text,
    proof_part_label,
    use_within_text,
)
from fondsengine.letters.fmt import format_date, group_iban
from fondsengine.letters.kinds_notice import listed, reasons_of, with_clause
from fondsengine.letters.model import (
    ApprovalData,
    CostLine,
    LetterContext,
    LiftedLimit,
    ProofResultData,
    Reason,
    ReceiptLine,
    RefundData,
    RejectionData,
)
from fondsengine.letters.spec import LetterKind, mail_msgid
from fondsengine.letters.stored import LetterSnapshot
from fondsengine.money import format_euro

if TYPE_CHECKING:
    from reportlab.platypus import Flowable, ListFlowable

# The section builders import reportlab (through letters.styles) when a letter is rendered, not
# when the registry of letter kinds is read.


def _numbered(items: list[str]) -> ListFlowable:
    from reportlab.platypus import ListFlowable, ListItem

    from fondsengine.letters.styles import para

    return ListFlowable(
        [ListItem(para(item), leftIndent=16) for item in items],
        bulletType="1",
        bulletFormat="%s.",
        leftIndent=16,
        bulletFontName="DejaVuSans",
        bulletFontSize=10,
    )


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


@dataclass(frozen=True)
class ApprovalSnapshot(LetterSnapshot):
    """The stored keys the approval reads."""

    approved_cents: int = 0
    requested_cents: int = 0
    cost_lines: tuple[tuple[Any, ...], ...] = ()  # (category id, description, cents)
    proof_due_on: date | None = None
    conditions: tuple[str, ...] = ()
    project_start: date | None = None
    project_end: date | None = None
    own_funds_cents: int | None = None
    reason: str | None = None  # the decision's note
    decided_on: date | None = None
    lapse_due_on: date | None = None
    lifted_limits: tuple[tuple[Any, ...], ...] = ()  # (limit, clause, reason)


def _approval(s: ApprovalSnapshot, g: Guideline, on: date) -> ApprovalData:
    approved = s.approved_cents
    labels = {c.id: c.label for c in g.costs.categories}
    issuance = g.issuance
    return ApprovalData(
        approved_cents=approved,
        requested_cents=s.requested_cents,
        purpose=s.title,
        cost_lines=tuple(CostLine(labels.get(cat, cat), desc, amount) for cat, desc, amount in s.cost_lines),
        payment_mode_text=payment_text(g, approved),
        proof_due=s.proof_due_on or date(on.year + 1, 1, 31),
        proof_parts=g.proof.parts,
        conditions=s.conditions,
        publicity_text=g.publicity.text if g.publicity.required else None,
        publicity_clause=g.publicity.clause,
        project_start=s.project_start,
        project_end=s.project_end,
        own_contribution_cents=s.own_funds_cents or None,
        decision_note=s.reason,
        decided_on=s.decided_on,
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
        lapse_on=s.lapse_due_on,
        lapse_after_days=g.payment.lapse_after_days,
        lapse_clause=g.payment.lapse_clause,
        lifted_limits=tuple(
            LiftedLimit(str(limit), str(clause) if clause else None, str(reason))
            for limit, clause, reason in s.lifted_limits
            if str(reason or "").strip()
        ),
    )


def _approval_values(d: ApprovalData) -> dict[str, str]:
    return {
        "approved_amount": format_euro(d.approved_cents),
        "amount": format_euro(d.approved_cents),
        "requested_amount": format_euro(d.requested_cents),
        "purpose": d.purpose,
        "conditions": "\n".join(f"– {c}" for c in d.conditions),
        "decided_on": format_date(d.decided_on) if d.decided_on else "",
        "proof_due": format_date(d.proof_due),
        "project_start": format_date(d.project_start) if d.project_start else "",
        "project_end": format_date(d.project_end) if d.project_end else "",
    }


def recipient_text(ctx: LetterContext) -> str:
    """The recipient as legal entity with postal address, on one line."""
    lines = [*(ctx.addressee or (ctx.recipient_name,)), *ctx.recipient_address]
    return ", ".join(line for line in lines if line)


def _revocation(ctx: LetterContext, d: ApprovalData) -> str:
    if d.revocation_text:
        return d.revocation_text
    if ctx.issuance is not None and ctx.issuance.revocation:
        return ctx.issuance.revocation
    if ctx.issuance is not None and ctx.issuance.is_bescheid:
        return REVOCATION_BESCHEID
    return REVOCATION_CONTRACT


def _approval_sections(ctx: LetterContext, d: ApprovalData) -> list[Flowable]:
    from reportlab.lib.units import mm

    from fondsengine.letters.styles import BOXED, amount_table, bullets, data_table, heading, para, paragraphs

    out: list[Flowable] = paragraphs(d.decision_note) if d.decision_note else []
    number = 0

    def section(title: str) -> Flowable:
        nonlocal number
        number += 1
        return heading(f"{number}. {title}")

    amounts = [("Beantragte Zuwendung", format_euro(d.requested_cents))]
    if d.own_contribution_cents is not None:
        amounts.append(("Ihr Eigenanteil", format_euro(d.own_contribution_cents)))
    amounts.append(("Bewilligte Zuwendung", format_euro(d.approved_cents)))
    out += [section("Zuwendung und Zweck"), para(f"Zuwendungsempfänger: {recipient_text(ctx)}")]
    out.append(amount_table(amounts, bold_last=True))
    out.append(para(f"Zweck: {d.purpose}"))
    if d.financing_text:
        out.append(para(f"Finanzierungsart: {d.financing_text}"))
    if d.project_start and d.project_end:
        period = f"{format_date(d.project_start)} bis {format_date(d.project_end)}"
        out.append(para(f"Projektzeitraum (Bewilligungszeitraum): {period}"))
    if d.lifted_limits:
        out.append(section("Abweichung von der Regel-Grenze"))
        for lim in d.lifted_limits:
            cited = f" ({lim.clause})" if lim.clause else ""
            out.append(
                para(
                    f"Die Zuwendung geht über die Regel-Grenze{cited} hinaus: {lim.limit}. "
                    f"Sie wird mit dieser schriftlichen Begründung zugelassen: {lim.reason}"
                )
            )
    if d.cost_lines:
        rows = [[c.category, c.description, format_euro(c.amount_cents)] for c in d.cost_lines]
        rows.append(["Summe", "", format_euro(sum(c.amount_cents for c in d.cost_lines))])
        out += [
            section("Bewilligter Kostenplan"),
            data_table(
                ["Kostenart", "Beschreibung", "Betrag"],
                rows,
                [40 * mm, 90 * mm, 35 * mm],
                right={2},
                wrap={0, 1},
                total=True,
            ),
        ]
    if d.standard_conditions or d.conditions or d.general_terms:
        out.append(section("Nebenbestimmungen und Auflagen"))
        if d.general_terms:
            out += [para("Bestandteil dieser Entscheidung sind:"), bullets(list(d.general_terms))]
        if d.standard_conditions:
            out += [para("Allgemeine Auflagen nach der Förderrichtlinie:"), bullets(list(d.standard_conditions))]
        if d.conditions:
            out += [para("Auflagen dieser Entscheidung:"), bullets(list(d.conditions))]
    out += [section("Auszahlung"), *paragraphs(d.payment_mode_text)]
    if d.lapse_on is not None:
        rule = f"Rufen Sie bis zum {format_date(d.lapse_on)} keine Mittel ab, erlischt die Bewilligung"
        if d.lapse_after_days:
            rule += f" ({d.lapse_after_days} Tage nach der Bewilligung"
            rule += f", {d.lapse_clause})" if d.lapse_clause else ")"
        out += [section("Erlöschen der Bewilligung"), para(rule + ".")]
    out += [
        section("Verwendungsnachweis"),
        para(f"Bitte reichen Sie den Verwendungsnachweis bis zum {format_date(d.proof_due)} ein. Dazu gehören:"),
        bullets([proof_part_label(p) for p in d.proof_parts]),
        para("Geld, das nicht wie bewilligt verwendet wird, ist zurückzuzahlen."),
    ]
    if d.publicity_text:
        intro = "Bitte weisen Sie auf allen gedruckten und digitalen Materialien auf die Förderung hin"
        if d.publicity_clause:
            intro += f" ({d.publicity_clause})"
        out += [
            section("Hinweis auf die Förderung"),
            para(intro + ":"),
            para(d.publicity_text, BOXED),
        ]
    out += [section("Widerruf, Erstattung und Verzinsung"), para(_revocation(ctx, d))]
    if d.clauses:
        out += [
            section("Grundlagen dieser Entscheidung"),
            bullets([with_clause(c) for c in d.clauses]),
        ]
    return out


APPROVAL = LetterKind(
    kind="approval",
    label="Bewilligungsbescheid",
    data_type=ApprovalData,
    placeholders=(
        "approved_amount",
        "amount",
        "requested_amount",
        "purpose",
        "conditions",
        "decided_on",
        "proof_due",
        "project_start",
        "project_end",
    ),
    values=_approval_values,
    sections=_approval_sections,
    snapshot=ApprovalSnapshot,
    from_snapshot=_approval,
    file_name="Bewilligungsbescheid",
    mail_subject=None,  # the decision mail: "Ihr Antrag ... wurde bewilligt"
    default_text=APPROVAL_TEXT,
    objection=True,
    approves=True,
    needs=frozenset({"cost_lines", "decision", "lifted_limits"}),
)


@dataclass(frozen=True)
class RejectionSnapshot(LetterSnapshot):
    """The stored keys the rejection reads."""

    requested_cents: int = 0
    reason: str | None = None  # the decision's own reason
    decided_on: date | None = None
    review_failures: tuple[tuple[Any, ...], ...] = ()  # (label, clause, note) of each failed review item


def _rejection(s: RejectionSnapshot, _g: Guideline, _on: date) -> RejectionData:
    """Each reason with its clause: the failed review items, then the decision's own reason."""
    reasons = [Reason(f"{label}: {note}" if note else str(label), clause) for label, clause, note in s.review_failures]
    reasons += list(reasons_of(s.reason))
    if not reasons:
        reasons = [Reason("Die Voraussetzungen der Förderrichtlinie sind nicht erfüllt.")]
    return RejectionData(reasons=tuple(reasons), requested_cents=s.requested_cents, decided_on=s.decided_on)


def _rejection_values(d: RejectionData) -> dict[str, str]:
    return {
        "requested_amount": format_euro(d.requested_cents),
        "amount": format_euro(d.requested_cents),
        "reasons": listed(d.reasons),
        "decided_on": format_date(d.decided_on) if d.decided_on else "",
    }


def _rejection_sections(_ctx: LetterContext, d: RejectionData) -> list[Flowable]:
    from fondsengine.letters.styles import paragraphs

    out: list[Flowable] = [_numbered([with_clause(r) for r in d.reasons])] if d.reasons else []
    if d.decision_note:
        out += paragraphs(d.decision_note)
    return out


REJECTION = LetterKind(
    kind="rejection",
    label="Ablehnungsbescheid",
    data_type=RejectionData,
    placeholders=("requested_amount", "amount", "reasons", "decided_on"),
    values=_rejection_values,
    sections=_rejection_sections,
    snapshot=RejectionSnapshot,
    from_snapshot=_rejection,
    file_name="Ablehnungsbescheid",
    mail_subject=None,  # the decision mail: "Entscheidung über Ihren Antrag ..."
    default_text=REJECTION_TEXT,
    objection=True,
    needs=frozenset({"decision", "review_failures"}),
)


@dataclass(frozen=True)
class ProofResultSnapshot(LetterSnapshot):
    """The stored keys the result of the proof-of-use check reads."""

    approved_cents: int = 0
    paid_cents: int = 0
    settled_cents: int = 0  # the recognised grant
    eligible_cents: int = 0
    receipts: tuple[tuple[Any, ...], ...] = ()  # (position, description, cents, accepted, reason)


def _proof_result(s: ProofResultSnapshot, _g: Guideline, _on: date) -> ProofResultData:
    return ProofResultData(
        approved_cents=s.approved_cents,
        paid_cents=s.paid_cents,
        eligible_spent_cents=s.eligible_cents,
        recognised_cents=s.settled_cents,
        receipts=tuple(
            ReceiptLine(str(pos), desc, amount, accepted, reason) for pos, desc, amount, accepted, reason in s.receipts
        ),
        # more paid than recognised: a refund is open, so the letter must not say "abgeschlossen"
        refund_cents=max(s.paid_cents - s.settled_cents, 0),
    )


def _proof_values(d: ProofResultData) -> dict[str, str]:
    return {
        "approved_amount": format_euro(d.approved_cents),
        "paid_amount": format_euro(d.paid_cents),
        "eligible_spent": format_euro(d.eligible_spent_cents),
        "recognised_amount": format_euro(d.recognised_cents),
        "amount": format_euro(d.recognised_cents),
        "refund_amount": format_euro(d.refund_cents),
        "refund_due": format_date(d.refund_due) if d.refund_due else "",
        "due_date": format_date(d.refund_due) if d.refund_due else "",
        "final_payment": format_euro(d.final_payment_cents),
        "result": _proof_result_sentence(d),
    }


def _proof_result_sentence(d: ProofResultData) -> str:
    text = f"Wir erkennen eine Zuwendung von {format_euro(d.recognised_cents)} an."
    if d.refund_cents:
        return text + f" Zurückzuzahlen sind {format_euro(d.refund_cents)}."
    if d.final_payment_cents:
        return text + f" Wir zahlen Ihnen noch {format_euro(d.final_payment_cents)} aus."
    return text


def _proof_sections(_ctx: LetterContext, d: ProofResultData) -> list[Flowable]:
    from reportlab.lib.units import mm

    from fondsengine.letters.styles import amount_table, bullets, data_table, heading, para, paragraphs

    summary = [
        ("Bewilligte Zuwendung", format_euro(d.approved_cents)),
        ("Bisher ausgezahlt", format_euro(d.paid_cents)),
        ("Anerkannte förderfähige Ausgaben", format_euro(d.eligible_spent_cents)),
        ("Anerkannte Zuwendung", format_euro(d.recognised_cents)),
    ]
    if d.refund_cents:
        summary.append(("Rückforderung", format_euro(d.refund_cents)))
    elif d.final_payment_cents:
        summary.append(("Restzahlung an Sie", format_euro(d.final_payment_cents)))
    out: list[Flowable] = [heading("Ergebnis"), amount_table(summary, bold_last=True)]
    if d.receipts:
        rows = [
            [
                r.number,
                r.description,
                format_euro(r.amount_cents),
                "ja" if r.accepted else "nein",
                r.reason or "",
            ]
            for r in d.receipts
        ]
        out += [
            heading("Ihre Belege"),
            data_table(
                ["Nr.", "Beleg", "Betrag", "Anerkannt", "Begründung"],
                rows,
                [12 * mm, 53 * mm, 26 * mm, 22 * mm, 52 * mm],
                right={2},
                wrap={1, 4},
            ),
        ]
    if d.note:
        out += paragraphs(d.note)
    if d.refund_cents:
        due = f" bis zum {format_date(d.refund_due)}" if d.refund_due else ""
        out.append(
            para(
                f"Bitte zahlen Sie {format_euro(d.refund_cents)}{due} zurück. Die "
                "Bankverbindung und den Verwendungszweck nennen wir Ihnen im "
                "Rückforderungsschreiben."
            )
        )
    elif d.final_payment_cents:
        out.append(
            para(f"Den Restbetrag von {format_euro(d.final_payment_cents)} überweisen wir Ihnen in den nächsten Tagen.")
        )
    else:
        out.append(para("Damit ist die Förderung Ihres Projekts abgeschlossen."))
    if d.clauses:
        out += [heading("Grundlagen"), bullets([with_clause(c) for c in d.clauses])]
    return out


PROOF_RESULT = LetterKind(
    kind="proof_result",
    label="Prüfung des Verwendungsnachweises",
    data_type=ProofResultData,
    placeholders=(
        "approved_amount",
        "paid_amount",
        "eligible_spent",
        "recognised_amount",
        "amount",
        "refund_amount",
        "refund_due",
        "due_date",
        "final_payment",
        "result",
    ),
    values=_proof_values,
    sections=_proof_sections,
    snapshot=ProofResultSnapshot,
    from_snapshot=_proof_result,
    file_name="Pruefung-Verwendungsnachweis",
    mail_subject=mail_msgid("Ergebnis der Prüfung Ihres Verwendungsnachweises für %(title)s"),
    default_text=PROOF_RESULT_TEXT,
    objection=True,  # recognising less than granted (partly) revokes the grant: a decision with a remedy
    needs=frozenset({"balance", "proof"}),
)


@dataclass(frozen=True)
class RefundSnapshot(LetterSnapshot):
    """The stored keys the refund claim reads."""

    amount_cents: int = 0  # the refund
    approved_cents: int = 0
    paid_cents: int = 0
    settled_cents: int | None = None  # the recognised grant; None: paid minus the refund
    reason: str | None = None


def _refund(s: RefundSnapshot, g: Guideline, on: date) -> RefundData:
    return RefundData(
        refund_cents=s.amount_cents,
        due_on=on + timedelta(days=g.proof.refund_due_days),
        approved_cents=s.approved_cents,
        paid_cents=s.paid_cents,
        recognised_cents=s.settled_cents if s.settled_cents is not None else s.paid_cents - s.amount_cents,
        reasons=reasons_of(s.reason),
        pay_to_iban=g.proof.refund_iban or "",  # the fund's account (guideline proof.refund_iban)
        pay_to_holder=g.proof.refund_account_holder or g.office.city_name or g.office.name,
        purpose_text=f"{s.file_number} Rückzahlung".strip(),
        objection_text=g.letters["objection"].body if "objection" in g.letters else None,
        interest_note=g.proof.refund_interest_note,
        clause=g.proof.refund_clause,
    )


def _refund_values(d: RefundData) -> dict[str, str]:
    return {
        "refund_amount": format_euro(d.refund_cents),
        "amount": format_euro(d.refund_cents),
        "refund_due": format_date(d.due_on),
        "due_date": format_date(d.due_on),
        "reasons": listed(d.reasons),
        "approved_amount": format_euro(d.approved_cents),
        "paid_amount": format_euro(d.paid_cents),
        "recognised_amount": format_euro(d.recognised_cents),
    }


def _refund_sections(_ctx: LetterContext, d: RefundData) -> list[Flowable]:
    from fondsengine.letters.styles import amount_table, heading, info_table, para

    out: list[Flowable] = []
    if d.reasons:
        out += [heading("Gründe"), _numbered([with_clause(r) for r in d.reasons])]
    out += [
        heading("Berechnung"),
        amount_table(
            [
                ("Bewilligte Zuwendung", format_euro(d.approved_cents)),
                ("Ausgezahlt", format_euro(d.paid_cents)),
                ("Anerkannte Zuwendung", format_euro(d.recognised_cents)),
                ("Rückforderung", format_euro(d.refund_cents)),
            ],
            bold_last=True,
        ),
        heading("So zahlen Sie zurück"),
        info_table(
            [
                ("Betrag", format_euro(d.refund_cents)),
                ("Fällig bis", format_date(d.due_on)),
                ("Empfänger", d.pay_to_holder),
                ("IBAN", group_iban(d.pay_to_iban)),
                ("Verwendungszweck", d.purpose_text),
            ]
        ),
    ]
    if d.interest_note:
        out.append(para(d.interest_note))
    if d.clause:
        out.append(para(f"Die Rückforderung regelt die Förderrichtlinie unter {d.clause}."))
    return out


REFUND = LetterKind(
    kind="refund",
    label="Rückforderung",
    data_type=RefundData,
    placeholders=(
        "refund_amount",
        "amount",
        "refund_due",
        "due_date",
        "reasons",
        "approved_amount",
        "paid_amount",
        "recognised_amount",
    ),
    values=_refund_values,
    sections=_refund_sections,
    snapshot=RefundSnapshot,
    from_snapshot=_refund,
    file_name="Rueckforderung",
    mail_subject=mail_msgid("Rückforderung für %(title)s"),
    default_text=REFUND_TEXT,
    objection=True,
    needs=frozenset({"balance"}),
)
