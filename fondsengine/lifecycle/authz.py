"""Who may do what: roles are resolved from the database on every use case."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import WRITE_SESSION, Actor, Engine
from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.model import (
    AgendaItem,
    Application,
    ApplicationOrganisation,
    Attendance,
    Fund,
    JurySession,
    Membership,
    OrganisationMember,
    User,
    WorkflowVersion,
)
from fondsengine.workflow.loader import load_workflow_text

STAFF_ROLES = frozenset({"manager", "jury_member", "city_approver", "auditor"})
# who may read an application's whole record (contact and bank data, files, letters, payments);
# the jury sees only the fields its guideline releases, through `load_agenda_application`
RECORD_READERS = frozenset({"applicant", "manager", "city_approver", "auditor", "system"})
# who may read an application while it is still in its workflow's initial state (a draft)
DRAFT_READERS = frozenset({"applicant", "manager", "system"})

_initial_states: dict[str, str] = {}  # workflow version hash -> id of its initial state
_initial_lock = threading.Lock()


def _valid_membership(fund_id: Any, today: date) -> ColumnElement[bool]:
    """SQL: a membership of the joined user in the fund, within its term on this day."""
    return and_(
        Membership.user_id == User.id,
        Membership.fund_id == fund_id,
        Membership.valid_on(today),
    )


def _user_roles(session: Session, user_id: int, fund_id: str, today: date) -> tuple[bool, frozenset[str]]:
    """(is the user active, their roles in the fund today) in one query, memoised per transaction.

    The memo lives in `session.info`, i.e. for one unit of work: a role granted or removed is seen
    by the very next use case."""
    memo = _roles_memo(session)
    key = (user_id, fund_id, today)
    if key not in memo:
        rows = session.execute(
            select(User.active, Membership.role)
            .outerjoin(Membership, _valid_membership(fund_id, today))
            .where(User.id == user_id)
        ).all()
        _remember(memo, key, [(r[0], r[1]) for r in rows])
    return memo[key]


@dataclass(frozen=True)
class FundChoice:
    """A fund in which a person holds a role (for the office's fund switch)."""

    id: str
    name: str


def funds_with_role(fonds: Engine, actor: Actor, roles: tuple[str, ...]) -> list[FundChoice]:
    """The funds in which the actor holds one of `roles` today, by name (one query, `roles_by_fund`)."""
    today = local_date(fonds.clock.now())
    with fonds.db.read() as s:
        held = roles_by_fund(s, actor, today)
    chosen = [FundChoice(f, name) for f, (name, mine) in held.items() if mine & set(roles)]
    return sorted(chosen, key=lambda c: (c.name, c.id))


def _roles_memo(session: Session) -> dict[tuple[int, str, date], tuple[bool, frozenset[str]]]:
    memo: dict[tuple[int, str, date], tuple[bool, frozenset[str]]] = session.info.setdefault("fonds_roles", {})
    return memo


def _remember(
    memo: dict[tuple[int, str, date], tuple[bool, frozenset[str]]],
    key: tuple[int, str, date],
    rows: list[tuple[bool | None, str | None]],
) -> None:
    """Memoise (active, roles) from the rows (user's active flag, one membership role or None each)."""
    active = bool(rows) and bool(rows[0][0])
    memo[key] = (active, frozenset(r[1] for r in rows if r[1] is not None) if active else frozenset())


def with_roles(
    statement: Select[*tuple[Any, ...]], actor: Actor, fund_id: Any, today: date
) -> Select[*tuple[Any, ...]]:
    """A query of one application with two more columns: the actor's active flag and one of their
    roles in its fund today (one row per role; `fund_id` is the application's fund column), so a read
    model loads the application and the roles in one statement; hand the rows to `remember_roles`."""
    if actor.system or actor.user_id is None:
        return statement
    return (
        statement.add_columns(User.active, Membership.role)
        .outerjoin(User, User.id == actor.user_id)
        .outerjoin(Membership, _valid_membership(fund_id, today))
    )


def remember_roles(
    session: Session, actor: Actor, fund_id: str, today: date, rows: list[tuple[bool | None, str | None]]
) -> None:
    """Memoise the roles a `with_roles` query read (the next role question of this session asks no SQL)."""
    if actor.system or actor.user_id is None:
        return
    _remember(_roles_memo(session), (actor.user_id, fund_id, today), rows)


def roles_by_fund(session: Session, actor: Actor, today: date) -> dict[str, tuple[str, frozenset[str]]]:
    """fund id -> (fund name, the actor's roles there today) for every fund where an active actor holds a
    role: one query for the user's roles in every fund, which also fills the per-transaction memo of
    `fund_roles` for each of these funds (the one reading of "which funds may this person act in")."""
    if actor.system or actor.user_id is None:
        return {}
    rows = session.execute(
        select(User.active, Membership.fund_id, Membership.role, Fund.name)
        .outerjoin(
            Membership,
            and_(Membership.user_id == User.id, Membership.valid_on(today)),
        )
        .outerjoin(Fund, Fund.id == Membership.fund_id)
        .where(User.id == actor.user_id)
    ).all()
    active = bool(rows) and bool(rows[0][0])
    roles: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for _active, fund_id, role, name in rows:
        if fund_id is not None and active:
            roles.setdefault(fund_id, set()).add(role)
            names[fund_id] = name
    memo = _roles_memo(session)
    for fund_id, held in roles.items():
        memo.setdefault((actor.user_id, fund_id, today), (active, frozenset(held)))
    return {f: (names[f], frozenset(held)) for f, held in roles.items()}


def managed_funds(session: Session, actor: Actor, today: date) -> list[tuple[str, str]]:
    """(id, name) of the funds the actor manages today, by name (`roles_by_fund`)."""
    held = roles_by_fund(session, actor, today)
    return sorted(((f, name) for f, (name, mine) in held.items() if "manager" in mine), key=lambda fn: (fn[1], fn[0]))


def forget_roles(session: Session) -> None:
    """Drop the per-transaction memo of roles (after a membership change)."""
    session.info.pop("fonds_roles", None)
    session.info.pop("fonds_co_applicants", None)


def fund_roles(session: Session, actor: Actor, fund_id: str, today: date) -> frozenset[str]:
    """The actor's roles in a fund today (memberships within their term)."""
    if actor.system:
        return frozenset({"system"})
    assert actor.user_id is not None
    return _user_roles(session, actor.user_id, fund_id, today)[1]


def application_roles(session: Session, actor: Actor, app: Application, today: date) -> frozenset[str]:
    """The actor's roles for one application (fund roles plus 'applicant' for the active owner)."""
    if actor.system:
        return frozenset({"system"})
    assert actor.user_id is not None
    active, roles = _user_roles(session, actor.user_id, app.fund_id, today)
    if active and actor.user_id == app.applicant_id:
        return roles | {"applicant"}
    if active and not roles and is_co_applicant(session, actor.user_id, app.id):
        return frozenset({"applicant"})
    return roles


def co_applications(user_id: int) -> Select[int]:
    """SQL: the ids of the applications made for an organisation the user is a member of."""
    return (
        select(ApplicationOrganisation.application_id)
        .join(OrganisationMember, OrganisationMember.organisation_id == ApplicationOrganisation.organisation_id)
        .where(OrganisationMember.user_id == user_id)
    )


def is_co_applicant(session: Session, user_id: int, application_id: int) -> bool:
    """True when the user is a member of the organisation the application is made for.

    A co-applicant sees and edits the application as its owner does (role 'applicant'); a person
    holding a role in the fund (office, jury, city, audit) does not act as co-applicant there
    (`application_roles` asks only for people without one). Memoised per transaction."""
    memo: dict[tuple[int, int], bool] = session.info.setdefault("fonds_co_applicants", {})
    key = (user_id, application_id)
    if key not in memo:
        memo[key] = (
            session.scalar(
                select(ApplicationOrganisation.application_id)
                .join(
                    OrganisationMember,
                    OrganisationMember.organisation_id == ApplicationOrganisation.organisation_id,
                )
                .where(ApplicationOrganisation.application_id == application_id, OrganisationMember.user_id == user_id)
                .limit(1)
            )
            is not None
        )
    return memo[key]


def require_fund_role(session: Session, actor: Actor, fund_id: str, today: date, *allowed: str) -> str:
    """Raise PermissionDenied unless the actor holds one of the roles in the fund; return it."""
    roles = fund_roles(session, actor, fund_id, today)
    for role in allowed:
        if role in roles:
            return role
    raise PermissionDenied("Dafür fehlt Ihnen die Berechtigung in diesem Fonds.")


def load_visible_application(
    session: Session, actor: Actor, application_id: int, today: date
) -> tuple[Application, frozenset[str]]:
    """Load an application the actor may see, else NotFound (never reveal that it exists).

    Visible: to those who may read its record (`may_read_record`), and to a jury member while it
    is on the agenda of a session they sit on (`sits_on_agenda`) so the jury's use cases can act on
    it. Read models that hand out the record use `load_application_record` instead.

    Inside a unit of work the row is locked first (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite
    holds the write lock since BEGIN IMMEDIATE) and re-read, so every precondition the use case
    checks afterwards sees the state no concurrent use case can change until this one commits."""
    if session.info.get(WRITE_SESSION):
        app = _lock_with_roles(session, actor, application_id, today)
    else:
        app = session.get(Application, application_id)
    if app is None:
        raise NotFound("Diesen Antrag gibt es nicht.")
    roles = application_roles(session, actor, app, today)
    if not may_read_record(session, app, roles) and not sits_on_agenda(session, actor, app, today):
        raise NotFound("Diesen Antrag gibt es nicht.")
    return app, roles


def load_application_record(
    session: Session, actor: Actor, application_id: int, today: date
) -> tuple[Application, frozenset[str]]:
    """Load an application whose whole record the actor may read (contact and bank data, files,
    letters, payments, timeline), else NotFound: never to the jury, never a draft to the city or
    the auditors (`may_read_record`)."""
    app, roles = load_visible_application(session, actor, application_id, today)
    if not may_read_record(session, app, roles):
        raise NotFound("Diesen Antrag gibt es nicht.")
    return app, roles


def may_read_record(session: Session, app: Application, roles: frozenset[str]) -> bool:
    """True when these roles may read the application's whole record.

    The owner, the office and the system always; the city's approvers and the auditors once it
    has left its workflow's initial state (never a resident's draft); jury members never (they
    get the jury's view of the items on their agendas)."""
    if roles & DRAFT_READERS:
        return True
    return bool(roles & RECORD_READERS) and not is_draft(session, app)


def is_draft(session: Session, app: Application) -> bool:
    """True while the application is in the initial state of its workflow (asked of the workflow)."""
    return app.state == initial_state(session, app.workflow_version_id)


def initial_state(session: Session, workflow_version_id: int) -> str:
    """The id of the initial state of a stored workflow version (parsed once per version hash)."""
    version = session.get(WorkflowVersion, workflow_version_id)
    if version is None:
        raise NotFound(f"Workflowversion {workflow_version_id} gibt es nicht.")
    with _initial_lock:
        known = _initial_states.get(version.version_hash)
    if known is None:
        workflow = load_workflow_text(version.content, source=version.source, workflow_id=version.workflow_id)
        known = workflow.initial.id
        with _initial_lock:
            _initial_states[version.version_hash] = known
    return known


def sits_on_agenda(session: Session, actor: Actor, app: Application, today: date) -> bool:
    """True when the application is on the agenda of a jury session the actor sits on: a session of
    its fund while the actor is a jury member there, or a session the actor is invited to."""
    return app.id in sits_on_agendas(session, actor, [app], today)


def sits_on_agendas(session: Session, actor: Actor, apps: Sequence[Application], today: date) -> set[int]:
    """The ids of those applications that are on the agenda of a jury session the actor sits on
    (`sits_on_agenda` of each, in one query)."""
    if actor.system or actor.user_id is None or not apps:
        return set()
    invited = exists().where(Attendance.session_id == JurySession.id, Attendance.user_id == actor.user_id)
    as_member = [a.id for a in apps if "jury_member" in fund_roles(session, actor, a.fund_id, today)]
    sitting = or_(invited, and_(AgendaItem.application_id.in_(as_member), JurySession.fund_id == Application.fund_id))
    rows = session.scalars(
        select(AgendaItem.application_id)
        .join(JurySession, JurySession.id == AgendaItem.session_id)
        .join(Application, Application.id == AgendaItem.application_id)
        .where(AgendaItem.application_id.in_(sorted({a.id for a in apps})), sitting)
        .distinct()
    )
    return set(rows)


def load_agenda_application(
    session: Session, actor: Actor, application_id: int, today: date
) -> tuple[Application, frozenset[str]]:
    """Load an application for the jury's papers: to the fund's office, and to a jury member (or an
    invited guest) while it is on the agenda of a session they sit on; NotFound for everyone else.

    The caller hands out only what the jury may see (`jury_view_of_application`)."""
    app, roles = load_visible_application(session, actor, application_id, today)
    if app.id in agenda_readers(session, actor, [app], today):
        return app, roles
    raise NotFound("Diesen Antrag gibt es nicht.")


def agenda_readers(
    session: Session, actor: Actor, apps: Sequence[Application], today: date
) -> dict[int, frozenset[str]]:
    """Application id -> the actor's roles, for those of the (loaded) applications whose jury papers
    the actor may read (the rule of `load_agenda_application`: the fund's office and the system, and
    whoever sits on an agenda the application is on); the others are left out. A few queries for
    all of them: the roles per fund, the co-applications at once, one `sits_on_agendas`."""
    if not actor.system and actor.user_id is not None:  # what `application_roles` would ask one by one
        asked = [
            a.id
            for a in apps
            if a.applicant_id != actor.user_id
            and _user_roles(session, actor.user_id, a.fund_id, today) == (True, frozenset())
        ]
        remember_co_applicants(session, actor, asked)
    roles = {a.id: application_roles(session, actor, a, today) for a in apps}
    office = {a.id for a in apps if roles[a.id] & {"manager", "system"}}
    sitting = sits_on_agendas(session, actor, [a for a in apps if a.id not in office], today)
    return {a.id: roles[a.id] for a in apps if a.id in office or a.id in sitting}


def remember_co_applicants(session: Session, actor: Actor, application_ids: Sequence[int]) -> None:
    """Answer `is_co_applicant` of the actor for these applications in one query and memoise it (the
    next question about any of them asks no SQL)."""
    if actor.system or actor.user_id is None:
        return
    memo: dict[tuple[int, int], bool] = session.info.setdefault("fonds_co_applicants", {})
    ask = sorted({i for i in application_ids if (actor.user_id, i) not in memo})
    if not ask:
        return
    found = set(session.scalars(co_applications(actor.user_id).where(ApplicationOrganisation.application_id.in_(ask))))
    for i in ask:
        memo[(actor.user_id, i)] = i in found


def _lock_with_roles(session: Session, actor: Actor, application_id: int, today: date) -> Application | None:
    """`lock_application` that also reads the actor's roles in the application's fund in the same
    statement (`with_roles`) and memoises them, so the role check that follows asks no SQL."""
    statement = (
        select(Application)
        .select_from(Application)
        .where(Application.id == application_id)
        .with_for_update(of=Application)
        .execution_options(populate_existing=True)
    )
    rows = session.execute(with_roles(statement, actor, Application.fund_id, today)).all()
    if not rows:
        return None
    app: Application = rows[0][0]
    if not actor.system and actor.user_id is not None:
        remember_roles(session, actor, app.fund_id, today, [(r[1], r[2]) for r in rows])
    return app


def lock_application(session: Session, application_id: int) -> Application | None:
    """Lock one application row for the rest of the transaction and return it freshly read."""
    return session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def primary_role(roles: frozenset[str]) -> str:
    """The role to record in the audit trail when an actor holds several."""
    for role in ("system", "manager", "city_approver", "jury_member", "applicant", "auditor"):
        if role in roles:
            return role
    return "unknown"
