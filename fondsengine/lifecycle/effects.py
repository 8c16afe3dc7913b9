"""The effect functions behind the names in workflows/*.yaml, registered in EFFECTS (workflow/registry.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.actor import Actor
from fondsengine.clock import local_date
from fondsengine.guidelines.calc import lapse_rule_text
from fondsengine.guidelines.model import Guideline
from fondsengine.guidelines.rules_money import lifted_limits_cited
from fondsengine.letters.registry import LETTER_KINDS, kind_label, letter_kind
from fondsengine.letters.spec import LetterFact
from fondsengine.lifecycle.audit import StepRows, outbox_row
from fondsengine.lifecycle.guards import GuardContext
from fondsengine.lifecycle.views import application_data
from fondsengine.model import Application, LedgerEntry, Membership, User
from fondsengine.model.money import PAYMENT_KIND_LABELS
from fondsengine.money import format_euro
from fondsengine.text import mask_iban
from fondsengine.workflow.model import Transition
from fondsengine.workflow.registry import EFFECTS


@dataclass
class EffectContext:
    """What effects of one step may use and record."""

    session: Session
    app: Application
    guideline: Guideline
    actor: Actor
    now: datetime
    transition: Transition
    from_state: str
    facts: GuardContext  # the step's facts, read at most once (shared with its guards)
    rows: StepRows  # the step's append-only rows, written at its end
    reason: str | None = None
    letters: list[str] = field(default_factory=list)  # the kinds of the letters this step writes
    extra: dict[str, Any] = field(default_factory=dict)
    amount_cents: int | None = None  # the amount of this step (approval, payment, refund ...)
    payment_kind: str | None = None  # advance | instalment | final | reimbursement (payments)
    payment_id: int | None = None  # the payment row a payment step books


Effect = Callable[[EffectContext], None]


@EFFECTS.register("Bindet den bewilligten Betrag im Budget (Ledger: commitment).")
def commit_budget(c: EffectContext) -> None:
    """Book the approved amount as a commitment (locks the year; refuses overspend)."""
    assert c.app.approved_cents is not None, "approve sets approved_cents before the step"
    _book(
        c,
        ledger.commit_grant_row(
            c.session,
            fund_id=c.app.fund_id,
            year=c.app.budget_year,
            application_id=c.app.id,
            amount_cents=c.app.approved_cents,
            at=c.now,
            actor_id=c.actor.user_id,
            clause=c.guideline.budget.clause,
        ),
    )


def _book(c: EffectContext, row: dict[str, Any]) -> None:
    """Collect a booking's entry for the step's end and add it to the step's facts."""
    c.rows.ledger.append(row)
    c.facts.booked(row["kind"], row["amount_cents"], row["budget_year"])


def _book_money(c: EffectContext, kind: str, cents: int, note: str, *, payment_id: int | None = None) -> None:
    """Book money paid out or back in the application's budget year, where its payments are booked."""
    _book(
        c,
        ledger.book_row(
            c.session,
            fund_id=c.app.fund_id,
            year=c.app.budget_year,
            kind=kind,
            amount_cents=cents,
            at=c.now,
            actor_id=c.actor.user_id,
            application_id=c.app.id,
            payment_id=payment_id,
            note=note,
        ),
    )


@EFFECTS.register("Bucht die Auszahlung im Budget (Ledger: payment).")
def book_payment(c: EffectContext) -> None:
    """Book the payment of this step (amount and payment row given by the service)."""
    assert c.amount_cents is not None and c.payment_id is not None, "a payment step names its amount and row"
    note = f"Auszahlung ({PAYMENT_KIND_LABELS.get(c.payment_kind or '', c.payment_kind)})"
    _book_money(c, "payment", c.amount_cents, note, payment_id=c.payment_id)


def commitment_year(session: Session, app: Application) -> int:
    """The budget year the application's commitment is booked in (a release goes back there,
    whenever it happens); the application's budget year when nothing is committed."""
    year = session.scalar(
        select(LedgerEntry.budget_year)
        .where(LedgerEntry.application_id == app.id, LedgerEntry.kind == "commitment")
        .order_by(LedgerEntry.id)
        .limit(1)
    )
    return app.budget_year if year is None else int(year)


def _release(c: EffectContext, amount: int, note: str) -> None:
    if amount <= 0:
        return
    _book(
        c,
        ledger.book_row(
            c.session,
            fund_id=c.app.fund_id,
            year=c.facts.commitment_year,
            kind="release",
            amount_cents=amount,
            at=c.now,
            actor_id=c.actor.user_id,
            application_id=c.app.id,
            note=note,
        ),
    )


@EFFECTS.register("Gibt den gebundenen, nicht ausgezahlten Betrag frei (Ledger: release).")
def release_budget(c: EffectContext) -> None:
    """Release what is committed but not paid (lapse, cancellation)."""
    bal = c.facts.app_balance
    _release(c, bal.committed - bal.paid_net, "Freigabe: Bewilligung erloschen")


@EFFECTS.register("Gibt den nicht verbrauchten Teil nach dem Verwendungsnachweis frei.")
def settle_budget(c: EffectContext) -> None:
    """After the proof of use: release the part of the commitment that is not due."""
    assert c.app.settled_cents is not None
    bal = c.facts.app_balance
    _release(c, bal.committed - c.app.settled_cents, "Freigabe: nicht verbrauchter Teil")


@EFFECTS.register(
    "Legt bei einer Rückforderung vor dem Verwendungsnachweis den zustehenden Betrag fest (ausgezahlt "
    "minus Rückforderung) und gibt den darüber gebundenen Teil frei (Ledger: release)."
)
def release_on_refund_claim(c: EffectContext) -> None:
    """A claim before the proof of use (no amount due fixed yet): the amount due becomes what was paid
    minus the claim, and what stays committed above it is released in the commitment's year. After the
    proof (amount due fixed) nothing is released: accepting the proof released the unused part."""
    assert c.amount_cents is not None, "a refund claim names its amount"
    if c.app.settled_cents is not None:
        return
    bal = c.facts.app_balance
    c.app.settled_cents = bal.paid_net - c.amount_cents
    _release(c, bal.committed - c.app.settled_cents, "Freigabe: Rückforderung")


@EFFECTS.register("Bucht das zurückgezahlte Geld im Budget (Ledger: refund).")
def book_refund(c: EffectContext) -> None:
    """Book money paid back against the open claim (amount given by the service, in the application's
    budget year, where its payments are booked)."""
    assert c.amount_cents is not None and c.amount_cents > 0, "a refund step names its amount"
    _book_money(c, "refund", c.amount_cents, "Rückzahlung eingegangen")


def _snapshot(c: EffectContext, kind: str) -> dict[str, Any]:
    """The letter's stored snapshot: the application's own values, and what the kind's registration
    says it needs besides (`LetterKind.needs`), each taken from the step's facts (read once per step)."""
    app = c.app
    needs = letter_kind(kind).needs
    return {
        "kind": kind,
        "date": local_date(c.now).isoformat(),
        "file_number": app.file_number,
        "fund_id": app.fund_id,
        "fund_name": c.guideline.name,
        "guideline_hash": c.guideline.version_hash,
        "title": app.title,
        "applicant_name": app.contact_name,
        "organisation": app.organisation,
        "address": [
            x
            for x in (
                app.contact_street,
                f"{app.contact_postcode or ''} {app.contact_city or ''}".strip(),
            )
            if x
        ],
        "requested_cents": app.requested_cents,
        "approved_cents": app.approved_cents,
        "settled_cents": app.settled_cents,
        **({"paid_cents": c.facts.app_balance.paid_net} if "balance" in needs else {}),
        "conditions": list(app.conditions or []),
        "reason": c.reason,
        "from_state": c.from_state,
        "to_state": c.transition.target,
        "proof_due_on": app.proof_due_on.isoformat() if app.proof_due_on else None,
        # the end of the call period and the rule behind it (approval letter: "erlischt am ...")
        "lapse_date": app.lapse_due_on.isoformat() if app.lapse_due_on else None,
        "lapse_rule": lapse_rule_text(c.guideline, app.lapse_due_on) if app.lapse_due_on else None,
        "lapse_clause": c.guideline.payment.lapse_clause,
        "extra": dict(c.extra),
        "trigger": c.transition.trigger,
        "amount_cents": c.amount_cents,
        "submitted_on": local_date(app.submitted_at).isoformat() if app.submitted_at else None,
        "approved_on": local_date(app.decided_at).isoformat() if app.decided_at else None,
        "project_start": app.project_start.isoformat() if app.project_start else None,
        "project_end": app.project_end.isoformat() if app.project_end else None,
        "own_funds_cents": app.own_funds_cents,
        # the one masking rule (fondsengine/text.py), stored without its grouping as before
        "iban_masked": mask_iban(app.iban).replace(" ", "") if app.iban else None,
        "legal_form": app.legal_form,
        "representative": app.representative,
        "grant_file_number": app.grant_file_number,
        **_needed(c, kind, needs),
    }


def _needed(c: EffectContext, kind: str, needs: frozenset[LetterFact]) -> dict[str, Any]:
    """The snapshot's keys a letter kind needs besides the application's values (`LetterKind.needs`)."""
    app = c.app
    details: dict[str, Any] = {}
    if "cost_lines" in needs:
        details["cost_lines"] = [[i.category, i.description, i.amount_cents] for i in app.cost_items]
    if "proof" in needs:
        proof = c.facts.proof
        details["receipts"] = [
            [
                r.position,
                f"{r.payee}: {r.purpose}",
                r.amount_cents,
                r.status == "accepted",
                r.reject_reason
                if r.accepted_cents is None
                else f"anerkannt {format_euro(r.accepted_cents)}: {r.reject_reason or ''}".rstrip(": "),
            ]
            for r in (c.facts.receipts if proof is not None else [])
        ]
        details["eligible_cents"] = proof.eligible_cents if proof is not None else None
    if "decision" in needs:
        details["lapse_due_on"] = app.lapse_due_on.isoformat() if app.lapse_due_on else None
        details["decided_on"] = local_date(app.decided_at).isoformat() if app.decided_at else None
    if "lifted_limits" in needs and app.lifted_limits:  # each lifted soft limit, its clause and the reason
        granted = replace(application_data(app), requested_cents=app.approved_cents or app.requested_cents)
        details["lifted_limits"] = [list(x) for x in lifted_limits_cited(granted, c.guideline)]
    if "review_failures" in needs:
        labels = {i.id: (i.label, i.clause) for i in c.guideline.review_checklist}
        details["review_failures"] = [
            [labels.get(item, (item, None))[0], labels.get(item, (item, None))[1], note]
            for item, result, note in c.facts.review_items
            if result == "not_fulfilled"
        ]
    return details


def _mail_facts(c: EffectContext, kind: str) -> dict[str, Any]:
    """The figures the mail that carries a letter states in its text (the approval names its amount)."""
    if not letter_kind(kind).approves:
        return {}
    return {
        "approved_cents": c.app.approved_cents,
        "proof_due_on": c.app.proof_due_on.isoformat() if c.app.proof_due_on else None,
        "lapse_date": c.app.lapse_due_on.isoformat() if c.app.lapse_due_on else None,
    }


def _letter(kind: str) -> Effect:
    def effect(c: EffectContext) -> None:
        c.rows.letters.append(
            {"application_id": c.app.id, "kind": kind, "created_at": c.now, "data": _snapshot(c, kind)}
        )
        c.letters.append(kind)
        mail = outbox_row(
            dedup_key="letter:",  # its id is known when the step's letters are written (StepRows.write)
            topic=f"letter_{kind}",
            at=c.now,
            payload={"title": c.app.title, "file_number": c.app.file_number, "kind": kind, **_mail_facts(c, kind)},
            recipient_id=c.app.applicant_id,
            recipient_email=c.app.contact_email,
            application_id=c.app.id,
        )
        c.rows.outbox.append((mail, len(c.rows.letters) - 1))

    effect.__doc__ = f"Create the '{kind}' letter and queue it for the applicant."
    return effect


@EFFECTS.register("E-Mail an die Antragstellerin / den Antragsteller")
def notify_applicant(c: EffectContext) -> None:
    """Tell the applicant about the new state (unless a letter already goes out)."""
    if c.letters:
        return
    mail = outbox_row(
        dedup_key=f"status:{c.app.id}:{c.app.row_version}",
        topic="status_changed",
        at=c.now,
        payload={"title": c.app.title, "state": c.transition.target, "reason": c.reason},
        recipient_id=c.app.applicant_id,
        recipient_email=c.app.contact_email,
        application_id=c.app.id,
    )
    c.rows.outbox.append((mail, None))


@EFFECTS.register("E-Mail an die Geschäftsführung")
def notify_office(c: EffectContext) -> None:
    """Tell the fund's managers that something needs their attention (not about a draft they never saw)."""
    if c.app.file_number is None:
        return
    managers = c.session.execute(
        select(User.id, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.fund_id == c.app.fund_id, Membership.role == "manager", User.active.is_(True))
    ).all()
    for user_id, email in managers:
        mail = outbox_row(
            dedup_key=f"office:{c.app.id}:{c.app.row_version}:{user_id}",
            topic="office_attention",
            at=c.now,
            payload={
                "title": c.app.title,
                "state": c.transition.target,
                "file_number": c.app.file_number,
            },
            recipient_id=user_id,
            recipient_email=email,
            application_id=c.app.id,
        )
        c.rows.outbox.append((mail, None))


# one effect per registered letter kind (fondsengine/letters/registry.py), named letter_<kind>
for _kind in LETTER_KINDS:
    EFFECTS.add(f"letter_{_kind}", kind_label(_kind), _letter(_kind))
