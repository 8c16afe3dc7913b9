"""Audit trail, outbox, letters and done-markers for scheduled jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.model.base import Base, intpk


class AuditEvent(Base):
    """Who did what, when, under which rules. Never updated or deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_application", "application_id", "id"),)

    id: Mapped[intpk]
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fund_id: Mapped[str | None] = mapped_column(ForeignKey("funds.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    action: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    guideline_hash: Mapped[str | None] = mapped_column(String(64))
    clause: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # hash chain (fondsengine/integrity/chain.py): set once, at commit, under the chain head's lock
    chain_seq: Mapped[int | None] = mapped_column(Integer, unique=True, index=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class ChainHead(Base):
    """The end of a hash chain ('ledger', 'audit'): how many rows, the last one and its hash."""

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    last_id: Mapped[int | None] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class Letter(Base):
    """A letter generated once at the moment of a decision; the PDF is stored with its hash."""

    __tablename__ = "letters"
    __table_args__ = (  # the to-do list's held letters, without reading the letters with PDFs (migration 0029)
        Index(
            "ix_letters_held",
            "created_at",
            "id",
            sqlite_where=text("held_reason IS NOT NULL"),
            postgresql_where=text("held_reason IS NOT NULL"),
        ),
    )

    id: Mapped[intpk]
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    data: Mapped[dict[str, Any]]  # the snapshot the PDF is rendered from
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))
    rendered_at: Mapped[datetime | None]
    # why the letter was held instead of rendered (a placeholder would be empty; migration 0021)
    held_reason: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """A side effect (mail) written in the same transaction as its cause, sent after commit."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'dead')", name="status_known"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[intpk]
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    topic: Mapped[str] = mapped_column(String(64))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient_email: Mapped[str | None] = mapped_column(String(320))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class JobMark(Base):
    """Marks a scheduled action as done (unique key), so no reminder is ever sent twice."""

    __tablename__ = "job_marks"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(200), unique=True)
    job: Mapped[str] = mapped_column(String(64))
    done_at: Mapped[datetime]


class SchedulerHeartbeat(Base):
    """The one row the scheduler holding the lease refreshes every minute (read by `/readyz`)."""

    __tablename__ = "scheduler_heartbeats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]
