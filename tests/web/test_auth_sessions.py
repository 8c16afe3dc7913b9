"""Sessions end everywhere on logout, password change and reset: a copied cookie stops working."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from fondsengine.model import AuditEvent
from tests.web.builders import PASSWORD, World
from tests.web.conftest import login

OVERVIEW = "/antraege"


def _copy_cookie(world: World, source: FlaskClient) -> FlaskClient:
    """A second browser with the session cookie of the first (as an attacker who copied it)."""
    cookie = source.get_cookie("session")
    assert cookie is not None
    thief = world.app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _page_status(client: FlaskClient) -> int:
    return client.get("/konto").status_code


def test_a_copied_cookie_works_until_the_owner_logs_out_then_neither_works(world: World) -> None:
    owner = world.app.test_client()
    login(owner, "anna@example.org")
    thief = _copy_cookie(world, owner)
    assert _page_status(thief) == 200  # the copy works while the session is open
    other_device = world.app.test_client()
    login(other_device, "anna@example.org")

    assert owner.post("/abmelden").status_code == 302
    assert _page_status(thief) == 302  # sent to the login page
    assert "/anmelden" in thief.get("/konto").headers["Location"]
    assert _page_status(other_device) == 302  # logout ends every session of the account
    login(owner, "anna@example.org")  # a new login works again
    assert _page_status(owner) == 200


def test_logging_out_one_person_leaves_the_sessions_of_others_alone(world: World) -> None:
    anna, bert = world.app.test_client(), world.app.test_client()
    login(anna, "anna@example.org")
    login(bert, "bert@example.org")
    anna.post("/abmelden")
    assert _page_status(bert) == 200


def test_a_password_change_keeps_this_session_and_ends_the_copied_one(world: World) -> None:
    owner = world.app.test_client()
    login(owner, "anna@example.org")
    thief = _copy_cookie(world, owner)
    response = owner.post(
        "/konto/passwort",
        data={"current": PASSWORD, "password": "drei-bunte-fahrraeder", "password2": "drei-bunte-fahrraeder"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    assert _page_status(owner) == 200
    assert _page_status(thief) == 302
    assert owner.post("/anmelden", data={"email": "anna@example.org", "password": PASSWORD}).status_code == 400
    mails = world.mailer.to("anna@example.org")
    assert [m.subject for m in mails] == ["Ihr Passwort wurde geändert"]
    assert "Wenn Sie das nicht waren" in mails[0].text and "/passwort-vergessen" in mails[0].text


def test_a_password_change_needs_the_current_password_and_a_new_good_one(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    wrong = client.post(
        "/konto/passwort",
        data={
            "current": "falsch-falsch-falsch",
            "password": "drei-bunte-fahrraeder",
            "password2": "drei-bunte-fahrraeder",
        },
    )
    assert wrong.status_code == 400 and "Das bisherige Passwort stimmt nicht." in wrong.get_data(as_text=True)
    weak = client.post(
        "/konto/passwort", data={"current": PASSWORD, "password": "passwort1234", "password2": "passwort1234"}
    )
    assert weak.status_code == 400 and "zu leicht zu erraten" in weak.get_data(as_text=True)
    assert world.mailer.to("anna@example.org") == []
    assert _page_status(client) == 200  # nothing changed: still logged in


def test_a_password_reset_ends_every_open_session_and_mails_the_owner(world: World) -> None:
    owner = world.app.test_client()
    login(owner, "anna@example.org")
    thief = _copy_cookie(world, owner)
    stranger = world.app.test_client()
    stranger.post("/passwort-vergessen", data={"email": "anna@example.org"})
    link = re.search(r"http://localhost(/passwort-neu/\S+)", world.mailer.to("anna@example.org")[0].text)
    assert link is not None
    done = stranger.post(link.group(1), data={"password": "vier-gruene-tassen", "password2": "vier-gruene-tassen"})
    assert done.status_code == 302
    assert _page_status(owner) == 302
    assert _page_status(thief) == 302
    assert [m.subject for m in world.mailer.to("anna@example.org")] == [
        "Neues Passwort festlegen",
        "Ihr Passwort wurde geändert",
    ]


def test_login_logout_and_password_change_are_in_the_audit_trail(world: World) -> None:
    client = world.app.test_client()
    client.post("/anmelden", data={"email": "anna@example.org", "password": "falsches-passwort"})
    client.post("/anmelden", data={"email": "niemand@example.org", "password": "falsches-passwort"})
    login(client, "anna@example.org")
    client.post(
        "/konto/passwort",
        data={"current": PASSWORD, "password": "drei-bunte-fahrraeder", "password2": "drei-bunte-fahrraeder"},
    )
    client.post("/abmelden")
    with world.fonds.db.read() as s:
        events = [
            (e.action, e.actor_id, e.actor_role, e.data.get("client"))
            for e in s.query(AuditEvent).order_by(AuditEvent.id)
            if e.action.startswith(("login", "logout", "change_password"))
        ]
    assert events == [
        ("login_failed", world.anna, "user", "127.0.0.1"),
        ("login_failed", None, "anonymous", "127.0.0.1"),
        ("login", world.anna, "user", "127.0.0.1"),
        ("change_password", world.anna, "user", "127.0.0.1"),
        ("logout", world.anna, "user", "127.0.0.1"),
    ]
