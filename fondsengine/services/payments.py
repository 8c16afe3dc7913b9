"""Payments: requests by the applicant, payments recorded by the office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.errors import GuardFailed, InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.model import Guideline
from fondsengine.iban import normalise_iban
from fondsengine.model import Application, Payment
from fondsengine.money import format_euro
from fondsengine.services import authz
from fondsengine.services.audit import record
from fondsengine.services.context import Actor, Fonds
from fondsengine.services.guards import GuardContext, payable_now, payment_mode_allowed
from fondsengine.services.lifecycle import fire, guideline_of

PAYMENT_KINDS = ("advance", "instalment", "final", "reimbursement")
REQUEST_STATES = ("approved", "paid", "proof_accepted")


@dataclass(frozen=True)
class Allowance:
    """What the applicant may call now."""

    payable_cents: int  # the most that can be requested now (0 when nothing)
    label: str  # Abschlag, Schlusszahlung, ...
    reason: str | None  # why nothing can be requested now (German), None when a request is possible


KIND_LABELS = {"advance": "Abschlag", "instalment": "Rate", "final": "Schlusszahlung", "reimbursement": "Erstattung"}


def _allowance(session: Session, app: Application, guideline: Guideline, now: datetime) -> Allowance:
    if app.state not in REQUEST_STATES:
        return Allowance(0, "", "Eine Auszahlung kann erst nach der Bewilligung angefordert werden.")
    room, label, refusal = payable_now(GuardContext(session, app, guideline, now))
    if refusal is not None:
        return Allowance(0, "", refusal.message)
    if room <= 0:
        return Allowance(0, label, "Zurzeit ist nichts zur Auszahlung offen.")
    open_request = session.scalar(
        select(Payment.id).where(Payment.application_id == app.id, Payment.status.in_(("requested", "ordered")))
    )
    if open_request is not None:
        return Allowance(room, label, "Es gibt bereits eine offene Auszahlungsanforderung.")
    return Allowance(room, label, None)


def payment_allowance(fonds: Fonds, actor: Actor, application_id: int) -> Allowance:
    """How much the applicant (or the office for them) may call now, or why nothing."""
    with fonds.db.read() as s:
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if not roles & {"applicant", "manager"}:
            raise NotFound("Diesen Antrag gibt es nicht.")
        return _allowance(s, app, fonds.catalog.guideline(s, app.guideline_version_id), now)


def request_payment(
    fonds: Fonds,
    actor: Actor,
    application_id: int,
    *,
    amount_cents: int,
    kind: str,
    iban: str,
    account_holder: str,
) -> int:
    """The applicant calls (part of) the grant and gives the bank details."""
    if kind not in PAYMENT_KINDS:
        raise InvalidInput("Unbekannte Art der Auszahlung.", field="kind")
    clean_iban = normalise_iban(iban)
    if not account_holder.strip():
        raise InvalidInput("Bitte geben Sie die Kontoinhaberin / den Kontoinhaber an.", field="account_holder")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if not roles & {"applicant", "manager"}:
            raise NotFound("Diesen Antrag gibt es nicht.")
        guideline = guideline_of(uow, app)
        allowance = _allowance(s, app, guideline, now)
        if allowance.reason is not None:
            raise InvalidInput(allowance.reason)
        result = payment_mode_allowed(GuardContext(s, app, guideline, now, amount_cents=amount_cents))
        if not result.ok:
            raise GuardFailed(result.message, clause=result.clause, reasons=(result.message,))
        app.iban, app.account_holder = clean_iban, account_holder.strip()
        payment = Payment(
            application_id=app.id,
            kind=kind,
            status="requested",
            amount_cents=amount_cents,
            iban=clean_iban,
            account_holder=account_holder.strip(),
            purpose=f"{app.file_number} {app.title}"[:140],
            requested_at=now,
            requested_by_id=actor.user_id,
        )
        s.add(payment)
        s.flush()
        record(
            s,
            actor=actor,
            role=authz.primary_role(roles),
            action="request_payment",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"amount_cents": amount_cents, "kind": kind, "payment_id": payment.id},
        )
        uow.commit()
        return payment.id


def record_payment(
    fonds: Fonds,
    actor: Actor,
    application_id: int,
    *,
    amount_cents: int,
    kind: str,
    paid_at: datetime | None = None,
    payment_id: int | None = None,
) -> int:
    """The office records a payment that left the city's account (books it in the ledger)."""
    if kind not in PAYMENT_KINDS:
        raise InvalidInput("Unbekannte Art der Auszahlung.", field="kind")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Auszahlungen bucht nur die Geschäftsführung.")
        trigger = "record_payment"
        if app.state == "proof_accepted":
            remaining = (app.settled_cents or 0) - ledger.application_balance(s, app.id).paid_net
            if amount_cents != remaining:
                raise InvalidInput(
                    f"Die Schlusszahlung muss genau {format_euro(remaining)} betragen.",
                    field="amount",
                )
            trigger = "record_final_payment"
        payment = _locked_payment(s, payment_id) if payment_id is not None else None
        if payment_id is not None and (payment is None or payment.application_id != app.id):
            raise NotFound("Diese Auszahlungsanforderung gibt es nicht.")
        if payment is not None and payment.status == "paid":
            raise InvalidInput("Diese Auszahlung ist bereits gebucht.")
        fire(uow, actor, app, trigger, amount_cents=amount_cents, payment_kind=kind, now=now)
        if payment is None:
            payment = Payment(
                application_id=app.id,
                kind=kind,
                requested_at=now,
                iban=app.iban,
                account_holder=app.account_holder,
                purpose=f"{app.file_number} {app.title}"[:140],
            )
            s.add(payment)
        payment.amount_cents, payment.kind, payment.status = amount_cents, kind, "paid"
        payment.paid_at, payment.recorded_by_id = paid_at or now, actor.user_id
        s.flush()
        ledger.book(
            s,
            lock=True,
            fund_id=app.fund_id,
            year=app.budget_year,
            kind="payment",
            amount_cents=amount_cents,
            at=now,
            actor_id=actor.user_id,
            application_id=app.id,
            payment_id=payment.id,
            note=f"Auszahlung ({KIND_LABELS.get(kind, kind)})",
        )
        record(
            s,
            actor=actor,
            role="manager",
            action="book_payment",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"amount_cents": amount_cents, "payment_id": payment.id},
        )
        uow.commit()
        return payment.id


def _locked_payment(session: Session, payment_id: int) -> Payment | None:
    """The payment row, locked and freshly read (its application is already locked)."""
    return session.scalar(
        select(Payment).where(Payment.id == payment_id).with_for_update().execution_options(populate_existing=True)
    )


def payments_of(fonds: Fonds, actor: Actor, application_id: int) -> list[Payment]:
    """The payments of an application the actor may see."""
    with fonds.db.read() as s:
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(fonds.clock.now()))
        if not roles & {"applicant", "manager", "auditor", "city_approver"}:
            raise NotFound("Diesen Antrag gibt es nicht.")
        return list(s.scalars(select(Payment).where(Payment.application_id == app.id).order_by(Payment.id)))
