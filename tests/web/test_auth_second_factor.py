"""TOTP second factor: set-up with a code, login in two steps, no replay, recovery codes, required roles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from flask.testing import FlaskClient

from fondsengine.model import AuditEvent, User
from tests.web.builders import PASSWORD, World, build_world
from tests.web.conftest import login


def _set_up(world: World, client: FlaskClient) -> tuple[str, list[str]]:
    page = client.get("/konto/zweiter-faktor")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    found = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert found is not None
    secret = found.group(1).replace(" ", "")
    assert f"secret={secret}" in html  # the otpauth:// address for the app
    wrong = client.post("/konto/zweiter-faktor", data={"code": "000000"})
    assert wrong.status_code == 400 and "Der Code stimmt nicht" in wrong.get_data(as_text=True)
    done = client.post("/konto/zweiter-faktor", data={"code": pyotp.TOTP(secret).at(world.clock.now())})
    assert done.status_code == 200, done.get_data(as_text=True)[:1500]
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _password_step(client: FlaskClient, email: str = "anna@example.org") -> None:
    response = client.post("/anmelden", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/anmelden/code")


def test_after_set_up_the_login_asks_for_the_code_and_the_secret_is_never_shown_again(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    secret, _codes = _set_up(world, client)
    assert client.get("/konto/zweiter-faktor").status_code == 302  # set up: no second look at the secret
    assert secret not in client.get("/konto").get_data(as_text=True)
    assert [m.subject for m in world.mailer.to("anna@example.org")] == ["Zweiter Faktor eingerichtet"]
    client.post("/abmelden")

    world.clock.advance(seconds=60)
    _password_step(client)
    assert client.get("/konto").status_code == 302  # the password alone does not log in
    wrong = client.post("/anmelden/code", data={"code": "123456"})
    assert wrong.status_code == 400 and "Der Code stimmt nicht" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).at(world.clock.now())
    assert client.post("/anmelden/code", data={"code": code}).status_code == 302
    assert client.get("/konto").status_code == 200


def test_a_used_code_is_refused_the_second_time_and_a_new_step_works(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    secret, _codes = _set_up(world, client)
    client.post("/abmelden")
    world.clock.advance(seconds=60)
    code = pyotp.TOTP(secret).at(world.clock.now())
    _password_step(client)
    assert client.post("/anmelden/code", data={"code": code}).status_code == 302
    client.post("/abmelden")

    attacker = world.app.test_client()
    _password_step(attacker)
    assert attacker.post("/anmelden/code", data={"code": code}).status_code == 400  # replayed
    old = pyotp.TOTP(secret).at(world.clock.now().timestamp() - 30)
    assert attacker.post("/anmelden/code", data={"code": old}).status_code == 400  # an earlier step neither
    assert attacker.get("/konto").status_code == 302
    world.clock.advance(seconds=30)
    fresh = pyotp.TOTP(secret).at(world.clock.now())
    assert attacker.post("/anmelden/code", data={"code": fresh}).status_code == 302


def test_a_recovery_code_works_once(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    _secret, codes = _set_up(world, client)
    client.post("/abmelden")
    _password_step(client)
    assert client.post("/anmelden/code", data={"code": codes[3].upper()}).status_code == 302
    client.post("/abmelden")
    _password_step(client)
    assert client.post("/anmelden/code", data={"code": codes[3]}).status_code == 400
    with world.fonds.db.read() as s:
        user = s.get(User, world.anna)
        assert user is not None and user.totp_recovery is not None and len(user.totp_recovery) == 9
        assert all(codes[3] not in h for h in user.totp_recovery)  # hashes only


def test_wrong_codes_count_towards_the_lock_out(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    _secret, _codes = _set_up(world, client)
    client.post("/abmelden")
    statuses = []
    for i in range(10):
        other = world.app.test_client()
        other.environ_base["REMOTE_ADDR"] = f"198.51.100.{i}"
        _password_step(other)
        statuses.append(other.post("/anmelden/code", data={"code": f"{i:06d}"}).status_code)
    assert statuses == [400] * 9 + [429]
    client.environ_base["REMOTE_ADDR"] = "192.0.2.1"
    assert client.post("/anmelden", data={"email": "anna@example.org", "password": PASSWORD}).status_code == 429


def test_set_up_use_and_removal_are_in_the_audit_trail_and_removal_needs_the_password(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    _secret, _codes = _set_up(world, client)
    refused = client.post("/konto/zweiter-faktor/entfernen", data={"confirm_password": "falsch-falsch-1"})
    assert refused.status_code == 400 and "Das Passwort stimmt nicht." in refused.get_data(as_text=True)
    assert client.post("/konto/zweiter-faktor/entfernen", data={"confirm_password": PASSWORD}).status_code == 302
    client.post("/abmelden")
    login(client, "anna@example.org")  # one step again
    with world.fonds.db.read() as s:
        actions = [e.action for e in s.query(AuditEvent).order_by(AuditEvent.id) if e.actor_id == world.anna]
    assert [a for a in actions if a.startswith(("totp", "login", "logout"))] == [
        "login",
        "totp_enabled",
        "totp_removed",
        "logout",
        "login",
    ]


@pytest.fixture()
def strict_world(template_db: Path, tmp_path: Path) -> Iterator[World]:
    w = build_world(template_db, tmp_path, totp_required_roles="manager,city_approver")
    w.app.config["WTF_CSRF_ENABLED"] = False
    yield w
    w.fonds.db.dispose()


def test_where_required_the_office_can_do_nothing_before_the_second_factor_is_set_up(strict_world: World) -> None:
    w = strict_world
    office = w.app.test_client()
    login(office, "buero@example.org")
    for page in ("/verwaltung/", "/konto", "/antraege"):
        response = office.get(page)
        assert response.status_code == 302 and response.headers["Location"].endswith("/konto/zweiter-faktor"), page
    secret, _codes = _set_up(w, office)
    assert office.get("/verwaltung/").status_code == 200
    removal = office.post("/konto/zweiter-faktor/entfernen", data={"confirm_password": PASSWORD})
    assert removal.status_code == 400 and "vorgeschrieben" in removal.get_data(as_text=True)
    resident = w.app.test_client()
    login(resident, "anna@example.org")  # residents are not asked for a second factor
    assert resident.get("/antraege").status_code == 200
    assert secret
