"""What belongs to an application besides its data: attachments and the applicant's list.

Letters: see fondsengine.letters.access."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from fondsengine import files
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine, UnitOfWork
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.json_reads import Id
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.fire import workflow_of
from fondsengine.model import Application, Attachment, Fund

ATTACHMENT_PURPOSES = ("cost_estimate", "receipt", "photo", "other")
ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


@dataclass(frozen=True)
class AttachmentInput:
    """An uploaded file the web layer has checked by content (and re-encoded); not yet on disk."""

    purpose: str
    original_name: str
    mimetype: str
    content: bytes

    @property
    def size_bytes(self) -> int:
        """The size of the file in bytes."""
        return len(self.content)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the content (hex)."""
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class ApplicationSummary:
    """One line of 'my applications'."""

    id: int
    title: str
    fund_name: str
    file_number: str | None
    state: str
    state_label: str
    updated_at: datetime
    requested_cents: int


def applications_of(fonds: Engine, actor: Actor) -> list[ApplicationSummary]:
    """The actor's own applications and those of their organisations, newest first (one query)."""
    if actor.user_id is None:
        return []
    out: list[ApplicationSummary] = []
    with fonds.db.read() as s:
        rows = s.execute(
            select(Application, Fund.name)
            .join(Fund, Fund.id == Application.fund_id)
            .where(
                or_(Application.applicant_id == actor.user_id, Application.id.in_(authz.co_applications(actor.user_id)))
            )
            .order_by(Application.updated_at.desc(), Application.id.desc())
        ).all()
        for app, fund_name in rows:
            state = fonds.catalog.workflow(s, app.workflow_version_id).state(app.state)
            if app.file_number is None and state.terminal:  # a deleted draft (never submitted)
                continue
            label = state.label
            out.append(
                ApplicationSummary(
                    app.id, app.title, fund_name, app.file_number, app.state, label, app.updated_at, app.requested_cents
                )
            )
    return out


def _visible(s: Session, fonds: Engine, actor: Actor, application_id: int) -> tuple[Application, frozenset[str]]:
    return authz.load_visible_application(s, actor, application_id, local_date(fonds.clock.now()))


def _check_quota(uow: UnitOfWork, app: Application, data: AttachmentInput) -> None:
    settings = uow.fonds.settings
    count, total = uow.session.execute(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size_bytes), 0)).where(
            Attachment.application_id == app.id
        )
    ).one()
    if count + 1 > settings.upload_max_files_per_application:
        raise InvalidInput(
            f"Zu diesem Antrag gibt es schon {count} Dateien; mehr als "
            f"{settings.upload_max_files_per_application} sind nicht möglich.",
            field="file",
        )
    if int(total) + data.size_bytes > settings.upload_max_bytes_per_application:
        limit = settings.upload_max_bytes_per_application // (1024 * 1024)
        raise InvalidInput(
            f"„{data.original_name}“ passt nicht mehr: Alle Dateien eines Antrags zusammen dürfen höchstens "
            f"{limit} MB groß sein.",
            field="file",
        )


def new_attachment(uow: UnitOfWork, app: Application, actor: Actor, data: AttachmentInput, at: datetime) -> Attachment:
    """Check and add an attachment inside the caller's transaction (authorised by the caller).

    The file is staged and moved into the upload folder only when the transaction commits."""
    s = uow.session
    if data.purpose not in ATTACHMENT_PURPOSES:
        raise InvalidInput("Unbekannte Art der Anlage.", field="purpose")
    if data.mimetype not in ATTACHMENT_TYPES:
        raise InvalidInput("Nur PDF-, JPEG- und PNG-Dateien sind erlaubt.", field="file")
    if data.size_bytes <= 0:
        raise InvalidInput("Die Datei ist leer.", field="file")
    if data.size_bytes > uow.fonds.settings.upload_max_bytes:
        raise InvalidInput(f"„{data.original_name}“ ist zu groß.", field="file")
    _check_quota(uow, app, data)
    stored_name = files.stage(s, uow.fonds.storage, data.content, data.mimetype)
    row = Attachment(
        application_id=app.id,
        purpose=data.purpose,
        original_name=data.original_name[:255],
        stored_name=stored_name,
        mimetype=data.mimetype,
        size_bytes=data.size_bytes,
        sha256=data.sha256,
        uploaded_by_id=actor.user_id or 0,
        uploaded_at=at,
    )
    s.add(row)
    s.flush()
    return row


def add_attachment(fonds: Engine, actor: Actor, application_id: int, data: AttachmentInput) -> int:
    """Attach an uploaded file to an application (its applicant or the office; not once it is closed)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = _visible(s, fonds, actor, application_id)
        if not roles & {"applicant", "manager"}:
            raise NotFound("Diesen Antrag gibt es nicht.")
        if app.closed_at is not None:
            raise InvalidInput("Der Antrag ist abgeschlossen; es können keine Dateien mehr angehängt werden.")
        row = new_attachment(uow, app, actor, data, now)
        record(
            s,
            actor=actor,
            role=authz.primary_role(roles),
            action="add_attachment",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"attachment_id": row.id, "purpose": data.purpose, "sha256": data.sha256},
        )
        uow.commit()
        return row.id


def attachments_of(fonds: Engine, actor: Actor, application_id: int) -> list[Attachment]:
    """The files of an application whose record the actor may read (never the jury's: its papers
    are `jury_view_of_application`)."""
    with fonds.db.read() as s:
        app, _ = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        return attachments_in(s, app)


def attachments_in(s: Session, app: Application) -> list[Attachment]:
    """The files of an application already loaded in this session (its record authorised)."""
    return list(s.scalars(attachments_statement(app.id)))


def attachments_statement(application_id: Id) -> Select[Attachment]:
    """The statement of `attachments_in` (also read together with others, `json_reads`)."""
    return select(Attachment).where(Attachment.application_id == application_id).order_by(Attachment.id)


def attachment_file(fonds: Engine, actor: Actor, application_id: int, attachment_id: int) -> Attachment:
    """One attachment of a visible application (for download), else NotFound."""
    for a in attachments_of(fonds, actor, application_id):
        if a.id == attachment_id:
            return a
    raise NotFound("Diese Datei gibt es nicht.")


def attachment_content(
    fonds: Engine, actor: Actor, application_id: int, attachment_id: int
) -> tuple[Attachment, bytes]:
    """One attachment of a visible application with its bytes from the file store, else NotFound.

    A file the store has lost is reported as `StoredFileMissing` (the caller logs it)."""
    row = attachment_file(fonds, actor, application_id, attachment_id)
    return row, fonds.storage.read(row.stored_name)


def remove_attachment(fonds: Engine, actor: Actor, application_id: int, attachment_id: int) -> str:
    """Delete an attachment of an application that can still be edited (its applicant or the office);
    the file goes once the transaction has committed. Returns the file's name as uploaded."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = _visible(s, fonds, actor, application_id)
        if not roles & {"applicant", "manager"}:
            raise NotFound("Diesen Antrag gibt es nicht.")
        if not workflow_of(uow, app).state(app.state).editable:
            raise InvalidInput("In diesem Stand des Antrags können keine Dateien mehr gelöscht werden.", field="file")
        row = s.scalar(select(Attachment).where(Attachment.id == attachment_id, Attachment.application_id == app.id))
        if row is None or row.purpose not in ("cost_estimate", "other"):
            raise NotFound("Diese Datei gibt es nicht.")
        name = row.original_name
        record(
            s,
            actor=actor,
            role=authz.primary_role(roles),
            action="remove_attachment",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"attachment_id": row.id, "purpose": row.purpose, "sha256": row.sha256},
        )
        files.remove_after_commit(s, fonds.storage, row.stored_name)
        s.delete(row)
        uow.commit()
        return name
