"""Two-step funds (Cityfonds): the jury recommends, the office records the city's grant with its file number."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask.testing import FlaskClient

from fondsengine.model import Application
from fondsengine.services import applications as apps
from fondsengine.services import decisions
from fondsengine.services.context import Actor
from fondsengine.services.users import create_user, grant_role
from tests.support.factories import CF, cityfonds_input
from tests.web.builders import PASSWORD, World
from tests.web.conftest import login


def _recommended(world: World) -> tuple[int, int]:
    f = world.fonds
    office = create_user(f, name="City-Büro", email="city@example.org", password=PASSWORD, confirmed=True)
    grant_role(f, Actor.scheduler(), user_id=office, fund_id=CF, role="manager")
    data = cityfonds_input(project_start=date(2026, 5, 1), project_end=date(2026, 6, 30))
    app_id = apps.create_draft(f, Actor(world.anna), CF, data)
    apps.submit(f, Actor(world.anna), app_id)
    decisions.start_review(f, Actor(office), app_id)
    with f.db.read() as s:
        checklist = f.catalog.current(s, CF)[2].review_checklist
    decisions.record_review(f, Actor(office), app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(f, Actor(office), app_id)
    session = decisions.create_session(f, Actor(office), CF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus")
    decisions.schedule(f, Actor(office), app_id, session)
    world.clock.set(datetime(2026, 3, 11, 18, tzinfo=UTC))
    decisions.record_jury_outcome(f, Actor(office), app_id, "recommend")
    return app_id, office


def test_the_office_records_the_citys_grant_after_the_jurys_recommendation(world: World, client: FlaskClient) -> None:
    app_id, _office = _recommended(world)
    login(client, "city@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "Bewilligung durch die Stadt eintragen" in page
    url = f"/verwaltung/antraege/{app_id}/aktion/city_grant"

    missing = client.post(url, data={"granted_on": "2026-03-20", "grant_file_number": " "})
    assert missing.status_code == 400
    assert "Bitte geben Sie das Aktenzeichen der Stadt an." in missing.get_data(as_text=True)

    response = client.post(url, data={"granted_on": "2026-03-20", "grant_file_number": "61-2026/017"})

    assert response.status_code == 302
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        assert (app.state, app.grant_file_number, app.approved_cents) == ("approved", "61-2026/017", 200_000)


def test_the_city_cannot_grant_more_than_the_jury_recommended(world: World, client: FlaskClient) -> None:
    app_id, _office = _recommended(world)
    login(client, "city@example.org")
    response = client.post(
        f"/verwaltung/antraege/{app_id}/aktion/city_grant",
        data={"granted_on": "2026-03-20", "grant_file_number": "61-2026/018", "amount": "2.500,00"},
    )
    assert response.status_code == 400
    assert "höchstens den empfohlenen Betrag" in response.get_data(as_text=True)
