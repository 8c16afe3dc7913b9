"""Helpers shared by the jury use cases: who is a member on a date, loading and locking items."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, selectinload

from fondsengine.clock import local_date
from fondsengine.engine import WRITE_SESSION, Actor
from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.guidelines.model import JuryRules
from fondsengine.jury.tally import Member
from fondsengine.lifecycle import authz
from fondsengine.model import AgendaItem, Application, Attendance, Conflict, JurySession, Membership, User


def role_holders(session: Session, fund_id: str, role: str, on: date) -> dict[int, str | None]:
    """User id -> group of everyone holding `role` in the fund on the day `on`."""
    rows = session.execute(
        select(Membership.user_id, Membership.group).where(
            Membership.fund_id == fund_id, Membership.role == role, Membership.valid_on(on)
        )
    ).all()
    return {user_id: group for user_id, group in rows}


def jury_members(session: Session, fund_id: str, on: date, rules: JuryRules) -> list[Member]:
    """The members of the jury on a day as the tally sees them.

    Jury members, plus the managers when the guideline gives the office a vote; anyone who
    also manages the fund is marked as belonging to the Geschäftsführung.
    """
    jurors = role_holders(session, fund_id, "jury_member", on)
    managers = role_holders(session, fund_id, "manager", on)
    members = {uid: Member(uid, group or "", is_management=uid in managers) for uid, group in jurors.items()}
    if rules.management_votes:
        for uid in managers:
            members.setdefault(uid, Member(uid, "management", is_management=True))
    return [members[uid] for uid in sorted(members)]


def voting_ids(members: Iterable[Member], rules: JuryRules) -> set[int]:
    """The ids of the members who hold a vote (the office only when the guideline says so)."""
    return {m.id for m in members if rules.management_votes or not m.is_management}


def session_day(js: JurySession) -> date:
    """The calendar day (Berlin) of a session; memberships are checked on this day."""
    return local_date(js.starts_at)


def load_session(session: Session, session_id: int) -> JurySession:
    """A jury session, or NotFound."""
    js = session.get(JurySession, session_id)
    if js is None:
        raise NotFound("Diese Jurysitzung gibt es nicht.")
    return js


def load_item(session: Session, agenda_item_id: int) -> tuple[AgendaItem, JurySession, Application]:
    """An agenda item with its session and application, or NotFound."""
    item = session.get(AgendaItem, agenda_item_id)
    if item is None:
        raise NotFound("Diesen Tagesordnungspunkt gibt es nicht.")
    js = load_session(session, item.session_id)
    if session.info.get(WRITE_SESSION):
        app = authz.lock_application(session, item.application_id)
    else:
        app = session.get(Application, item.application_id)
    if app is None:
        raise NotFound("Diesen Antrag gibt es nicht.")
    return item, js, app


def lock_open_item(session: Session, agenda_item_id: int) -> bool:
    """Lock an agenda item's row if it is still open; False if it is closed (or gone).

    A guarded UPDATE takes the row lock (PostgreSQL) and re-checks the status after any
    concurrent writer has committed; on SQLite every writing transaction is serialised
    by BEGIN IMMEDIATE. Votes and the closing of an item both pass through here, so a
    vote is either stored before the close counts the votes, or sees the item closed.

    The item's application is locked first: every use case locks the application before
    anything that hangs off it (agenda items, payments, the budget year), so two use cases
    never wait for each other in opposite order.
    """
    application_id = session.scalar(select(AgendaItem.application_id).where(AgendaItem.id == agenda_item_id))
    if application_id is not None:
        authz.lock_application(session, application_id)
    stmt = (
        update(AgendaItem)
        .where(AgendaItem.id == agenda_item_id, AgendaItem.status == "open")
        .values(status="open")
        .execution_options(synchronize_session=False)
    )
    result = session.execute(stmt)
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def agenda_with_applications(
    session: Session, session_id: int, *, cost_items: bool = False
) -> list[tuple[AgendaItem, Application]]:
    """The items of a session's agenda with their applications, in agenda order (one query; with
    `cost_items`, the applications' cost items too, in one more query for all)."""
    statement = (
        select(AgendaItem, Application)
        .join(Application, Application.id == AgendaItem.application_id)
        .where(AgendaItem.session_id == session_id)
        .order_by(AgendaItem.position)
    )
    if cost_items:
        statement = statement.options(selectinload(Application.cost_items))
    rows = session.execute(statement).all()
    return [(item, app) for item, app in rows]


def declared_conflicts(session: Session, agenda_item_id: int) -> set[int]:
    """The user ids who declared (or were recorded with) a conflict on an item."""
    return set(
        session.scalars(
            select(Conflict.user_id).where(Conflict.agenda_item_id == agenda_item_id, Conflict.conflicted)
        )
    )


def declaration_of(session: Session, agenda_item_id: int, user_id: int) -> Conflict | None:
    """A member's declaration on an item (a conflict, or "no conflict"), if they made one."""
    return session.scalar(
        select(Conflict).where(Conflict.agenda_item_id == agenda_item_id, Conflict.user_id == user_id)
    )


def store_declaration(
    session: Session, agenda_item_id: int, user_id: int, *, conflicted: bool, reason: str, by: int, at: datetime
) -> Conflict:
    """Record a member's declaration on an item, replacing the one they made before (one row per member
    and item). The caller holds the item's lock (`lock_open_item`), so two declarations at once queue."""
    row = declaration_of(session, agenda_item_id, user_id)
    if row is None:
        row = Conflict(agenda_item_id=agenda_item_id, user_id=user_id, recorded_at=at)
        session.add(row)
    row.conflicted, row.reason, row.recorded_by_id, row.recorded_at = conflicted, reason, by, at
    return row


def names_of(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """User id -> display name."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def present_ids(session: Session, session_id: int) -> set[int]:
    """The user ids recorded as present at a session."""
    return set(
        session.scalars(
            select(Attendance.user_id).where(Attendance.session_id == session_id, Attendance.present.is_(True))
        )
    )


def chair_or_manager(session: Session, actor: Actor, js: JurySession, today: date) -> str:
    """The audit role of an actor who chairs the session or manages the fund; else PermissionDenied."""
    if not actor.system:
        roles = authz.fund_roles(session, actor, js.fund_id, today)
        if "manager" in roles:
            return "manager"
        if js.chair_id is not None and actor.user_id == js.chair_id and "jury_member" in roles:
            return "jury_member"
    raise PermissionDenied("Das kann nur der Vorsitz der Sitzung oder die Geschäftsführung.")
