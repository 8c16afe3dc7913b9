"""Reading stored letters: the list of an application's letters and one letter's PDF, checked."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import FondsError, NotFound
from fondsengine.json_reads import Id
from fondsengine.letters.registry import kind_label, letter_filename
from fondsengine.letters.store import render_pending_letters, stored_letter_page
from fondsengine.lifecycle import authz
from fondsengine.model import Application, Letter

if TYPE_CHECKING:
    from fondsengine.letters.html import LetterPage

# who may read an application's letters: the office, auditors, the city, the system, the applicant
LETTER_ROLES = frozenset({"manager", "auditor", "city_approver", "system", "applicant"})


@dataclass(frozen=True)
class LetterInfo:
    """What is known about a stored letter without loading its PDF."""

    id: int
    application_id: int | None
    file_number: str | None
    kind: str
    label: str  # German name of the letter kind
    created_at: datetime
    size_bytes: int | None  # None while the PDF is not rendered yet
    sha256: str | None
    held: bool = False  # held instead of rendered: a placeholder would have had no value

    @property
    def rendered(self) -> bool:
        """True once the PDF is stored."""
        return self.size_bytes is not None

    @property
    def filename(self) -> str:
        """The download name, e.g. Bewilligungsbescheid-WQ-2026-0002.pdf."""
        return letter_filename(self.kind, self.file_number)


class ChecksumMismatch(FondsError):
    """The stored PDF does not match its stored SHA-256 (the letter was altered or damaged)."""


def _may_read(fonds: Engine, session: Session, actor: Actor, app: Application | None) -> Application:
    """The application if the actor may read its letters; NotFound otherwise (reveals nothing)."""
    if app is None:
        raise NotFound("Diesen Antrag gibt es nicht.")
    today = local_date(fonds.clock.now())
    roles = authz.application_roles(session, actor, app, today)
    require_letter_reader(session, app, roles)
    return app


def require_letter_reader(session: Session, app: Application, roles: frozenset[str]) -> None:
    """NotFound unless these roles may read the application's letters (reveals nothing)."""
    if not roles & LETTER_ROLES or not authz.may_read_record(session, app, roles):
        raise NotFound("Diesen Antrag gibt es nicht.")


def _info_query() -> Select[Any]:
    return select(
        Letter.id,
        Letter.application_id,
        Application.file_number,
        Letter.kind,
        Letter.created_at,
        Letter.sha256,
        func.length(Letter.pdf).label("size"),
        Letter.held_reason,
    ).outerjoin(Application, Application.id == Letter.application_id)


def _info(r: Row[Any]) -> LetterInfo:
    return LetterInfo(
        id=r.id,
        application_id=r.application_id,
        file_number=r.file_number,
        kind=r.kind,
        label=kind_label(r.kind),
        created_at=r.created_at,
        size_bytes=int(r.size) if r.size is not None else None,
        sha256=r.sha256,
        held=r.held_reason is not None,
    )


def letters_of(fonds: Engine, actor: Actor, file_number: str) -> list[LetterInfo]:
    """The letters of the application with this file number (Aktenzeichen), oldest first."""
    with fonds.db.read() as s:
        app_id = s.scalar(select(Application.id).where(Application.file_number == file_number.strip()))
    if app_id is None:
        raise NotFound("Diesen Antrag gibt es nicht.")
    return letters_of_application(fonds, actor, app_id)


def letters_of_application(fonds: Engine, actor: Actor, application_id: int) -> list[LetterInfo]:
    """The letters of an application the actor may read, oldest first (pending ones too)."""
    with fonds.db.read() as s:
        app = _may_read(fonds, s, actor, s.get(Application, application_id))
        return letters_in(s, app)


def letters_in(s: Session, app: Application) -> list[LetterInfo]:
    """The letters of an application already loaded in this session (`require_letter_reader` asked)."""
    return letters_from_rows(s.execute(letters_statement(app.id)).all())


def letters_statement(application_id: Id) -> Select[Any]:
    """The statement of `letters_in` (also read together with others, `json_reads`)."""
    return _info_query().where(Letter.application_id == application_id).order_by(Letter.id)


def letters_from_rows(rows: Sequence[Any]) -> list[LetterInfo]:
    """The rows of `letters_statement` as letters."""
    return [_info(r) for r in rows]


def _load(fonds: Engine, actor: Actor, letter_id: int) -> tuple[LetterInfo, bytes | None]:
    with fonds.db.read() as s:
        letter = s.get(Letter, letter_id)
        if letter is None or letter.application_id is None:
            raise NotFound(f"Den Brief {letter_id} gibt es nicht.")
        _may_read(fonds, s, actor, s.get(Application, letter.application_id))
        row = s.execute(_info_query().where(Letter.id == letter_id)).one()
        return _info(row), letter.pdf


def letter_pdf(fonds: Engine, actor: Actor, letter_id: int) -> tuple[LetterInfo, bytes]:
    """A stored letter's PDF after checking its SHA-256; a letter not rendered yet is rendered
    and stored first (once, from its snapshot). ChecksumMismatch when the bytes were altered."""
    info, pdf = _load(fonds, actor, letter_id)
    if pdf is None:
        with fonds.db.read() as s:
            pending = s.scalar(
                select(func.count()).where(Letter.pdf.is_(None), Letter.rendered_at.is_(None), Letter.id <= letter_id)
            )
        render_pending_letters(fonds, now=fonds.clock.now(), limit=max(int(pending or 0), 1))
        info, pdf = _load(fonds, actor, letter_id)
        if pdf is None:
            raise NotFound(f"Der Brief {letter_id} konnte noch nicht erzeugt werden.")
    digest = hashlib.sha256(pdf).hexdigest()
    if info.sha256 != digest:
        raise ChecksumMismatch(
            f"Die Prüfsumme von Brief {letter_id} stimmt nicht: gespeichert {info.sha256}, berechnet {digest}."
        )
    return info, pdf


def letter_page_of(fonds: Engine, actor: Actor, letter_id: int) -> tuple[LetterInfo, LetterPage]:
    """A letter's content for its HTML page, for whoever may read its PDF; NotFound for a held letter."""
    with fonds.db.read() as s:
        letter = s.get(Letter, letter_id)
        if letter is None or letter.application_id is None:
            raise NotFound(f"Den Brief {letter_id} gibt es nicht.")
        _may_read(fonds, s, actor, s.get(Application, letter.application_id))
        if letter.held_reason is not None:
            raise NotFound(f"Der Brief {letter_id} wurde nicht erstellt.")
        info = _info(s.execute(_info_query().where(Letter.id == letter_id)).one())
        return info, stored_letter_page(fonds, s, letter)


__all__ = ["LETTER_ROLES", "ChecksumMismatch", "LetterInfo", "kind_label", "letter_page_of", "letter_pdf", "letters_of"]
