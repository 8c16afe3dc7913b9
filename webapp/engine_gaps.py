"""Read helpers and workarounds the engine does not offer (yet).

ENGINE GAP — each function here should move into fondsengine.services (see docs/web.md):
- applications_of(user): the applicant's own applications (no query exists);
- timeline_rows / payments_rows: queries.timeline and payments.payments_of return ORM rows
  from a session that was rolled back, so reading them raises DetachedInstanceError;
- letters_of / attachments_of: no query exists;
- add_attachment: no use case exists (uploads.py checks the content first);
- once_per_token: an idempotency key for create_draft (a double-clicked submit must not
  create two drafts); here a process-local lock, enough for one web process.
Every helper first asks the engine's authz (get_application) so visibility stays the engine's rule.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from fondsengine.model import Application, Attachment, AuditEvent, Fund, Letter, Payment
from fondsengine.services.context import Actor, Fonds
from fondsengine.services.queries import get_application


@dataclass(frozen=True)
class Row:
    """A plain, detached record for templates."""

    data: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.data[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _plain(obj: Any) -> Row:
    return Row({c.key: getattr(obj, c.key) for c in obj.__table__.columns})


def applications_of(fonds: Fonds, user_id: int) -> list[dict[str, Any]]:
    """The applications a person applied for, newest first, with fund name and state label."""
    out: list[dict[str, Any]] = []
    with fonds.db.read() as s:
        rows = s.execute(
            select(Application, Fund.name)
            .join(Fund, Fund.id == Application.fund_id)
            .where(Application.applicant_id == user_id)
            .order_by(Application.updated_at.desc(), Application.id.desc())
        ).all()
        for app, fund_name in rows:
            wf = fonds.catalog.workflow(s, app.workflow_version_id)
            out.append(
                {
                    "id": app.id,
                    "title": app.title,
                    "fund_name": fund_name,
                    "file_number": app.file_number,
                    "state": app.state,
                    "state_label": wf.state(app.state).label,
                    "updated_at": app.updated_at,
                    "requested_cents": app.requested_cents,
                }
            )
    return out


def timeline_rows(fonds: Fonds, actor: Actor, application_id: int) -> list[Row]:
    """The audit events of an application the actor may see, oldest first."""
    get_application(fonds, actor, application_id)
    with fonds.db.read() as s:
        return [
            _plain(e)
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.application_id == application_id).order_by(AuditEvent.id)
            )
        ]


def payments_rows(fonds: Fonds, actor: Actor, application_id: int) -> list[Row]:
    """The payments of an application the actor may see."""
    get_application(fonds, actor, application_id)
    with fonds.db.read() as s:
        return [
            _plain(p)
            for p in s.scalars(select(Payment).where(Payment.application_id == application_id).order_by(Payment.id))
        ]


def letters_of(fonds: Fonds, actor: Actor, application_id: int) -> list[Row]:
    """The rendered letters of an application (without the PDF bytes)."""
    get_application(fonds, actor, application_id)
    with fonds.db.read() as s:
        rows = s.execute(
            select(Letter.id, Letter.kind, Letter.created_at)
            .where(Letter.application_id == application_id, Letter.pdf.is_not(None))
            .order_by(Letter.id)
        ).all()
        return [Row({"id": r.id, "kind": r.kind, "created_at": r.created_at}) for r in rows]


def letter_pdf(fonds: Fonds, actor: Actor, application_id: int, letter_id: int) -> tuple[str, bytes] | None:
    """(kind, pdf bytes) of one letter of a visible application."""
    get_application(fonds, actor, application_id)
    with fonds.db.read() as s:
        letter = s.get(Letter, letter_id)
        if letter is None or letter.application_id != application_id or letter.pdf is None:
            return None
        return letter.kind, bytes(letter.pdf)


def attachments_of(fonds: Fonds, actor: Actor, application_id: int) -> list[Row]:
    """The uploaded files of a visible application."""
    get_application(fonds, actor, application_id)
    with fonds.db.read() as s:
        return [
            _plain(a)
            for a in s.scalars(
                select(Attachment).where(Attachment.application_id == application_id).order_by(Attachment.id)
            )
        ]


def add_attachment(
    fonds: Fonds,
    actor: Actor,
    application_id: int,
    *,
    purpose: str,
    original_name: str,
    stored_name: str,
    mimetype: str,
    size_bytes: int,
    sha256: str,
) -> int:
    """Record an uploaded (already checked and stored) file for a visible application."""
    get_application(fonds, actor, application_id)
    with fonds.unit_of_work() as uow:
        row = Attachment(
            application_id=application_id,
            purpose=purpose,
            original_name=original_name[:255],
            stored_name=stored_name,
            mimetype=mimetype,
            size_bytes=size_bytes,
            sha256=sha256,
            uploaded_by_id=actor.user_id,
            uploaded_at=fonds.clock.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        uow.commit()
        return row.id


def last_request_for_changes(fonds: Fonds, actor: Actor, application_id: int) -> tuple[str, datetime] | None:
    """What the office asked for most recently (reason and time), if it asked."""
    for event in reversed(timeline_rows(fonds, actor, application_id)):
        if event.action == "request_changes":
            return event.reason or "", event.at
    return None


class FormTokens:
    """Remembers which form token created which draft (per app), so a repeated post finds it."""

    def __init__(self, limit: int = 10000) -> None:
        self._lock = threading.Lock()
        self._results: dict[tuple[int, str], int] = {}
        self._limit = limit

    def once(self, user_id: int, token: str, create: Callable[[], int]) -> int:
        """Run `create` once per (user, form token); a repeated post returns the first result."""
        key = (user_id, token)
        with self._lock:
            if key in self._results:
                return self._results[key]
            result = create()
            self._results[key] = result
            if len(self._results) > self._limit:
                self._results.pop(next(iter(self._results)))
            return result
