"""Changing the address: confirmed from the new address, other sessions end, the old address is told."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from fondsengine.accounts.service import account_by_id
from fondsengine.model import AuditEvent
from tests.web.builders import PASSWORD, World
from tests.web.conftest import login


def _link(world: World, address: str) -> str:
    found = re.search(r"http://localhost(/konto/adresse-bestaetigen/\S+)", world.mailer.to(address)[-1].text)
    assert found is not None
    return found.group(1)


def _copy(world: World, source: FlaskClient) -> FlaskClient:
    cookie = source.get_cookie("session")
    assert cookie is not None
    other = world.app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def test_a_new_address_counts_once_confirmed_and_ends_the_other_sessions(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    thief = _copy(world, client)
    asked = client.post("/konto/adresse", data={"new_email": "Anna.Neu@Example.org", "email_password": PASSWORD})
    assert asked.status_code == 302
    assert account_by_id(world.fonds, world.anna).email == "anna@example.org"  # type: ignore[union-attr]
    assert [m.subject for m in world.mailer.to("anna.neu@example.org")] == ["Bestätigen Sie Ihre neue E-Mail-Adresse"]

    assert client.get(_link(world, "anna.neu@example.org")).status_code == 302
    assert account_by_id(world.fonds, world.anna).email == "anna.neu@example.org"  # type: ignore[union-attr]
    assert client.get("/konto").status_code == 200  # this session stays
    assert thief.get("/konto").status_code == 302  # the copied one is void
    told = world.mailer.to("anna@example.org")
    assert [m.subject for m in told] == ["Ihre E-Mail-Adresse wurde geändert"]
    assert "anna.neu@example.org" in told[0].text and "Wenn Sie das nicht waren" in told[0].text
    client.post("/abmelden")
    login(client, "anna.neu@example.org")
    with world.fonds.db.read() as s:
        assert s.query(AuditEvent).filter(AuditEvent.action == "change_email").count() == 1


def test_the_change_needs_the_password_and_the_link_only_works_for_the_same_person(world: World) -> None:
    anna = world.app.test_client()
    login(anna, "anna@example.org")
    wrong = anna.post("/konto/adresse", data={"new_email": "neu@example.org", "email_password": "falsch-falsch-1"})
    assert wrong.status_code == 400 and "Das Passwort stimmt nicht." in wrong.get_data(as_text=True)
    assert world.mailer.to("neu@example.org") == []
    anna.post("/konto/adresse", data={"new_email": "neu@example.org", "email_password": PASSWORD})
    bert = world.app.test_client()
    login(bert, "bert@example.org")
    bert.get(_link(world, "neu@example.org"))
    assert account_by_id(world.fonds, world.anna).email == "anna@example.org"  # type: ignore[union-attr]
    assert account_by_id(world.fonds, world.bert).email == "bert@example.org"  # type: ignore[union-attr]


def test_an_address_of_another_account_gets_no_link_but_the_same_answer(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    taken = client.post("/konto/adresse", data={"new_email": "bert@example.org", "email_password": PASSWORD})
    free = client.post("/konto/adresse", data={"new_email": "frei@example.org", "email_password": PASSWORD})
    assert taken.status_code == free.status_code == 302
    assert world.mailer.to("bert@example.org") == []
    assert len(world.mailer.to("frei@example.org")) == 1
