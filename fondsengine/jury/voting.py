"""Voting on agenda items: on the member's own device, by show of hands, by circulation.

Every vote first locks the agenda item's row with a guarded UPDATE (`lock_open_item`);
closing an item does the same (jury_closing), so a vote racing with the close is either
stored before the votes are counted or refused because the item is closed: never lost,
never counted late.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.model import JuryRules
from fondsengine.jury.common import (
    chair_or_manager,
    declaration_of,
    declared_conflicts,
    jury_members,
    load_item,
    lock_open_item,
    names_of,
    present_ids,
    session_day,
    voting_ids,
)
from fondsengine.jury.tally import VoteChoice, conflicted_members
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.fire import guideline_of
from fondsengine.model import AgendaItem, Application, JurySession, Vote
from fondsengine.money import format_euro
from fondsengine.text import format_datetime

ITEM_CLOSED = (
    "Über diesen Tagesordnungspunkt ist bereits abgestimmt worden, er ist geschlossen. "
    "Die Stimme wurde nicht mehr gezählt."
)


def choice_of(value: str | VoteChoice, field: str = "choice") -> VoteChoice:
    """A vote choice from its name; InvalidInput for anything else."""
    try:
        return VoteChoice(value)
    except ValueError:
        raise InvalidInput(f"Ungültige Stimme „{value}“ (möglich: Ja, Nein, Enthaltung).", field=field) from None


def lock_item(session: Session, agenda_item_id: int) -> tuple[AgendaItem, JurySession, Application]:
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
            raise InvalidInput(f"Die Frist des Umlaufverfahrens ist am {when(js.vote_deadline)} abgelaufen.")
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


DECLARATION_MISSING = (
    "Bitte erklären Sie zuerst, ob Sie bei diesem Punkt befangen sind; "
    "erst danach können Sie abstimmen."
)


def _check_declared(session: Session, rules: JuryRules, item: AgendaItem, user_id: int) -> None:
    """Raise when the guideline asks each member to declare on conflicts of interest before their vote
    (`jury.conflict.declaration_required`) and the member has not. A declared conflict excludes the
    member before this (`_check_voter`), so the declaration found here is a "no conflict"."""
    if rules.conflict.declaration_required and declaration_of(session, item.id, user_id) is None:
        raise InvalidInput(DECLARATION_MISSING, field="declaration", clause=rules.conflict.clause)


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
    fonds: Engine, actor: Actor, agenda_item_id: int, choice: str | VoteChoice, amount_cents: int | None = None
) -> None:
    """A member votes (or changes their vote) on their own device while the item is open."""
    if actor.user_id is None:
        raise PermissionDenied("Abstimmen können nur Mitglieder der Jury.")
    vote = choice_of(choice)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = lock_item(s, agenda_item_id)
        rules = guideline_of(uow, app).jury
        _check_voting_open(js, now)
        _check_voter(s, rules, js, app, item, actor.user_id, "Sie sind")
        _check_declared(s, rules, item, actor.user_id)
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


def enter_show_of_hands(
    fonds: Engine, actor: Actor, agenda_item_id: int, votes: Mapping[int, str | VoteChoice]
) -> None:
    """The chair (or the office) enters the votes given by show of hands for present members."""
    choices = {uid: choice_of(c) for uid, c in votes.items()}
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = lock_item(s, agenda_item_id)
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
            data={
                "agenda_item_id": item.id,
                "votes": {str(u): c.value for u, c in sorted(choices.items())},
                # in the room the chair asks for conflicts before the vote; the minutes hold the answers
                "declarations": "protocol" if rules.conflict.declaration_required else None,
            },
        )
        uow.commit()


def when(instant: datetime) -> str:
    """An instant as German local date and time, e.g. "17.03.2027, 18:00 Uhr"."""
    return format_datetime(instant)
