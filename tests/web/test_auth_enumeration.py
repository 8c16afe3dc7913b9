"""The public account pages do not reveal which addresses have an account (answers and timing)."""

from __future__ import annotations

import statistics
import time

from flask.testing import FlaskClient

from fondsengine.model import User
from tests.web.builders import World

NEW_PASSWORD = "drei-bunte-fahrraeder"


def _client(world: World, n: int) -> FlaskClient:
    client = world.app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"198.51.100.{n}"
    return client


def _register(client: FlaskClient, email: str) -> tuple[int, str]:
    response = client.post(
        "/registrieren",
        data={"name": "Clara Neu", "email": email, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    return response.status_code, response.get_data(as_text=True).replace(email, "ADDRESS")


def test_registering_a_taken_address_looks_like_a_new_one_and_mails_the_owner(world: World) -> None:
    taken = _register(_client(world, 1), "anna@example.org")
    new = _register(_client(world, 2), "clara@example.org")
    assert taken == new
    assert taken[0] == 200 and "Bitte sehen Sie in Ihr Postfach" in taken[1]
    with world.fonds.db.read() as s:
        assert s.query(User).filter(User.email == "anna@example.org").count() == 1
        assert s.query(User).filter(User.name == "Clara Neu").count() == 1  # only the new address got an account
    notice = world.mailer.to("anna@example.org")
    assert [m.subject for m in notice] == ["Ihr Konto besteht schon"]
    assert "/anmelden" in notice[0].text and "/passwort-vergessen" in notice[0].text
    assert [m.subject for m in world.mailer.to("clara@example.org")] == ["Bestätigen Sie Ihre E-Mail-Adresse"]


def test_login_answers_the_same_for_an_unknown_address_and_a_wrong_password(world: World) -> None:
    known = _client(world, 1).post("/anmelden", data={"email": "anna@example.org", "password": "falsch-falsch-1"})
    unknown = _client(world, 2).post("/anmelden", data={"email": "nobody@example.org", "password": "falsch-falsch-1"})
    assert known.status_code == unknown.status_code == 400
    assert known.get_data(as_text=True).replace("anna@", "X@") == unknown.get_data(as_text=True).replace(
        "nobody@", "X@"
    )
    assert "E-Mail-Adresse oder Passwort stimmen nicht." in known.get_data(as_text=True)


def test_the_reset_page_answers_the_same_for_known_and_unknown_addresses(world: World) -> None:
    known = _client(world, 1).post("/passwort-vergessen", data={"email": "anna@example.org"})
    unknown = _client(world, 2).post("/passwort-vergessen", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace("anna@", "X@") == unknown.get_data(as_text=True).replace(
        "nobody@", "X@"
    )
    assert len(world.mailer.to("anna@example.org")) == 1 and world.mailer.to("nobody@example.org") == []


def _median_seconds(action, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for i in range(runs):
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_unknown_addresses_take_about_as_long_as_known_ones(world: World) -> None:
    """Without the dummy hash an unknown address answered about 50 times faster (no Argon2 work)."""
    login_known = _median_seconds(
        lambda i: _client(world, i).post("/anmelden", data={"email": "anna@example.org", "password": f"falsch-{i}-xx"})
    )
    login_unknown = _median_seconds(
        lambda i: _client(world, 10 + i).post("/anmelden", data={"email": f"n{i}@example.org", "password": "falsch-xx"})
    )
    register_new = _median_seconds(lambda i: _register(_client(world, 20 + i), f"neu{i}@example.org"))
    register_taken = _median_seconds(lambda i: _register(_client(world, 30 + i), "bert@example.org"))
    assert login_unknown > 0.3 * login_known, (login_unknown, login_known)
    assert register_taken > 0.3 * register_new, (register_taken, register_new)
