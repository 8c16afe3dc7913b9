"""People and their role per fund."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.model.base import Base, intpk

MEMBERSHIP_ROLES = ("manager", "jury_member", "city_approver", "auditor")


class User(Base):
    """A person who logs in (resident, jury member, office staff) or is represented by the office."""

    __tablename__ = "users"

    id: Mapped[intpk]
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    email_confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    is_admin: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(50))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    notification_prefs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the language of pages and mails (fondsengine.i18n.LANGUAGES); letters stay German
    language: Mapped[str] = mapped_column(String(8), default="de", server_default="de")
    created_at: Mapped[datetime]
    anonymised_at: Mapped[datetime | None]
    # bumped on logout, password change/reset and address change: older session cookies stop working
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # base32; never shown after set-up
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # last accepted 30 s step (no replay)
    totp_recovery: Mapped[list[Any] | None]  # argon2 hashes of the unused recovery codes


class Membership(Base):
    """A user's role in one fund (manager, jury member, city approver, auditor)."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "fund_id", "role", name="uq_memberships_user_fund_role"),
        CheckConstraint(
            "role IN ('manager', 'jury_member', 'city_approver', 'auditor')", name="role_known"
        ),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    fund_id: Mapped[str] = mapped_column(ForeignKey("funds.id"))
    role: Mapped[str] = mapped_column(String(32))
    group: Mapped[str | None] = mapped_column(String(64))  # jury member group
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime]

    @classmethod
    def valid_on(cls, day: date) -> ColumnElement[bool]:
        """SQL condition: the membership's term includes the day (open ends count as unbounded)."""
        return and_(
            or_(cls.valid_from.is_(None), cls.valid_from <= day),
            or_(cls.valid_to.is_(None), cls.valid_to >= day),
        )


class ThrottleCounter(Base):
    """A counter with an expiry: login failures, lock-outs, mail and request limits (shared by all workers)."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # POSIX seconds


class ErasureRequest(Base):
    """A person's request to erase their data (Art. 17 DSGVO) and what the office did with it.

    At most one open request per person (a partial unique index). The outcome lists what was
    anonymised and what is kept, with the retention rule that keeps it (Art. 17 Abs. 3 lit. b)."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done')", name="status_known"),
        CheckConstraint("status = 'open' OR decided_at IS NOT NULL", name="done_has_date"),
        Index(
            "uq_erasure_requests_one_open",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="open")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[list[Any]] = mapped_column(default=list)  # [{"what": ..., "result": ..., "why": ...}]
