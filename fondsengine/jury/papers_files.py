"""Attachments in the jury's papers: the office releases a file to the jury (or takes it back); a
jury member reads the released files of an application on an agenda they sit on, never others."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import AgendaItem, Application, Attachment


@dataclass(frozen=True)
class JuryFile:
    """A file released to the jury: what the papers list."""

    attachment_id: int
    name: str
    size_bytes: int


def release_to_jury(fonds: Engine, actor: Actor, application_id: int, attachment_id: int, *, released: bool) -> None:
    """The office releases an attachment to the jury's papers, or takes the release back (audited)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Anhänge für die Jury gibt nur die Geschäftsführung frei.")
        authz.lock_application(s, app.id)
        row = s.get(Attachment, attachment_id)
        if row is None or row.application_id != app.id:
            raise NotFound("Diese Datei gibt es nicht.")
        if row.for_jury == released:
            return
        row.for_jury = released
        record(
            s,
            actor=actor,
            role="manager",
            action="release_to_jury",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"attachment_id": row.id, "released": released},
        )
        uow.commit()


def released_files(session: Session, application_id: int) -> tuple[JuryFile, ...]:
    """The files of an application released to the jury, in upload order."""
    return released_files_of(session, [application_id]).get(application_id, ())


def released_files_of(session: Session, application_ids: Collection[int]) -> dict[int, tuple[JuryFile, ...]]:
    """`released_files` of several applications in one query: application id -> files (an application
    without released files is left out)."""
    if not application_ids:
        return {}
    rows = session.execute(
        select(Attachment.application_id, Attachment.id, Attachment.original_name, Attachment.size_bytes)
        .where(Attachment.application_id.in_(sorted(set(application_ids))), Attachment.for_jury.is_(True))
        .order_by(Attachment.id)
    ).all()
    out: dict[int, list[JuryFile]] = {}
    for application_id, attachment_id, name, size in rows:
        out.setdefault(int(application_id), []).append(JuryFile(int(attachment_id), name, int(size)))
    return {k: tuple(v) for k, v in out.items()}


def jury_file(fonds: Engine, actor: Actor, application_id: int, attachment_id: int) -> tuple[Attachment, bytes]:
    """A released file of an application on the agenda of a session the actor sits on (or the office),
    with its bytes; NotFound for any other file or person."""
    with fonds.db.read() as s:
        app = _on_agenda(s, actor, application_id, fonds)
        row = s.scalar(
            select(Attachment).where(
                Attachment.id == attachment_id, Attachment.application_id == app.id, Attachment.for_jury.is_(True)
            )
        )
        if row is None:
            raise NotFound("Diese Datei gibt es nicht.")
    return row, fonds.storage.read(row.stored_name)


def _on_agenda(s: Session, actor: Actor, application_id: int, fonds: Engine) -> Application:
    app, _ = authz.load_agenda_application(s, actor, application_id, local_date(fonds.clock.now()))
    if s.scalar(select(AgendaItem.id).where(AgendaItem.application_id == app.id).limit(1)) is None:
        raise NotFound("Diesen Antrag gibt es nicht.")
    return app
