"""Jury sessions, agenda items, attendance, conflicts and votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.model.base import Base, OptCents, intpk


class JurySession(Base):
    """A Jurysitzung (or a vote by circulation when `circulation` is set)."""

    __tablename__ = "jury_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'open', 'closed')", name="status_known"),
    )

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), index=True)
    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    circulation: Mapped[bool] = mapped_column(default=False)
    vote_deadline: Mapped[datetime | None]
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class AgendaItem(Base):
    """One application on a session's agenda, with its recorded result."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("session_id", "application_id", name="uq_agenda_items_session_app"),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
    )

    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(ForeignKey("jury_sessions.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str | None] = mapped_column(String(32))
    decided_cents: Mapped[OptCents]
    tally: Mapped[dict[str, Any] | None]
    closed_at: Mapped[datetime | None]


class Attendance(Base):
    """Invitation, confirmation and presence of a member at a session."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_attendances_session_user"),
    )

    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(ForeignKey("jury_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    invited_at: Mapped[datetime | None]
    confirmed: Mapped[bool | None]
    present: Mapped[bool] = mapped_column(default=False)


class Conflict(Base):
    """A member's declaration on conflict of interest (Befangenheit) for one agenda item: one row per
    member and item, `conflicted` (with the reason; the member does not vote) or not (the "no
    conflict" a guideline with `jury.conflict.declaration_required` asks for before the vote)."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("agenda_item_id", "user_id", name="uq_conflicts_item_user"),)

    id: Mapped[intpk]
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    conflicted: Mapped[bool]  # False: the member declared "no conflict" (migration 0031)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]


class Vote(Base):
    """One member's vote on one agenda item; unique per member and item."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("agenda_item_id", "user_id", name="uq_votes_item_user"),
        CheckConstraint("choice IN ('yes', 'no', 'abstain')", name="choice_known"),
    )

    id: Mapped[intpk]
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(10))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cast_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
