"""Messages the office shares with the jury's papers of an application.

The jury reads none of an application's messages (they are part of its record) unless the fund's
office shares one: then the message, its author and its attachment belong to the papers of the
application wherever it is on an agenda the member sits on (`authz.load_agenda_application`). A
member opens the attachment of a shared message and no other file of the application. Sharing and
un-sharing are audited (`share_message_with_jury`, `unshare_message_with_jury`).
"""

from __future__ import annotations

from sqlalchemy import select

from fondsengine.applications.messages import MessageView, written_messages
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import ApplicationMessage, Attachment


def share_message_with_jury(fonds: Engine, actor: Actor, application_id: int, message_id: int) -> None:
    """The office shares one message (and its attachment) with the jury's papers of the application."""
    _set_shared(fonds, actor, application_id, message_id, shared=True)


def unshare_message_with_jury(fonds: Engine, actor: Actor, application_id: int, message_id: int) -> None:
    """The office takes a shared message out of the jury's papers again."""
    _set_shared(fonds, actor, application_id, message_id, shared=False)


def _set_shared(fonds: Engine, actor: Actor, application_id: int, message_id: int, *, shared: bool) -> None:
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        today = local_date(now)
        app, _ = authz.load_application_record(s, actor, application_id, today)  # locks the application
        authz.require_fund_role(s, actor, app.fund_id, today, "manager")
        msg = s.scalar(
            select(ApplicationMessage)
            .where(ApplicationMessage.id == message_id, ApplicationMessage.application_id == app.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if msg is None:
            raise NotFound("Diese Nachricht gibt es nicht.")
        if (msg.shared_with_jury_at is not None) == shared:
            raise InvalidInput(
                "Die Nachricht liegt der Jury schon vor." if shared else "Die Nachricht liegt der Jury nicht vor."
            )
        msg.shared_with_jury_at = now if shared else None
        record(
            s,
            actor=actor,
            role="manager",
            action="share_message_with_jury" if shared else "unshare_message_with_jury",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"message_id": msg.id, "attachment_id": msg.attachment_id},
        )
        uow.commit()


def jury_messages(fonds: Engine, actor: Actor, application_id: int) -> list[MessageView]:
    """The messages the office shared with the jury's papers of the application, oldest first (to the
    office and to the jury members while the application is on an agenda they sit on)."""
    with fonds.db.read() as s:
        app, _ = authz.load_agenda_application(s, actor, application_id, local_date(fonds.clock.now()))
        return written_messages(s, app.id, shared_only=True)


def shared_attachment(fonds: Engine, actor: Actor, application_id: int, message_id: int) -> tuple[Attachment, bytes]:
    """The attachment of a shared message with its bytes, for the jury's papers; NotFound for any
    other file, and for a message that is not (or no longer) shared."""
    with fonds.db.read() as s:
        app, _ = authz.load_agenda_application(s, actor, application_id, local_date(fonds.clock.now()))
        row = s.scalar(
            select(Attachment)
            .join(ApplicationMessage, ApplicationMessage.attachment_id == Attachment.id)
            .where(
                ApplicationMessage.id == message_id,
                ApplicationMessage.application_id == app.id,
                ApplicationMessage.shared_with_jury_at.is_not(None),
                Attachment.application_id == app.id,
            )
        )
        if row is None:
            raise NotFound("Diese Datei gibt es nicht.")
        s.expunge(row)
    return row, fonds.storage.read(row.stored_name)
