"""Messages between the applicant and the office inside one application.

The applicant (the owner) and the fund's managers write; those who may read the record (also the
city's approvers and the auditors) read; the jury never sees them (`load_application_record`
refuses it). Each message is audited (without its text) and announces itself to the other side
by mail through the outbox under the topic `application_message`, which a person can switch off
(`notifications.CHOICES`); the outbox checks the preference when it sends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from fondsengine.applications.records import AttachmentInput, new_attachment
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.inputs import check_text
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import enqueue, record
from fondsengine.model import Application, ApplicationMessage, Attachment, Membership, User

MAX_MESSAGE = 5000
TOPIC = "application_message"
MESSAGE_PURPOSE = "other"  # the attachment of a message counts against the application's upload quota


@dataclass(frozen=True)
class MessageView:
    """One message as shown on the application page."""

    id: int
    at: datetime
    author: str
    from_office: bool
    text: str
    attachment_id: int | None
    attachment_name: str | None


def send_message(
    fonds: Engine, actor: Actor, application_id: int, text: str, attachment: AttachmentInput | None = None
) -> int:
    """Write a message on an application (its applicant or the fund's office) and tell the other side."""
    text = check_text(text.strip(), label="Nachricht", max_len=MAX_MESSAGE, multiline=True, field="message")
    if not text:
        raise InvalidInput("Bitte schreiben Sie eine Nachricht.", field="message")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_application_record(s, actor, application_id, local_date(now))
        if "applicant" in roles:
            from_office, role = False, "applicant"
        elif "manager" in roles:
            from_office, role = True, "manager"
        else:
            raise PermissionDenied(
                "Nachrichten schreiben die Antragstellerin / der Antragsteller und die Geschäftsführung."
            )
        attachment_id = None
        if attachment is not None:
            if app.closed_at is not None:
                raise InvalidInput(
                    "Der Antrag ist abgeschlossen; es können keine Dateien mehr angehängt werden.", field="file"
                )
            attachment_id = new_attachment(uow, app, actor, replace(attachment, purpose=MESSAGE_PURPOSE), now).id
        msg = ApplicationMessage(
            application_id=app.id,
            author_id=actor.user_id or 0,
            from_office=from_office,
            text=text,
            attachment_id=attachment_id,
            created_at=now,
        )
        s.add(msg)
        s.flush()
        record(
            s,
            actor=actor,
            role=role,
            action="add_message",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"message_id": msg.id, "attachment_id": attachment_id, "from_office": from_office},
        )
        if from_office:
            recipients = [(app.applicant_id, app.contact_email)]
        else:
            recipients = [
                (int(r.id), r.email)
                for r in s.execute(
                    select(User.id, User.email)
                    .join(Membership, Membership.user_id == User.id)
                    .where(Membership.fund_id == app.fund_id, Membership.role == "manager", User.active.is_(True))
                    .distinct()
                )
            ]
        for user_id, email in recipients:
            enqueue(
                s,
                dedup_key=f"message:{msg.id}:{user_id}",
                topic=TOPIC,
                at=now,
                payload={"title": app.title, "file_number": app.file_number, "from_office": from_office},
                recipient_id=user_id,
                recipient_email=email,
                application_id=app.id,
            )
        uow.commit()
        return msg.id


def messages_of(fonds: Engine, actor: Actor, application_id: int) -> list[MessageView]:
    """The messages of an application, oldest first (to those who may read its record; never the jury)."""
    with fonds.db.read() as s:
        app, _ = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        return messages_in(s, app)


def messages_in(s: Session, app: Application) -> list[MessageView]:
    """The messages of an application already loaded in this session (its record authorised)."""
    author = aliased(User)
    rows = s.execute(
        select(ApplicationMessage, author.name, Attachment.original_name)
        .join(author, author.id == ApplicationMessage.author_id)
        .outerjoin(Attachment, Attachment.id == ApplicationMessage.attachment_id)
        .where(ApplicationMessage.application_id == app.id)
        .order_by(ApplicationMessage.id)
    ).all()
    return [
        MessageView(m.id, m.created_at, name, m.from_office, m.text, m.attachment_id if file else None, file)
        for m, name, file in rows
    ]
