"""Jury membership: appointing members, checking the composition, volunteers, drawing by lot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.guidelines.model import JuryRules
from fondsengine.jury.balance import check_balance
from fondsengine.jury.common import jury_members
from fondsengine.jury.draw import Candidate, DrawResult, draw
from fondsengine.jury.pool import has_pool
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import JuryDraw, JuryVolunteer, Membership, User


def _rules(fonds: Engine, session: Session, fund_id: str) -> JuryRules:
    return fonds.catalog.current(session, fund_id)[2].jury


def _require_manager(session: Session, actor: Actor, fund_id: str, now: datetime) -> str:
    if actor.system:
        return "system"
    return authz.require_fund_role(session, actor, fund_id, local_date(now), "manager")


def _check_group(rules: JuryRules, group: str) -> None:
    known = {g.id: g.label for g in rules.groups}
    if known and group not in known:
        choices = ", ".join(f"„{g}“" for g in sorted(known))
        raise InvalidInput(f"Die Gruppe „{group}“ kennt die Richtlinie nicht (möglich: {choices}).", field="group")


def _appoint(
    session: Session,
    fund_id: str,
    user_id: int,
    group: str,
    valid_from: date | None,
    valid_to: date | None,
    now: datetime,
) -> None:
    if valid_from is not None and valid_to is not None and valid_from > valid_to:
        raise InvalidInput("Die Amtszeit endet vor ihrem Beginn.", field="valid_to")
    row = session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.fund_id == fund_id, Membership.role == "jury_member"
        )
    )
    if row is None:
        row = Membership(user_id=user_id, fund_id=fund_id, role="jury_member", created_at=now)
        session.add(row)
    row.group, row.valid_from, row.valid_to = group, valid_from, valid_to


def appoint_member(
    fonds: Engine, actor: Actor, fund_id: str, user_id: int, group: str, valid_from: date | None, valid_to: date | None
) -> list[str]:
    """Appoint (or re-appoint) a jury member with a group and term; return the composition problems then."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        role = _require_manager(s, actor, fund_id, now)
        rules = _rules(fonds, s, fund_id)
        _check_group(rules, group)
        if s.get(User, user_id) is None:
            raise NotFound("Diese Person gibt es nicht.")
        _appoint(s, fund_id, user_id, group, valid_from, valid_to, now)
        s.flush()
        day = valid_from or local_date(now)
        problems = check_balance(rules, jury_members(s, fund_id, day, rules))
        record(
            s,
            actor=actor,
            role=role,
            action="appoint_jury_member",
            at=now,
            fund_id=fund_id,
            data={
                "user_id": user_id,
                "group": group,
                "valid_from": _iso(valid_from),
                "valid_to": _iso(valid_to),
                "problems": problems,
            },
        )
        uow.commit()
        return problems


def membership_problems(fonds: Engine, fund_id: str, on: date) -> list[str]:
    """The German problems of the jury's composition on a day (empty: all is well)."""
    with fonds.db.read() as s:
        rules = _rules(fonds, s, fund_id)
        return check_balance(rules, jury_members(s, fund_id, on, rules))


def _volunteer_row(session: Session, fund_id: str, user_id: int) -> JuryVolunteer | None:
    """A person's row in a fund's pool, locked for the rest of the transaction."""
    return session.scalar(
        select(JuryVolunteer)
        .where(JuryVolunteer.fund_id == fund_id, JuryVolunteer.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def register_volunteer(fonds: Engine, actor: Actor, fund_id: str, user_id: int, group: str) -> None:
    """Put a person into the pool of volunteers for the next draw (themself, or the office for them)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        role = "applicant" if actor.user_id == user_id else _require_manager(s, actor, fund_id, now)
        rules = _rules(fonds, s, fund_id)
        if not has_pool(rules):
            raise InvalidInput("Dieser Fonds lost seine Jury nicht aus Freiwilligen aus.", field="fund")
        _check_group(rules, group)
        if s.get(User, user_id) is None:
            raise NotFound("Diese Person gibt es nicht.")
        row = _volunteer_row(s, fund_id, user_id)
        if row is None:
            row = JuryVolunteer(fund_id=fund_id, user_id=user_id, registered_at=now)
            s.add(row)
        row.group, row.withdrawn_at, row.drawn_in_id = group, None, None
        record(
            s,
            actor=actor,
            role=role,
            action="register_jury_volunteer",
            at=now,
            fund_id=fund_id,
            data={"user_id": user_id, "group": group},
        )
        uow.commit()


def withdraw_volunteer(fonds: Engine, actor: Actor, fund_id: str, user_id: int) -> None:
    """Take a person out of the pool of volunteers (themself, or the office for them)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        role = "applicant" if actor.user_id == user_id else _require_manager(s, actor, fund_id, now)
        row = _volunteer_row(s, fund_id, user_id)
        if row is None or row.withdrawn_at is not None:
            raise NotFound("Diese Person steht nicht im Los-Pool.")
        row.withdrawn_at = now
        record(
            s,
            actor=actor,
            role=role,
            action="withdraw_jury_volunteer",
            at=now,
            fund_id=fund_id,
            data={"user_id": user_id},
        )
        uow.commit()


def volunteer_pool(session: Session, fund_id: str) -> list[Candidate]:
    """The volunteers a draw would use now: registered, not withdrawn, not drawn before (by id)."""
    rows = session.execute(
        select(JuryVolunteer.user_id, User.name, JuryVolunteer.group)
        .join(User, User.id == JuryVolunteer.user_id)
        .where(
            JuryVolunteer.fund_id == fund_id,
            JuryVolunteer.withdrawn_at.is_(None),
            JuryVolunteer.drawn_in_id.is_(None),
        )
        .order_by(JuryVolunteer.user_id)
    ).all()
    return [Candidate(uid, name, group) for uid, name, group in rows]


def draw_pool(fonds: Engine, fund_id: str) -> list[Candidate]:
    """The volunteers a draw would use now: registered, not withdrawn, not drawn before."""
    with fonds.db.read() as s:
        return volunteer_pool(s, fund_id)


def draw_members(
    fonds: Engine,
    actor: Actor,
    fund_id: str,
    size: int,
    seed: str,
    *,
    per_group: Mapping[str, int] | None = None,
    term_from: date,
    term_to: date | None = None,
) -> DrawResult:
    """Draw jury members by lot from the pool, appoint them and record the draw (seed, pool, fingerprint)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        role = _require_manager(s, actor, fund_id, now)
        rules = _rules(fonds, s, fund_id)
        for group in per_group or {}:
            _check_group(rules, group)
        if term_to is None:
            term_to = _term_end(term_from, rules.term_years)
        pool = volunteer_pool(s, fund_id)
        result = draw(pool, size, seed, per_group)
        groups = {c.id: c.group for c in pool}
        row = JuryDraw(
            fund_id=fund_id,
            seed=seed,
            size=size,
            per_group=[list(p) for p in result.per_group] if result.per_group is not None else None,
            pool=[[c.id, c.group] for c in sorted(pool, key=lambda c: c.id)],
            drawn=list(result.drawn),
            fingerprint=result.fingerprint,
            algorithm=result.algorithm,
            term_from=term_from,
            term_to=term_to,
            drawn_by_id=actor.user_id,
            drawn_at=now,
        )
        s.add(row)
        s.flush()
        for volunteer in s.scalars(
            select(JuryVolunteer).where(JuryVolunteer.fund_id == fund_id, JuryVolunteer.user_id.in_(result.drawn))
        ):
            volunteer.drawn_in_id = row.id
        for uid in result.drawn:
            _appoint(s, fund_id, uid, groups[uid], term_from, term_to, now)
        record(
            s,
            actor=actor,
            role=role,
            action="draw_jury_members",
            at=now,
            fund_id=fund_id,
            data={
                "draw_id": row.id,
                "seed": seed,
                "size": size,
                "per_group": row.per_group,
                "pool": row.pool,
                "drawn": row.drawn,
                "fingerprint": result.fingerprint,
                "algorithm": result.algorithm,
                "term_from": term_from.isoformat(),
                "term_to": term_to.isoformat(),
            },
        )
        uow.commit()
        return result


@dataclass(frozen=True)
class DrawReplay:
    """A draw re-run without changing anything, compared with the recorded one if there is one."""

    result: DrawResult
    names: dict[int, str]  # candidate id -> name, for display
    recorded_draw_id: int | None  # the recorded draw with the same fund, seed and size
    recorded_drawn: tuple[int, ...] | None
    matches: bool | None  # None when no draw with this seed was recorded


def replay_draw(
    fonds: Engine, fund_id: str, seed: str, size: int, per_group: Mapping[str, int] | None = None
) -> DrawReplay:
    """Re-run a draw (for `fondsengine jury draw FUND --seed ... --size ...`); changes nothing.

    If a draw with this seed and size was recorded for the fund, its recorded pool is used and
    the result is compared with the recorded one; otherwise the current pool is used (a preview).
    """
    with fonds.db.read() as s:
        recorded = s.scalars(
            select(JuryDraw)
            .where(JuryDraw.fund_id == fund_id, JuryDraw.seed == seed, JuryDraw.size == size)
            .order_by(JuryDraw.id.desc())
        ).first()
        if recorded is None:
            pool = volunteer_pool(s, fund_id)
        else:
            names = dict(s.execute(select(User.id, User.name).where(User.id.in_([p[0] for p in recorded.pool]))).all())
            pool = [Candidate(int(uid), names.get(int(uid), ""), str(group)) for uid, group in recorded.pool]
            if per_group is None and recorded.per_group is not None:
                per_group = {str(g): int(n) for g, n in recorded.per_group}
    result = draw(pool, size, seed, per_group)
    if recorded is None:
        return DrawReplay(result, {c.id: c.name for c in pool}, None, None, None)
    drawn = tuple(int(x) for x in recorded.drawn)
    same = drawn == result.drawn and recorded.fingerprint == result.fingerprint
    return DrawReplay(result, {c.id: c.name for c in pool}, recorded.id, drawn, same)


def _term_end(start: date, years: int) -> date:
    try:
        end = start.replace(year=start.year + max(years, 1))
    except ValueError:  # 29 February
        end = start.replace(year=start.year + max(years, 1), day=28)
    return end - timedelta(days=1)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
