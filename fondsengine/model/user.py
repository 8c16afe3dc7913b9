"""People and their role per fund."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
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
    created_at: Mapped[datetime]
    anonymised_at: Mapped[datetime | None]


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
