"""Ledger entries, payments, refunds, proofs of use and their receipts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.labels import PAYMENT_KIND_NAMES
from fondsengine.model.base import Base, OptCents, intpk

# the statuses of a payment (the CHECK `status_known` below lists them): a request the treasury has not paid
# yet is open (at most one per application, `uq_payments_one_open_request`); paid ones are booked
PAYMENT_STATUSES = ("requested", "ordered", "paid", "cancelled")
OPEN_PAYMENT = ("requested", "ordered")
PAID = "paid"
REQUESTED = "requested"

LEDGER_KINDS = ("allocation", "commitment", "release", "payment", "refund", "expiry", "carry_over")


class LedgerEntry(Base):
    """An append-only budget booking. Balances are folds over these rows."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
        CheckConstraint(
            "kind IN ('allocation', 'commitment', 'release', 'payment', 'refund', 'expiry', 'carry_over')",
            name="kind_known",
        ),
        Index("ix_ledger_entries_fund_year", "fund_id", "budget_year"),
        # covers the balance fold and the dashboard's monthly sums without reading the table
        Index("ix_ledger_entries_fund_year_kind", "fund_id", "budget_year", "kind", "booked_at", "amount_cents"),
        # what may exist once: one commitment per application, one booking per payment (corrections are
        # counter-bookings, which carry counter_of_id)
        Index(
            "uq_ledger_entries_commitment_once",
            "application_id",
            unique=True,
            sqlite_where=text("kind = 'commitment' AND counter_of_id IS NULL"),
            postgresql_where=text("kind = 'commitment' AND counter_of_id IS NULL"),
        ),
        Index(
            "uq_ledger_entries_payment_once",
            "payment_id",
            unique=True,
            sqlite_where=text("kind = 'payment' AND counter_of_id IS NULL"),
            postgresql_where=text("kind = 'payment' AND counter_of_id IS NULL"),
        ),
    )

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"))
    budget_year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    counter_of_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    booked_at: Mapped[datetime]
    # hash chain (fondsengine/integrity/chain.py): set once, at commit, under the chain head's lock
    chain_seq: Mapped[int | None] = mapped_column(Integer, unique=True, index=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


# the German name of each kind of payment in letters and notes (fondsengine/labels.py has every wording)
PAYMENT_KIND_LABELS = {kind: names.letter for kind, names in PAYMENT_KIND_NAMES.items()}


ADVANCE_KINDS = ("advance", "instalment")  # called money the applicant has yet to prove the use of

# the predicate of the to-do list's partial index of open refunds (migration 0029 has the same text)
OPEN_REFUNDS = "received_cents < claimed_cents"


class Payment(Base):
    """A payment to the applicant: requested by them or ordered by the office, then paid."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint(
            "kind IN ('advance', 'instalment', 'final', 'reimbursement')", name="kind_known"
        ),
        CheckConstraint(
            "status IN ('requested', 'ordered', 'paid', 'cancelled')", name="status_known"
        ),
        CheckConstraint("status <> 'paid' OR paid_at IS NOT NULL", name="paid_has_date"),
        Index("ix_payments_status_requested_at", "status", "requested_at"),  # payment requests to execute
        # a fund's payment requests by status, oldest first: the to-do list (one range per fund and status)
        # and the payment orders export (migration 0033)
        Index("ix_payments_fund_status_requested", "fund_id", "status", "requested_at", "id"),
        # one open payment request per application: a second one is refused even under a race
        Index(
            "uq_payments_one_open_request",
            "application_id",
            unique=True,
            sqlite_where=text("status IN ('requested', 'ordered')"),
            postgresql_where=text("status IN ('requested', 'ordered')"),
        ),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    # the application's fund, copied when the payment is written (an application never changes its
    # fund): per-fund reads need no join through the applications (migration 0033)
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    iban: Mapped[str | None] = mapped_column(String(34))
    account_holder: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(140), default="")
    requested_at: Mapped[datetime]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Refund(Base):
    """A refund claim (Rückforderung) and what of it has arrived."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("claimed_cents > 0", name="claimed_positive"),
        CheckConstraint(
            "received_cents >= 0 AND received_cents <= claimed_cents", name="received_within_claim"
        ),
        # the to-do list's open refunds, oldest due first (migration 0029)
        Index(
            "ix_refunds_open_due",
            "due_on",
            "id",
            sqlite_where=text(OPEN_REFUNDS),
            postgresql_where=text(OPEN_REFUNDS),
        ),
        # the same per fund: the to-do list reads one range per fund (migration 0033)
        Index(
            "ix_refunds_fund_open_due",
            "fund_id",
            "due_on",
            "id",
            sqlite_where=text(OPEN_REFUNDS),
            postgresql_where=text(OPEN_REFUNDS),
        ),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"))  # the application's (migration 0033)
    claimed_cents: Mapped[int] = mapped_column(BigInteger)
    received_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date]
    claimed_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]


class ProofOfUse(Base):
    """A Verwendungsnachweis: report, receipts, photos."""

    __tablename__ = "proofs_of_use"
    __table_args__ = (
        CheckConstraint("status IN ('submitted', 'returned', 'accepted')", name="status_known"),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    report: Mapped[str] = mapped_column(Text)
    participants_reached: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
    eligible_cents: Mapped[OptCents]
    # the numerical proof (migration 0026): money the project actually had besides the grant, as the
    # applicant states it (None on proofs from before: the financing plan counts), and when the
    # applicant confirmed that the proof is correct and complete
    income_cents: Mapped[OptCents]  # the project's own income (tickets, sales, donations)
    own_funds_cents: Mapped[OptCents]  # own money actually put in
    other_funding_cents: Mapped[OptCents]  # third-party funds actually received
    confirmed_at: Mapped[datetime | None]


class Receipt(Base):
    """One line of the Belegliste."""

    __tablename__ = "receipts"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status_known"),
        CheckConstraint(
            "status <> 'rejected' OR reject_reason IS NOT NULL", name="rejection_has_reason"
        ),
        CheckConstraint("vat_percent IS NULL OR vat_percent BETWEEN 0 AND 100", name="vat_percent_range"),
    )

    id: Mapped[intpk]
    proof_id: Mapped[int] = mapped_column(ForeignKey("proofs_of_use.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[date]
    payee: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(64))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reject_reason: Mapped[str | None] = mapped_column(Text)  # also the reason of a partial acceptance
    accepted_cents: Mapped[int | None] = mapped_column(BigInteger)  # recognised part when accepted in part
    # the VAT rate printed on the receipt (19, 7, 0); None: the guideline's rate (migration 0025)
    vat_percent: Mapped[int | None] = mapped_column(SmallInteger)
