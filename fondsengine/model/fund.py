"""Funds, the stored versions of their guidelines and workflows, budget years."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

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


class BudgetYear(Base):
    """A fund's Haushaltsjahr. The row is the lock for bookings; balances are ledger folds."""

    __tablename__ = "budget_years"
    __table_args__ = (UniqueConstraint("fund_id", "year", name="uq_budget_years_fund_year"),)

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"))
    year: Mapped[int] = mapped_column(Integer)
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None]
