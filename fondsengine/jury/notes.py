"""Comments of the jury on an agenda item and scores per criterion of the guideline.

Both are for the jury and the office only: never shown to the applicant (nor to a co-applicant,
nor to a jury member who applied for the item) and never published. Their audit events name the
application in their data, not in `application_id`, so they stay out of the applicant's timeline
and data export (the fund's audit trail has them). Writing locks the item's
application and the open item first (`voting.lock_item`), like a vote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.model import JuryRules
from fondsengine.inputs import MAX_TEXT, check_text
from fondsengine.jury.common import (
    agenda_with_applications,
    declared_conflicts,
    jury_members,
    names_of,
    session_day,
    voting_ids,
)
from fondsengine.jury.scoring import CriterionTotal, aggregate
from fondsengine.jury.tally import Member, conflicted_members
from fondsengine.jury.voting import lock_item
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import AgendaItem, Application, JuryComment, JuryScore, JurySession

NOT_FOR_APPLICANTS = "Kommentare und Bewertungen der Jury sind nicht für Antragstellende."
JURY_AND_OFFICE = "Kommentare und Bewertungen sind nur für die Jury und die Geschäftsführung."


class SessionFacts(Protocol):
    """What the notes need of a session: its row (`JurySession`), or the `SessionInfo` read of it."""

    @property
    def fund_id(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def chair_id(self) -> int | None: ...


def _role(
    s: Session,
    actor: Actor,
    js: SessionFacts,
    app: Application,
    rules: JuryRules,
    now: datetime,
    voters: Callable[[JuryRules], set[int]] | None = None,
) -> str:
    """'manager' or 'jury_member' when the actor may read and write the jury's notes on this item.

    PermissionDenied for everyone else, and for anyone who applied for the item (owner or
    co-applicant), even when they also sit on the jury or work in the office. `voters`: who votes
    under these rules on the session's day, when the caller knows it already."""
    if actor.system or actor.user_id is None:
        raise PermissionDenied(JURY_AND_OFFICE)
    roles = authz.application_roles(s, actor, app, local_date(now))
    if "applicant" in roles or authz.is_co_applicant(s, actor.user_id, app.id):
        raise PermissionDenied(NOT_FOR_APPLICANTS)
    if "manager" in roles:
        return "manager"
    voting = (
        voters(rules) if voters else voting_ids(jury_members(s, js.fund_id, local_date(js.starts_at), rules), rules)
    )
    if actor.user_id in voting:
        return "jury_member"
    raise PermissionDenied(JURY_AND_OFFICE)


def comment_on_item(fonds: Engine, actor: Actor, agenda_item_id: int, body: str) -> int:
    """A jury member (or the office) comments on an open agenda item; return the comment's id."""
    text = check_text(body.strip(), label="Kommentar", max_len=MAX_TEXT, field="comment", multiline=True)
    if not text:
        raise InvalidInput("Bitte schreiben Sie einen Kommentar.", field="comment")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = lock_item(s, agenda_item_id)
        rules = fonds.catalog.guideline(s, app.guideline_version_id).jury
        role = _role(s, actor, js, app, rules, now)
        assert actor.user_id is not None
        comment = JuryComment(agenda_item_id=item.id, author_id=actor.user_id, body=text, written_at=now)
        s.add(comment)
        s.flush()
        record(
            s,
            actor=actor,
            role=role,
            action="comment_on_item",
            at=now,
            fund_id=js.fund_id,
            data={"application_id": app.id, "agenda_item_id": item.id, "comment_id": comment.id},
        )
        uow.commit()
        return comment.id


def score_item(fonds: Engine, actor: Actor, agenda_item_id: int, points: Mapping[str, int]) -> None:
    """A voting member scores an open item by the guideline's criteria (changeable until it closes).

    Every criterion given must exist and its points lie between 0 and its maximum; a member who
    is excluded from the vote on the item (conflict of interest) does not score it either."""
    if actor.user_id is None:
        raise PermissionDenied(JURY_AND_OFFICE)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = lock_item(s, agenda_item_id)
        rules = fonds.catalog.guideline(s, app.guideline_version_id).jury
        _role(s, actor, js, app, rules, now)
        members = jury_members(s, js.fund_id, session_day(js), rules)
        if actor.user_id not in voting_ids(members, rules):
            raise PermissionDenied("Bewerten können nur stimmberechtigte Mitglieder der Jury.")
        if not rules.criteria:
            raise InvalidInput("Die Förderrichtlinie sieht keine Bewertung nach Kriterien vor.")
        if actor.user_id in conflicted_members(rules, members, app.applicant_id, declared_conflicts(s, item.id), ()):
            raise InvalidInput(
                "Sie sind bei diesem Punkt befangen und bewerten ihn nicht.", clause=rules.conflict.clause
            )
        known = {c.id: c for c in rules.criteria}
        if not points:
            raise InvalidInput("Bitte vergeben Sie Punkte für mindestens ein Kriterium.", field="points")
        for criterion_id, value in points.items():
            criterion = known.get(criterion_id)
            if criterion is None:
                raise InvalidInput(f"Das Kriterium „{criterion_id}“ kennt die Richtlinie nicht.", field="points")
            if not 0 <= value <= criterion.max_points:
                raise InvalidInput(
                    f"„{criterion.label}“: 0 bis {criterion.max_points} Punkte, nicht {value}.",
                    field=f"points-{criterion_id}",
                    clause=criterion.clause,
                )
        existing = {
            sc.criterion: sc
            for sc in s.scalars(
                select(JuryScore).where(JuryScore.agenda_item_id == item.id, JuryScore.user_id == actor.user_id)
            )
        }
        for criterion_id, value in sorted(points.items()):
            row = existing.get(criterion_id)
            if row is None:
                s.add(
                    JuryScore(
                        agenda_item_id=item.id,
                        user_id=actor.user_id,
                        criterion=criterion_id,
                        points=value,
                        scored_at=now,
                    )
                )
            else:
                row.points, row.scored_at = value, now
        record(
            s,
            actor=actor,
            role="jury_member",
            action="score_item",
            at=now,
            fund_id=js.fund_id,
            data={"application_id": app.id, "agenda_item_id": item.id, "points": dict(sorted(points.items()))},
        )
        uow.commit()


@dataclass(frozen=True)
class Comment:
    """One comment as the jury and the office read it."""

    id: int
    author: str
    body: str
    written_at: datetime
    mine: bool


@dataclass(frozen=True)
class ItemNotes:
    """The jury's notes on one agenda item as the viewer may see them."""

    agenda_item_id: int
    comments: tuple[Comment, ...]
    my_points: dict[str, int]  # criterion id -> the viewer's own points
    totals: tuple[CriterionTotal, ...] | None  # the aggregate: only for the chair and the office


def notes_of_session(fonds: Engine, actor: Actor, session_id: int) -> dict[int, ItemNotes]:
    """Agenda item id -> the jury's notes on it, for the jury members and the office of the fund.

    Items the viewer applied for are left out (an applicant never reads the jury's notes). The
    aggregate of the scores is given to the chair of the session and to the office only."""
    if actor.user_id is None:
        raise PermissionDenied(JURY_AND_OFFICE)
    with fonds.db.read() as s:
        js = s.get(JurySession, session_id)
        if js is None:
            raise NotFound("Diese Jurysitzung gibt es nicht.")
        return notes_in(fonds, s, actor, js, agenda_with_applications(s, js.id), fonds.clock.now())


def notes_in(
    fonds: Engine,
    s: Session,
    actor: Actor,
    js: SessionFacts,
    rows: Sequence[tuple[AgendaItem, Application]],
    now: datetime,
    members: tuple[JuryRules, Sequence[Member]] | None = None,
) -> dict[int, ItemNotes]:
    """`notes_of_session` from the agenda's rows already read in this session (PermissionDenied as
    there). `members`: the jury's members on the session's day under some rules, when the caller read
    them already. The co-applications of all items, comments, scores and names: one query each."""
    if actor.user_id is None:
        raise PermissionDenied(JURY_AND_OFFICE)
    authz.remember_co_applicants(s, actor, [app.id for _, app in rows])
    known: dict[bool, set[int]] = {}
    if members is not None:
        known[members[0].management_votes] = voting_ids(members[1], members[0])

    def voters(rules: JuryRules) -> set[int]:
        if rules.management_votes not in known:
            known[rules.management_votes] = voting_ids(
                jury_members(s, js.fund_id, local_date(js.starts_at), rules), rules
            )
        return known[rules.management_votes]

    readable: dict[int, JuryRules] = {}
    leads: dict[int, bool] = {}  # per item: the aggregate is for the office and the session's chair
    refusal: PermissionDenied | None = None
    for item, app in rows:
        rules = fonds.catalog.guideline(s, app.guideline_version_id).jury
        try:
            role = _role(s, actor, js, app, rules, now, voters)
        except PermissionDenied as exc:
            refusal = exc
            continue
        readable[item.id] = rules
        leads[item.id] = role == "manager" or js.chair_id == actor.user_id
    if refusal is not None and not readable:
        raise refusal
    if not rows:
        authz.require_fund_role(s, actor, js.fund_id, local_date(now), "manager", "jury_member")
        return {}
    ids = sorted(readable)
    comments = list(s.scalars(select(JuryComment).where(JuryComment.agenda_item_id.in_(ids)).order_by(JuryComment.id)))
    scores = list(s.scalars(select(JuryScore).where(JuryScore.agenda_item_id.in_(ids))))
    names = names_of(s, {c.author_id for c in comments})
    out = {}
    for item_id in ids:
        mine = [sc for sc in scores if sc.agenda_item_id == item_id and sc.user_id == actor.user_id]
        out[item_id] = ItemNotes(
            agenda_item_id=item_id,
            comments=tuple(
                Comment(
                    c.id,
                    names.get(c.author_id, f"Person {c.author_id}"),
                    c.body,
                    c.written_at,
                    c.author_id == actor.user_id,
                )
                for c in comments
                if c.agenda_item_id == item_id
            ),
            my_points={sc.criterion: sc.points for sc in mine},
            totals=aggregate(
                readable[item_id].criteria,
                ((sc.criterion, sc.points) for sc in scores if sc.agenda_item_id == item_id),
            )
            if leads[item_id]
            else None,
        )
    return out
