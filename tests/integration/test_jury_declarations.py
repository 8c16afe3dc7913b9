"""Declaring on conflicts of interest before the vote (`jury.conflict.declaration_required`), on SQLite
and PostgreSQL: the declaration, the refusal without it, who may declare, races, paper and hands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from fondsengine.applications.records import AttachmentInput
from fondsengine.engine import Engine
from fondsengine.errors import ConcurrentChange, InvalidInput, PermissionDenied
from fondsengine.jury import paper as jury_paper
from fondsengine.jury import usecases as jury
from fondsengine.model import AuditEvent, Conflict, Vote
from tests.integration.test_jury_concurrency import race
from tests.integration.test_jury_support import Cast, agenda, load_test_fund, make_cast, uid
from tests.support.files import simple_pdf

MISSING = "Bitte erklären Sie zuerst, ob Sie bei diesem Punkt befangen sind"


@pytest.fixture
def cast(fonds: Engine, tmp_path: Path) -> Cast:
    load_test_fund(fonds, tmp_path, declaration_required=True)  # as every shipped guideline
    return make_cast(fonds)


def opened(fonds: Engine, cast: Cast, count: int = 1) -> list[int]:
    session_id, items = agenda(fonds, cast, [cast.anna] * count)
    jury.invite(fonds, cast.office, session_id)
    jury.open_session(fonds, cast.office, session_id, [uid(m) for m in cast.members], chair_id=uid(cast.ida))
    return items


def declarations(fonds: Engine, item: int) -> list[tuple[int, bool, str]]:
    with fonds.db.read() as s:
        rows = s.scalars(select(Conflict).where(Conflict.agenda_item_id == item).order_by(Conflict.user_id))
        return [(c.user_id, c.conflicted, c.reason) for c in rows]


def votes(fonds: Engine, item: int) -> dict[int, str]:
    with fonds.db.read() as s:
        return dict(s.execute(select(Vote.user_id, Vote.choice).where(Vote.agenda_item_id == item)).all())


def test_a_member_votes_only_after_declaring_no_conflict_and_the_declaration_is_audited(
    fonds: Engine, cast: Cast
) -> None:
    (item,) = opened(fonds, cast)
    with pytest.raises(InvalidInput, match=MISSING) as refused:
        jury.cast_vote(fonds, cast.ida, item, "yes")
    assert refused.value.field == "declaration" and refused.value.clause == "§ 7 Abs. 6"
    assert votes(fonds, item) == {}
    jury.declare_no_conflict(fonds, cast.ida, item, uid(cast.ida))
    jury.declare_no_conflict(fonds, cast.ida, item, uid(cast.ida))  # again: nothing changes
    jury.cast_vote(fonds, cast.ida, item, "yes")
    assert votes(fonds, item) == {uid(cast.ida): "yes"}
    assert declarations(fonds, item) == [(uid(cast.ida), False, "")]
    with fonds.db.read() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "declare_no_conflict")))
    assert [(e.actor_id, e.on_behalf_of_id, e.clause) for e in events] == [(uid(cast.ida), None, "§ 7 Abs. 6")]
    assert events[0].data == {"agenda_item_id": item, "user_id": uid(cast.ida), "replaces_conflict": False}
    with pytest.raises(InvalidInput, match=MISSING):  # a declaration is per item
        jury.cast_vote(fonds, cast.jan, item, "no")


def test_a_circulation_vote_asks_for_the_declaration_too(fonds: Engine, cast: Cast) -> None:
    deadline = fonds.clock.now() + timedelta(days=7)
    session_id, (item,) = agenda(fonds, cast, [cast.anna], circulation=True, deadline=deadline)
    jury.invite(fonds, cast.office, session_id)
    with pytest.raises(InvalidInput, match=MISSING):
        jury.cast_vote(fonds, cast.kim, item, "abstain")
    jury.declare_no_conflict(fonds, cast.kim, item, uid(cast.kim))
    jury.cast_vote(fonds, cast.kim, item, "abstain")
    assert votes(fonds, item) == {uid(cast.kim): "abstain"}


def test_without_the_rule_a_member_votes_without_declaring(fonds: Engine, tmp_path: Path) -> None:
    load_test_fund(fonds, tmp_path)  # the small jury fund of the other tests: declaration_required false
    cast = make_cast(fonds)
    (item,) = opened(fonds, cast)
    jury.cast_vote(fonds, cast.ida, item, "yes")
    assert votes(fonds, item) == {uid(cast.ida): "yes"} and declarations(fonds, item) == []


def test_a_conflict_replaces_no_conflict_removes_the_vote_and_a_withdrawal_asks_for_a_new_declaration(
    fonds: Engine, cast: Cast
) -> None:
    (item,) = opened(fonds, cast)
    jury.declare_no_conflict(fonds, cast.jan, item, uid(cast.jan))
    jury.cast_vote(fonds, cast.jan, item, "yes")
    jury.declare_conflict(fonds, cast.jan, item, uid(cast.jan), "Mein Verein ist Partner des Projekts")
    assert declarations(fonds, item) == [(uid(cast.jan), True, "Mein Verein ist Partner des Projekts")]
    assert votes(fonds, item) == {}
    with pytest.raises(InvalidInput, match="befangen und darf nicht abstimmen"):
        jury.cast_vote(fonds, cast.jan, item, "yes")
    jury.declare_no_conflict(fonds, cast.jan, item, uid(cast.jan))  # their own conflict: they may correct it
    assert declarations(fonds, item) == [(uid(cast.jan), False, "")]
    jury.declare_conflict(fonds, cast.jan, item, uid(cast.jan), "doch befangen")
    jury.withdraw_conflict(fonds, cast.jan, item, uid(cast.jan))
    assert declarations(fonds, item) == []
    with pytest.raises(InvalidInput, match=MISSING):
        jury.cast_vote(fonds, cast.jan, item, "yes")
    with fonds.db.read() as s:
        replaced = [
            e.data["replaces_conflict"]
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.action == "declare_no_conflict").order_by(AuditEvent.id)
            )
        ]
    assert replaced == [False, True]


def test_who_may_declare_the_office_for_a_member_and_nobody_for_the_applicant(fonds: Engine, cast: Cast) -> None:
    item, own = opened(fonds, cast, 1) + agenda(fonds, cast, [cast.kim])[1]
    with pytest.raises(PermissionDenied):  # a member only for themself
        jury.declare_no_conflict(fonds, cast.ida, item, uid(cast.jan))
    with pytest.raises(PermissionDenied):
        jury.declare_no_conflict(fonds, cast.anna, item, uid(cast.anna))
    with pytest.raises(InvalidInput, match="kein stimmberechtigtes Mitglied"):
        jury.declare_no_conflict(fonds, cast.office, item, uid(cast.anna))
    with pytest.raises(InvalidInput, match="Antrag selbst gestellt"):
        jury.declare_no_conflict(fonds, cast.kim, own, uid(cast.kim))
    jury.declare_no_conflict(fonds, cast.office, item, uid(cast.jan))
    with fonds.db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "declare_no_conflict")).one()
    assert (event.actor_id, event.on_behalf_of_id) == (uid(cast.office), uid(cast.jan))
    jury.cast_vote(fonds, cast.jan, item, "no")
    # a conflict the office recorded only the office lifts
    jury.declare_conflict(fonds, cast.office, item, uid(cast.ida), "Schwester der Antragstellerin")
    with pytest.raises(InvalidInput, match="Geschäftsführung hat diese Befangenheit vermerkt"):
        jury.declare_no_conflict(fonds, cast.ida, item, uid(cast.ida))
    assert (uid(cast.ida), True, "Schwester der Antragstellerin") in declarations(fonds, item)
    jury.declare_no_conflict(fonds, cast.kim, item, uid(cast.kim))
    jury.cast_vote(fonds, cast.kim, item, "no")
    assert jury.close_item(fonds, cast.ida, item).outcome == "reject"
    with pytest.raises(InvalidInput, match="geschlossen"):
        jury.declare_no_conflict(fonds, cast.kim, item, uid(cast.kim))


def test_the_database_keeps_one_declaration_per_member_and_item(fonds: Engine, cast: Cast) -> None:
    (item,) = opened(fonds, cast)
    jury.declare_no_conflict(fonds, cast.ida, item, uid(cast.ida))
    with pytest.raises(ConcurrentChange) as lost, fonds.unit_of_work() as uow:
        uow.session.add(
            Conflict(
                agenda_item_id=item,
                user_id=uid(cast.ida),
                conflicted=True,
                reason="zweite Zeile",
                recorded_by_id=uid(cast.ida),
                recorded_at=datetime(2026, 11, 25, tzinfo=UTC),
            )
        )
        uow.session.flush()
    assert isinstance(lost.value.__cause__, IntegrityError)  # the unique constraint uq_conflicts_item_user


def test_two_declarations_at_once_by_the_same_member_leave_exactly_one_row(fonds: Engine, cast: Cast) -> None:
    first, second = opened(fonds, cast, 2)
    errors = race(
        lambda: jury.declare_no_conflict(fonds, cast.jan, first, uid(cast.jan)),
        lambda: jury.declare_no_conflict(fonds, cast.jan, first, uid(cast.jan)),
    )
    assert errors == [None, None]
    assert declarations(fonds, first) == [(uid(cast.jan), False, "")]
    with fonds.db.read() as s:
        recorded = s.scalars(select(AuditEvent).where(AuditEvent.action == "declare_no_conflict")).all()
    assert len(recorded) == 1  # the second found the first's row and had nothing to record

    jury.declare_no_conflict(fonds, cast.jan, second, uid(cast.jan))
    jury.cast_vote(fonds, cast.jan, second, "yes")
    errors = race(
        lambda: jury.declare_no_conflict(fonds, cast.jan, second, uid(cast.jan)),
        lambda: jury.declare_conflict(fonds, cast.jan, second, uid(cast.jan), "befangen"),
    )
    assert errors == [None, None]
    rows = declarations(fonds, second)
    assert len(rows) == 1 and rows[0][0] == uid(cast.jan)
    assert votes(fonds, second) == {}  # the conflict removed the vote, whichever came first


def test_a_show_of_hands_and_a_paper_protocol_hold_the_declarations_themselves(fonds: Engine, cast: Cast) -> None:
    hands, paper = opened(fonds, cast, 2)
    jury.enter_show_of_hands(fonds, cast.ida, hands, {uid(cast.ida): "yes", uid(cast.jan): "yes"})
    assert votes(fonds, hands) == {uid(cast.ida): "yes", uid(cast.jan): "yes"}
    jury.declare_no_conflict(fonds, cast.kim, paper, uid(cast.kim))  # online first, then left the room
    result = jury_paper.close_item_on_paper(
        fonds,
        cast.office,
        paper,
        yes=2,
        no=0,
        abstain=0,
        protocol=AttachmentInput("other", "protokoll.pdf", "application/pdf", simple_pdf()),
        left_room=[uid(cast.kim)],
        expected="accepted",
    )
    assert result.outcome == "approve" and result.tally is not None and result.tally.excluded == (uid(cast.kim),)
    assert declarations(fonds, paper) == [(uid(cast.kim), True, "befangen, hat den Raum verlassen (Papierprotokoll)")]
    with fonds.db.read() as s:
        noted = {
            e.action: e.data["declarations"]
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.action.in_(("enter_show_of_hands", "record_paper_votes")))
            )
        }
    assert noted == {"enter_show_of_hands": "protocol", "record_paper_votes": "protocol"}
