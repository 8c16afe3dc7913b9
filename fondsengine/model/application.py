"""Applications with their cost plan, review, revisions, attachments and notes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fondsengine.model.base import Base, Cents, OptCents, intpk


class Application(Base):
    """An Antrag. Bound to the guideline and workflow version in force at submission."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("requested_cents >= 0", name="requested_not_negative"),
        CheckConstraint("own_funds_cents >= 0", name="own_funds_not_negative"),
        CheckConstraint("other_funding_cents >= 0", name="other_funding_not_negative"),
        CheckConstraint("volunteer_hours >= 0", name="volunteer_hours_not_negative"),
        CheckConstraint(
            "approved_cents IS NULL OR (approved_cents > 0 AND approved_cents <= requested_cents)",
            name="approved_within_requested",
        ),
        CheckConstraint(
            "settled_cents IS NULL OR (approved_cents IS NOT NULL AND settled_cents >= 0 "
            "AND settled_cents <= approved_cents)",
            name="settled_within_approved",
        ),
        CheckConstraint(
            "project_start IS NULL OR project_end IS NULL OR project_start <= project_end",
            name="project_dates_ordered",
        ),
        Index("ix_applications_fund_year_state", "fund_id", "budget_year", "state"),
        Index("ix_applications_applicant", "applicant_id", "budget_year"),
        # the queue's "overdue" filter and the dashboard's proofs due (fund, waiting states, due date)
        Index("ix_applications_fund_state_proof_due", "fund_id", "state", "proof_due_on"),
        # the to-do list's waiting applications, oldest submission first (migration 0028)
        Index("ix_applications_fund_state_submitted", "fund_id", "state", "submitted_at"),
        # the to-do list's other orders, one range per fund and state (migration 0029): proofs to review
        # and final payments by their last change, the city's grants by the jury's decision, overdue
        # answers to a request for changes by their date
        Index("ix_applications_fund_state_updated", "fund_id", "state", "updated_at"),
        Index("ix_applications_fund_state_decided", "fund_id", "state", "decided_at"),
        Index("ix_applications_fund_state_changes_due", "fund_id", "state", "changes_due_on"),
        Index("ix_applications_fund_state_advance", "fund_id", "state", "advance_paid_at"),
        # the dashboard's proofs due soon and grants lapsing soon: one ordered range per fund, year and
        # state, each stopping after the rows shown (migration 0032)
        Index("ix_applications_fund_year_state_proof_due", "fund_id", "budget_year", "state", "proof_due_on", "id"),
        Index("ix_applications_fund_year_state_lapse_due", "fund_id", "budget_year", "state", "lapse_due_on", "id"),
        UniqueConstraint("applicant_id", "client_token", name="uq_applications_applicant_client_token"),
    )

    id: Mapped[intpk]
    # fund_id, budget_year, state, requested_cents and submitted_at keep their old value at every change
    # (active_history): the counters of application_counts move from the old key to the new one
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), active_history=True)
    budget_year: Mapped[int] = mapped_column(Integer, active_history=True)
    file_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    guideline_version_id: Mapped[int] = mapped_column(ForeignKey("guideline_versions.id"))
    workflow_version_id: Mapped[int] = mapped_column(ForeignKey("workflow_versions.id"))
    state: Mapped[str] = mapped_column(String(40), active_history=True)
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    client_token: Mapped[str | None] = mapped_column(String(64))  # idempotency key of the creating form post

    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applicant_kind: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str | None] = mapped_column(String(300))
    legal_form: Mapped[str | None] = mapped_column(String(100))  # e.g. "eingetragener Verein (e. V.)"
    representative: Mapped[str | None] = mapped_column(String(200))  # who represents the organisation
    nonprofit: Mapped[bool] = mapped_column(default=True)
    area_link: Mapped[str | None] = mapped_column(String(64))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_street: Mapped[str | None] = mapped_column(String(200))
    contact_postcode: Mapped[str | None] = mapped_column(String(10))
    contact_city: Mapped[str | None] = mapped_column(String(100))

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    benefits_area: Mapped[bool] = mapped_column(default=False)
    project_start: Mapped[date | None]
    project_end: Mapped[date | None]
    participants_expected: Mapped[int | None]
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)
    # repeat funding (migration 0017): the earlier application this one continues, linked or
    # confirmed by the office; the file number the applicant named for it
    continues_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    continues_file_number: Mapped[str | None] = mapped_column(String(40))
    lifted_limits: Mapped[dict[str, Any]] = mapped_column(default=dict)  # soft limit code -> reason

    requested_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, active_history=True)
    own_funds_cents: Mapped[Cents]
    volunteer_hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(0))
    other_funding_cents: Mapped[Cents]
    prior_consultation_on: Mapped[date | None]
    consultation_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declarations: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # declared for the guideline rules of issue 14 (migration 0017)
    group_members: Mapped[list[Any]] = mapped_column(default=list)  # members of the applicant's group
    input_tax_deductible: Mapped[bool] = mapped_column(default=False)  # entitled to deduct input tax
    de_minimis_prior_cents: Mapped[OptCents]  # earlier de-minimis aid declared (None: not declared)
    de_minimis_prior_on: Mapped[date | None]  # day of the latest earlier de-minimis aid (migration 0025)

    approved_cents: Mapped[OptCents]
    approval_reason: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[list[Any]] = mapped_column(default=list)
    decided_at: Mapped[datetime | None]
    grant_file_number: Mapped[str | None] = mapped_column(
        String(80)
    )  # city's file number (two-step)
    settled_cents: Mapped[OptCents]  # eligible spent amount accepted with the proof of use
    proof_due_on: Mapped[date | None]
    changes_due_on: Mapped[date | None]  # a request for changes is to be answered by then (migration 0026)
    # when the first advance or instalment was paid (payments.record_payment; migration 0029): the to-do
    # list's unused advances read the applications waiting for a proof in this order
    advance_paid_at: Mapped[datetime | None]
    lapse_due_on: Mapped[date | None]
    iban: Mapped[str | None] = mapped_column(String(34))
    account_holder: Mapped[str | None] = mapped_column(String(200))
    participants_reached: Mapped[int | None]

    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None] = mapped_column(active_history=True)
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    cost_items: Mapped[list[CostItem]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="CostItem.position"
    )


# The queue's default order (newest submission first): page 1 and page 500 walk this index
# instead of sorting every application. SQLite has no NULLS LAST in indexes; its DESC order
# already puts NULL last, so migration 0005 creates it there without the clause.
Index("ix_applications_submitted_at", Application.submitted_at.desc().nulls_last(), Application.id.desc())

# The queue's sorts per fund (migration 0033): each page is one ordered range per managed fund, merged.
# The columns that are never empty are read forward or backward; the two that can be empty sort them last
# in both directions, which on PostgreSQL is a second index (SQLite: the backward scan of the first,
# the migration creates it there without NULLS LAST).
for _name, _col in (("requested", "requested_cents"), ("title", "title"), ("file_number", "file_number"),
                    ("state_id", "state"), ("submitted", "submitted_at")):  # fmt: skip
    Index(f"ix_applications_fund_{_name}", Application.fund_id, Application.__table__.c[_col], Application.id)
for _name, _col in (("file_number_desc", "file_number"), ("submitted_desc", "submitted_at")):
    Index(
        f"ix_applications_fund_{_name}",
        Application.fund_id,
        Application.__table__.c[_col].desc().nulls_last(),
        Application.id.desc(),
    )

# The queue's search (lower(column) LIKE '%term%') uses trigram indexes on PostgreSQL (pg_trgm,
# migration 0005). On SQLite it reads the FTS5 table `applications_search` (trigram tokenizer,
# external content over these columns, kept in step by triggers; migration 0016). That virtual
# table and its shadow tables (applications_search_data, _idx, _docsize, _config) are not models.
SEARCHED_COLUMNS = ("title", "contact_name", "organisation", "description", "file_number")
SEARCH_TABLE = "applications_search"


def is_search_index_table(name: str) -> bool:
    """True for the SQLite full-text table of the queue search and its shadow tables."""
    return name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_")


for _name in SEARCHED_COLUMNS:
    Index(
        f"ix_applications_{_name}_trgm",
        func.lower(Application.__table__.c[_name]).label(f"{_name}_lower"),
        postgresql_using="gin",
        postgresql_ops={f"{_name}_lower": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")


class ApplicationCount(Base):
    """How many applications, and their requested sum, a fund has per budget year, state and whether
    they were ever submitted: kept in the transaction of every change by the write session's hooks
    (fondsengine/applications/counts.py), so counts per state are read from one small row each;
    `fondsengine verify` compares them with the applications."""

    __tablename__ = "application_counts"
    __table_args__ = (
        CheckConstraint("count >= 0", name="count_not_negative"),
        CheckConstraint("requested_cents >= 0", name="requested_not_negative"),
    )

    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    budget_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(40), primary_key=True)
    submitted: Mapped[bool] = mapped_column(primary_key=True)  # submitted_at IS NOT NULL
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    requested_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class CostItem(Base):
    """One line of the cost plan."""

    __tablename__ = "cost_items"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("hours IS NULL OR hours > 0", name="hours_positive"),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(String(500))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    hours: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    payee_is_applicant: Mapped[bool] = mapped_column(default=False)
    payee: Mapped[str | None] = mapped_column(String(200))  # who is paid (fees), migration 0017
    vat_cents: Mapped[int | None] = mapped_column(BigInteger)  # VAT included in amount_cents, if known

    application: Mapped[Application] = relationship(back_populates="cost_items")


class ApplicationRevision(Base):
    """A snapshot of what the applicant submitted, one per (re)submission, for the diff."""

    __tablename__ = "application_revisions"
    __table_args__ = (
        UniqueConstraint("application_id", "number", name="uq_application_revisions_app_number"),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class ReviewItem(Base):
    """One answered item of the formal review checklist."""

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("application_id", "item_id", name="uq_review_items_app_item"),
        CheckConstraint(
            "result IN ('fulfilled', 'not_fulfilled', 'not_applicable')", name="result_known"
        ),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime]


class Attachment(Base):
    """Metadata of an uploaded file; the bytes live under a random name outside the web root."""

    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))  # cost_estimate, receipt, photo, other
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    mimetype: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]
    for_jury: Mapped[bool] = mapped_column(default=False)  # released to the jury's papers (migration 0026)


class Note(Base):
    """An internal note of the office; never shown to the applicant."""

    __tablename__ = "notes"

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
