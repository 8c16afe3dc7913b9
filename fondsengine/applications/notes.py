"""Internal notes of the office on an application; never shown to the applicant or the jury."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.json_reads import Id
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import Application, Note, User

MAX_NOTE = 5000
NOTE_READERS = frozenset({"manager", "auditor"})


@dataclass(frozen=True)
class NoteView:
    """A note with its author."""

    id: int
    text: str
    at: datetime
    author: str


def add_note(fonds: Engine, actor: Actor, application_id: int, text: str) -> int:
    """Add an internal note (managers of the fund only); audited without its text and outside the
    application's own timeline, which the applicant sees."""
    text = text.strip()
    if not text:
        raise InvalidInput("Bitte schreiben Sie eine Notiz.", field="note")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"Eine Notiz darf höchstens {MAX_NOTE} Zeichen lang sein.", field="note")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Interne Notizen schreibt nur die Geschäftsführung.")
        note = Note(application_id=app.id, author_id=actor.user_id or 0, text=text, created_at=now)
        s.add(note)
        s.flush()
        record(
            s,
            actor=actor,
            role="manager",
            action="add_note",
            at=now,
            fund_id=app.fund_id,
            data={"application_id": app.id, "note_id": note.id},
        )
        uow.commit()
        return note.id


def notes_of(fonds: Engine, actor: Actor, application_id: int) -> list[NoteView]:
    """The notes of an application, newest first (office and auditors only)."""
    with fonds.db.read() as s:
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(fonds.clock.now()))
        if not roles & NOTE_READERS:
            raise PermissionDenied("Interne Notizen sieht nur die Geschäftsführung.")
        return notes_in(s, app)


def notes_in(s: Session, app: Application) -> list[NoteView]:
    """The notes of an application already loaded in this session (`NOTE_READERS` asked), newest first."""
    return notes_from_rows(s.execute(notes_statement(app.id)).all())


def notes_statement(application_id: Id) -> Select[int, str, datetime, str]:
    """The statement of `notes_in` (also read together with others, `json_reads`)."""
    return (
        select(Note.id, Note.text, Note.created_at, User.name)
        .join(User, User.id == Note.author_id)
        .where(Note.application_id == application_id)
        .order_by(Note.id.desc())
    )


def notes_from_rows(rows: Sequence[Any]) -> list[NoteView]:
    """The rows of `notes_statement` as notes."""
    return [NoteView(r.id, r.text, r.created_at, r.name) for r in rows]
