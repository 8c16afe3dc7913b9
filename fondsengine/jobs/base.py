"""Helpers of the scheduled jobs: the once() guard, queuing a mail, funds and members.

What a job did is marked with a JobMark key in the same transaction as the mail it queues
(or the booking it makes); the key is unique, so a second run, a restart or a second
scheduler process never repeats it. Every job returns how many things it did.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fondsengine.clock import FixedClock
from fondsengine.engine import Engine, UnitOfWork
from fondsengine.errors import ConcurrentChange
from fondsengine.guidelines.model import Guideline
from fondsengine.lifecycle.audit import enqueue
from fondsengine.model import Fund, JobMark, Membership, User

log = logging.getLogger(__name__)


def once(fonds: Engine, job: str, key: str, now: datetime, action: Callable[[UnitOfWork], None]) -> bool:
    """Run ``action`` and write the JobMark ``key`` in one transaction, unless the key exists."""
    try:
        with fonds.unit_of_work() as uow:
            if uow.session.scalar(select(JobMark.id).where(JobMark.key == key)) is not None:
                return False
            uow.session.add(JobMark(key=key, job=job, done_at=now))
            uow.session.flush()
            action(uow)
            uow.commit()
    except (IntegrityError, ConcurrentChange):  # another process wrote the same mark (or outbox key) first
        return False
    return True


def mail(
    uow: UnitOfWork,
    key: str,
    topic: str,
    now: datetime,
    payload: dict[str, Any],
    *,
    user_id: int | None = None,
    email: str | None = None,
    application_id: int | None = None,
) -> None:
    """Queue one mail in the job's transaction (dedup key = the job key)."""
    enqueue(
        uow.session,
        dedup_key=key,
        topic=topic,
        at=now,
        payload=payload,
        recipient_id=user_id,
        recipient_email=email,
        application_id=application_id,
    )


def funds(fonds: Engine) -> list[tuple[str, Guideline]]:
    """The active funds with their current guideline."""
    with fonds.db.read() as s:
        ids = list(s.scalars(select(Fund.id).where(Fund.active.is_(True)).order_by(Fund.id)))
        return [(fund_id, fonds.catalog.current(s, fund_id)[2]) for fund_id in ids]


def members(fonds: Engine, fund_id: str, role: str, day: date) -> list[tuple[int, str, str]]:
    """(user id, e-mail, name) of the active holders of a role in a fund on a day."""
    with fonds.db.read() as s:
        rows = s.execute(
            select(User.id, User.email, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.fund_id == fund_id,
                Membership.role == role,
                User.active.is_(True),
                User.email.is_not(None),
                Membership.valid_on(day),
            )
            .order_by(User.id)
        ).all()
    return [(uid, str(email), name) for uid, email, name in rows]


def mail_once(
    fonds: Engine,
    job: str,
    key: str,
    now: datetime,
    topic: str,
    payload: dict[str, Any],
    *,
    user_id: int | None = None,
    email: str | None = None,
    application_id: int | None = None,
) -> bool:
    """Queue one mail under a JobMark key, unless that key was done before."""

    def action(uow: UnitOfWork) -> None:
        mail(uow, key, topic, now, payload, user_id=user_id, email=email,
             application_id=application_id)  # fmt: skip

    return once(fonds, job, key, now, action)


def at_time(fonds: Engine, now: datetime) -> Engine:
    """The same engine with its clock fixed at ``now`` (use cases called by a job see its time)."""
    return dataclasses.replace(fonds, clock=FixedClock(now))
