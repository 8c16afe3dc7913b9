"""The jury's use cases of issue 17 on both databases: a vote by circulation started on chosen
items and closed by the scheduler, the jury's comments and scores, recorded draws re-checked."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from fondsengine.applications import service as apps
from fondsengine.clock import FixedClock
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied, TransitionNotAllowed
from fondsengine.jobs.deadlines import circulation_close
from fondsengine.jury import usecases as jury
from fondsengine.jury.circulation import start_circulation
from fondsengine.jury.draw_records import check_draw, office_draws, recorded_draws
from fondsengine.jury.notes import comment_on_item, notes_of_session, score_item
from fondsengine.model import AgendaItem, Application, Attendance, JuryDraw, JuryScore, JurySession
from tests.integration.test_jury_concurrency import race
from tests.integration.test_jury_support import FUND, ROOT, Cast, agenda, load_test_fund, make_cast, reviewed, uid
from tests.support.factories import person, quartiersfonds_input

VISIBLE = next(  # the Quartiersfonds' line, whatever fields it shows the jury
    row + "\n"
    for row in (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8").splitlines()
    if row.startswith("  visible_fields:")
)
CRITERIA = {
    VISIBLE: VISIBLE
    + "  criteria:\n"
    + '    - {id: nutzen, label: "Nutzen für das Quartier", max_points: 5, clause: "§ 7 Abs. 7"}\n'
    + '    - {id: beteiligung, label: "Beteiligung der Nachbarschaft", max_points: 3}\n'
}


@pytest.fixture
def cast(fonds: Engine, tmp_path: Path) -> Cast:
    load_test_fund(fonds, tmp_path, **CRITERIA)
    return make_cast(fonds)


def _state(fonds: Engine, app_id: int) -> str:
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.state


def _count(fonds: Engine, model: type) -> int:
    with fonds.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_circulation_on_chosen_items_invites_the_jury_and_the_scheduler_closes_it_at_the_deadline(
    fonds: Engine, cast: Cast, clock: FixedClock
) -> None:
    first = reviewed(fonds, cast, cast.anna, title="Projekt 1")
    second = reviewed(fonds, cast, person(fonds, "Bea", "bea@example.org"), title="Projekt 2")
    not_chosen = reviewed(fonds, cast, person(fonds, "Cem", "cem@example.org"), title="Projekt 3")
    deadline = fonds.clock.now() + timedelta(days=7)
    session_id = start_circulation(fonds, cast.office, FUND, [second, first], deadline)
    with fonds.db.read() as s:
        js = s.get(JurySession, session_id)
        assert js is not None and js.circulation and js.vote_deadline == deadline
        items = list(s.execute(select(AgendaItem.id, AgendaItem.application_id).order_by(AgendaItem.position)))
        invited = set(s.scalars(select(Attendance.user_id).where(Attendance.session_id == session_id)))
    assert [a for _, a in items] == [first, second]
    assert invited == {uid(m) for m in cast.members}
    assert _state(fonds, not_chosen) != _state(fonds, first)
    for member in (cast.ida, cast.jan):
        jury.cast_vote(fonds, member, items[0][0], "yes")
        jury.cast_vote(fonds, member, items[1][0], "no")
    assert circulation_close(fonds, deadline - timedelta(minutes=1)) == 0  # not yet
    clock.set(deadline + timedelta(minutes=5))
    assert circulation_close(fonds, fonds.clock.now()) == 1
    assert (_state(fonds, first), _state(fonds, second)) == ("approved", "rejected")
    assert circulation_close(fonds, fonds.clock.now()) == 0  # idempotent: closed once


def test_a_refused_start_leaves_no_session_and_no_item_behind(fonds: Engine, cast: Cast) -> None:
    ready = reviewed(fonds, cast, cast.anna)
    draft = apps.create_draft(fonds, cast.anna, FUND, quartiersfonds_input(title="Entwurf"))
    deadline = fonds.clock.now() + timedelta(days=7)
    before = _state(fonds, ready)
    with pytest.raises(TransitionNotAllowed):  # the draft cannot be scheduled
        start_circulation(fonds, cast.office, FUND, [ready, draft], deadline)
    with pytest.raises(InvalidInput, match="Zukunft"):
        start_circulation(fonds, cast.office, FUND, [ready], fonds.clock.now() - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="mindestens einen"):
        start_circulation(fonds, cast.office, FUND, [], deadline)
    with pytest.raises(NotFound):  # a jury member does not see an application before it is on an agenda
        start_circulation(fonds, cast.ida, FUND, [ready], deadline)
    with pytest.raises(NotFound):  # another fund's application (the Quartiersfonds) is not found here
        start_circulation(fonds, cast.office, "witten-quartiersfonds", [ready], deadline)
    assert _state(fonds, ready) == before
    assert (_count(fonds, JurySession), _count(fonds, AgendaItem), _count(fonds, Attendance)) == (0, 0, 0)


def test_a_guideline_without_circulation_refuses_it_with_its_clause(fonds: Engine, tmp_path: Path) -> None:
    load_test_fund(fonds, tmp_path, **{"circulation_allowed: true": "circulation_allowed: false"})
    cast = make_cast(fonds)
    ready = reviewed(fonds, cast, cast.anna)
    with pytest.raises(InvalidInput, match="Umlaufverfahren") as caught:
        start_circulation(fonds, cast.office, FUND, [ready], fonds.clock.now() + timedelta(days=3))
    assert caught.value.clause == "§ 7"
    assert _count(fonds, JurySession) == 0


def test_two_circulations_started_at_once_on_one_application_put_it_on_one_agenda(fonds: Engine, cast: Cast) -> None:
    ready = reviewed(fonds, cast, cast.anna)
    deadline = fonds.clock.now() + timedelta(days=7)
    errors = race(
        lambda: start_circulation(fonds, cast.office, FUND, [ready], deadline),
        lambda: start_circulation(fonds, cast.office, FUND, [ready], deadline),
    )
    assert sorted(type(e).__name__ for e in errors if e is not None) == ["TransitionNotAllowed"]
    assert (_count(fonds, JurySession), _count(fonds, AgendaItem)) == (1, 1)


def test_comments_are_for_the_jury_and_the_office_never_for_the_applicant(fonds: Engine, cast: Cast) -> None:
    session_id, (item,) = agenda(fonds, cast, [cast.anna])
    comment_on_item(fonds, cast.ida, item, "Schöne Idee, aber der Kostenplan ist knapp.")
    comment_on_item(fonds, cast.office, item, "Das Angebot liegt vor.")
    for reader in (cast.jan, cast.office):
        notes = notes_of_session(fonds, reader, session_id)
        assert [(c.author, c.body) for c in notes[item].comments] == [
            ("Ida Ivers", "Schöne Idee, aber der Kostenplan ist knapp."),
            ("Büro mitten@witten", "Das Angebot liegt vor."),
        ]
    outsider = person(fonds, "Otto", "otto@example.org")
    for refused in (cast.anna, outsider):
        with pytest.raises(PermissionDenied):
            notes_of_session(fonds, refused, session_id)
        with pytest.raises(PermissionDenied):
            comment_on_item(fonds, refused, item, "Ich will auch.")
    with pytest.raises(InvalidInput):
        comment_on_item(fonds, cast.jan, item, "   ")


def test_a_jury_member_who_applied_reads_no_notes_on_their_own_item(fonds: Engine, cast: Cast) -> None:
    session_id, (own, other) = agenda(fonds, cast, [cast.kim, cast.anna])
    comment_on_item(fonds, cast.ida, own, "Über Kims Antrag.")
    notes = notes_of_session(fonds, cast.kim, session_id)
    assert set(notes) == {other}
    with pytest.raises(PermissionDenied):
        comment_on_item(fonds, cast.kim, own, "Mein eigener.")


def test_scores_follow_the_criteria_and_only_the_chair_and_the_office_see_the_aggregate(
    fonds: Engine, cast: Cast
) -> None:
    session_id, (item,) = agenda(fonds, cast, [cast.anna])
    jury.invite(fonds, cast.office, session_id)
    jury.open_session(fonds, cast.office, session_id, [uid(m) for m in cast.members], chair_id=uid(cast.ida))
    score_item(fonds, cast.ida, item, {"nutzen": 5, "beteiligung": 2})
    score_item(fonds, cast.jan, item, {"nutzen": 4})
    score_item(fonds, cast.jan, item, {"nutzen": 2})  # changed
    with pytest.raises(InvalidInput, match="0 bis 5"):
        score_item(fonds, cast.kim, item, {"nutzen": 6})
    with pytest.raises(InvalidInput, match="kennt die Richtlinie nicht"):
        score_item(fonds, cast.kim, item, {"kosten": 1})
    with pytest.raises(PermissionDenied):
        score_item(fonds, cast.office, item, {"nutzen": 1})  # the office has no vote here
    chair = notes_of_session(fonds, cast.ida, session_id)[item]
    assert chair.totals is not None
    assert [(t.criterion.id, t.scorers, t.points, t.mean_text) for t in chair.totals] == [
        ("nutzen", 2, 7, "3,5 von 5"),
        ("beteiligung", 1, 2, "2,0 von 3"),
    ]
    assert notes_of_session(fonds, cast.office, session_id)[item].totals == chair.totals
    member = notes_of_session(fonds, cast.jan, session_id)[item]
    assert member.totals is None and member.my_points == {"nutzen": 2}
    jury.declare_conflict(fonds, cast.kim, item, uid(cast.kim), "Nachbarin")
    with pytest.raises(InvalidInput, match="befangen"):
        score_item(fonds, cast.kim, item, {"nutzen": 1})


def test_a_member_scoring_twice_at_once_keeps_one_score_per_criterion(fonds: Engine, cast: Cast) -> None:
    _, (item,) = agenda(fonds, cast, [cast.anna])
    errors = race(
        lambda: score_item(fonds, cast.jan, item, {"nutzen": 1, "beteiligung": 1}),
        lambda: score_item(fonds, cast.jan, item, {"nutzen": 3, "beteiligung": 3}),
    )
    assert errors == [None, None]
    with fonds.db.read() as s:
        rows = sorted(s.execute(select(JuryScore.criterion, JuryScore.points)).all())
    assert len(rows) == 2 and {p for _, p in rows} in ({1}, {3})


def test_a_recorded_draw_verifies_and_a_tampered_record_does_not(fonds: Engine, cast: Cast) -> None:
    volunteers = [person(fonds, f"Freiwillige {n}", f"frei{n}@example.org") for n in range(6)]
    for n, v in enumerate(volunteers):
        jury.register_volunteer(fonds, cast.office, FUND, uid(v), "resident" if n < 4 else "expert")
    result = jury.draw_members(
        fonds, cast.office, FUND, 3, "Lottozahlen 2026-11-25", per_group={"resident": 2, "expert": 1},
        term_from=fonds.clock.now().date(),
    )  # fmt: skip
    (record,) = recorded_draws(fonds, FUND)
    assert record.drawn == result.drawn and record.fingerprint == result.fingerprint
    check = check_draw(fonds, record.id)
    assert check.matches and check.drawn_again == result.drawn and check.fingerprint_again == result.fingerprint
    page = office_draws(fonds, cast.office, FUND)
    assert {page.names[u] for u in record.drawn} <= {f"Freiwillige {n}" for n in range(6)}
    assert len(page.pool) == 3  # the drawn volunteers are no longer in the pool
    with pytest.raises(PermissionDenied):
        office_draws(fonds, cast.ida, FUND)
    with fonds.unit_of_work() as uow:
        uow.session.execute(update(JuryDraw).where(JuryDraw.id == record.id).values(seed="ein anderer Startwert"))
        uow.commit()
    assert not check_draw(fonds, record.id).matches
    with pytest.raises(NotFound):
        check_draw(fonds, record.id + 1)
