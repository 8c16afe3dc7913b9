"""A jury session end to end in the engine: attendance, conflicts, votes, ties, closing, minutes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from fondsengine.engine import Engine
from fondsengine.errors import GuardFailed, InvalidInput, NotFound, PermissionDenied
from fondsengine.jury import usecases as jury
from fondsengine.model import AgendaItem, Attendance, AuditEvent, JurySession, Vote
from fondsengine.reports.pdf import render_minutes
from tests.integration.test_jury_support import Cast, agenda, app_of, item_of, load_test_fund, make_cast, uid
from tests.support.factories import person


@pytest.fixture
def cast(fonds: Engine, tmp_path: Path) -> Cast:
    load_test_fund(fonds, tmp_path)
    return make_cast(fonds)


def opened(fonds: Engine, cast: Cast, applicants: list, present: list | None = None) -> tuple[int, list[int]]:
    session_id, items = agenda(fonds, cast, applicants)
    jury.invite(fonds, cast.office, session_id)
    people = cast.members if present is None else present
    jury.open_session(fonds, cast.office, session_id, [uid(m) for m in people], chair_id=uid(cast.ida))
    return session_id, items


def test_a_whole_session_with_three_members_a_conflict_and_a_tie_ends_in_correct_minutes(
    fonds: Engine, cast: Cast
) -> None:
    session_id, (first, second, own) = agenda(fonds, cast, [cast.anna, cast.anna, cast.kim])
    assert jury.invite(fonds, cast.office, session_id) == 3
    assert jury.invite(fonds, cast.office, session_id) == 0
    jury.confirm_attendance(fonds, cast.ida, session_id, True)
    jury.confirm_attendance(fonds, cast.jan, session_id, True)
    with pytest.raises(InvalidInput, match="nicht eröffnet"):
        jury.cast_vote(fonds, cast.ida, first, "yes")
    with pytest.raises(PermissionDenied):
        jury.open_session(fonds, cast.jan, session_id, [uid(cast.ida)], chair_id=uid(cast.ida))
    jury.open_session(fonds, cast.ida, session_id, [uid(m) for m in cast.members], chair_id=uid(cast.ida))

    # item 1: accepted, one member names a lower amount -> lower median of 1.200 € and 1.000 €
    jury.cast_vote(fonds, cast.ida, first, "yes")
    jury.cast_vote(fonds, cast.jan, first, "no")
    jury.cast_vote(fonds, cast.jan, first, "yes", amount_cents=100_000)  # changed before the close
    jury.cast_vote(fonds, cast.kim, first, "no")
    result = jury.close_item(fonds, cast.ida, first)
    assert (result.outcome, result.decided_cents) == ("approve", 100_000)
    assert result.tally is not None and (result.tally.yes, result.tally.no, result.tally.abstain) == (2, 1, 0)
    assert app_of(fonds, first).state == "approved"
    assert app_of(fonds, first).approved_cents == 100_000

    # item 2: Jan declares a conflict; 1 yes : 1 no is a tie the chair must break
    jury.cast_vote(fonds, cast.jan, second, "yes")
    jury.declare_conflict(fonds, cast.jan, second, uid(cast.jan), "Ich bin im Verein der Antragstellerin.")
    with pytest.raises(InvalidInput, match="befangen"):
        jury.cast_vote(fonds, cast.jan, second, "yes")
    jury.enter_show_of_hands(fonds, cast.ida, second, {uid(cast.ida): "yes", uid(cast.kim): "no"})
    with pytest.raises(InvalidInput, match="Stichentscheid"):
        jury.close_item(fonds, cast.ida, second)
    assert item_of(fonds, second).status == "open"
    result = jury.close_item(fonds, cast.ida, second, chair_casting="yes")
    assert result.outcome == "approve" and result.tally is not None and result.tally.decided_by_chair
    assert "Stichentscheid des Vorsitzes: Ja" in result.explanation

    # item 3: Kim applied herself and is excluded without declaring anything
    with pytest.raises(InvalidInput, match="befangen"):
        jury.cast_vote(fonds, cast.kim, own, "yes")
    jury.cast_vote(fonds, cast.ida, own, "no")
    jury.cast_vote(fonds, cast.jan, own, "abstain")
    result = jury.close_item(fonds, cast.office, own)
    assert result.outcome == "reject"
    assert app_of(fonds, own).state == "rejected"

    assert jury.close_session(fonds, cast.ida, session_id) == []
    m = jury.minutes(fonds, cast.jan, session_id)
    assert (m.status, m.chair, m.absent) == ("closed", "Ida Ivers", ())
    assert m.present == ("Ida Ivers", "Jan Jansen", "Kim Kaya")
    rows = [(e.project_title, e.yes, e.no, e.abstain, e.excluded, e.outcome_label, e.decided_cents) for e in m.items]
    assert rows == [
        ("Projekt 1", 2, 1, 0, (), "bewilligt", 100_000),
        ("Projekt 2", 1, 1, 0, ("Jan Jansen",), "bewilligt", 120_000),
        ("Projekt 3", 0, 1, 1, ("Kim Kaya",), "abgelehnt", None),
    ]
    assert m.items[0].total_cost_cents == 120_000 and m.items[0].requested_cents == 120_000
    assert m.items[2].explanation.startswith("Abgelehnt: 0 Ja, 1 Nein, 1 Enthaltung")
    assert "1 Mitglied wegen Befangenheit ausgeschlossen" in m.items[2].explanation
    pdf = render_minutes(jury.minutes_data(m, recorder="Büro mitten@witten"))
    assert pdf.startswith(b"%PDF")
    with fonds.db.read() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.fund_id == m.fund_id)))
    assert {
        "invite_jury",
        "open_session",
        "cast_vote",
        "declare_conflict",
        "enter_show_of_hands",
        "jury_approve",
        "jury_reject",
        "close_session",
    } <= set(actions)


def test_a_vote_after_the_item_is_closed_is_refused_and_not_stored(fonds: Engine, cast: Cast) -> None:
    _, (item,) = opened(fonds, cast, [cast.anna])
    jury.cast_vote(fonds, cast.ida, item, "yes")
    jury.cast_vote(fonds, cast.jan, item, "yes")
    jury.close_item(fonds, cast.ida, item)
    with pytest.raises(InvalidInput, match="nicht mehr gezählt"):
        jury.cast_vote(fonds, cast.kim, item, "no")
    with pytest.raises(InvalidInput, match="nicht mehr gezählt"):
        jury.cast_vote(fonds, cast.ida, item, "no")
    with fonds.db.read() as s:
        votes = dict(s.execute(select(Vote.user_id, Vote.choice).where(Vote.agenda_item_id == item)).all())
    assert votes == {uid(cast.ida): "yes", uid(cast.jan): "yes"}
    assert item_of(fonds, item).tally["yes"] == 2  # type: ignore[index]


def test_the_database_refuses_a_second_vote_of_the_same_member_on_an_item(fonds: Engine, cast: Cast) -> None:
    _, (item,) = opened(fonds, cast, [cast.anna])
    jury.cast_vote(fonds, cast.ida, item, "yes")
    with fonds.unit_of_work() as uow:
        at = fonds.clock.now()
        uow.session.add(Vote(agenda_item_id=item, user_id=uid(cast.ida), choice="no", cast_at=at))
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_absent_members_and_strangers_cannot_vote(fonds: Engine, cast: Cast) -> None:
    _, (item,) = opened(fonds, cast, [cast.anna], present=[cast.ida, cast.jan])
    with pytest.raises(InvalidInput, match="nicht als anwesend"):
        jury.cast_vote(fonds, cast.kim, item, "yes")
    with pytest.raises(PermissionDenied, match="kein stimmberechtigtes Mitglied"):
        jury.cast_vote(fonds, cast.anna, item, "yes")
    with pytest.raises(InvalidInput, match="nur nennen, wer mit Ja stimmt"):
        jury.cast_vote(fonds, cast.ida, item, "no", amount_cents=50_000)
    with pytest.raises(InvalidInput, match=r"höchstens 1\.200,00 €"):
        jury.cast_vote(fonds, cast.ida, item, "yes", amount_cents=130_000)


def test_without_quorum_the_item_stays_open_and_closing_the_session_defers_it(fonds: Engine, cast: Cast) -> None:
    session_id, (item,) = opened(fonds, cast, [cast.anna], present=[cast.ida])
    jury.cast_vote(fonds, cast.ida, item, "yes")
    result = jury.close_item(fonds, cast.ida, item)
    assert result.outcome is None
    assert result.explanation.startswith("Nicht beschlussfähig: nur 1 von mindestens 2")
    stored = item_of(fonds, item)
    assert stored.status == "open" and stored.tally is not None and stored.tally["outcome"] == "no_quorum"
    assert app_of(fonds, item).state == "on_agenda"
    (deferred,) = jury.close_session(fonds, cast.ida, session_id)
    assert deferred.outcome == "defer" and "Nicht beschlussfähig" in deferred.explanation
    assert app_of(fonds, item).state == "reviewed"
    assert jury.minutes(fonds, cast.office, session_id).items[0].outcome_label == "vertagt"


def test_when_the_budget_no_longer_suffices_the_close_is_refused_and_nothing_changes(
    fonds: Engine, tmp_path: Path
) -> None:
    load_test_fund(fonds, tmp_path, budget_2027_euro=2000)
    cast = make_cast(fonds)
    _, (first, second) = opened(fonds, cast, [cast.anna, cast.anna])
    for item in (first, second):
        jury.cast_vote(fonds, cast.ida, item, "yes")
        jury.cast_vote(fonds, cast.jan, item, "yes")
    assert jury.close_item(fonds, cast.ida, first).outcome == "approve"
    with pytest.raises(GuardFailed, match="Das freie Budget 2027 reicht nicht: frei sind 800,00 €"):
        jury.close_item(fonds, cast.ida, second)
    stored = item_of(fonds, second)
    assert (stored.status, stored.tally, stored.outcome) == ("open", None, None)
    assert app_of(fonds, second).state == "on_agenda" and app_of(fonds, second).approved_cents is None
    result = jury.close_item(fonds, cast.ida, second, amount_cents=80_000, reason="Restbudget")
    assert (result.outcome, result.decided_cents) == ("approve", 80_000)


def test_the_jury_of_a_two_step_fund_recommends_instead_of_approving(fonds: Engine, tmp_path: Path) -> None:
    load_test_fund(
        fonds,
        tmp_path,
        **{
            "workflow: bewohnerfonds": "workflow: zweistufig",
            "two_step: false": 'two_step: true\n  granting_body: "Stadt Witten"',
        },
    )
    cast = make_cast(fonds)
    _, (item,) = opened(fonds, cast, [cast.anna])
    jury.cast_vote(fonds, cast.ida, item, "yes")
    jury.cast_vote(fonds, cast.jan, item, "yes")
    assert jury.close_item(fonds, cast.ida, item).outcome == "recommend"
    assert app_of(fonds, item).state == "recommended"


def test_attendance_is_recorded_when_the_session_opens_and_only_members_can_be_present(
    fonds: Engine, cast: Cast
) -> None:
    session_id, _ = agenda(fonds, cast, [cast.anna])
    jury.invite(fonds, cast.office, session_id)
    with pytest.raises(InvalidInput, match="Anna Beispiel"):
        jury.open_session(fonds, cast.office, session_id, [uid(cast.ida), uid(cast.anna)], chair_id=uid(cast.ida))
    with pytest.raises(InvalidInput, match="Vorsitz"):
        jury.open_session(fonds, cast.office, session_id, [uid(cast.jan)], chair_id=uid(cast.ida))
    jury.open_session(fonds, cast.office, session_id, [uid(cast.ida), uid(cast.jan)], chair_id=uid(cast.ida))
    with fonds.db.read() as s:
        rows = dict(
            s.execute(select(Attendance.user_id, Attendance.present).where(Attendance.session_id == session_id)).all()
        )
        js = s.get(JurySession, session_id)
        assert js is not None and js.status == "open" and js.chair_id == uid(cast.ida)
    assert rows == {uid(cast.ida): True, uid(cast.jan): True, uid(cast.kim): False}


def test_the_office_records_a_conflict_for_a_member_and_a_stranger_cannot(fonds: Engine, cast: Cast) -> None:
    _, (item,) = opened(fonds, cast, [cast.anna])
    with pytest.raises(PermissionDenied):
        jury.declare_conflict(fonds, cast.ida, item, uid(cast.jan), "Verwandt")
    jury.declare_conflict(fonds, cast.office, item, uid(cast.jan), "Schwager der Antragstellerin")
    with fonds.db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "declare_conflict")).one()
    assert (event.actor_id, event.on_behalf_of_id, event.clause) == (uid(cast.office), uid(cast.jan), "§ 7 Abs. 6")


def test_a_member_sees_who_applied_and_only_the_fields_the_guideline_allows(fonds: Engine, cast: Cast) -> None:
    _, (item,) = opened(fonds, cast, [cast.anna])
    app_id = app_of(fonds, item).id
    view = jury.jury_view_of_application(fonds, cast.jan, app_id)
    assert list(view.fields) == [
        "applicant",  # always: a member can only spot a conflict of interest with the name (issue 18)
        "title",
        "description",
        "goals",
        "target_group",
        "neighbourhood_benefit",
        "participants_expected",
        "applicant_kind",
        "area_link",
        "location",
        "project_start",
        "project_end",
        "cost_items",
    ]  # the Quartiersfonds' visible_fields, in their order; the money is the financing plan below
    assert view.financing["requested"] == 120_000 and view.financing["total_cost"] == 120_000
    assert view.fields["location"] == "Wiesenstraße 12, Gemeindesaal, Wiesenstraße, 58452"  # the project's place
    assert view.fields["applicant"] and "anna@example.org" not in repr(view)  # never the contact e-mail
    stranger = person(fonds, "Fremde Person", "fremd@example.org")
    with pytest.raises(NotFound):
        jury.jury_view_of_application(fonds, stranger, app_id)
    with pytest.raises(NotFound):
        jury.jury_view_of_application(fonds, cast.anna, app_id)


def test_counts_in_the_database_match_the_minutes(fonds: Engine, cast: Cast) -> None:
    session_id, (item,) = opened(fonds, cast, [cast.anna])
    jury.enter_show_of_hands(fonds, cast.office, item, {uid(m): "yes" for m in cast.members})
    jury.close_item(fonds, cast.office, item)
    with fonds.db.read() as s:
        n = s.scalar(select(func.count()).select_from(Vote).where(Vote.agenda_item_id == item))
        entered = set(s.scalars(select(Vote.entered_by_id).where(Vote.agenda_item_id == item)))
        closed = s.scalar(select(AgendaItem.status).where(AgendaItem.id == item))
    assert (n, entered, closed) == (3, {uid(cast.office)}, "closed")
    assert jury.minutes(fonds, cast.ida, session_id).items[0].yes == 3
