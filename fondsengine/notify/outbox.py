"""The outbox dispatcher: render pending letters, claim due mails, send, record the outcome.

Several dispatchers (web workers after commit, the scheduler) may run at once. A row is
claimed with a guarded UPDATE (``... WHERE id = :id AND status = 'pending'``); only the
process whose UPDATE changed the row sends it, so no mail goes out twice. A row left in
'sending' by a crashed process goes back to 'pending' after ``STALE_AFTER``.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fondsengine.engine import Created, Engine
from fondsengine.errors import FondsError
from fondsengine.letters.registry import letter_filename
from fondsengine.letters.store import quiet_transaction, render_pending_letters
from fondsengine.model import Application, Fund, Letter, OutboxMessage, User
from fondsengine.notify import Mailer, Message, RetryPolicy, attempt_delivery
from fondsengine.notify.outbox_messages import MailContext, build_message
from fondsengine.notify.port import Attachment
from fondsengine.notify.retry import DEFAULT_POLICY

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=15)
SKIPPED_NOTE = "Nicht verschickt: Die Person hat diese Benachrichtigung abbestellt."


@dataclass
class DispatchReport:
    """What one dispatch run did."""

    letters_rendered: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0
    reclaimed: int = 0
    lost_race: int = 0


def wants(prefs: dict[str, Any], topic: str) -> bool:
    """Whether a user's preferences allow a topic; letters are always sent (legally required)."""
    if topic.startswith("letter_"):
        return True
    return prefs.get(topic, True) is not False


def _reclaim_stale(fonds: Engine, now: datetime, stale_after: timedelta) -> int:
    with quiet_transaction(fonds) as s:
        result = s.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == "sending", OutboxMessage.next_attempt_at < now - stale_after
            )
            .values(status="pending", last_error="Versand unterbrochen; wird wiederholt.")
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)


def _claim(fonds: Engine, row_id: int, now: datetime) -> bool:
    """Take one due row; True only for the one process whose UPDATE changed it."""
    with quiet_transaction(fonds) as s:
        result = s.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.status == "pending",
                OutboxMessage.next_attempt_at <= now,
            )
            .values(status="sending", attempts=OutboxMessage.attempts + 1, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    return getattr(result, "rowcount", 0) == 1


def _finish(fonds: Engine, row_id: int, **values: Any) -> None:
    with quiet_transaction(fonds) as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == "sending")
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def _office_of(fonds: Engine, s: Session, fund_id: str) -> str | None:
    """The office named in the fund's current guideline (the jury's mails are signed with it)."""
    try:
        return fonds.catalog.current(s, fund_id)[2].office.name or None
    except (LookupError, ValueError, FondsError):
        return None


def _context(fonds: Engine, s: Session, row: OutboxMessage) -> MailContext:
    office, fund_name, state_label, attachment = fonds.settings.mail_from, "", None, None
    fund_id = row.payload.get("fund_id")
    app = s.get(Application, row.application_id) if row.application_id is not None else None
    if app is not None:
        fund_id = app.fund_id
        guideline = fonds.catalog.guideline(s, app.guideline_version_id)
        office, fund_name = guideline.office.name, guideline.name
        state = row.payload.get("state") or app.state
        workflow = fonds.catalog.workflow(s, app.workflow_version_id)
        try:  # the state's German label (a state the workflow version does not know keeps its id)
            state_label = workflow.state(state).label
        except KeyError:
            state_label = state
    elif fund_id:
        fund = s.get(Fund, fund_id)
        fund_name = fund.name if fund is not None else ""
        office = str(row.payload.get("office") or _office_of(fonds, s, str(fund_id)) or office)
    if row.letter_id is not None:
        letter = s.get(Letter, row.letter_id)
        if letter is None or letter.pdf is None:
            raise LookupError("Der Brief ist noch nicht erzeugt.")
        name = letter_filename(letter.kind, letter.data.get("file_number"))
        attachment = Attachment(name, letter.pdf)
    return MailContext(
        fonds.settings.base_url, office, fund_name, row.application_id, state_label, attachment
    )


def _prepare(fonds: Engine, row_id: int) -> tuple[Message | None, str | None, bool]:
    """Build the mail of a claimed row: (message, error, skipped_by_preference)."""
    with fonds.db.read() as s:
        row = s.get(OutboxMessage, row_id)
        assert row is not None
        user = s.get(User, row.recipient_id) if row.recipient_id is not None else None
        if user is not None and not wants(user.notification_prefs or {}, row.topic):
            return None, None, True
        to = row.recipient_email or (user.email if user is not None else None)
        if not to:
            return None, "Keine E-Mail-Adresse bekannt.", False
        try:
            ctx = _context(fonds, s, row)
        except LookupError as exc:  # letter not rendered yet: try again later
            return None, str(exc), False
        name = user.name if user is not None else row.payload.get("name")
        message = build_message(
            row.topic, dict(row.payload), to, name, ctx, user.language if user is not None else None
        )
        return dataclasses.replace(message, message_id=f"outbox-{row.id}"), None, False


def _send_one(
    fonds: Engine,
    mailer: Mailer,
    row_id: int,
    now: datetime,
    policy: RetryPolicy,
    report: DispatchReport,
) -> None:
    with fonds.db.read() as s:
        attempts = s.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == row_id)) or 1
    try:
        message, error, skipped = _prepare(fonds, row_id)
    except Exception as exc:  # a broken payload must not stop the other mails
        log.exception("Outbox-Nachricht %s konnte nicht gebaut werden", row_id)
        message, error, skipped = None, f"Interner Fehler: {type(exc).__name__}: {exc}", False
    if skipped:
        _finish(fonds, row_id, status="sent", last_error=SKIPPED_NOTE)
        report.skipped += 1
        return
    if message is None:
        retry_at = None if error == "Keine E-Mail-Adresse bekannt." else now + policy.first_delay
        if retry_at is None or policy.delay_after(attempts) is None:
            _finish(fonds, row_id, status="dead", last_error=error)
            report.dead += 1
        else:
            _finish(fonds, row_id, status="pending", next_attempt_at=retry_at, last_error=error)
            report.retried += 1
        return
    result = attempt_delivery(mailer, message, attempts - 1, now, policy)
    if result.status == "sent":
        _finish(fonds, row_id, status="sent", sent_at=now, last_error=None)
        report.sent += 1
    elif result.status == "retry":
        assert result.next_attempt_at is not None
        _finish(fonds, row_id, status="pending", next_attempt_at=result.next_attempt_at,
                last_error=result.error)  # fmt: skip
        report.retried += 1
    else:
        _finish(fonds, row_id, status="dead", last_error=result.error)
        report.dead += 1


def dispatch(
    fonds: Engine,
    mailer: Mailer,
    *,
    now: datetime,
    limit: int = 100,
    policy: RetryPolicy = DEFAULT_POLICY,
    stale_after: timedelta = STALE_AFTER,
    only: Created | None = None,
) -> DispatchReport:
    """Render pending letters, then send up to ``limit`` due mails, each by exactly one process.

    With ``only`` (after a commit) just the letters and outbox rows that unit of work created;
    everything older (retries, stale claims) is the scheduler's `send_mail` job."""
    report = DispatchReport()
    report.letters_rendered = render_pending_letters(
        fonds, now=now, ids=None if only is None else only.letter_ids
    )
    if only is None:
        report.reclaimed = _reclaim_stale(fonds, now, stale_after)
    elif not only.outbox_ids:
        return report
    query = select(OutboxMessage.id).where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    if only is not None:
        query = query.where(OutboxMessage.id.in_(only.outbox_ids))
    with fonds.db.read() as s:
        due = list(s.scalars(query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))
    for row_id in due:
        if not _claim(fonds, row_id, now):
            report.lost_race += 1
            continue
        _send_one(fonds, mailer, row_id, now, policy, report)
    return report


_busy = threading.local()


def make_after_commit_dispatch(mailer: Mailer, *, limit: int = 20) -> Callable[[Engine, Created], None]:
    """A hook for ``fonds.after_commit``: send the mails of that unit of work right away; never raises."""

    def hook(fonds: Engine, created: Created) -> None:
        if getattr(_busy, "active", False):
            return
        _busy.active = True
        try:
            dispatch(fonds, mailer, now=fonds.clock.now(), limit=limit, only=created)
        except Exception:  # best effort: the user's action has already succeeded
            log.exception("Versand nach dem Speichern fehlgeschlagen; der Scheduler holt ihn nach")
        finally:
            _busy.active = False

    return hook


@dataclass(frozen=True)
class UndeliverableMail:
    """A mail the office must look at: given up after retries, or refused for good."""

    id: int
    topic: str
    recipient_email: str | None
    application_id: int | None
    file_number: str | None
    title: str | None
    attempts: int
    last_error: str | None
    created_at: datetime


def undeliverable(fonds: Engine, fund_id: str) -> list[UndeliverableMail]:
    """Mails of a fund with status 'dead', newest first (for the office's page and digest)."""
    with fonds.db.read() as s:
        rows = s.execute(
            select(OutboxMessage, Application.fund_id, Application.file_number, Application.title)
            .outerjoin(Application, Application.id == OutboxMessage.application_id)
            .where(OutboxMessage.status == "dead")
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        ).all()
    return [
        UndeliverableMail(
            row.id,
            row.topic,
            row.recipient_email,
            row.application_id,
            file_number,
            title or row.payload.get("title"),
            row.attempts,
            row.last_error,
            row.created_at,
        )
        for row, app_fund, file_number, title in rows
        if (app_fund or row.payload.get("fund_id")) == fund_id
    ]
