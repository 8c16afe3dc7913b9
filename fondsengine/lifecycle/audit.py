"""Writing audit events and outbox rows (inside the caller's transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from fondsengine.engine import Actor
from fondsengine.integrity import chain
from fondsengine.model import AuditEvent, OutboxMessage

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
    chain.written(session, "audit", ids)
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
    """Queue a mail; it is sent after the transaction commits."""
    msg = OutboxMessage(
        dedup_key=dedup_key,
        topic=topic,
        recipient_id=recipient_id,
        recipient_email=recipient_email,
        application_id=application_id,
        letter_id=letter_id,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=at,
        created_at=at,
    )
    session.add(msg)
    return msg
