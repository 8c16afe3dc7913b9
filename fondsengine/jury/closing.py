"""Closing agenda items, circulations and sessions: count, store the tally, apply the outcome.

Closing locks each item's row first (`lock_open_item`), like every vote does, so the
votes counted are exactly the votes stored before the close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from fondsengine.applications.decisions import apply_jury_outcome
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine, UnitOfWork
from fondsengine.errors import GuardFailed, InvalidInput
from fondsengine.guidelines.model import Guideline
from fondsengine.jury.common import (
    chair_or_manager,
    declared_conflicts,
    jury_members,
    load_item,
    load_session,
    lock_open_item,
    present_ids,
    session_day,
)
from fondsengine.jury.tally import Ballot, Outcome, TallyResult, VoteChoice, conflicted_members, tally
from fondsengine.jury.voting import choice_of, lock_item, when
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.fire import guideline_of
from fondsengine.model import AgendaItem, Application, JurySession, Vote
from fondsengine.money import format_euro


@dataclass(frozen=True)
class ItemResult:
    """What closing an agenda item did."""

    agenda_item_id: int
    application_id: int
    outcome: str | None  # approve, recommend, reject, defer; None: the item stays open (no quorum)
    decided_cents: int | None
    tally: TallyResult | None
    explanation: str


@dataclass(frozen=True)
class _Count:
    result: TallyResult
    data: dict[str, Any]
    votes: tuple[Vote, ...]
    guideline: Guideline
    conflicts: frozenset[int]


def _count(uow: UnitOfWork, item: AgendaItem, js: JurySession, app: Application, casting: VoteChoice | None) -> _Count:
    """Tally an item from the database (called with the item's row locked)."""
    s = uow.session
    guideline = guideline_of(uow, app)
    rules = guideline.jury
    members = jury_members(s, js.fund_id, session_day(js), rules)
    conflicts = conflicted_members(rules, members, app.applicant_id, declared_conflicts(s, item.id), ())
    votes = tuple(s.scalars(select(Vote).where(Vote.agenda_item_id == item.id).order_by(Vote.user_id)))
    ballots = [Ballot(v.user_id, VoteChoice(v.choice)) for v in votes]
    present = None if js.circulation else present_ids(s, js.id)
    result = tally(rules, members, present, conflicts, ballots, chair_casting=casting, circulation=js.circulation)
    data: dict[str, Any] = {
        "outcome": result.outcome.value,
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "eligible": result.eligible,
        "present": result.present,
        "excluded": list(result.excluded),
        "ignored": list(result.ignored),
        "quorum_reached": result.quorum_reached,
        "explanation": result.explanation,
        "clause": result.clause,
        "circulation": result.circulation,
        "tie": result.tie,
        "decided_by_chair": result.decided_by_chair,
        "chair_casting": casting.value if casting is not None and result.decided_by_chair else None,
    }
    return _Count(result, data, votes, guideline, conflicts)


def decided_amount(
    requested_cents: int, yes_amounts: Sequence[int | None], chair_amount_cents: int | None
) -> tuple[int, str]:
    """The amount the jury grants and the rule used: the chair's stated amount, else the lower median.

    The lower median of the amounts named with the counted yes votes; a yes vote without an
    amount stands for the requested amount. With an even number the lower of the two middle
    values is taken, so the jury never grants more than half of its yes voters supported.
    """
    if chair_amount_cents is not None:
        return chair_amount_cents, "chair"
    amounts = sorted(requested_cents if a is None else a for a in yes_amounts)
    if not amounts:
        return requested_cents, "requested"
    median = amounts[(len(amounts) - 1) // 2]
    return median, "requested" if median == requested_cents else "median"


def _apply(
    uow: UnitOfWork,
    actor: Actor,
    item: AgendaItem,
    app: Application,
    count: _Count,
    amount_cents: int | None,
    conditions: Sequence[str],
    reason: str | None,
) -> ItemResult:
    """Apply an accepted or rejected tally through the workflow (budget check included)."""
    result, data = count.result, dict(count.data)
    if result.outcome is Outcome.ACCEPTED:
        ignored = set(result.ignored)
        yes_amounts = [v.amount_cents for v in count.votes if v.choice == "yes" and v.user_id not in ignored]
        amount, rule = decided_amount(app.requested_cents, yes_amounts, amount_cents)
        data["amount_rule"], data["decided_cents"] = rule, amount
        outcome = "recommend" if count.guideline.decision.recommends(app.requested_cents) else "approve"
        if amount < app.requested_cents and not (reason and reason.strip()):
            why = (
                "vom Vorsitz genannter Betrag" if rule == "chair" else "Median der bei den Ja-Stimmen genannten Beträge"
            )
            reason = (
                f"Die Jury hat {format_euro(amount)} statt der beantragten "
                f"{format_euro(app.requested_cents)} beschlossen ({why})."
            )
        apply_jury_outcome(
            uow, actor, app, outcome, amount_cents=amount, reason=reason, conditions=conditions, tally=data
        )
        return ItemResult(item.id, app.id, outcome, amount, result, result.explanation)
    apply_jury_outcome(uow, actor, app, "reject", reason=reason or result.explanation, tally=data)
    return ItemResult(item.id, app.id, "reject", None, result, result.explanation)


def _defer(
    uow: UnitOfWork,
    actor: Actor,
    item: AgendaItem,
    app: Application,
    reason: str,
    data: dict[str, Any] | None,
    result: TallyResult | None,
) -> ItemResult:
    apply_jury_outcome(uow, actor, app, "defer", reason=reason, tally={**(data or {}), "deferred_because": reason})
    return ItemResult(item.id, app.id, "defer", None, result, reason)


def _no_quorum(
    uow: UnitOfWork, actor: Actor, role: str, item: AgendaItem, js: JurySession, app: Application, count: _Count
) -> ItemResult:
    item.tally = count.data
    record(
        uow.session,
        actor=actor,
        role=role,
        action="jury_no_quorum",
        at=uow.fonds.clock.now(),
        fund_id=js.fund_id,
        application_id=app.id,
        reason=count.result.explanation,
        data={"agenda_item_id": item.id, "tally": count.data},
    )
    return ItemResult(item.id, app.id, None, None, count.result, count.result.explanation)


def close_item(
    fonds: Engine,
    actor: Actor,
    agenda_item_id: int,
    chair_casting: str | VoteChoice | None = None,
    amount_cents: int | None = None,
    conditions: Sequence[str] = (),
    reason: str | None = None,
) -> ItemResult:
    """The chair (or the office) closes an item: count, store the tally, apply the outcome.

    Without a quorum the item stays open with the explanation. A tie under "the chair
    decides" is refused until the chair gives the casting vote. If the budget no longer
    suffices the close is refused and nothing changes.
    """
    casting = choice_of(chair_casting, "chair_casting") if chair_casting is not None else None
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = lock_item(s, agenda_item_id)
        role = chair_or_manager(s, actor, js, local_date(now))
        if js.circulation:
            if js.vote_deadline is not None and now < js.vote_deadline:
                raise InvalidInput(f"Das Umlaufverfahren läuft noch bis {when(js.vote_deadline)}.")
        elif js.status != "open":
            raise InvalidInput("Die Sitzung ist nicht eröffnet.")
        count = _count(uow, item, js, app, casting)
        if count.result.outcome is Outcome.NO_QUORUM:
            out = _no_quorum(uow, actor, role, item, js, app, count)
        elif count.result.outcome is Outcome.TIE_CHAIR_NEEDED:
            raise InvalidInput(
                f"{count.result.explanation}. Bitte geben Sie als Vorsitz den Stichentscheid (Ja oder Nein) an.",
                field="chair_casting",
            )
        else:
            if count.result.decided_by_chair and js.chair_id in count.conflicts:
                raise InvalidInput(
                    "Der Vorsitz ist bei diesem Punkt befangen und kann keinen Stichentscheid geben.",
                    field="chair_casting",
                )
            out = _apply(uow, actor, item, app, count, amount_cents, conditions, reason)
        uow.commit()
        return out


def close_circulation(fonds: Engine, actor: Actor, session_id: int) -> list[ItemResult]:
    """Close a vote by circulation at or after its deadline (the scheduler or the office).

    Every open item is counted and decided; an item without a quorum, with a tie nobody can
    break, or which the budget no longer covers is deferred (back to the office) with the
    reason. Calling it again for a closed circulation does nothing.
    """
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        js = load_session(s, session_id)
        role = "system" if actor.system else chair_or_manager(s, actor, js, local_date(now))
        if not js.circulation:
            raise InvalidInput("Diese Sitzung ist kein Umlaufverfahren.")
        if js.status == "closed":
            return []
        if js.vote_deadline is not None and now < js.vote_deadline:
            raise InvalidInput(f"Das Umlaufverfahren läuft noch bis {when(js.vote_deadline)}.")
        results = _close_remaining(uow, actor, js, decide=True)
        js.status, js.closed_at = "closed", now
        record(
            s,
            actor=actor,
            role=role,
            action="close_circulation",
            at=now,
            fund_id=js.fund_id,
            data={"session_id": js.id, "items": {str(r.agenda_item_id): r.outcome for r in results}},
        )
        uow.commit()
        return results


def close_session(fonds: Engine, actor: Actor, session_id: int) -> list[ItemResult]:
    """The chair (or the office) closes a session; items not decided are deferred to the office."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        js = load_session(s, session_id)
        role = chair_or_manager(s, actor, js, local_date(now))
        if js.status == "closed":
            raise InvalidInput("Die Sitzung ist bereits geschlossen.")
        if js.circulation:
            raise InvalidInput("Ein Umlaufverfahren endet mit seiner Frist (close_circulation).")
        results = _close_remaining(uow, actor, js, decide=False)
        js.status, js.closed_at = "closed", now
        record(
            s,
            actor=actor,
            role=role,
            action="close_session",
            at=now,
            fund_id=js.fund_id,
            data={"session_id": js.id, "deferred": [r.agenda_item_id for r in results]},
        )
        uow.commit()
        return results


def _close_remaining(uow: UnitOfWork, actor: Actor, js: JurySession, *, decide: bool) -> list[ItemResult]:
    s = uow.session
    ids = list(
        s.scalars(
            select(AgendaItem.id)
            .where(AgendaItem.session_id == js.id, AgendaItem.status == "open")
            .order_by(AgendaItem.position)
        )
    )
    results: list[ItemResult] = []
    for item_id in ids:
        if not lock_open_item(s, item_id):
            continue
        item, _, app = load_item(s, item_id)
        if not decide:
            why = f": {item.tally['explanation']}" if item.tally and item.tally.get("explanation") else ""
            results.append(_defer(uow, actor, item, app, f"In der Sitzung nicht entschieden{why}", item.tally, None))
            continue
        count = _count(uow, item, js, app, None)
        if count.result.outcome in (Outcome.NO_QUORUM, Outcome.TIE_CHAIR_NEEDED):
            results.append(_defer(uow, actor, item, app, count.result.explanation, count.data, count.result))
            continue
        savepoint = s.begin_nested()
        try:
            results.append(_apply(uow, actor, item, app, count, None, (), None))
            savepoint.commit()
        except GuardFailed as err:  # the budget no longer covers it
            savepoint.rollback()
            item, _, app = load_item(s, item_id)
            results.append(_defer(uow, actor, item, app, str(err), count.data, count.result))
    return results
