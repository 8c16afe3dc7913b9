"""Render stored Letter rows into PDFs once: snapshot (Letter.data) -> letter dataclass -> bytes.

A letter's data is frozen at the moment of the decision (lifecycle/effects.py::_snapshot);
the PDF is rendered from it after commit, stored with its sha256 and never rendered again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fondsengine.engine import Engine
from fondsengine.errors import LetterIncomplete
from fondsengine.guidelines.model import Guideline
from fondsengine.letters import render_letter
from fondsengine.letters.registry import letter_filename  # noqa: F401  (re-exported: older imports)
from fondsengine.letters.snapshot import (  # noqa: F401  (re-exported: tests and older imports)
    addressee_lines,
    context_for,
    letter_data,
    payment_text,
    snapshot_day,
)
from fondsengine.model import Application, GuidelineVersion, Letter

if TYPE_CHECKING:
    from fondsengine.letters.html import LetterPage

log = logging.getLogger(__name__)


@contextmanager
def quiet_transaction(fonds: Engine) -> Iterator[Session]:
    """A write transaction that commits on success and runs no after-commit hooks."""
    session = fonds.db.write_session()
    session.begin()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _guideline_for(fonds: Engine, session: Session, letter: Letter) -> Guideline:
    data = letter.data
    version_id = session.scalar(
        select(GuidelineVersion.id).where(
            GuidelineVersion.fund_id == data.get("fund_id"),
            GuidelineVersion.version_hash == data.get("guideline_hash"),
        )
    )
    if version_id is None and letter.application_id is not None:
        app = session.get(Application, letter.application_id)
        version_id = app.guideline_version_id if app is not None else None
    if version_id is None:
        raise ValueError(f"letter {letter.id}: guideline version not found")
    return fonds.catalog.guideline(session, version_id)


def render_stored_letter(fonds: Engine, session: Session, letter: Letter) -> bytes:
    """Render one Letter row from its snapshot (does not store anything)."""
    d = letter.data
    g = _guideline_for(fonds, session, letter)
    on = snapshot_day(d, letter.created_at.date())
    return render_letter(letter.kind, context_for(g, d, on), letter_data(letter.kind, d, g, on))


def stored_letter_page(fonds: Engine, session: Session, letter: Letter) -> LetterPage:
    """One Letter row as the content of its HTML page, from the same snapshot as its PDF."""
    from fondsengine.letters.html import letter_page  # reportlab: only when a letter is shown

    d = letter.data
    g = _guideline_for(fonds, session, letter)
    on = snapshot_day(d, letter.created_at.date())
    return letter_page(letter.kind, context_for(g, d, on), letter_data(letter.kind, d, g, on))


def render_pending_letters(fonds: Engine, *, now: datetime, limit: int = 50, ids: list[int] | None = None) -> int:
    """Render letters that have no PDF yet and store PDF + sha256; returns how many were stored.

    With ``ids`` only those letters (the ones a unit of work just created); an empty list renders none."""
    if ids is not None and not ids:
        return 0
    query = select(Letter.id).where(Letter.pdf.is_(None), Letter.rendered_at.is_(None), Letter.held_reason.is_(None))
    if ids is not None:
        query = query.where(Letter.id.in_(ids))
    with fonds.db.read() as s:
        ids = list(s.scalars(query.order_by(Letter.id).limit(limit)))
    stored = 0
    for letter_id in ids:
        try:
            with fonds.db.read() as s:
                letter = s.get(Letter, letter_id)
                if letter is None or letter.pdf is not None:
                    continue
                pdf = render_stored_letter(fonds, s, letter)
        except LetterIncomplete as exc:  # never sent with a gap: held, and the office's to-do list shows it
            log.warning("Brief %s zurückgehalten: %s", letter_id, exc)
            with quiet_transaction(fonds) as s:
                s.execute(
                    update(Letter)
                    .where(Letter.id == letter_id, Letter.pdf.is_(None))
                    .values(held_reason=str(exc))
                    .execution_options(synchronize_session=False)
                )
            continue
        except Exception:  # one broken letter must not stop the others or the mails
            log.exception("Brief %s konnte nicht erzeugt werden", letter_id)
            continue
        with quiet_transaction(fonds) as s:
            result = s.execute(
                update(Letter)
                .where(Letter.id == letter_id, Letter.pdf.is_(None), Letter.rendered_at.is_(None))
                .values(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), rendered_at=now)
                .execution_options(synchronize_session=False)
            )
        stored += int(getattr(result, "rowcount", 0) == 1)
    return stored
