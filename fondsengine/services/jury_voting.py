"""Voting on agenda items and closing them: own device, show of hands, circulation.

Every vote and every close first locks the agenda item's row with a guarded UPDATE
(`lock_open_item`), so a vote racing with the close is either stored before the votes
are counted or refused because the item is closed: never lost, never counted late.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import BERLIN, local_date
from fondsengine.errors import GuardFailed, InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.model import Guideline, JuryRules
from fondsengine.jury.tally import Ballot, Outcome, TallyResult, VoteChoice, conflicted_members, tally
from fondsengine.model import AgendaItem, Application, JurySession, Vote
from fondsengine.money import format_euro
from fondsengine.services.audit import record
from fondsengine.services.context import Actor, Fonds, UnitOfWork
from fondsengine.services.decisions import apply_jury_outcome
from fondsengine.services.jury_common import (
    chair_or_manager,
    declared_conflicts,
    jury_members,
    load_item,
    load_session,
    lock_open_item,
    names_of,
    present_ids,
    session_day,
    voting_ids,
)
from fondsengine.services.lifecycle import guideline_of

ITEM_CLOSED = (
    "Über diesen Tagesordnungspunkt ist bereits abgestimmt worden, er ist geschlossen. "
    "Die Stimme wurde nicht mehr gezählt."
)


@dataclass(frozen=True)
class ItemResult:
    """What closing an agenda item did."""

    agenda_item_id: int
    application_id: int
    outcome: str | None  # approve, recommend, reject, defer; None: the item stays open (no quorum)
    decided_cents: int | None
    tally: TallyResult | None
    explanation: str


def _choice(value: str | VoteChoice, field: str = "choice") -> VoteChoice:
    try:
        return VoteChoice(value)
    except ValueError:
        raise InvalidInput(f"Ungültige Stimme „{value}“ (möglich: Ja, Nein, Enthaltung).", field=field) from None


def _lock(session: Session, agenda_item_id: int) -> tuple[AgendaItem, JurySession, Application]:
    """Lock the open item or raise: NotFound when it does not exist, InvalidInput when closed."""
    if not lock_open_item(session, agenda_item_id):
        if session.get(AgendaItem, agenda_item_id) is None:
            raise NotFound("Diesen Tagesordnungspunkt gibt es nicht.")
        raise InvalidInput(ITEM_CLOSED)
    return load_item(session, agenda_item_id)


def _check_voting_open(js: JurySession, now: datetime) -> None:
    if js.status == "closed":
        raise InvalidInput("Die Sitzung ist geschlossen; es kann nicht mehr abgestimmt werden.")
    if js.circulation:
        if js.vote_deadline is not None and now > js.vote_deadline:
            raise InvalidInput(f"Die Frist des Umlaufverfahrens ist am {_when(js.vote_deadline)} abgelaufen.")
    elif js.status != "open":
        raise InvalidInput("Die Sitzung ist noch nicht eröffnet; abgestimmt wird erst nach der Eröffnung.")


def _check_voter(
    session: Session, rules: JuryRules, js: JurySession, app: Application, item: AgendaItem, user_id: int, subject: str
) -> None:
    """Raise unless the user may vote on the item; `subject` starts the German message."""
    members = jury_members(session, js.fund_id, session_day(js), rules)
    if user_id not in voting_ids(members, rules):
        raise PermissionDenied(f"{subject} am Sitzungstag kein stimmberechtigtes Mitglied der Jury.")
    if js.circulation and not rules.circulation_allowed:
        raise InvalidInput("Die Förderrichtlinie erlaubt keine Abstimmung im Umlaufverfahren.")
    conflicts = conflicted_members(rules, members, app.applicant_id, declared_conflicts(session, item.id), ())
    if user_id in conflicts:
        raise InvalidInput(
            f"{subject} bei diesem Punkt befangen und darf nicht abstimmen.", clause=rules.conflict.clause
        )
    if not js.circulation and user_id not in present_ids(session, js.id):
        raise InvalidInput(f"{subject} nicht als anwesend eingetragen und darf deshalb nicht abstimmen.")


def _store_vote(
    session: Session,
    item_id: int,
    user_id: int,
    choice: VoteChoice,
    amount_cents: int | None,
    entered_by: int | None,
    now: datetime,
) -> None:
    vote = session.scalar(select(Vote).where(Vote.agenda_item_id == item_id, Vote.user_id == user_id))
    if vote is None:
        vote = Vote(agenda_item_id=item_id, user_id=user_id, cast_at=now)
        session.add(vote)
    vote.choice, vote.amount_cents, vote.entered_by_id, vote.cast_at = choice.value, amount_cents, entered_by, now


def _check_amount(app: Application, choice: VoteChoice, amount_cents: int | None) -> None:
    if amount_cents is None:
        return
    if choice is not VoteChoice.YES:
        raise InvalidInput("Einen Betrag kann nur nennen, wer mit Ja stimmt.", field="amount")
    if not 0 < amount_cents <= app.requested_cents:
        raise InvalidInput(
            f"Der Betrag muss größer als 0,00 € und höchstens {format_euro(app.requested_cents)} sein.", field="amount"
        )


def cast_vote(
    fonds: Fonds, actor: Actor, agenda_item_id: int, choice: str | VoteChoice, amount_cents: int | None = None
) -> None:
    """A member votes (or changes their vote) on their own device while the item is open."""
    if actor.user_id is None:
        raise PermissionDenied("Abstimmen können nur Mitglieder der Jury.")
    vote = _choice(choice)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = _lock(s, agenda_item_id)
        rules = guideline_of(uow, app).jury
        _check_voting_open(js, now)
        _check_voter(s, rules, js, app, item, actor.user_id, "Sie sind")
        _check_amount(app, vote, amount_cents)
        _store_vote(s, item.id, actor.user_id, vote, amount_cents, actor.user_id, now)
        record(
            s,
            actor=actor,
            role="jury_member",
            action="cast_vote",
            at=now,
            fund_id=js.fund_id,
            application_id=app.id,
            data={"agenda_item_id": item.id, "choice": vote.value, "amount_cents": amount_cents},
        )
        uow.commit()


def enter_show_of_hands(fonds: Fonds, actor: Actor, agenda_item_id: int, votes: Mapping[int, str | VoteChoice]) -> None:
    """The chair (or the office) enters the votes given by show of hands for present members."""
    choices = {uid: _choice(c) for uid, c in votes.items()}
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = _lock(s, agenda_item_id)
        role = chair_or_manager(s, actor, js, local_date(now))
        if js.circulation:
            raise InvalidInput("Im Umlaufverfahren stimmt jedes Mitglied selbst ab.")
        _check_voting_open(js, now)
        rules = guideline_of(uow, app).jury
        names = names_of(s, choices)
        for uid in sorted(choices):
            _check_voter(s, rules, js, app, item, uid, f"{names.get(uid, f'Person {uid}')} ist")
            _store_vote(s, item.id, uid, choices[uid], None, actor.user_id, now)
        record(
            s,
            actor=actor,
            role=role,
            action="enter_show_of_hands",
            at=now,
            fund_id=js.fund_id,
            application_id=app.id,
            data={"agenda_item_id": item.id, "votes": {str(u): c.value for u, c in sorted(choices.items())}},
        )
        uow.commit()


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
        outcome = "recommend" if count.guideline.decision.two_step else "approve"
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
    fonds: Fonds,
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
    casting = _choice(chair_casting, "chair_casting") if chair_casting is not None else None
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = _lock(s, agenda_item_id)
        role = chair_or_manager(s, actor, js, local_date(now))
        if js.circulation:
            if js.vote_deadline is not None and now < js.vote_deadline:
                raise InvalidInput(f"Das Umlaufverfahren läuft noch bis {_when(js.vote_deadline)}.")
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


def close_circulation(fonds: Fonds, actor: Actor, session_id: int) -> list[ItemResult]:
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
            raise InvalidInput(f"Das Umlaufverfahren läuft noch bis {_when(js.vote_deadline)}.")
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


def close_session(fonds: Fonds, actor: Actor, session_id: int) -> list[ItemResult]:
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


def _when(instant: datetime) -> str:
    return instant.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M Uhr")
