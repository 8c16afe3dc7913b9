"""Read models of the jury pages: a member's sessions, one session with its agenda as a member
sees it while voting (own vote, conflicts, number of votes, running result), who may do what.

They use the jury's own helpers (`jury_members`, `voting_ids`, `conflicted_members`), so who
counts as a member is decided in one place.
Visibility: a session is shown to the jury members and the managers of its fund (today's
roles, as the engine's minutes use them), and to anyone invited to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound
from fondsengine.guidelines.model import JuryRules
from fondsengine.jury.common import agenda_with_applications, jury_members, session_day, voting_ids
from fondsengine.jury.minutes import Minutes, minutes
from fondsengine.jury.tally import Member, conflicted_members
from fondsengine.labels import REVIEW_RESULT_NAMES
from fondsengine.lifecycle import authz
from fondsengine.model import AgendaItem, Application, Attendance, Conflict, Fund, JurySession, Membership, User, Vote
from fondsengine.model.application import ReviewItem

STATUS_LABELS = {"planned": "geplant", "open": "läuft", "closed": "abgeschlossen"}
CHOICE_LABELS = {"yes": "Ja", "no": "Nein", "abstain": "Enthaltung"}


@dataclass(frozen=True)
class SessionLine:
    """One session in the list "Meine Sitzungen"."""

    id: int
    fund_name: str
    starts_at: datetime
    place: str
    status: str
    circulation: bool
    vote_deadline: datetime | None
    agenda_size: int
    invited: bool
    confirmed: bool | None
    present: bool

    @property
    def status_label(self) -> str:
        """The status in German."""
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class Person:
    """A member of the jury on the session's day."""

    id: int
    name: str
    present: bool
    confirmed: bool | None


@dataclass(frozen=True)
class SessionInfo:
    """One session with the rules that shape its page and the viewer's place in it."""

    id: int
    fund_id: str
    fund_name: str
    starts_at: datetime
    place: str
    status: str
    circulation: bool
    vote_deadline: datetime | None
    chair_id: int | None
    chair_name: str | None
    rules: JuryRules
    members: tuple[Person, ...]  # voting members on the session's day, by name
    is_manager: bool
    is_member: bool  # a voting member on the session's day
    my_attendance: Person | None
    now: datetime
    jury: tuple[Member, ...]  # the jury's members on the session's day as the tally sees them (`jury_members`)

    @property
    def status_label(self) -> str:
        """The status in German."""
        return STATUS_LABELS.get(self.status, self.status)

    def is_chair(self, user_id: int) -> bool:
        """True when the user chairs this session."""
        return self.chair_id is not None and self.chair_id == user_id

    def leads(self, user_id: int) -> bool:
        """True when the user may lead the session (the chair, or the office)."""
        return self.is_manager or self.is_chair(user_id)

    @property
    def deadline_passed(self) -> bool:
        """True for a circulation whose deadline is over."""
        return self.vote_deadline is not None and self.now > self.vote_deadline

    @property
    def voting_open(self) -> bool:
        """True while members can vote (opened session, or a running circulation)."""
        if self.status == "closed":
            return False
        if self.circulation:
            return not self.deadline_passed
        return self.status == "open"

    @property
    def present(self) -> tuple[Person, ...]:
        """The members recorded as present."""
        return tuple(p for p in self.members if p.present)


@dataclass(frozen=True)
class ItemView:
    """One agenda item as the viewer sees it on the session page."""

    id: int
    position: int
    application_id: int
    file_number: str
    title: str
    requested_cents: int
    status: str
    outcome: str | None
    decided_cents: int | None
    tally: dict[str, object] | None
    my_choice: str | None
    my_amount_cents: int | None
    my_conflict: str | None  # the reason I declared, if I did
    i_am_applicant: bool
    conflicts: tuple[tuple[int, str, str], ...]  # (user id, name, reason) of declared conflicts
    excluded_ids: frozenset[int]
    declared_ids: frozenset[int]  # members who declared on conflicts (a conflict or "no conflict")
    votes_given: int
    counts: dict[str, int]  # yes/no/abstain of the stored votes
    review: tuple[tuple[str, str, str, str | None], ...]  # (label, result label, note, clause)

    @property
    def closed(self) -> bool:
        """True when the item is decided (or deferred)."""
        return self.status == "closed"


def today(fonds: Engine) -> date:
    """Today in Witten by the engine's clock."""
    return local_date(fonds.clock.now())


def my_sessions(fonds: Engine, actor: Actor) -> list[SessionLine]:
    """The sessions of the funds where the user is in the jury or the office today, or invited to."""
    assert actor.user_id is not None
    uid, day = actor.user_id, today(fonds)
    size = (
        select(func.count(AgendaItem.id))
        .where(AgendaItem.session_id == JurySession.id)
        .correlate(JurySession)
        .scalar_subquery()
    )
    my_funds = select(Membership.fund_id).where(
        Membership.user_id == uid, Membership.role.in_(("jury_member", "manager")), Membership.valid_on(day)
    )
    invited = select(Attendance.session_id).where(Attendance.user_id == uid)
    with fonds.db.read() as s:
        if not s.scalar(select(User.active).where(User.id == uid)):
            return []
        rows = s.execute(
            select(JurySession, Fund.name, size.label("agenda_size"), Attendance)
            .join(Fund, Fund.id == JurySession.fund_id)
            .outerjoin(Attendance, (Attendance.session_id == JurySession.id) & (Attendance.user_id == uid))
            .where(or_(JurySession.fund_id.in_(my_funds), JurySession.id.in_(invited)))
            .order_by(JurySession.starts_at, JurySession.id)
        ).all()
        return [
            SessionLine(
                id=js.id,
                fund_name=fund_name,
                starts_at=js.starts_at,
                place=js.place,
                status=js.status,
                circulation=js.circulation,
                vote_deadline=js.vote_deadline,
                agenda_size=int(agenda_size or 0),
                invited=att is not None,
                confirmed=att.confirmed if att is not None else None,
                present=bool(att.present) if att is not None else False,
            )
            for js, fund_name, agenda_size, att in rows
        ]


def session_info(fonds: Engine, actor: Actor, session_id: int) -> SessionInfo | None:
    """A session with the viewer's roles; None when the viewer may not see it (or it does not exist)."""
    assert actor.user_id is not None
    uid = actor.user_id
    with fonds.db.read() as s:
        js = s.get(JurySession, session_id)
        if js is None:
            return None
        roles = authz.fund_roles(s, actor, js.fund_id, today(fonds))
        attendance = {a.user_id: a for a in s.scalars(select(Attendance).where(Attendance.session_id == js.id))}
        if not roles & {"jury_member", "manager"} and uid not in attendance:
            return None
        rules = fonds.catalog.current(s, js.fund_id)[2].jury
        jury = jury_members(s, js.fund_id, session_day(js), rules)
        voters = voting_ids(jury, rules)
        names = _names(s, voters | set(attendance) | ({js.chair_id} if js.chair_id else set()))
        people = {
            i: Person(
                i,
                names.get(i, f"Person {i}"),
                bool(attendance[i].present) if i in attendance else False,
                attendance[i].confirmed if i in attendance else None,
            )
            for i in voters | set(attendance)
        }
        fund = s.get(Fund, js.fund_id)
        return SessionInfo(
            id=js.id,
            fund_id=js.fund_id,
            fund_name=fund.name if fund else js.fund_id,
            starts_at=js.starts_at,
            place=js.place,
            status=js.status,
            circulation=js.circulation,
            vote_deadline=js.vote_deadline,
            chair_id=js.chair_id,
            chair_name=names.get(js.chair_id) if js.chair_id else None,
            rules=rules,
            members=tuple(sorted((people[i] for i in voters), key=lambda p: (p.name, p.id))),
            is_manager="manager" in roles,
            is_member=uid in voters,
            my_attendance=people.get(uid) if uid in attendance else None,
            now=fonds.clock.now(),
            jury=tuple(jury),
        )


def _names(s: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(s.execute(select(User.id, User.name).where(User.id.in_(sorted(ids)))).all())


def agenda_items(fonds: Engine, actor: Actor, info: SessionInfo) -> list[ItemView]:
    """The agenda of a session as the viewer sees it (own vote, conflicts, counts, office review)."""
    with fonds.db.read() as s:
        rows = agenda_with_applications(s, info.id)
        members = jury_members(s, info.fund_id, local_date(info.starts_at), info.rules)
        return agenda_items_in(fonds, s, actor, info, rows, members)


def agenda_items_in(
    fonds: Engine,
    s: Session,
    actor: Actor,
    info: SessionInfo,
    rows: Sequence[tuple[AgendaItem, Application]],
    members: Sequence[Member],
) -> list[ItemView]:
    """`agenda_items` from the agenda's rows and the jury's members on the session's day, already read
    in this session (votes, conflicts, names and the office's review of all items in one query each)."""
    assert actor.user_id is not None
    uid = actor.user_id
    item_ids = [item.id for item, _ in rows]
    votes = list(s.scalars(select(Vote).where(Vote.agenda_item_id.in_(item_ids)))) if item_ids else []
    conflicts = list(s.scalars(select(Conflict).where(Conflict.agenda_item_id.in_(item_ids)))) if item_ids else []
    names = _names(s, {c.user_id for c in conflicts if c.conflicted})
    reviews = _reviews(fonds, s, [app for _, app in rows])
    out = []
    for item, app in rows:
        mine = next((v for v in votes if v.agenda_item_id == item.id and v.user_id == uid), None)
        answers = [c for c in conflicts if c.agenda_item_id == item.id]
        declared = [c for c in answers if c.conflicted]
        counts = {k: 0 for k in CHOICE_LABELS}
        for v in votes:
            if v.agenda_item_id == item.id:
                counts[v.choice] += 1
        excluded = conflicted_members(info.rules, members, app.applicant_id, {c.user_id for c in declared}, ())
        out.append(
            ItemView(
                id=item.id,
                position=item.position,
                application_id=app.id,
                file_number=app.file_number or "",
                title=app.title,
                requested_cents=app.requested_cents,
                status=item.status,
                outcome=item.outcome,
                decided_cents=item.decided_cents,
                tally=dict(item.tally) if item.tally else None,
                my_choice=mine.choice if mine else None,
                my_amount_cents=mine.amount_cents if mine else None,
                my_conflict=next((c.reason for c in declared if c.user_id == uid), None),
                i_am_applicant=app.applicant_id == uid,
                # who is conflicted is for everyone; why, only for the member, the chair and the office
                conflicts=tuple(
                    (
                        c.user_id,
                        names.get(c.user_id, f"Person {c.user_id}"),
                        c.reason if c.user_id == uid or info.leads(uid) else "",
                    )
                    for c in declared
                ),
                excluded_ids=excluded,
                declared_ids=frozenset(c.user_id for c in answers),
                votes_given=sum(counts.values()),
                counts=counts,
                review=reviews.get(app.id, ()),
            )
        )
    return out


Review = tuple[tuple[str, str, str, str | None], ...]


def _reviews(fonds: Engine, s: Session, apps: Sequence[Application]) -> dict[int, Review]:
    """Application id -> the office's review by the checklist of its guideline (one query for all)."""
    ids = sorted({app.id for app in apps})
    answers: dict[int, dict[str, ReviewItem]] = {}
    if ids:
        for r in s.scalars(select(ReviewItem).where(ReviewItem.application_id.in_(ids))):
            answers.setdefault(r.application_id, {})[r.item_id] = r
    out: dict[int, Review] = {}
    for app in apps:
        checklist = fonds.catalog.guideline(s, app.guideline_version_id).review_checklist
        mine = answers.get(app.id, {})
        out[app.id] = tuple(
            (c.label, REVIEW_RESULT_NAMES.get(mine[c.id].result, mine[c.id].result), mine[c.id].note, c.clause)
            for c in checklist
            if c.id in mine
        )
    return out


def public_minutes_allowed(fonds: Engine, session_id: int) -> bool:
    """True when the fund's guideline publishes minutes and the session is closed."""
    with fonds.db.read() as s:
        js = s.get(JurySession, session_id)
        if js is None or js.status != "closed":
            return False
        return fonds.catalog.current(s, js.fund_id)[2].jury.public_minutes


def session_of_item(fonds: Engine, agenda_item_id: int) -> int | None:
    """The session id of an agenda item (None if there is no such item)."""
    with fonds.db.read() as s:
        return s.scalar(select(AgendaItem.session_id).where(AgendaItem.id == agenda_item_id))


def public_minutes(fonds: Engine, session_id: int) -> Minutes:
    """The minutes of a closed session for the public summary, where the guideline publishes them.

    NotFound otherwise. The caller shows no names of people (applicants, members)."""
    if not public_minutes_allowed(fonds, session_id):
        raise NotFound("Dieses Protokoll ist nicht öffentlich.")
    return minutes(fonds, Actor.scheduler(), session_id)
