"""Internal notes: written by the office, shown on the office page only, never to the applicant."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.model import AuditEvent
from tests.web.builders import World, draft_for
from tests.web.conftest import login

SECRET = "Rückruf: Frau Beispiel wirkte unsicher beim Kostenplan."


def _submitted(world: World) -> int:
    app_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), app_id)
    return app_id


def test_a_note_is_shown_to_the_office_and_never_to_the_applicant(world: World, client: FlaskClient) -> None:
    app_id = _submitted(world)
    login(client, "buero@example.org")

    response = client.post(f"/verwaltung/antraege/{app_id}/notizen", data={"note": SECRET})

    assert response.status_code == 302
    assert SECRET in client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    client.post("/abmelden")
    login(client, "anna@example.org")
    own_page = client.get(f"/antraege/{app_id}").get_data(as_text=True)
    assert SECRET not in own_page and "add_note" not in own_page and "Notiz" not in own_page
    assert client.post(f"/verwaltung/antraege/{app_id}/notizen", data={"note": "x"}).status_code == 403
    with world.fonds.db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "add_note")).one()
        assert event.actor_id == world.office and event.data["application_id"] == app_id
        assert SECRET not in str(event.data)


def test_an_empty_note_is_refused(world: World, client: FlaskClient) -> None:
    app_id = _submitted(world)
    login(client, "buero@example.org")
    response = client.post(f"/verwaltung/antraege/{app_id}/notizen", data={"note": "  "})
    assert response.status_code == 400
    assert "Bitte schreiben Sie eine Notiz." in response.get_data(as_text=True)
