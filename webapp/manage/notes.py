"""Internal notes of the office on an application; never shown to the applicant.

ENGINE GAP: the engine has the `notes` table but no use case yet. `add_note` / `notes_of`
belong in fondsengine.services (e.g. records.add_note); they use the engine's unit of
work, authz and audit so they can move there unchanged.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy import select

from fondsengine.clock import local_date
from fondsengine.errors import FondsError, InvalidInput, PermissionDenied
from fondsengine.model import Note, User
from fondsengine.services import authz
from fondsengine.services.audit import record
from fondsengine.services.context import Actor, Fonds
from webapp.extensions import actor, fonds
from webapp.manage import bp
from webapp.manage.common import error_list

MAX_NOTE = 5000


def add_note(f: Fonds, who: Actor, application_id: int, text: str) -> int:
    """Add an internal note (managers of the fund only); audited without its text, outside the applicant's timeline."""
    text = text.strip()
    if not text:
        raise InvalidInput("Bitte schreiben Sie eine Notiz.", field="note")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"Eine Notiz darf höchstens {MAX_NOTE} Zeichen lang sein.", field="note")
    with f.unit_of_work() as uow:
        s = uow.session
        now = f.clock.now()
        app, roles = authz.load_visible_application(s, who, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Interne Notizen schreibt nur die Geschäftsführung.")
        note = Note(application_id=app.id, author_id=who.user_id or 0, text=text, created_at=now)
        s.add(note)
        s.flush()
        # Not tied to application_id: the applicant's timeline lists that application's events.
        record(
            s,
            actor=who,
            role="manager",
            action="add_note",
            at=now,
            fund_id=app.fund_id,
            data={"application_id": app.id, "note_id": note.id},
        )
        uow.commit()
        return note.id


def notes_of(application_id: int) -> list[dict[str, Any]]:
    """The notes of an application with their authors, newest first (call after load_for_office)."""
    with fonds().db.read() as s:
        rows = s.execute(
            select(Note.id, Note.text, Note.created_at, User.name)
            .join(User, User.id == Note.author_id)
            .where(Note.application_id == application_id)
            .order_by(Note.id.desc())
        ).all()
    return [{"id": r.id, "text": r.text, "at": r.created_at, "author": r.name} for r in rows]


@bp.route("/antraege/<int:application_id>/notizen", methods=["POST"])
@login_required
def note(application_id: int) -> ResponseReturnValue:
    """Add an internal note."""
    from webapp.manage.application import load_for_office, render_application

    load_for_office(application_id)
    try:
        add_note(fonds(), actor(), application_id, request.form.get("note", ""))
    except FondsError as exc:
        return render_application(application_id, error_list(exc), 400)
    flash("Die Notiz ist gespeichert.", "success")
    return redirect(url_for("manage.application", application_id=application_id, _anchor="notizen"))
