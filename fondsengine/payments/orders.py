"""The payment orders as the office reads them: a fund's payment requests not yet paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.lifecycle import authz
from fondsengine.model import Application, Payment
from fondsengine.model.money import OPEN_PAYMENT, REQUESTED


@dataclass(frozen=True)
class PaymentOrder:
    """One open payment request with the application it belongs to."""

    id: int
    application_id: int
    kind: str
    amount_cents: int
    iban: str | None
    account_holder: str | None
    purpose: str
    requested_at: datetime
    file_number: str | None
    title: str


def open_payment_requests(fonds: Engine, actor: Actor, fund_id: str) -> list[PaymentOrder]:
    """The fund's payment requests not yet paid, oldest first (one query); the fund's office only."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), "manager")
        rows = s.execute(
            select(
                Payment.id,
                Payment.application_id,
                Payment.kind,
                Payment.amount_cents,
                Payment.iban,
                Payment.account_holder,
                Payment.purpose,
                Payment.requested_at,
                Application.file_number,
                Application.title,
            )
            .join(Application, Application.id == Payment.application_id)
            .where(Payment.fund_id == fund_id, Payment.status.in_(OPEN_PAYMENT))  # ix_payments_fund_status_requested
            .order_by(Payment.requested_at, Payment.id)
        ).all()
    return [PaymentOrder(**row._asdict()) for row in rows]


@dataclass(frozen=True)
class RequestedPayment:
    """A payment request of one application the office has not recorded as paid yet."""

    id: int
    amount_cents: int
    kind: str
    requested_at: datetime
    iban: str | None


def requested_payments(fonds: Engine, actor: Actor, application_id: int) -> list[RequestedPayment]:
    """The open payment requests of an application, oldest first (its fund's office only)."""
    with fonds.db.read() as s:
        app, roles = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        if "manager" not in roles:  # the record's other readers know it exists, but pay nothing
            raise PermissionDenied("Auszahlungen vermerkt nur die Geschäftsführung des Fonds.")
        rows = s.execute(
            select(Payment.id, Payment.amount_cents, Payment.kind, Payment.requested_at, Payment.iban)
            .where(Payment.application_id == app.id, Payment.status == REQUESTED)
            .order_by(Payment.id)
        ).all()
    return [RequestedPayment(r.id, r.amount_cents, r.kind, r.requested_at, r.iban) for r in rows]
