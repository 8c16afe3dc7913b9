"""Recorded draws by lot: what the public may read of them and a re-run of the verification.

The public sees each draw's inputs (seed, size, counts per group, the pool as the volunteers'
numbers with their groups) and its result as numbers, never names; anyone can re-run the draw
here or by hand with the algorithm of docs/jury.md and compare the fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.jury.common import names_of
from fondsengine.jury.draw import Candidate, DrawResult, draw, fingerprint, verify
from fondsengine.jury.members import volunteer_pool
from fondsengine.lifecycle import authz
from fondsengine.model import Fund, JuryDraw


@dataclass(frozen=True)
class DrawRecord:
    """One recorded draw as anybody may read it (people as numbers)."""

    id: int
    fund_id: str
    fund_name: str
    drawn_at: datetime
    seed: str
    size: int
    per_group: tuple[tuple[str, int], ...] | None
    pool: tuple[tuple[int, str], ...]  # (volunteer number, group), ascending
    drawn: tuple[int, ...]  # volunteer numbers in the order they were drawn
    fingerprint: str
    algorithm: str
    term_from: date | None
    term_to: date | None


@dataclass(frozen=True)
class DrawCheck:
    """The verification of a recorded draw, re-run now."""

    record: DrawRecord
    fingerprint_again: str  # of the recorded inputs, computed now
    drawn_again: tuple[int, ...] | None  # None when the inputs no longer give a draw
    matches: bool  # same algorithm, same fingerprint, same members in the same order


def _record(row: JuryDraw, fund_name: str) -> DrawRecord:
    return DrawRecord(
        id=row.id,
        fund_id=row.fund_id,
        fund_name=fund_name,
        drawn_at=row.drawn_at,
        seed=row.seed,
        size=row.size,
        per_group=tuple((str(g), int(n)) for g, n in row.per_group) if row.per_group is not None else None,
        pool=tuple((int(uid), str(group)) for uid, group in row.pool),
        drawn=tuple(int(x) for x in row.drawn),
        fingerprint=row.fingerprint,
        algorithm=row.algorithm,
        term_from=row.term_from,
        term_to=row.term_to,
    )


def recorded_draws(fonds: Engine, fund_id: str) -> list[DrawRecord]:
    """The fund's recorded draws, newest first (public: people appear as numbers)."""
    with fonds.db.read() as s:
        rows = s.execute(
            select(JuryDraw, Fund.name)
            .join(Fund, Fund.id == JuryDraw.fund_id)
            .where(JuryDraw.fund_id == fund_id)
            .order_by(JuryDraw.drawn_at.desc(), JuryDraw.id.desc())
        ).all()
        return [_record(row, name) for row, name in rows]


def check_draw(fonds: Engine, draw_id: int) -> DrawCheck:
    """Re-run a recorded draw from its recorded inputs and compare it with the recorded result."""
    with fonds.db.read() as s:
        found = s.execute(
            select(JuryDraw, Fund.name).join(Fund, Fund.id == JuryDraw.fund_id).where(JuryDraw.id == draw_id)
        ).first()
        if found is None:
            raise NotFound("Diese Losziehung gibt es nicht.")
        rec = _record(found[0], found[1])
    pool = [Candidate(uid, "", group) for uid, group in rec.pool]
    per_group = dict(rec.per_group) if rec.per_group is not None else None
    recorded = DrawResult(
        drawn=rec.drawn,
        seed=rec.seed,
        size=rec.size,
        per_group=rec.per_group,
        pool_ids=tuple(uid for uid, _ in rec.pool),
        fingerprint=rec.fingerprint,
        algorithm=rec.algorithm,
    )
    matches = verify(pool, recorded)
    again = fingerprint(pool, rec.size, rec.seed, per_group)
    drawn_again: tuple[int, ...] | None
    try:
        drawn_again = draw(pool, rec.size, rec.seed, per_group).drawn
    except InvalidInput:  # recorded inputs that no longer give a draw are reported, not raised
        drawn_again = None
    return DrawCheck(rec, again, drawn_again, matches)


@dataclass(frozen=True)
class OfficeDraws:
    """The office's draw page: the pool a draw would use now and the recorded draws, with names."""

    pool: tuple[tuple[int, str, str], ...]  # (user id, name, group) of the volunteers drawable now
    draws: tuple[DrawRecord, ...]  # newest first
    names: dict[int, str]  # user id -> name, for the pools and results of the recorded draws
    groups: tuple[tuple[str, str], ...]  # (group id, label) of the guideline's jury groups
    size: int  # the jury size the guideline names


def office_draws(fonds: Engine, actor: Actor, fund_id: str) -> OfficeDraws:
    """The pool and the recorded draws of a fund, for its office only."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), "manager")
        rules = fonds.catalog.current(s, fund_id)[2].jury
        pool = volunteer_pool(s, fund_id)
    draws = recorded_draws(fonds, fund_id)
    ids = {uid for d in draws for uid, _ in d.pool}
    with fonds.db.read() as s:
        names = names_of(s, ids)
    return OfficeDraws(
        pool=tuple((c.id, c.name, c.group) for c in pool),
        draws=tuple(draws),
        names=names,
        groups=tuple((g.id, g.label) for g in rules.groups),
        size=rules.size,
    )
