"""Messages between the applicant and the office inside one application (the jury sees only those shared)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from fondsengine.model.base import Base, intpk


class ApplicationMessage(Base):
    """One message on an application: written by its applicant or by the fund's office."""

    __tablename__ = "application_messages"

    id: Mapped[intpk]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_office: Mapped[bool]
    text: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    created_at: Mapped[datetime]
    # set while the office shares the message (and its attachment) with the jury's papers
    shared_with_jury_at: Mapped[datetime | None]
