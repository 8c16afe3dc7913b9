"""Rate limits and lock-out with the real default settings, also across two app instances on one database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fondsengine.accounts.users import create_user
from fondsengine.bootstrap import build_fonds
from fondsengine.clock import FixedClock
from fondsengine.config import Settings, load_settings
from fondsengine.engine import Engine
from fondsengine.migrate import upgrade
from fondsengine.model import AuditEvent
from fondsengine.notify import FakeMailer
from tests.web.builders import PASSWORD, ROOT, START, World
from webapp import create_app

WRONG = "ein-falsches-passwort"
TOO_MANY = "Zu viele Versuche. Bitte warten Sie"


def _from(world_app: Flask, address: str) -> FlaskClient:
    client = world_app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _login(client: FlaskClient, email: str, password: str) -> int:
    return client.post("/anmelden", data={"email": email, "password": password}).status_code


def test_300_wrong_passwords_from_one_client_then_the_right_one_is_refused(world: World) -> None:
    client = _from(world.app, "203.0.113.7")
    statuses = [_login(client, "anna@example.org", f"{WRONG}-{i}") for i in range(300)]
    assert statuses[:9] == [400] * 9  # wrong password
    assert statuses[9] == 429  # the tenth failure locks the login name
    assert set(statuses[10:]) == {429}  # and the address is over its limit (10 per minute)
    final = client.post("/anmelden", data={"email": "anna@example.org", "password": PASSWORD})
    assert final.status_code == 429
    assert TOO_MANY in final.get_data(as_text=True)
    assert client.get("/konto").status_code == 302  # not logged in


def test_a_guessing_attack_from_many_addresses_locks_the_account_and_mails_its_owner_once(world: World) -> None:
    statuses = [_login(_from(world.app, f"198.51.100.{i}"), "anna@example.org", f"{WRONG}-{i}") for i in range(40)]
    assert statuses == [400] * 9 + [429] * 31
    fresh = _from(world.app, "192.0.2.1")
    refused = fresh.post("/anmelden", data={"email": "anna@example.org", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Zu viele Versuche. Bitte warten Sie 15 Minuten" in refused.get_data(as_text=True)
    mails = world.mailer.to("anna@example.org")
    assert [m.subject for m in mails] == ["Ihr Konto ist vorübergehend gesperrt"]
    assert "15 Minuten" in mails[0].text and "/passwort-vergessen" in mails[0].text
    world.clock.advance(minutes=10)
    assert _login(fresh, "anna@example.org", PASSWORD) == 429  # still locked: 5 minutes to go
    world.clock.advance(minutes=5, seconds=1)
    assert _login(fresh, "anna@example.org", PASSWORD) == 302
    assert len(world.mailer.to("anna@example.org")) == 1
    with world.fonds.db.read() as s:
        actions = [e.action for e in s.query(AuditEvent) if e.action.startswith("login")]
    assert actions.count("login_failed") == 10
    assert actions.count("login_locked") == 1
    assert actions.count("login_refused_locked") == 32  # 30 + the right password twice
    assert actions[-1] == "login"


def test_a_lock_out_of_another_account_does_not_touch_anna(world: World) -> None:
    for i in range(12):
        _login(_from(world.app, f"198.51.100.{i}"), "bert@example.org", WRONG)
    assert _login(_from(world.app, "192.0.2.1"), "anna@example.org", PASSWORD) == 302


def test_unknown_addresses_are_locked_the_same_way_as_known_ones(world: World) -> None:
    known = [_login(_from(world.app, f"198.51.100.{i}"), "anna@example.org", WRONG) for i in range(11)]
    unknown = [_login(_from(world.app, f"198.51.101.{i}"), "niemand@example.org", WRONG) for i in range(11)]
    assert known == unknown == [400] * 9 + [429] * 2


def test_a_password_reset_lifts_the_lock(world: World) -> None:
    for i in range(10):
        _login(_from(world.app, f"198.51.100.{i}"), "anna@example.org", WRONG)
    client = _from(world.app, "192.0.2.1")
    client.post("/passwort-vergessen", data={"email": "anna@example.org"})
    reset_mail = next(m for m in world.mailer.to("anna@example.org") if m.subject == "Neues Passwort festlegen")
    link = re.search(r"http://localhost(/passwort-neu/\S+)", reset_mail.text)
    assert link is not None
    client.post(link.group(1), data={"password": "vier-gruene-tassen", "password2": "vier-gruene-tassen"})
    assert _login(client, "anna@example.org", "vier-gruene-tassen") == 302


def test_30_reset_requests_for_one_address_send_three_mails_and_all_get_the_same_answer(world: World) -> None:
    pages = []
    for i in range(30):
        response = _from(world.app, f"198.51.100.{i}").post("/passwort-vergessen", data={"email": "anna@example.org"})
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
    assert len(set(pages)) == 1  # over the limit the answer does not change
    assert [m.subject for m in world.mailer.to("anna@example.org")] == ["Neues Passwort festlegen"] * 3
    world.clock.advance(hours=1, seconds=1)
    _from(world.app, "192.0.2.1").post("/passwort-vergessen", data={"email": "anna@example.org"})
    assert len(world.mailer.to("anna@example.org")) == 4


def test_reset_requests_from_one_client_address_are_limited_with_429(world: World) -> None:
    client = _from(world.app, "203.0.113.9")
    statuses = [client.post("/passwort-vergessen", data={"email": f"p{i}@example.org"}).status_code for i in range(12)]
    assert statuses == [200] * 10 + [429] * 2
    assert TOO_MANY in client.post("/passwort-vergessen", data={"email": "x@example.org"}).get_data(as_text=True)


def test_registrations_from_one_client_address_are_limited_with_429(world: World) -> None:
    client = _from(world.app, "203.0.113.10")
    statuses = [
        client.post(
            "/registrieren",
            data={"name": f"Neu {i}", "email": f"neu{i}@example.org", "password": "x", "password2": "x"},
        ).status_code
        for i in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_repeated_logins_to_an_unconfirmed_account_send_at_most_three_confirmation_mails(world: World) -> None:
    client = _from(world.app, "203.0.113.11")
    client.post(
        "/registrieren",
        data={
            "name": "Clara Neu",
            "email": "clara@example.org",
            "password": "drei-bunte-fahrraeder",
            "password2": "drei-bunte-fahrraeder",
        },
    )
    for i in range(8):
        response = _from(world.app, f"198.51.100.{i}").post(
            "/anmelden", data={"email": "clara@example.org", "password": "drei-bunte-fahrraeder"}
        )
        assert "Bitte bestätigen Sie zuerst" in response.get_data(as_text=True)
    assert [m.subject for m in world.mailer.to("clara@example.org")] == ["Bestätigen Sie Ihre E-Mail-Adresse"] * 3


# --- two app instances (as two gunicorn workers) on one database, SQLite and PostgreSQL -------------


@dataclass
class Pair:
    a: Flask
    b: Flask
    fonds: Engine
    clock: FixedClock
    mailer: FakeMailer


def _settings(url: str, tmp_path: Path) -> Settings:
    return load_settings(
        environ={},
        instance_path=str(tmp_path),
        database_url=url,
        secret_key="test-secret-key-0123456789abcdef-32+",
        secure_cookies=False,
        mail_backend="console",
        richtlinien_dir=str(ROOT / "richtlinien"),
        workflows_dir=str(ROOT / "workflows"),
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    upgrade(url)
    settings = _settings(url, tmp_path)
    clock = FixedClock(START)
    mailer = FakeMailer()
    first, second = build_fonds(settings, clock=clock), build_fonds(settings, clock=clock)
    assert first.db.engine is not second.db.engine  # two connection pools, as in two processes
    create_user(first, name="Anna Beispiel", email="anna@example.org", password=PASSWORD, confirmed=True)
    apps = [create_app(settings, fonds=f, mailer=mailer) for f in (first, second)]
    for app in apps:
        app.config["WTF_CSRF_ENABLED"] = False
    yield Pair(apps[0], apps[1], first, clock, mailer)
    first.db.dispose()
    second.db.dispose()


def test_the_per_address_limit_holds_across_two_app_instances(pair: Pair) -> None:
    clients = [_from(pair.a, "203.0.113.20"), _from(pair.b, "203.0.113.20")]
    statuses = [
        clients[i % 2].post("/passwort-vergessen", data={"email": f"p{i}@example.org"}).status_code for i in range(14)
    ]
    assert statuses == [200] * 10 + [429] * 4
    assert _from(pair.b, "203.0.113.21").post("/passwort-vergessen", data={"email": "q@example.org"}).status_code == 200


def test_the_account_lock_out_and_the_mail_limit_hold_across_two_app_instances(pair: Pair) -> None:
    apps = [pair.a, pair.b]
    statuses = [_login(_from(apps[i % 2], f"198.51.100.{i}"), "anna@example.org", WRONG) for i in range(12)]
    assert statuses == [400] * 9 + [429] * 3
    assert _login(_from(pair.b, "192.0.2.1"), "anna@example.org", PASSWORD) == 429
    assert _login(_from(pair.a, "192.0.2.2"), "anna@example.org", PASSWORD) == 429
    assert [m.subject for m in pair.mailer.to("anna@example.org")] == ["Ihr Konto ist vorübergehend gesperrt"]
    for i in range(6):
        _from(apps[i % 2], f"198.51.102.{i}").post("/passwort-vergessen", data={"email": "anna@example.org"})
    assert [m.subject for m in pair.mailer.to("anna@example.org")].count("Neues Passwort festlegen") == 3


def test_behind_a_proxy_the_forwarded_client_address_is_limited_not_the_proxy(
    template_db: Path, tmp_path: Path
) -> None:
    from tests.web.builders import build_world

    proxied = build_world(template_db, tmp_path, proxy_count=1)
    proxied.app.config["WTF_CSRF_ENABLED"] = False
    try:
        proxy = _from(proxied.app, "127.0.0.1")
        for client in ("203.0.113.30", "203.0.113.31"):
            statuses = [
                proxy.post(
                    "/passwort-vergessen",
                    data={"email": f"p{i}@example.org"},
                    headers={"X-Forwarded-For": client},
                ).status_code
                for i in range(11)
            ]
            assert statuses == [200] * 10 + [429], client  # each client its own count
    finally:
        proxied.fonds.db.dispose()
