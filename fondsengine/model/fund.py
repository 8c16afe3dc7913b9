"""Funds, the stored versions of their guidelines and workflows, budget years."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from fondsengine.model.base import Base, Code, intpk


class Fund(Base):
    """A Bewohnerfonds / Verfügungsfonds; its id is the guideline file name."""

    __tablename__ = "funds"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    current_guideline_id: Mapped[int | None] = mapped_column(
        ForeignKey("guideline_versions.id", use_alter=True, name="fk_funds_current_guideline_id"),
        nullable=True,
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class GuidelineVersion(Base):
    """One stored version (content + hash) of a fund's guideline file."""

    __tablename__ = "guideline_versions"
    __table_args__ = (
        UniqueConstraint("fund_id", "version_hash", name="uq_guideline_versions_fund_hash"),
    )

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), index=True)
    version_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text, deferred=True)  # loaded only when a version is parsed
    source: Mapped[str] = mapped_column(String(500))
    workflow_version_id: Mapped[int] = mapped_column(ForeignKey("workflow_versions.id"))
    loaded_at: Mapped[datetime]


class WorkflowVersion(Base):
    """One stored version (content + hash) of a workflow file."""

    __tablename__ = "workflow_versions"
    __table_args__ = (
        UniqueConstraint("workflow_id", "version_hash", name="uq_workflow_versions_id_hash"),
    )

    id: Mapped[intpk]
    workflow_id: Mapped[Code]
    version_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text, deferred=True)  # loaded only when a version is parsed
    source: Mapped[str] = mapped_column(String(500))
    loaded_at: Mapped[datetime]


def _total() -> MappedColumn[int]:
    return mapped_column(BigInteger, nullable=False, default=0, server_default=text("0"))


class BudgetYear(Base):
    """A fund's Haushaltsjahr. The row is the lock for bookings and holds the year's running totals
    (cents), which `ledger.book` adds each booking to in the statement that takes the lock; they
    equal the fold over the year's ledger entries (`fondsengine verify` checks)."""

    __tablename__ = "budget_years"
    __table_args__ = (UniqueConstraint("fund_id", "year", name="uq_budget_years_fund_year"),)

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"))
    year: Mapped[int] = mapped_column(Integer)
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None]
    allocated_cents: Mapped[int] = _total()  # allocations incl. corrections
    carried_cents: Mapped[int] = _total()  # carry-over in (+) or out (-)
    expired_cents: Mapped[int] = _total()  # free money expired at year end
    committed_cents: Mapped[int] = _total()  # commitments minus releases (what is bound)
    released_cents: Mapped[int] = _total()  # releases (approved = committed + released)
    paid_cents: Mapped[int] = _total()  # payments
    refunded_cents: Mapped[int] = _total()  # refunds received
    # refund claims of the fund year's applications (by the application's budget year; not a ledger
    # booking): added by `proofs.claim_refund` in the claim's transaction, `ledger.fold_claims` is the fold
    refund_claimed_cents: Mapped[int] = _total()


class LedgerMonth(Base):
    """Committed and paid (net) per local (Berlin) month of booking for a fund's budget year: the
    dashboard's year chart. Upserted by `ledger.book` in the booking's transaction."""

    __tablename__ = "ledger_months"

    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    budget_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # first day of the local month
    committed_cents: Mapped[int] = _total()  # commitments minus releases booked in the month
    paid_cents: Mapped[int] = _total()  # payments minus refunds booked in the month


class PrivateContribution(Base):
    """Private money paid into a co-financed fund (e.g. by traders into a Verfügungsfonds); booked
    into the year's pot as one allocation (`ledger_entry_id`, at most once)."""

    __tablename__ = "private_contributions"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    contributor: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]


class GuidelineDraft(Base):
    """A guideline text the office edits in the browser; validated on every save, adopted once."""

    __tablename__ = "guideline_drafts"

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), index=True)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("guideline_versions.id"))
    content: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    problems: Mapped[list[Any]]  # the loader's problems at the last save: [{"line": n, "message": "..."}]
    adopted_version_id: Mapped[int | None] = mapped_column(ForeignKey("guideline_versions.id"))
    adopted_at: Mapped[datetime | None]


class GuidelineAdoption(Base):
    """The council decision that adopted a guideline version, and the day from which it applies."""

    __tablename__ = "guideline_adoptions"

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("guideline_versions.id"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("guideline_drafts.id"), unique=True)
    council_date: Mapped[date] = mapped_column(Date)
    council_reference: Mapped[str] = mapped_column(String(200))
    decision_name: Mapped[str] = mapped_column(String(255))  # the uploaded decision as it was named
    decision_stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    decision_mimetype: Mapped[str] = mapped_column(String(100))
    decision_sha256: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    adopted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    adopted_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]  # when it became the fund's current version (None: valid_from ahead)
