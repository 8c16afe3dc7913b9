"""Read queries of the office pages (dashboard attention lists, jury sessions).

Each list is one query (with a limit) and, where a total is shown, one count; the filters
use the indexed columns (fund_id, budget_year, state; proof_due_on and lapse_due_on are
narrowed by fund, year and state first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fondsengine.model import AgendaItem, Application, JurySession
from fondsengine.workflow.model import Workflow

LIST_LIMIT = 20
PROOF_WINDOW_DAYS = 14
LAPSE_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Item:
    """One line of an attention list."""

    id: int
    file_number: str | None
    title: str
    contact_name: str
    state: str
    amount_cents: int | None
    day: date | None
    days: int | None  # days waiting (positive) or days left (negative = overdue)


@dataclass(frozen=True)
class Attention:
    """What is coming up in one fund and year (what is due now is on the to-do list,
    `fondsengine.applications.todo`, across all funds and years)."""

    proofs_due: list[Item]
    lapsing: list[Item]
    next_session: JurySession | None
    next_session_agenda: int


def undecided_states(workflow: Workflow) -> tuple[str, ...]:
    """States of applications in the pipeline: submitted, not decided yet (no outcome, not a draft)."""
    return tuple(st.id for st in workflow.states if not st.initial and not st.terminal and st.outcome is None)


def pipeline_cents(s: Session, fund_id: str, year: int, states: tuple[str, ...]) -> tuple[int, int]:
    """(count, sum requested) of the undecided applications of a fund's year (one query)."""
    row = s.execute(
        select(func.count(Application.id), func.coalesce(func.sum(Application.requested_cents), 0))
        .where(Application.fund_id == fund_id, Application.budget_year == year)
        .where(Application.state.in_(states))
    ).one()
    return int(row[0]), int(row[1])


def _cols() -> tuple[Any, ...]:
    return (
        Application.id,
        Application.file_number,
        Application.title,
        Application.contact_name,
        Application.state,
    )


def _day(value: datetime | None) -> date | None:
    from fondsengine.clock import local_date

    return local_date(value) if value is not None else None


def _due(s: Session, fund_id: str, year: int, today: date, column, states, until: date) -> list[Item]:  # type: ignore[no-untyped-def]
    rows = s.execute(
        select(*_cols(), Application.approved_cents, column)
        .where(
            Application.fund_id == fund_id,
            Application.budget_year == year,
            Application.state.in_(states),
            column.is_not(None),
            column <= until,
        )
        .order_by(column, Application.id)
        .limit(LIST_LIMIT * 2)
    ).all()
    return [
        Item(r.id, r.file_number, r.title, r.contact_name, r.state, r.approved_cents, r[-1], (r[-1] - today).days)
        for r in rows
    ]


def next_session(s: Session, fund_id: str, now: datetime) -> tuple[JurySession | None, int]:
    """The next planned or open jury session of a fund and the size of its agenda."""
    js = s.scalar(
        select(JurySession)
        .where(
            JurySession.fund_id == fund_id,
            JurySession.status.in_(("planned", "open")),
            JurySession.starts_at >= now - timedelta(hours=12),
        )
        .order_by(JurySession.starts_at)
        .limit(1)
    )
    if js is None:
        return None, 0
    size = s.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.session_id == js.id)) or 0
    s.expunge(js)
    return js, int(size)


def attention(s: Session, fund_id: str, year: int, today: date, now: datetime, workflow: Workflow) -> Attention:
    """What is coming up on the dashboard of one fund and budget year (states by their meaning
    in the fund's workflow): proofs due soon, grants that lapse soon, the next jury session."""
    proof_states = workflow.state_ids(waiting_for="proof")
    proofs = _due(
        s, fund_id, year, today, Application.proof_due_on, proof_states, today + timedelta(days=PROOF_WINDOW_DAYS)
    )
    may_lapse = workflow.state_ids(guarded_by="lapse_due")
    lapsing = _due(
        s, fund_id, year, today, Application.lapse_due_on, may_lapse, today + timedelta(days=LAPSE_WINDOW_DAYS)
    )
    js, agenda = next_session(s, fund_id, now)
    return Attention(
        proofs_due=[i for i in proofs if (i.days or 0) >= 0],
        lapsing=lapsing,
        next_session=js,
        next_session_agenda=agenda,
    )
