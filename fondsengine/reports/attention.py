"""Read queries of the office pages (dashboard attention lists, jury sessions).

The dashboard's attention lists and its next session are one statement (UNION ALL); the filters
use the indexed columns (fund_id, budget_year, state; proof_due_on and lapse_due_on are
narrowed by fund, year and state first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, String, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.model import AgendaItem, Application, JurySession
from fondsengine.model.base import UTCDateTime
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
    next_session: NextSession | None
    next_session_agenda: int


def undecided_states(workflow: Workflow) -> tuple[str, ...]:
    """States of applications in the pipeline: submitted, not decided yet (no outcome, not a draft)."""
    return tuple(st.id for st in workflow.states if not st.initial and not st.terminal and st.outcome is None)


def _day(value: datetime | None) -> date | None:
    return local_date(value) if value is not None else None


@dataclass(frozen=True)
class NextSession:
    """The next planned or open jury session of a fund (what the dashboard links to)."""

    id: int
    starts_at: datetime
    place: str | None


def _due(n: int, fund_id: str, year: int, column: Any, state: str, until: date, since: date | None = None) -> Any:
    """SQL branch of list n for one state: a fund year's applications in that state whose date
    `column` is due by `until` (and not before `since`), the first LIST_LIMIT * 2 by (column, id): one
    ordered index range (`ix_applications_fund_year_state_proof_due` / `.._lapse_due`) that stops after
    the rows read."""
    inner = (
        select(
            Application.id, Application.file_number, Application.title, Application.contact_name,
            Application.state, Application.approved_cents, column.label("due"),
        )
        .where(
            Application.fund_id == fund_id,
            Application.budget_year == year,
            Application.state == state,
            column.is_not(None),
            column <= until,
            *(() if since is None else (column >= since,)),
        )
        .order_by(column, Application.id)
        .limit(LIST_LIMIT * 2)
        .subquery(f"due{n}_{state}")
    )  # fmt: skip
    return select(
        literal(n).label("part"), inner.c.id, inner.c.file_number, inner.c.title,
        inner.c.contact_name, inner.c.state, inner.c.approved_cents, inner.c.due,
        cast(null(), UTCDateTime()).label("starts_at"),
    )  # fmt: skip


def _next_session(fund_id: str, now: datetime) -> Any:
    """SQL branch 2: the next planned or open jury session of a fund with the size of its agenda."""
    agenda = select(func.count(AgendaItem.id)).where(AgendaItem.session_id == JurySession.id).scalar_subquery()
    inner = (
        select(JurySession.id, JurySession.place, JurySession.starts_at, agenda.label("agenda"))
        .where(
            JurySession.fund_id == fund_id,
            JurySession.status.in_(("planned", "open")),
            JurySession.starts_at >= now - timedelta(hours=12),
        )
        .order_by(JurySession.starts_at)
        .limit(1)
        .subquery("next_session")
    )
    return select(
        literal(2).label("part"), inner.c.id, cast(null(), String()), inner.c.place,
        cast(null(), String()), cast(null(), String()), inner.c.agenda, cast(null(), Date()), inner.c.starts_at,
    )  # fmt: skip


def attention(s: Session, fund_id: str, year: int, today: date, now: datetime, workflow: Workflow) -> Attention:
    """What is coming up on the dashboard of one fund and budget year (states by their meaning
    in the fund's workflow): proofs due soon, grants that lapse soon, the next jury session with the
    size of its agenda, in ONE statement (UNION ALL of the three)."""
    proof_states = workflow.state_ids(waiting_for="proof")
    may_lapse = workflow.state_ids(guarded_by="lapse_due")
    proof_until = today + timedelta(days=PROOF_WINDOW_DAYS)
    lapse_until = today + timedelta(days=LAPSE_WINDOW_DAYS)
    rows = s.execute(
        union_all(
            # proofs due soon: from today (overdue proofs are on the to-do list; before, 40 overdue ones
            # filled the range and the list of proofs due soon stayed empty)
            *(_due(0, fund_id, year, Application.proof_due_on, st, proof_until, today) for st in sorted(proof_states)),
            *(_due(1, fund_id, year, Application.lapse_due_on, st, lapse_until) for st in sorted(may_lapse)),
            _next_session(fund_id, now),
        )
    ).all()
    lists: dict[int, list[Item]] = {0: [], 1: []}
    js, agenda = None, 0
    # each list: its states' ranges merged by (day, id) and cut at LIST_LIMIT * 2 (as one range would be)
    for r in sorted(rows, key=lambda r: (int(r[0]), r[7] or date.min, int(r[1]))):
        part = int(r[0])
        if part == 2:
            js, agenda = NextSession(int(r[1]), r[8], r[3]), int(r[6] or 0)
        elif len(lists[part]) < LIST_LIMIT * 2:
            day = r[7]
            lists[part].append(Item(int(r[1]), r[2], r[3], r[4], r[5], r[6], day, (day - today).days))
    return Attention(
        proofs_due=lists[0],
        lapsing=lists[1],
        next_session=js,
        next_session_agenda=agenda,
    )
