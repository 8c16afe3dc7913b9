"""The volunteer pool as a resident sees it: the funds that draw their jury by lot, her place in them.

Joining and leaving are `members.register_volunteer` and `members.withdraw_volunteer` (audited);
the office sees the pool on its draw page (`draw_records.office_draws`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.guidelines.model import JuryRules
from fondsengine.model import Fund, JuryVolunteer

POOL_SELECTIONS = frozenset({"lot", "mixed"})  # the guideline's jury.selection when volunteers are drawn


def has_pool(rules: JuryRules) -> bool:
    """True when the guideline draws (some of) its jury by lot from volunteers."""
    return rules.selection in POOL_SELECTIONS and bool(rules.size)


@dataclass(frozen=True)
class PoolPlace:
    """One fund with a pool and the person's place in it."""

    fund_id: str
    fund_name: str
    groups: tuple[tuple[str, str], ...]  # (group id, label) of the guideline
    clause: str | None  # the guideline's jury clause
    status: str  # "out" (not in the pool), "in" (waiting for the next draw), "drawn"
    group: str | None  # the group she volunteered in


def my_pools(fonds: Engine, actor: Actor) -> list[PoolPlace]:
    """The active funds whose jury is drawn by lot, each with the logged-in person's place in its pool."""
    if actor.user_id is None:
        raise PermissionDenied("Bitte melden Sie sich an.")
    with fonds.db.read() as s:
        mine = {v.fund_id: v for v in s.scalars(select(JuryVolunteer).where(JuryVolunteer.user_id == actor.user_id))}
        places = []
        for fund_id in s.scalars(
            select(Fund.id).where(Fund.active.is_(True), Fund.current_guideline_id.is_not(None)).order_by(Fund.name)
        ):
            fund, _row, guideline = fonds.catalog.current(s, fund_id)
            if not has_pool(guideline.jury):
                continue
            v = mine.get(fund_id)
            status = "out"
            if v is not None and v.withdrawn_at is None:
                status = "drawn" if v.drawn_in_id is not None else "in"
            places.append(
                PoolPlace(
                    fund.id,
                    fund.name,
                    tuple((g.id, g.label) for g in guideline.jury.groups),
                    guideline.jury.clause,
                    status,
                    v.group if status != "out" and v is not None else None,
                )
            )
        return places
