"""Writing audit events and outbox rows (inside the caller's transaction), and the rows a workflow step collects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.actor import Actor
from fondsengine.created import Created
from fondsengine.integrity import chain
from fondsengine.model import AuditEvent, Letter, OutboxMessage

_AUDIT_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]


def record(
    session: Session,
    *,
    actor: Actor,
    role: str,
    action: str,
    at: datetime,
    fund_id: str | None = None,
    application_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    guideline_hash: str | None = None,
    clause: str | None = None,
    on_behalf_of_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event (the same row `event_row` gives the lean write path)."""
    event = AuditEvent(
        **event_row(
            actor=actor,
            role=role,
            action=action,
            at=at,
            fund_id=fund_id,
            application_id=application_id,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            guideline_hash=guideline_hash,
            clause=clause,
            on_behalf_of_id=on_behalf_of_id,
            data=data,
        )
    )
    session.add(event)
    return event


def event_row(
    *,
    actor: Actor,
    role: str,
    action: str,
    at: datetime,
    fund_id: str | None = None,
    application_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    guideline_hash: str | None = None,
    clause: str | None = None,
    on_behalf_of_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The row of an audit event for `write_events` (the lean write path of a workflow step): the same
    row `record` appends, collected by the caller and written with its other rows in one INSERT."""
    return {
        "at": at,
        "actor_id": actor.user_id,
        "actor_role": role,
        "on_behalf_of_id": on_behalf_of_id,
        "fund_id": fund_id,
        "application_id": application_id,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "reason": reason,
        "guideline_hash": guideline_hash,
        "clause": clause,
        "data": data or {},
    }


def write_events(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Write audit events (`event_row`) in one multi-row INSERT (Core, no flush) and hand their ids to
    the hash chain, which seals them with the transaction's other rows at commit. Returns the ids."""
    if not rows:
        return []
    result = session.execute(insert(_AUDIT_EVENTS).returning(_AUDIT_EVENTS.c.id, sort_by_parameter_order=True), rows)
    ids = [int(i) for i in result.scalars()]
    chain.written(session, "audit", ids, rows)
    return ids


def enqueue(
    session: Session,
    *,
    dedup_key: str,
    topic: str,
    at: datetime,
    payload: dict[str, Any],
    recipient_id: int | None = None,
    recipient_email: str | None = None,
    application_id: int | None = None,
    letter_id: int | None = None,
) -> OutboxMessage:
    """Queue a mail; it is sent after the transaction commits (the same row `outbox_row` gives)."""
    msg = OutboxMessage(
        **outbox_row(
            dedup_key=dedup_key,
            topic=topic,
            at=at,
            payload=payload,
            recipient_id=recipient_id,
            recipient_email=recipient_email,
            application_id=application_id,
            letter_id=letter_id,
        )
    )
    session.add(msg)
    return msg


def outbox_row(
    *,
    dedup_key: str,
    topic: str,
    at: datetime,
    payload: dict[str, Any],
    recipient_id: int | None = None,
    recipient_email: str | None = None,
    application_id: int | None = None,
    letter_id: int | None = None,
) -> dict[str, Any]:
    """The row of a queued mail (`enqueue` adds it to the session, a workflow step collects it)."""
    return {
        "dedup_key": dedup_key,
        "topic": topic,
        "recipient_id": recipient_id,
        "recipient_email": recipient_email,
        "application_id": application_id,
        "letter_id": letter_id,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
    }


_LETTERS: Table = Letter.__table__  # type: ignore[assignment]
_OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """One multi-row INSERT (Core, no flush); the new ids in the order of the rows."""
    if not rows:
        return []
    result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [int(i) for i in result.scalars()]


@dataclass
class StepRows:
    """The append-only rows one workflow step collects (lean write path): written at the step's end
    (`write`) with one multi-row Core INSERT per table, after the ORM's pending changes."""

    ledger: list[dict[str, Any]] = field(default_factory=list)  # entries (`ledger.book_row`)
    letters: list[dict[str, Any]] = field(default_factory=list)  # letter rows with their snapshot
    # mails (`outbox_row`), each with the index in `letters` of the letter it carries: its id (and the
    # mail's dedup key "letter:<id>") is known once the letters are written
    outbox: list[tuple[dict[str, Any], int | None]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)  # events (`event_row`)

    def write(self, session: Session, created: Created) -> None:
        """Write the rows (ledger entries, letters, mails, audit events) and note the new letters and mails
        in `created` (what the unit of work's after-commit hooks render and send)."""
        ledger.write_entries(session, self.ledger)
        letter_ids = _insert(session, _LETTERS, self.letters)
        outbox = [
            row
            if letter is None
            else {**row, "letter_id": letter_ids[letter], "dedup_key": f"letter:{letter_ids[letter]}"}
            for row, letter in self.outbox
        ]
        outbox_ids = _insert(session, _OUTBOX, outbox)
        write_events(session, self.audit)
        created.letter_ids.extend(letter_ids)
        created.outbox_ids.extend(outbox_ids)
