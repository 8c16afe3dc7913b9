"""The pool of volunteers for drawing jury members by lot, and the record of each draw."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.model.base import Base, intpk


class JuryDraw(Base):
    """One draw by lot with every input needed to repeat and verify it."""

    __tablename__ = "jury_draws"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), index=True)
    seed: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    per_group: Mapped[list[Any] | None]  # [[group, count], ...] ascending by group, or null
    pool: Mapped[list[Any]]  # [[user_id, group], ...] ascending by user id
    drawn: Mapped[list[Any]]  # user ids in the order they were drawn
    fingerprint: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(String(64))
    term_from: Mapped[date | None]
    term_to: Mapped[date | None]
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime]


class JuryVolunteer(Base):
    """A person who volunteers to be drawn by lot for a fund's jury, with their group."""

    __tablename__ = "jury_volunteers"
    __table_args__ = (UniqueConstraint("fund_id", "user_id", name="uq_jury_volunteers_fund_user"),)

    id: Mapped[intpk]
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    group: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    drawn_in_id: Mapped[int | None] = mapped_column(ForeignKey("jury_draws.id"))
