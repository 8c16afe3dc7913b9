"""Messages between the applicant and the office inside one application.

The applicant (the owner) and the fund's managers write; those who may read the record (also the
city's approvers and the auditors) read; the jury sees none unless the office shares one with its
papers (`message_sharing.py`). Each message is audited (without its text) and announces itself to
the other side by mail through the outbox under the topic `application_message`, which a person can
switch off (`notifications.CHOICES`); the outbox checks the preference when it sends.

Requests for changes and their answers are messages too, read from their one record, the audit
event of the workflow step: a step that sends the application back into an editable state (not its
draft) is the office's request, its reason the text; the step that leaves that state again for an
open state (the resubmission) is the answer, with the text the applicant gave (`resubmit(answer=)`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Row,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from fondsengine.applications.records import AttachmentInput, new_attachment
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.inputs import check_text
from fondsengine.json_reads import Id
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import enqueue, record
from fondsengine.model import Application, ApplicationMessage, Attachment, AuditEvent, Membership, User
from fondsengine.workflow.model import Workflow

MAX_MESSAGE = 5000
TOPIC = "application_message"
MESSAGE_PURPOSE = "other"  # the attachment of a message counts against the application's upload quota
KINDS = ("message", "request", "answer")  # a written message; a request for changes; the answer to one


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
    kind: str = "message"  # one of KINDS; requests and answers are workflow steps (their audit event)
    shared_with_jury: bool = False  # the office shares it with the jury's papers


def request_steps(workflow: Workflow) -> ColumnElement[bool]:
    """The audit events that asked for changes: a step back into an editable state that is not the
    draft, from a state that was not editable (asked of the workflow, never by trigger name)."""
    editable = workflow.state_ids(editable=True)
    sent_back = workflow.state_ids(editable=True, initial=False)
    return and_(AuditEvent.to_state.in_(sent_back), AuditEvent.from_state.not_in(editable))


def answer_steps(workflow: Workflow) -> ColumnElement[bool]:
    """The audit events that answered a request for changes with a text: the step out of the
    sent-back state into a state that is neither editable nor decided (the resubmission)."""
    sent_back = workflow.state_ids(editable=True, initial=False)
    onward = [s.id for s in workflow.states if not s.editable and s.outcome is None]
    return and_(
        AuditEvent.from_state.in_(sent_back),
        AuditEvent.to_state.in_(onward),
        AuditEvent.reason.is_not(None),
        AuditEvent.reason != "",
    )


def check_answer(text: str | None) -> str | None:
    """The applicant's answer to a request for changes, checked like a message (None when empty)."""
    text = check_text((text or "").strip(), label="Antwort", max_len=MAX_MESSAGE, multiline=True, field="answer")
    return text or None


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
    """The messages of an application with its requests for changes and their answers, oldest first
    (to those who may read its record; the jury reads only the shared ones, `message_sharing.py`)."""
    with fonds.db.read() as s:
        app, _ = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        return messages_in(s, app, fonds.catalog.workflow(s, app.workflow_version_id))


def messages_in(s: Session, app: Application, workflow: Workflow) -> list[MessageView]:
    """The messages, requests for changes and answers of an application already loaded in this session
    (its record authorised), oldest first, in one statement."""
    return messages_from_rows(s.execute(messages_statement(app.id, workflow)).all())


def messages_statement(application_id: Id, workflow: Workflow) -> CompoundSelect[*tuple[Any, ...]]:
    """The statement of `messages_in` (also read together with others, `json_reads`)."""
    return union_all(_written(application_id), _change_steps(application_id, workflow))


def messages_from_rows(rows: Sequence[Any]) -> list[MessageView]:
    """The rows of `messages_statement` as messages, oldest first."""
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted((_view(r) for r in rows), key=lambda m: (m.at, order[m.kind], m.id))


def written_messages(s: Session, application_id: int, *, shared_only: bool = False) -> list[MessageView]:
    """The written messages of an application (optionally only those shared with the jury), oldest first."""
    return written_messages_of(s, [application_id], shared_only=shared_only).get(application_id, [])


def written_messages_of(
    s: Session, application_ids: Collection[int], *, shared_only: bool = False
) -> dict[int, list[MessageView]]:
    """`written_messages` of several applications in one statement: application id -> messages, oldest
    first (an application without any is left out)."""
    if not application_ids:
        return {}
    stmt = _written_rows().add_columns(ApplicationMessage.application_id.label("application_id"))
    stmt = stmt.where(ApplicationMessage.application_id.in_(sorted(set(application_ids))))
    if shared_only:
        stmt = stmt.where(ApplicationMessage.shared_with_jury_at.is_not(None))
    out: dict[int, list[MessageView]] = {}
    for r in s.execute(stmt.order_by(ApplicationMessage.id)).all():
        out.setdefault(int(r.application_id), []).append(_view(r))
    return out


def _view(row: Row[Any]) -> MessageView:
    return MessageView(
        int(row.id),
        row.at,
        row.author or "",
        bool(row.from_office),
        row.text or "",
        row.attachment_id,
        row.attachment_name,
        str(row.kind),
        bool(row.shared),
    )


def _written(application_id: Id) -> Select[*tuple[Any, ...]]:
    """The written messages as rows of the shape `_view` reads (the columns of `_change_steps`)."""
    return _written_rows().where(ApplicationMessage.application_id == application_id)


def _written_rows() -> Select[*tuple[Any, ...]]:
    """The written messages of all applications as rows of the shape `_view` reads."""
    author = aliased(User)
    return (
        select(
            literal("message", String(16)).label("kind"),
            ApplicationMessage.id.label("id"),
            ApplicationMessage.created_at.label("at"),
            author.name.label("author"),
            ApplicationMessage.from_office.label("from_office"),
            ApplicationMessage.text.label("text"),
            Attachment.id.label("attachment_id"),
            Attachment.original_name.label("attachment_name"),
            ApplicationMessage.shared_with_jury_at.is_not(None).label("shared"),
        )
        .join(author, author.id == ApplicationMessage.author_id)
        .outerjoin(Attachment, Attachment.id == ApplicationMessage.attachment_id)
    )


def _change_steps(application_id: Id, workflow: Workflow) -> Select[*tuple[Any, ...]]:
    """The requests for changes and the answers to them, from their audit events (one statement with
    the written messages, so the application page reads all of them at once)."""
    requests = request_steps(workflow)
    return (
        select(
            case((requests, literal("request", String(16))), else_=literal("answer", String(16))).label("kind"),
            AuditEvent.id.label("id"),
            AuditEvent.at.label("at"),
            User.name.label("author"),
            or_(requests, AuditEvent.actor_role != "applicant").label("from_office"),
            AuditEvent.reason.label("text"),
            cast(null(), Integer).label("attachment_id"),
            cast(null(), String(255)).label("attachment_name"),
            false().label("shared"),
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.application_id == application_id, requests | answer_steps(workflow))
    )
