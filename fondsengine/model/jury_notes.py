"""What jury members add to an agenda item besides their vote: comments and scores per criterion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.model.base import Base, intpk


class JuryComment(Base):
    """A comment of a jury member (or the office) on an agenda item; only the jury and the office read it."""

    __tablename__ = "jury_comments"

    id: Mapped[intpk]
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime]


class JuryScore(Base):
    """One member's points for one criterion of the guideline on one agenda item."""

    __tablename__ = "jury_scores"
    __table_args__ = (
        UniqueConstraint("agenda_item_id", "user_id", "criterion", name="uq_jury_scores_item_user_criterion"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[intpk]
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    criterion: Mapped[str] = mapped_column(String(64))
    points: Mapped[int] = mapped_column(Integer)
    scored_at: Mapped[datetime]
