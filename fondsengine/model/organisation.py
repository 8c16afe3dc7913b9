"""Organisations (associations, initiatives) whose members apply together (co-applicants)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.model.base import Base, intpk


class Organisation(Base):
    """An association or initiative; one of its members is named as its representative."""

    __tablename__ = "organisations"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(64))  # an applicant kind of the guidelines, e.g. "association"
    representative_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class OrganisationMember(Base):
    """A person who acts for an organisation: sees and edits its applications."""

    __tablename__ = "organisation_members"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id", name="uq_organisation_members_org_user"),)

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime]


class ApplicationOrganisation(Base):
    """An application made for an organisation: every member of it is a co-applicant."""

    __tablename__ = "application_organisations"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime]
