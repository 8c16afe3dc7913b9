"""Payments: requests by the applicant, payments recorded by the office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Select, func, select, update
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import GuardFailed, InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.calc import lapse_rule_text
from fondsengine.guidelines.model import Guideline
from fondsengine.iban import normalise_iban, valid_iban
from fondsengine.json_reads import Id
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.fire import fire, guideline_of, workflow_of
from fondsengine.lifecycle.guards import GuardContext, Known, payable_now, payment_mode_allowed
from fondsengine.model import Application, Payment
from fondsengine.model.money import ADVANCE_KINDS, OPEN_PAYMENT, PAID, PAYMENT_KIND_LABELS, REQUESTED
from fondsengine.money import format_euro
from fondsengine.workflow.model import Transition, Workflow
from fondsengine.workflow.use_cases import RECORD_PAYMENT

PAYMENT_READERS = frozenset({"applicant", "manager", "auditor", "city_approver"})  # payments, lapse date

PAYMENT_KINDS = ("advance", "instalment", "final", "reimbursement")
PAYMENT_EFFECT = "book_payment"  # a step with this effect books a payment
NO_BANK_ACCOUNT = (
    "Ohne gültige IBAN und Kontoinhaberin / Kontoinhaber wird keine Auszahlung gebucht. "
    "Bitte erfassen Sie zuerst die Bankverbindung."
)


@dataclass(frozen=True)
class Allowance:
    """What the applicant may call now."""

    payable_cents: int  # the most that can be requested now (0 when nothing)
    label: str  # Abschlag, Schlusszahlung, ...
    reason: str | None  # why nothing can be requested now (German), None when a request is possible


def _allowance(
    session: Session, app: Application, guideline: Guideline, workflow: Workflow, now: datetime
) -> Allowance:
    if "payment" not in workflow.state(app.state).waiting_for:
        return Allowance(0, "", "Eine Auszahlung kann erst nach der Bewilligung angefordert werden.")
    room, label, refusal = payable_now(GuardContext(session, app, guideline, now))
    if refusal is not None:
        return Allowance(0, "", refusal.message)
    if room <= 0:
        return Allowance(0, label, "Zurzeit ist nichts zur Auszahlung offen.")
    open_request = session.scalar(
        select(Payment.id).where(Payment.application_id == app.id, Payment.status.in_(OPEN_PAYMENT))
    )
    if open_request is not None:
        return Allowance(room, label, "Es gibt bereits eine offene Auszahlungsanforderung.")
    return Allowance(room, label, None)


LAPSE_WARNING_DAYS = 30  # as the lapse_warning job (fondsengine.jobs.deadlines)


@dataclass(frozen=True)
class LapseNotice:
    """When an approval lapses and whether the applicant should be warned now (status page)."""

    lapse_on: date
    rule: str  # the lapse rule in one German sentence, with the clause
    days_left: int
    warn: bool  # within LAPSE_WARNING_DAYS (or past) and not stopped
    stopped: bool  # a payment request is open: the approval does not lapse


def lapse_notice(fonds: Engine, actor: Actor, application_id: int) -> LapseNotice | None:
    """The lapse date of an approval not called yet (None when nothing can lapse)."""
    with fonds.db.read() as s:
        today = local_date(fonds.clock.now())
        app, roles = authz.load_visible_application(s, actor, application_id, today)
        if not roles & PAYMENT_READERS:
            raise NotFound("Diesen Antrag gibt es nicht.")
        payments = list(s.scalars(select(Payment).where(Payment.application_id == app.id)))
        return lapse_notice_in(fonds, s, app, payments, today)


def lapse_notice_in(
    fonds: Engine, s: Session, app: Application, payments: list[Payment], today: date
) -> LapseNotice | None:
    """`lapse_notice` of an application already loaded (and authorised) in this session, from its
    payments (a request still open stops the lapse)."""
    lapsing = fonds.catalog.workflow(s, app.workflow_version_id).state_ids(guarded_by="lapse_due")
    if app.state not in lapsing or app.lapse_due_on is None:
        return None
    guideline = fonds.catalog.guideline(s, app.guideline_version_id)
    stopped = any(p.status in OPEN_PAYMENT for p in payments)
    days = (app.lapse_due_on - today).days
    return LapseNotice(
        app.lapse_due_on,
        lapse_rule_text(guideline, app.lapse_due_on),
        days,
        not stopped and days <= LAPSE_WARNING_DAYS,
        stopped,
    )


def payment_allowance(fonds: Engine, actor: Actor, application_id: int) -> Allowance:
    """How much the applicant (or the office for them) may call now, or why nothing."""
    with fonds.db.read() as s:
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if not roles & {"applicant", "manager"}:
            raise NotFound("Diesen Antrag gibt es nicht.")
        guideline = fonds.catalog.guideline(s, app.guideline_version_id)
        return _allowance(s, app, guideline, fonds.catalog.workflow(s, app.workflow_version_id), now)


def request_payment(
    fonds: Engine,
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
        allowance = _allowance(s, app, guideline, workflow_of(uow, app), now)
        if allowance.reason is not None:
            raise InvalidInput(allowance.reason)
        result = payment_mode_allowed(GuardContext(s, app, guideline, now, amount_cents=amount_cents))
        if not result.ok:
            raise GuardFailed(result.message, clause=result.clause, reasons=(result.message,))
        app.iban, app.account_holder = clean_iban, account_holder.strip()
        payment = Payment(
            application_id=app.id,
            fund_id=app.fund_id,
            kind=kind,
            status=REQUESTED,
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


def set_bank_account(fonds: Engine, actor: Actor, application_id: int, *, iban: str, account_holder: str) -> None:
    """The applicant (or the office for them) gives the bank account payments go to (audited)."""
    clean_iban = normalise_iban(iban)
    holder = account_holder.strip()
    if not holder:
        raise InvalidInput("Bitte geben Sie die Kontoinhaberin / den Kontoinhaber an.", field="account_holder")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if not roles & {"applicant", "manager"}:
            raise NotFound("Diesen Antrag gibt es nicht.")
        app.iban, app.account_holder = clean_iban, holder[:200]
        record(
            s,
            actor=actor,
            role=authz.primary_role(roles),
            action="set_bank_account",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"iban_last4": clean_iban[-4:]},
        )
        uow.commit()


def _bank_account(payment: Payment | None, app: Application) -> tuple[str, str] | None:
    """The IBAN and holder a payment goes to (the request's, else the application's); None when missing."""
    iban = (payment.iban if payment is not None and payment.iban else None) or app.iban
    holder = (payment.account_holder if payment is not None and payment.account_holder else None) or app.account_holder
    if iban is None or not valid_iban(iban) or not (holder or "").strip():
        return None
    return normalise_iban(iban), (holder or "").strip()


def advance_paid_at_from_payments(conn: Connection) -> None:
    """Set every application's `advance_paid_at` from its payments (the first paid advance or instalment):
    for writers around `record_payment` (the benchmark's bulk seed); migration 0029 does the same."""
    first = (
        select(func.min(Payment.paid_at))
        .where(Payment.application_id == Application.id, Payment.status == PAID, Payment.kind.in_(ADVANCE_KINDS))
        .scalar_subquery()
    )
    conn.execute(update(Application).values(advance_paid_at=first))


def record_payment(
    fonds: Engine,
    actor: Actor,
    application_id: int,
    *,
    amount_cents: int,
    kind: str,
    paid_at: datetime | None = None,
    payment_id: int | None = None,
) -> int:
    """The office records a payment that left the city's account (books it in the ledger).

    Never without a valid IBAN and account holder (from the payment request or the application)."""
    if kind not in PAYMENT_KINDS:
        raise InvalidInput("Unbekannte Art der Auszahlung.", field="kind")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Auszahlungen bucht nur die Geschäftsführung.")
        step = payment_step(workflow_of(uow, app), app.state)
        known = None
        if workflow_of(uow, app).state(step.target).terminal:  # the final payment closes the application
            balance = ledger.application_balance(s, app.id)
            known = Known(app_balance=balance)  # the step's guards and letter take it from here
            remaining = (app.settled_cents or 0) - balance.paid_net
            if amount_cents != remaining:
                raise InvalidInput(
                    f"Die Schlusszahlung muss genau {format_euro(remaining)} betragen.",
                    field="amount",
                )
        payment = _locked_payment(s, payment_id) if payment_id is not None else None
        if payment_id is not None and (payment is None or payment.application_id != app.id):
            raise NotFound("Diese Auszahlungsanforderung gibt es nicht.")
        if payment is not None and payment.status == PAID:
            raise InvalidInput("Diese Auszahlung ist bereits gebucht.")
        bank = _bank_account(payment, app)
        if bank is not None:
            app.iban, app.account_holder = bank  # the letter prints the account paid into (masked)
        iban, holder = bank if bank is not None else (None, None)
        if payment is None:
            payment = Payment(
                application_id=app.id,
                fund_id=app.fund_id,
                kind=kind,
                requested_at=now,
                iban=iban,
                account_holder=holder,
                purpose=f"{app.file_number} {app.title}"[:140],
            )
            s.add(payment)
        payment.amount_cents, payment.kind, payment.status = amount_cents, kind, PAID
        payment.paid_at, payment.recorded_by_id = paid_at or now, actor.user_id
        if kind in ADVANCE_KINDS and (app.advance_paid_at is None or payment.paid_at < app.advance_paid_at):
            app.advance_paid_at = payment.paid_at  # the to-do list's unused advances, oldest first
        s.flush()
        # the step's effects book the payment in the ledger (book_payment) and write the letter
        fire(
            uow,
            actor,
            app,
            RECORD_PAYMENT,
            amount_cents=amount_cents,
            payment_kind=kind,
            payment_id=payment.id,
            now=now,
            extra={"payment_kind": kind, "payment_label": PAYMENT_KIND_LABELS[kind]},
            known=known,
        )
        if bank is None:  # after the guards, so a step that is not possible says why first (rolls back)
            raise InvalidInput(NO_BANK_ACCOUNT, field="iban")
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


def payment_step(workflow: Workflow, state: str) -> Transition:
    """The step that books a payment from this state (else the first one: firing it then explains why not)."""
    books = [t for t in workflow.transitions if PAYMENT_EFFECT in t.effects]
    return next((t for t in books if state in t.sources), books[0])


def _locked_payment(session: Session, payment_id: int) -> Payment | None:
    """The payment row, locked and freshly read (its application is already locked)."""
    return session.scalar(
        select(Payment).where(Payment.id == payment_id).with_for_update().execution_options(populate_existing=True)
    )


def payments_of(fonds: Engine, actor: Actor, application_id: int) -> list[Payment]:
    """The payments of an application the actor may see."""
    with fonds.db.read() as s:
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(fonds.clock.now()))
        if not roles & PAYMENT_READERS:
            raise NotFound("Diesen Antrag gibt es nicht.")
        return payments_in(s, app)


def payments_in(s: Session, app: Application) -> list[Payment]:
    """The payments of an application already loaded in this session (`PAYMENT_READERS` asked)."""
    return list(s.scalars(payments_statement(app.id)))


def payments_statement(application_id: Id) -> Select[Payment]:
    """The statement of `payments_in` (also read together with others, `json_reads`)."""
    return select(Payment).where(Payment.application_id == application_id).order_by(Payment.id)
