"""Residents change their own name and postal address on the account page (audited, CSRF-protected)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.model import AuditEvent, User
from tests.web.builders import World
from tests.web.conftest import login

NEW = {"name": "Anna Neumann", "street": "Ruhrstraße 7", "postcode": "58452", "city": "Witten"}


def _user(world: World) -> User:
    with world.fonds.db.read() as s:
        user = s.get(User, world.anna)
        assert user is not None
        s.expunge(user)
        return user


def test_name_and_address_are_saved_shown_and_audited(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    page = client.get("/konto").get_data(as_text=True)
    assert 'value="Anna Beispiel"' in page and "<title>Mein Konto" in page
    response = client.post("/konto/angaben", data=NEW)
    assert response.status_code == 302
    user = _user(world)
    assert (user.name, user.street, user.postcode, user.city) == ("Anna Neumann", "Ruhrstraße 7", "58452", "Witten")
    page = client.get("/konto").get_data(as_text=True)
    assert "Ihre Angaben sind gespeichert." in page and 'value="Ruhrstraße 7"' in page and "Anna Neumann" in page
    with world.fonds.db.read() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "change_profile")))
    assert [(e.actor_id, e.data["changed"]) for e in events] == [(world.anna, ["name", "street", "postcode", "city"])]
    assert "Ruhrstraße" not in str(events[0].data)  # the trail names the fields, the account holds the values
    # the same values again change nothing and record nothing
    assert client.post("/konto/angaben", data=NEW).status_code == 302
    with world.fonds.db.read() as s:
        assert s.query(AuditEvent).filter(AuditEvent.action == "change_profile").count() == 1


def test_wrong_input_is_shown_at_its_field_and_saves_nothing(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    for data, message in (
        ({**NEW, "name": "  "}, "Bitte füllen Sie dieses Feld aus."),
        ({**NEW, "postcode": "5845"}, "Die Postleitzahl hat fünf Ziffern."),
        ({**NEW, "city": ""}, "Bitte geben Sie die Anschrift vollständig an"),
        ({**NEW, "street": "x" * 201}, "höchstens 200 Zeichen"),
    ):
        response = client.post("/konto/angaben", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    user = _user(world)
    assert (user.name, user.street) == ("Anna Beispiel", None)
    # the address may also be removed again as a whole
    client.post("/konto/angaben", data=NEW)
    assert client.post("/konto/angaben", data={"name": "Anna Neumann"}).status_code == 302
    assert (_user(world).street, _user(world).city) == (None, None)


def test_the_form_needs_its_csrf_token(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    world.app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/konto/angaben", data=NEW)
    assert refused.status_code == 400 and 'value="Anna Neumann"' in refused.get_data(as_text=True)
    assert _user(world).name == "Anna Beispiel"
    page = client.get("/konto").get_data(as_text=True)
    forms = re.findall(r'action="/konto/angaben".*?name="csrf_token"[^>]*value="([^"]+)"', page, re.S)
    assert forms
    assert client.post("/konto/angaben", data={**NEW, "csrf_token": forms[0]}).status_code == 302
    assert _user(world).name == "Anna Neumann"
