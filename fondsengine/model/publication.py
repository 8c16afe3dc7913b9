"""What an applicant releases for publication (with the consent text), and the office's listing data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.model.base import Base, intpk


class PublicationConsent(Base):
    """One decision of the applicant about what becomes public; append-only, the newest counts.

    Given with the application (stage `application`) and again with the proof of use (`proof`).
    Stores the consent text and its version exactly as shown, who gave it and when."""

    __tablename__ = "publication_consents"
    __table_args__ = (
        CheckConstraint("stage IN ('application', 'proof')", name="stage_known"),
        CheckConstraint(
            "NOT publish_photos OR (photo_consent_by IS NOT NULL AND photo_consent_scope IS NOT NULL)",
            name="photos_need_consent",
        ),
        CheckConstraint("NOT publish_summary OR public_summary <> ''", name="summary_given"),
        CheckConstraint("NOT publish_report OR public_report <> ''", name="report_given"),
        Index("ix_publication_consents_app", "application_id", "id"),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    stage: Mapped[str] = mapped_column(String(20))
    publish_title: Mapped[bool] = mapped_column(default=False)
    publish_summary: Mapped[bool] = mapped_column(default=False)
    publish_organisation: Mapped[bool] = mapped_column(default=False)
    publish_photos: Mapped[bool] = mapped_column(default=False)
    publish_report: Mapped[bool] = mapped_column(default=False)
    public_summary: Mapped[str] = mapped_column(Text, default="")  # the short description to publish
    public_report: Mapped[str] = mapped_column(Text, default="")  # the short report to publish
    photo_consent_by: Mapped[str | None] = mapped_column(String(300))  # who consented (names, as declared)
    photo_consent_scope: Mapped[str | None] = mapped_column(Text)  # to what: where and how photos are shown
    consent_text_version: Mapped[str] = mapped_column(String(40))
    consent_text: Mapped[str] = mapped_column(Text)  # the text the person agreed to, as shown
    given_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    given_at: Mapped[datetime]


class PublicListing(Base):
    """What the office enters for the public map and filters: part of the area and coordinates."""

    __tablename__ = "public_listings"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_paired"),
    )

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    area_part: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(100))  # theme the office files the project under
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    withheld: Mapped[bool] = mapped_column(default=False)  # the office takes the project off the public pages
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]
