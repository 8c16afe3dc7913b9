"""The ledger as the office reads it: every booking of a fund's budget year (the Kassenbuch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.labels import LEDGER_KIND_NAMES
from fondsengine.lifecycle import authz
from fondsengine.model import Application, LedgerEntry, User

READERS = ("manager", "auditor", "city_approver")


@dataclass(frozen=True)
class Booking:
    """One ledger entry with what it belongs to."""

    id: int
    booked_at: datetime
    kind: str
    kind_label: str
    amount_cents: int
    application_id: int | None
    file_number: str | None
    title: str | None
    note: str
    actor_name: str | None
    counter_of_id: int | None


def bookings(fonds: Engine, actor: Actor, fund_id: str, year: int) -> list[Booking]:
    """All bookings of a fund's budget year, oldest first (one query); office, auditors and city only."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), *READERS, "system")
        rows = s.execute(
            select(LedgerEntry, Application.file_number, Application.title, User.name)
            .outerjoin(Application, Application.id == LedgerEntry.application_id)
            .outerjoin(User, User.id == LedgerEntry.actor_id)
            .where(LedgerEntry.fund_id == fund_id, LedgerEntry.budget_year == year)
            .order_by(LedgerEntry.id)
        ).all()
    return [
        Booking(
            e.id,
            e.booked_at,
            e.kind,
            LEDGER_KIND_NAMES.get(e.kind, e.kind),
            e.amount_cents,
            e.application_id,
            file_number,
            title,
            e.note,
            name,
            e.counter_of_id,
        )
        for e, file_number, title, name in rows
    ]
