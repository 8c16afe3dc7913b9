"""Letters that inform: receipt, request for changes, payment notice, lapse, jury recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from fondsengine.guidelines.calc import changes_due_date
from fondsengine.guidelines.model import Guideline
from fondsengine.letters.defaults import CHANGES_TEXT, LAPSE_TEXT, PAYMENT_TEXT, RECEIPT_TEXT, RECOMMENDATION_TEXT
from fondsengine.letters.fmt import format_date, mask_iban
from fondsengine.letters.model import (
    ChangesData,
    LapseData,
    LetterContext,
    PaymentData,
    Reason,
    ReceiptData,
    RecommendationData,
)
from fondsengine.letters.spec import LetterKind, mail_msgid
from fondsengine.letters.stored import LetterSnapshot
from fondsengine.money import format_euro

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

# The section builders import reportlab (through letters.styles) when a letter is rendered, not
# when the registry of letter kinds is read (the web worker checks placeholders, rarely renders).


def with_clause(reason: Reason) -> str:
    """A reason followed by its clause in parentheses, when it has one."""
    return f"{reason.text} ({reason.clause})" if reason.clause else reason.text


def listed(reasons: tuple[Reason, ...]) -> str:
    """Reasons as lines for a {reasons} placeholder."""
    return "\n".join(f"– {with_clause(r)}" for r in reasons)


def reasons_of(text: str | None) -> tuple[Reason, ...]:
    """A snapshot's free-text reason as the letter's list of reasons (none when empty)."""
    return (Reason(text.strip()),) if text and text.strip() else ()


@dataclass(frozen=True)
class ReceiptSnapshot(LetterSnapshot):
    """The stored keys the receipt reads."""

    submitted_on: date | None = None
    requested_cents: int = 0


def _session_for(g: Guideline, submitted: date) -> date | None:
    """The jury session the application goes to: the session of the round it was submitted in."""
    found = g.timing.round_for(submitted)
    return found.session_date if found is not None and found.session_date != date.min else None


def _receipt(s: ReceiptSnapshot, g: Guideline, on: date) -> ReceiptData:
    submitted = s.submitted_on or on
    return ReceiptData(
        submitted_on=submitted,
        requested_cents=s.requested_cents,
        session_date=_session_for(g, submitted),
    )


def _receipt_values(d: ReceiptData) -> dict[str, str]:
    return {
        "submitted_on": format_date(d.submitted_on),
        "requested_amount": format_euro(d.requested_cents),
        "amount": format_euro(d.requested_cents),
        "session_date": format_date(d.session_date) if d.session_date else "",
    }


def _receipt_sections(ctx: LetterContext, d: ReceiptData) -> list[Flowable]:
    from fondsengine.letters.styles import heading, info_table, para, paragraphs

    out: list[Flowable] = [
        heading("Ihr Antrag"),
        info_table(
            [
                ("Projekt", ctx.project_title),
                ("Aktenzeichen", ctx.file_number),
                ("Eingegangen am", format_date(d.submitted_on)),
                ("Beantragte Zuwendung", format_euro(d.requested_cents)),
            ]
        ),
    ]
    if d.session_date:
        session = format_date(d.session_date)
        text = f"Ihr Antrag wird voraussichtlich in der Jurysitzung am {session} beraten."
        out.append(para(text))
    if d.next_steps:
        out += paragraphs(d.next_steps)
    return out


RECEIPT = LetterKind(
    kind="receipt",
    label="Eingangsbestätigung",
    data_type=ReceiptData,
    placeholders=("submitted_on", "requested_amount", "amount", "session_date"),
    values=_receipt_values,
    sections=_receipt_sections,
    snapshot=ReceiptSnapshot,
    from_snapshot=_receipt,
    file_name="Eingangsbestaetigung",
    mail_subject=mail_msgid("Eingangsbestätigung für Ihren Antrag %(title)s"),
    default_text=RECEIPT_TEXT,
)


@dataclass(frozen=True)
class ChangesSnapshot(LetterSnapshot):
    """The stored keys the request for changes reads."""

    reason: str | None = None  # what is missing, in the office's words


def _changes(s: ChangesSnapshot, g: Guideline, on: date) -> ChangesData:
    return ChangesData(
        items=reasons_of(s.reason) or (Reason("Bitte ergänzen Sie Ihren Antrag."),),
        respond_by=changes_due_date(g, on),
    )


def _changes_values(d: ChangesData) -> dict[str, str]:
    respond_by = format_date(d.respond_by) if d.respond_by else ""
    return {"respond_by": respond_by, "due_date": respond_by, "reasons": listed(d.items)}


def _changes_sections(ctx: LetterContext, d: ChangesData) -> list[Flowable]:
    from fondsengine.letters.styles import bullets, heading, para, paragraphs

    out: list[Flowable] = [bullets([with_clause(item) for item in d.items])] if d.items else []
    if d.message:
        out += [heading("Hinweis von uns"), *paragraphs(d.message)]
    email = ctx.contact_email or ctx.office.email
    how = f"am einfachsten über Ihr Antragskonto oder per E-Mail an {email}"
    when = f"bis zum {format_date(d.respond_by)}" if d.respond_by else "möglichst bald"
    out.append(para(f"Bitte reichen Sie die fehlenden Angaben {when} ein, {how}."))
    return out


CHANGES = LetterKind(
    kind="changes",
    label="Nachforderung",
    data_type=ChangesData,
    placeholders=("respond_by", "due_date", "reasons"),
    values=_changes_values,
    sections=_changes_sections,
    snapshot=ChangesSnapshot,
    from_snapshot=_changes,
    file_name="Nachforderung",
    mail_subject=mail_msgid("Bitte ergänzen Sie Ihren Antrag %(title)s"),
    default_text=CHANGES_TEXT,
)


@dataclass(frozen=True)
class PaymentSnapshot(LetterSnapshot):
    """The stored keys the payment notice reads."""

    amount_cents: int = 0  # this payment
    iban_masked: str = ""
    approved_cents: int = 0
    settled_cents: int = 0  # the recognised grant (the final payment states it)
    paid_cents: int = 0  # paid before this payment
    trigger: str = ""  # the step that paid
    extra: dict[str, Any] = field(default_factory=dict)  # payment_label: "Abschlag (80 %)", ...


def _payment(s: PaymentSnapshot, _g: Guideline, on: date) -> PaymentData:
    # the final payment is the one after the proof of use settled the grant (settled_cents is set
    # from then on; an advance before it has none): so a stored payment letter of an earlier version,
    # which carries no payment_label, is still named, without the code naming the workflow's step
    final = bool(s.settled_cents)
    return PaymentData(
        amount_cents=s.amount_cents,
        paid_on=on,
        iban=s.iban_masked,
        purpose_text=f"{s.file_number} {s.title}".strip()[:140],
        approved_cents=s.settled_cents if final else s.approved_cents,
        total_paid_cents=s.paid_cents + s.amount_cents,
        payment_label=str(s.extra.get("payment_label") or ("Schlusszahlung" if final else "Auszahlung")),
    )


def _payment_values(d: PaymentData) -> dict[str, str]:
    return {
        "payment_amount": format_euro(d.amount_cents),
        "amount": format_euro(d.amount_cents),
        "paid_on": format_date(d.paid_on),
        "approved_amount": format_euro(d.approved_cents),
        "total_paid": format_euro(d.total_paid_cents),
        "remaining_amount": format_euro(d.remaining_cents),
    }


def _payment_sections(_ctx: LetterContext, d: PaymentData) -> list[Flowable]:
    from fondsengine.letters.styles import amount_table, heading, info_table

    return [
        heading("Überweisung"),
        info_table(
            [
                (d.payment_label, format_euro(d.amount_cents)),
                ("Angewiesen am", format_date(d.paid_on)),
                ("Auf Ihr Konto", mask_iban(d.iban)),
                ("Verwendungszweck", d.purpose_text),
            ]
        ),
        heading("Stand Ihrer Zuwendung"),
        amount_table(
            [
                ("Bewilligte Zuwendung", format_euro(d.approved_cents)),
                ("Bisher ausgezahlt (mit dieser Zahlung)", format_euro(d.total_paid_cents)),
                ("Noch offen", format_euro(d.remaining_cents)),
            ],
            bold_last=True,
        ),
    ]


PAYMENT = LetterKind(
    kind="payment",
    label="Auszahlungsmitteilung",
    data_type=PaymentData,
    placeholders=(
        "payment_amount",
        "amount",
        "paid_on",
        "approved_amount",
        "total_paid",
        "remaining_amount",
    ),
    values=_payment_values,
    sections=_payment_sections,
    snapshot=PaymentSnapshot,
    from_snapshot=_payment,
    file_name="Auszahlungsmitteilung",
    mail_subject=mail_msgid("Auszahlungsmitteilung für %(title)s"),
    default_text=PAYMENT_TEXT,
    needs=frozenset({"balance"}),
)


@dataclass(frozen=True)
class LapseSnapshot(LetterSnapshot):
    """The stored keys the lapse notice reads."""

    approved_cents: int = 0
    approved_on: date | None = None


def _lapse(s: LapseSnapshot, g: Guideline, on: date) -> LapseData:
    return LapseData(
        approved_cents=s.approved_cents,
        approved_on=s.approved_on or on,
        lapsed_on=on,
        lapse_after_days=g.payment.lapse_after_days,
        clause=g.payment.lapse_clause,
    )


def _lapse_values(d: LapseData) -> dict[str, str]:
    return {
        "approved_amount": format_euro(d.approved_cents),
        "amount": format_euro(d.approved_cents),
        "approved_on": format_date(d.approved_on),
        "lapsed_on": format_date(d.lapsed_on),
        "lapse_after_days": str(d.lapse_after_days),
    }


def _lapse_sections(_ctx: LetterContext, d: LapseData) -> list[Flowable]:
    from fondsengine.letters.styles import para, paragraphs

    out: list[Flowable] = paragraphs(d.note) if d.note else []
    if d.clause:
        out.append(para(f"Die Regel dazu steht in der Förderrichtlinie unter {d.clause}."))
    return out


LAPSE = LetterKind(
    kind="lapse",
    label="Erlöschen der Bewilligung",
    data_type=LapseData,
    placeholders=("approved_amount", "amount", "approved_on", "lapsed_on", "lapse_after_days"),
    values=_lapse_values,
    sections=_lapse_sections,
    snapshot=LapseSnapshot,
    from_snapshot=_lapse,
    file_name="Erloeschen-der-Bewilligung",
    mail_subject=mail_msgid("Ihre Bewilligung für %(title)s ist erloschen"),
    default_text=LAPSE_TEXT,
    objection=True,  # the lapse ends the grant: a decision with a remedy
    needs=frozenset({"decision"}),
)


@dataclass(frozen=True)
class RecommendationSnapshot(LetterSnapshot):
    """The stored keys the jury's recommendation reads."""

    approved_cents: int = 0  # the amount the jury recommends
    requested_cents: int = 0


def _recommendation(s: RecommendationSnapshot, g: Guideline, on: date) -> RecommendationData:
    return RecommendationData(
        recommended_cents=s.approved_cents,
        requested_cents=s.requested_cents,
        session_date=on,
        granting_body=g.decision.granting_body or g.office.city_name or "die Stadt",
    )


def _recommendation_values(d: RecommendationData) -> dict[str, str]:
    return {
        "recommended_amount": format_euro(d.recommended_cents),
        "amount": format_euro(d.recommended_cents),
        "requested_amount": format_euro(d.requested_cents),
        "session_date": format_date(d.session_date),
        "granting_body": d.granting_body,
    }


def _recommendation_sections(_ctx: LetterContext, d: RecommendationData) -> list[Flowable]:
    from fondsengine.letters.styles import amount_table, bullets, heading, para

    out: list[Flowable] = [
        amount_table(
            [
                ("Beantragte Zuwendung", format_euro(d.requested_cents)),
                ("Von der Jury empfohlen", format_euro(d.recommended_cents)),
            ],
            bold_last=True,
        ),
    ]
    if d.notes:
        out += [heading("Hinweise der Jury"), bullets(d.notes)]
    if d.clause:
        out.append(para(f"Das zweistufige Verfahren regelt die Förderrichtlinie unter {d.clause}."))
    return out


RECOMMENDATION = LetterKind(
    kind="recommendation",
    label="Empfehlung der Jury",
    data_type=RecommendationData,
    placeholders=(
        "recommended_amount",
        "amount",
        "requested_amount",
        "session_date",
        "granting_body",
    ),
    values=_recommendation_values,
    sections=_recommendation_sections,
    snapshot=RecommendationSnapshot,
    from_snapshot=_recommendation,
    file_name="Empfehlung-der-Jury",
    mail_subject=mail_msgid("Empfehlung der Jury zu Ihrem Antrag %(title)s"),
    default_text=RECOMMENDATION_TEXT,
    guideline_text=False,  # not in the guideline's letters section (yet)
    needs=frozenset({"decision"}),
)
