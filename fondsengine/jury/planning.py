"""The office's reads for planning jury sessions: a fund's sessions, one session with its agenda and
attendance, and the reviewed applications that could go on an agenda (fund managers only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound
from fondsengine.guidelines.model import JuryRules
from fondsengine.lifecycle import authz
from fondsengine.model import AgendaItem, Application, Attendance, JurySession, User

READY_LIMIT = 200  # reviewed applications offered for an agenda at most


@dataclass(frozen=True)
class SessionLine:
    """One session of a fund with the size of its agenda."""

    id: int
    starts_at: datetime
    place: str
    status: str
    circulation: bool
    agenda_size: int


@dataclass(frozen=True)
class ReadyApplication:
    """A reviewed application of the fund not yet on an agenda."""

    id: int
    file_number: str | None
    title: str
    requested_cents: int


@dataclass(frozen=True)
class SessionsPage:
    """The fund's sessions (newest first), its jury rules and, where circulation is allowed, the
    applications ready for an agenda."""

    sessions: list[SessionLine]
    rules: JuryRules
    ready: list[ReadyApplication]


@dataclass(frozen=True)
class AgendaLine:
    """One item of a session's agenda with its application."""

    position: int
    status: str
    outcome: str | None
    decided_cents: int | None
    id: int  # the application
    file_number: str | None
    title: str
    contact_name: str | None
    requested_cents: int
    state: str


@dataclass(frozen=True)
class AttendanceLine:
    """Who was invited to a session and who confirmed or was present."""

    name: str
    invited_at: datetime | None
    confirmed: bool | None
    present: bool


@dataclass(frozen=True)
class SessionPage:
    """One session (its columns by name), its agenda, attendance and what could go on the agenda."""

    session: dict[str, Any]
    agenda: list[AgendaLine]
    attendance: list[AttendanceLine]
    ready: list[ReadyApplication]


def _ready(fonds: Engine, s: Session, fund_id: str) -> list[ReadyApplication]:
    states = fonds.catalog.state_ids(s, waiting_for="decision")
    rows = s.execute(
        select(Application.id, Application.file_number, Application.title, Application.requested_cents)
        .where(Application.fund_id == fund_id, Application.state.in_(states))
        .order_by(Application.submitted_at, Application.id)
        .limit(READY_LIMIT)
    ).all()
    return [ReadyApplication(r.id, r.file_number, r.title, r.requested_cents) for r in rows]


def sessions_page(fonds: Engine, actor: Actor, fund_id: str) -> SessionsPage:
    """The office's list of a fund's jury sessions (one read; the fund's managers only)."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), "manager")
        size = (
            select(func.count(AgendaItem.id))
            .where(AgendaItem.session_id == JurySession.id)
            .correlate(JurySession)
            .scalar_subquery()
        )
        rows = s.execute(
            select(
                JurySession.id,
                JurySession.starts_at,
                JurySession.place,
                JurySession.status,
                JurySession.circulation,
                size.label("agenda_size"),
            )
            .where(JurySession.fund_id == fund_id)
            .order_by(JurySession.starts_at.desc())
        ).all()
        rules = fonds.catalog.current(s, fund_id)[2].jury
        ready = _ready(fonds, s, fund_id) if rules.circulation_allowed else []
    lines = [SessionLine(r.id, r.starts_at, r.place, r.status, bool(r.circulation), int(r.agenda_size)) for r in rows]
    return SessionsPage(lines, rules, ready)


def session_fund(fonds: Engine, session_id: int) -> str:
    """The fund of a session (NotFound when there is none), for the web's fund check before a page."""
    with fonds.db.read() as s:
        fund_id = s.scalar(select(JurySession.fund_id).where(JurySession.id == session_id))
    if fund_id is None:
        raise NotFound("Diese Sitzung gibt es nicht.")
    return str(fund_id)


def session_page(fonds: Engine, actor: Actor, session_id: int) -> SessionPage:
    """One session for its fund's office: the session, its agenda, attendance and the reviewed
    applications that could still go on it (none once it is closed)."""
    with fonds.db.read() as s:
        js = s.get(JurySession, session_id)
        if js is None:
            raise NotFound("Diese Sitzung gibt es nicht.")
        authz.require_fund_role(s, actor, js.fund_id, local_date(fonds.clock.now()), "manager")
        agenda = s.execute(
            select(
                AgendaItem.position,
                AgendaItem.status,
                AgendaItem.outcome,
                AgendaItem.decided_cents,
                Application.id,
                Application.file_number,
                Application.title,
                Application.contact_name,
                Application.requested_cents,
                Application.state,
            )
            .join(Application, Application.id == AgendaItem.application_id)
            .where(AgendaItem.session_id == session_id)
            .order_by(AgendaItem.position)
        ).all()
        attendance = s.execute(
            select(User.name, Attendance.invited_at, Attendance.confirmed, Attendance.present)
            .join(User, User.id == Attendance.user_id)
            .where(Attendance.session_id == session_id)
            .order_by(User.name)
        ).all()
        ready = _ready(fonds, s, js.fund_id) if js.status != "closed" else []
        columns = {c.key: getattr(js, c.key) for c in JurySession.__table__.columns}
    return SessionPage(
        columns,
        [AgendaLine(**row._asdict()) for row in agenda],
        [AttendanceLine(r.name, r.invited_at, r.confirmed, r.present) for r in attendance],
        ready,
    )


@dataclass(frozen=True)
class UpcomingSession:
    """A session an application can still be put on."""

    id: int
    starts_at: datetime
    place: str


def upcoming_sessions(fonds: Engine, actor: Actor, fund_id: str) -> list[UpcomingSession]:
    """Sessions of the fund that are not closed and whose day has not passed, the next one first (so a
    form never preselects a session of the past); the fund's managers only."""
    today = local_date(fonds.clock.now())
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, today, "manager")
        rows = s.execute(
            select(JurySession.id, JurySession.starts_at, JurySession.place)
            .where(JurySession.fund_id == fund_id, JurySession.status != "closed")
            .order_by(JurySession.starts_at)
        ).all()
    return [UpcomingSession(r.id, r.starts_at, r.place) for r in rows if local_date(r.starts_at) >= today]
