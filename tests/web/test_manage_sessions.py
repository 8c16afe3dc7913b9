"""Jury session planning: plan, invite, see confirmations, put several applications on the agenda."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.jury import sessions as jury_sessions
from fondsengine.model import Application, Attendance, JurySession
from tests.web.builders import PASSWORD, QF, World, draft_for
from tests.web.conftest import login


def _reviewed(world: World, user: int, title: str) -> int:
    f, office = world.fonds, Actor(world.office)
    app_id = draft_for(world, user, title=title)
    apps.submit(f, Actor(user), app_id)
    decisions.start_review(f, office, app_id)
    with f.db.read() as s:
        checklist = f.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(f, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(f, office, app_id)
    return app_id


def test_planning_a_session_stores_it_in_witten_time(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    missing = client.post("/verwaltung/sitzungen", data={"fonds": QF, "day": "2026-03-11", "place": " "})
    assert missing.status_code == 400
    assert "Bitte geben Sie den Ort der Sitzung an." in missing.get_data(as_text=True)

    response = client.post(
        "/verwaltung/sitzungen", data={"fonds": QF, "day": "2026-03-11", "time": "18:30", "place": "Rathaus"}
    )

    assert response.status_code == 302
    with world.fonds.db.read() as s:
        js = s.scalars(select(JurySession)).one()
        assert js.starts_at.astimezone(UTC) == datetime(2026, 3, 11, 17, 30, tzinfo=UTC)
        assert (js.place, js.status) == ("Rathaus", "planned")
    listing = client.get(f"/verwaltung/sitzungen?fonds={QF}").get_data(as_text=True)
    assert "11.03.2026, 18:30 Uhr" in listing and "0 Anträge" in listing


def test_several_reviewed_applications_go_on_the_agenda_at_once(world: World, client: FlaskClient) -> None:
    first = _reviewed(world, world.anna, "Repair-Café")
    second = _reviewed(world, world.bert, "Kinderflohmarkt")
    session_id = decisions.create_session(
        world.fonds, Actor(world.office), QF, datetime(2026, 3, 11, 17, tzinfo=UTC), "Rathaus"
    )
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/sitzungen/{session_id}").get_data(as_text=True)
    assert "Repair-Café" in page and "Kinderflohmarkt" in page

    response = client.post(f"/verwaltung/sitzungen/{session_id}", data={"application": [str(first), str(second)]})

    assert response.status_code == 302
    with world.fonds.db.read() as s:
        states = set(s.scalars(select(Application.state)))
    assert states == {"on_agenda"}
    agenda = client.get(f"/verwaltung/sitzungen/{session_id}").get_data(as_text=True)
    assert "Tagesordnung (2)" in agenda
    assert "Kein formal geprüfter Antrag wartet" in agenda


def test_invitations_go_to_the_jury_and_confirmations_are_shown(world: World, client: FlaskClient) -> None:
    member = create_user(world.fonds, name="Jule Jury", email="jury@example.org", password=PASSWORD, confirmed=True)
    grant_role(world.fonds, Actor.scheduler(), user_id=member, fund_id=QF, role="jury_member", group="resident")
    session_id = decisions.create_session(
        world.fonds, Actor(world.office), QF, datetime(2026, 3, 11, 17, tzinfo=UTC), "Rathaus"
    )
    login(client, "buero@example.org")

    response = client.post(f"/verwaltung/sitzungen/{session_id}/einladen")

    assert response.status_code == 302
    with world.fonds.db.read() as s:
        assert list(s.scalars(select(Attendance.user_id))) == [member]
    # the mail goes out with the click, not when the scheduler next runs (issue 18)
    assert [m.subject.startswith("Einladung") for m in world.mailer.to("jury@example.org")] == [True]
    from fondsengine.jobs.reminders import jury_invitation

    world.clock.set(datetime(2026, 2, 26, 9, tzinfo=UTC))  # 14 days before: the job's day
    assert jury_invitation(world.fonds, world.clock.now()) == 0  # the same key: never a second invitation
    assert "Jule Jury: eingeladen am 10.01.2026, noch keine Antwort" in client.get(
        f"/verwaltung/sitzungen/{session_id}"
    ).get_data(as_text=True)
    jury_sessions.confirm_attendance(world.fonds, Actor(member), session_id, True)
    assert "Jule Jury: hat zugesagt" in client.get(f"/verwaltung/sitzungen/{session_id}").get_data(as_text=True)


def test_only_the_funds_manager_may_invite(world: World, client: FlaskClient) -> None:
    session_id = decisions.create_session(
        world.fonds, Actor(world.office), QF, datetime(2026, 3, 11, 17, tzinfo=UTC), "Rathaus"
    )
    login(client, "anna@example.org")
    assert client.post(f"/verwaltung/sitzungen/{session_id}/einladen").status_code == 403


def test_a_planned_session_whose_day_has_passed_is_not_listed_as_planned(world: World, client: FlaskClient) -> None:
    decisions.create_session(world.fonds, Actor(world.office), QF, datetime(2026, 3, 11, 17, tzinfo=UTC), "Rathaus")
    login(client, "buero@example.org")
    assert "<td>geplant</td>" in client.get(f"/verwaltung/sitzungen?fonds={QF}").get_data(as_text=True)

    world.clock.set(datetime(2026, 3, 12, 9, tzinfo=UTC))
    html = client.get(f"/verwaltung/sitzungen?fonds={QF}").get_data(as_text=True)

    assert "<td>Termin vorbei, noch nicht abgeschlossen</td>" in html and "<td>geplant</td>" not in html
