"""Votes by circulation, jury membership and drawing members by lot, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.jury import usecases as jury
from fondsengine.jury.draw import Candidate, draw
from fondsengine.model import AuditEvent, JuryDraw, Membership
from tests.integration.test_jury_support import FUND, Cast, agenda, app_of, item_of, load_test_fund, make_cast, uid
from tests.support.factories import person


@pytest.fixture
def cast(fonds: Engine, tmp_path: Path) -> Cast:
    load_test_fund(fonds, tmp_path)
    return make_cast(fonds)


def circulation(fonds: Engine, cast: Cast, applicants: list[Actor]) -> tuple[int, list[int]]:
    deadline = fonds.clock.now() + timedelta(days=7)
    session_id, items = agenda(fonds, cast, applicants, circulation=True, deadline=deadline)
    jury.invite(fonds, cast.office, session_id)
    return session_id, items


def test_a_circulation_vote_closes_at_its_deadline_and_refuses_late_votes(fonds: Engine, cast: Cast) -> None:
    session_id, (item, unanswered) = circulation(fonds, cast, [cast.anna, cast.anna])
    jury.cast_vote(fonds, cast.ida, item, "yes")
    jury.cast_vote(fonds, cast.kim, item, "abstain")
    jury.cast_vote(fonds, cast.jan, unanswered, "yes")  # one vote only: no quorum (2 taking part)
    with pytest.raises(InvalidInput, match=r"läuft noch bis 02\.12\.2026, 10:00 Uhr"):
        jury.close_circulation(fonds, cast.office, session_id)
    fonds.clock.advance(days=7, seconds=1)  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match=r"Frist des Umlaufverfahrens ist am 02\.12\.2026, 10:00 Uhr abgelaufen"):
        jury.cast_vote(fonds, cast.jan, item, "no")
    first, second = jury.close_circulation(fonds, cast.office, session_id)
    assert (first.outcome, first.decided_cents) == ("approve", 120_000)
    assert first.explanation.startswith("Angenommen: 1 Ja, 0 Nein, 1 Enthaltung; im Umlaufverfahren beschlussfähig")
    assert second.outcome == "defer" and "Nicht beschlussfähig" in second.explanation
    assert [app_of(fonds, i).state for i in (item, unanswered)] == ["approved", "reviewed"]
    assert item_of(fonds, item).tally["circulation"] is True  # type: ignore[index]
    assert jury.close_circulation(fonds, cast.office, session_id) == []  # idempotent for the scheduler
    m = jury.minutes(fonds, cast.ida, session_id)
    assert m.circulation and m.status == "closed" and m.absent == ()
    assert [e.outcome_label for e in m.items] == ["bewilligt", "vertagt"]


def test_the_scheduler_can_close_a_circulation_after_its_deadline(fonds: Engine, cast: Cast) -> None:
    session_id, (item,) = circulation(fonds, cast, [cast.anna])
    jury.cast_vote(fonds, cast.ida, item, "yes")
    jury.cast_vote(fonds, cast.jan, item, "yes")
    fonds.clock.advance(days=8)  # type: ignore[attr-defined]
    (result,) = jury.close_circulation(fonds, Actor.scheduler(), session_id)
    assert result.outcome == "approve"


def test_a_session_vote_cannot_be_closed_by_circulation_and_members_cannot_close_it(fonds: Engine, cast: Cast) -> None:
    session_id, _ = agenda(fonds, cast, [cast.anna])
    with pytest.raises(InvalidInput, match="kein Umlaufverfahren"):
        jury.close_circulation(fonds, cast.office, session_id)
    circ_id, _ = circulation(fonds, cast, [cast.anna])
    fonds.clock.advance(days=8)  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        jury.close_circulation(fonds, cast.jan, circ_id)


def test_circulation_is_refused_where_the_guideline_does_not_allow_it(fonds: Engine, tmp_path: Path) -> None:
    load_test_fund(fonds, tmp_path, **{"circulation_allowed: true": "circulation_allowed: false"})
    cast = make_cast(fonds)
    session_id, (item,) = agenda(fonds, cast, [cast.anna], circulation=True, deadline=fonds.clock.now())
    with pytest.raises(InvalidInput, match="erlaubt keine Abstimmung im Umlaufverfahren"):
        jury.invite(fonds, cast.office, session_id)
    with pytest.raises(InvalidInput, match="erlaubt keine Abstimmung im Umlaufverfahren"):
        jury.cast_vote(fonds, cast.ida, item, "yes")


def test_the_office_appoints_members_and_is_told_when_the_balance_breaks(fonds: Engine, cast: Cast) -> None:
    today = fonds.clock.now().date()
    assert jury.membership_problems(fonds, FUND, today) == []
    with pytest.raises(InvalidInput, match="Gruppe „politics“ kennt die Richtlinie nicht"):
        jury.appoint_member(fonds, cast.office, FUND, uid(cast.anna), "politics", None, None)
    with pytest.raises(PermissionDenied):
        jury.appoint_member(fonds, cast.ida, FUND, uid(cast.anna), "expert", None, None)
    problems = jury.appoint_member(fonds, cast.office, FUND, uid(cast.anna), "expert", date(2027, 1, 1), None)
    assert problems == [
        "Die Gruppe „Bewohnerinnen und Bewohner (ausgelost)“ muss die Mehrheit der Jury stellen, "
        "hat aber nur 2 von 4 Mitgliedern (§ 7 Abs. 2)."
    ]
    assert jury.membership_problems(fonds, FUND, today) == []  # Anna's term starts next year
    assert jury.membership_problems(fonds, FUND, date(2027, 1, 1)) == problems


def test_members_drawn_by_lot_are_appointed_and_the_draw_can_be_verified(fonds: Engine, cast: Cast) -> None:
    volunteers = [person(fonds, f"Freiwillige {n}", f"frei{n}@example.org") for n in range(6)]
    for n, v in enumerate(volunteers):
        jury.register_volunteer(fonds, v if n % 2 else cast.office, FUND, uid(v), "resident")
    with pytest.raises(PermissionDenied):
        jury.draw_members(fonds, cast.ida, FUND, 3, "Rathaus 2027", term_from=date(2027, 1, 1))
    result = jury.draw_members(fonds, cast.office, FUND, 3, "Rathaus 2027", term_from=date(2027, 1, 1))
    pool = [Candidate(uid(v), "", "resident") for v in volunteers]
    assert result == draw(pool, 3, "Rathaus 2027")  # anyone with the pool and the seed gets the same
    with fonds.db.read() as s:
        terms = {
            m.user_id: (m.group, m.valid_from, m.valid_to)
            for m in s.scalars(select(Membership).where(Membership.user_id.in_(result.drawn)))
        }
        recorded = s.scalars(select(JuryDraw)).one()
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "draw_jury_members")).one()
    assert terms == {u: ("resident", date(2027, 1, 1), date(2028, 12, 31)) for u in result.drawn}
    assert (recorded.seed, recorded.fingerprint, recorded.drawn) == (
        "Rathaus 2027",
        result.fingerprint,
        list(result.drawn),
    )
    assert (event.data["seed"], event.data["fingerprint"]) == ("Rathaus 2027", result.fingerprint)
    assert {c.id for c in jury.draw_pool(fonds, FUND)} == {uid(v) for v in volunteers} - set(result.drawn)
    jury.register_volunteer(fonds, cast.anna, FUND, uid(cast.anna), "resident")  # the pool changes afterwards
    replay = jury.replay_draw(fonds, FUND, "Rathaus 2027", 3)
    assert (replay.matches, replay.recorded_draw_id, replay.result.drawn) == (True, recorded.id, result.drawn)
    assert replay.names[result.drawn[0]].startswith("Freiwillige")
    preview = jury.replay_draw(fonds, FUND, "ein anderer Startwert", 2)
    assert preview.matches is None and set(preview.result.drawn) <= {c.id for c in jury.draw_pool(fonds, FUND)}


def test_a_volunteer_can_withdraw_and_is_then_not_drawn(fonds: Engine, cast: Cast) -> None:
    jury.register_volunteer(fonds, cast.anna, FUND, uid(cast.anna), "resident")
    jury.withdraw_volunteer(fonds, cast.anna, FUND, uid(cast.anna))
    assert jury.draw_pool(fonds, FUND) == []
    with pytest.raises(InvalidInput, match="im Pool sind aber nur 0 Freiwillige"):
        jury.draw_members(fonds, cast.office, FUND, 1, "seed", term_from=date(2027, 1, 1))


def test_membership_is_checked_on_the_day_of_the_session(fonds: Engine, cast: Cast) -> None:
    jury.appoint_member(fonds, cast.office, FUND, uid(cast.kim), "expert", None, date(2027, 1, 31))
    session_id, (item,) = agenda(fonds, cast, [cast.anna])  # the session is on 10 March 2027
    with pytest.raises(InvalidInput, match="Kim Kaya"):
        jury.open_session(fonds, cast.office, session_id, [uid(m) for m in cast.members], chair_id=uid(cast.ida))
    assert jury.invite(fonds, cast.office, session_id) == 2
    jury.open_session(fonds, cast.office, session_id, [uid(cast.ida), uid(cast.jan)], chair_id=uid(cast.ida))
    with pytest.raises(PermissionDenied, match="am Sitzungstag kein stimmberechtigtes Mitglied"):
        jury.cast_vote(fonds, cast.kim, item, "yes")
