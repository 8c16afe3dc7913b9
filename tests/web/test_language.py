"""The page language: the account's choice, then the switch's cookie, then Accept-Language, then German."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import webapp
from fondsengine.accounts.service import account_by_id
from fondsengine.i18n import LANGUAGES, Language
from fondsengine.model import AuditEvent
from tests.web.builders import World
from tests.web.conftest import login


def _lang(client: FlaskClient, path: str = "/", **headers: str) -> tuple[str, str]:
    html = client.get(path, headers=headers).get_data(as_text=True)
    match = re.search(r'<html lang="([a-z]+)" dir="([a-z]+)">', html)
    assert match, html[:300]
    return match.group(1), match.group(2)


def test_a_visitor_without_any_choice_gets_german(client: FlaskClient) -> None:
    assert _lang(client) == ("de", "ltr")
    assert "Geld für Ihre Idee im Quartier" in client.get("/").get_data(as_text=True)


def test_the_browser_language_is_used_when_it_is_shipped(client: FlaskClient) -> None:
    assert _lang(client, **{"Accept-Language": "tr-TR,tr;q=0.9,de;q=0.5"}) == ("tr", "ltr")
    assert "Mahalledeki fikriniz için para" in client.get("/", headers={"Accept-Language": "tr"}).get_data(as_text=True)
    assert _lang(client, **{"Accept-Language": "fr-FR, en;q=0.5"})[0] == "en"


def test_a_browser_language_that_is_not_shipped_falls_back_to_german(client: FlaskClient) -> None:
    assert _lang(client, **{"Accept-Language": "fr-FR,fr;q=0.9"})[0] == "de"


def test_the_switch_sets_a_cookie_that_beats_the_browser_language_without_javascript(client: FlaskClient) -> None:
    response = client.post("/sprache", data={"sprache": "en", "weiter": "/registrieren"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/registrieren")
    assert "sprache=en" in response.headers["Set-Cookie"]
    assert _lang(client, "/registrieren", **{"Accept-Language": "tr"})[0] == "en"
    page = client.get("/registrieren").get_data(as_text=True)
    assert "Create account" in page and "Konto anlegen" not in page


def test_the_switch_refuses_foreign_targets_and_unknown_languages(client: FlaskClient) -> None:
    response = client.post("/sprache", data={"sprache": "xx", "weiter": "https://evil.example/"})
    assert response.headers["Location"].endswith("/")
    assert "evil" not in response.headers["Location"]
    assert "sprache=de" in response.headers["Set-Cookie"]


def test_the_account_language_beats_cookie_and_browser_and_is_saved_and_audited(
    world: World, client: FlaskClient
) -> None:
    login(client, "anna@example.org")
    client.post("/sprache", data={"sprache": "tr", "weiter": "/konto"})
    account = account_by_id(world.fonds, world.anna)
    assert account is not None and account.language == "tr"
    client.set_cookie("sprache", "en")  # e.g. a cookie from another visit on this device
    assert _lang(client, "/konto", **{"Accept-Language": "en"})[0] == "tr"
    page = client.get("/konto").get_data(as_text=True)
    assert 'id="lang-tr" name="sprache" value="tr" checked' in page
    with world.fonds.db.read() as s:
        actions = [e.action for e in s.query(AuditEvent).filter(AuditEvent.action == "set_language")]
    assert actions == ["set_language"]


def test_choosing_german_again_on_the_account_page_switches_back(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    client.post("/sprache", data={"sprache": "en", "weiter": "/konto"})
    assert "My account" in client.get("/konto").get_data(as_text=True)
    client.post("/sprache", data={"sprache": "de", "weiter": "/konto"})
    assert _lang(client, "/konto")[0] == "de"


def test_registering_in_a_language_saves_it_for_pages_and_mails(world: World, client: FlaskClient) -> None:
    client.set_cookie("sprache", "tr")
    response = client.post(
        "/registrieren",
        data={
            "name": "Ayşe Yılmaz",
            "email": "ayse@example.org",
            "password": "lange-sichere-passphrase",
            "password2": "lange-sichere-passphrase",
        },
    )
    assert response.status_code == 200
    assert "Lütfen e-posta kutunuza bakın" in response.get_data(as_text=True)
    (mail,) = [m for m in world.mailer.sent if "ayse@example.org" in m.to]
    assert mail.subject == "E-posta adresinizi onaylayın"
    assert "Merhaba Ayşe Yılmaz," in mail.text
    with world.fonds.db.read() as s:
        from fondsengine.model import User

        user = s.query(User).filter(User.email == "ayse@example.org").one()
        assert user.language == "tr"


def test_form_errors_and_the_summary_are_in_the_page_language(client: FlaskClient) -> None:
    client.set_cookie("sprache", "en")
    page = client.post("/registrieren", data={"name": "", "email": "", "password": "", "password2": ""}).get_data(
        as_text=True
    )
    assert "Please fill in the field “Your name”." in page
    assert "Bitte füllen" not in page


def test_the_switch_needs_no_form_token_so_every_page_stays_sessionless(world: World) -> None:
    world.app.config["WTF_CSRF_ENABLED"] = True
    client = world.app.test_client()
    page = client.get("/")
    assert "Set-Cookie" not in page.headers  # the header's switch gives anonymous visitors no session
    response = client.post("/sprache", data={"sprache": "tr", "weiter": "/"})
    assert response.status_code == 302
    assert _lang(client)[0] == "tr"


def test_a_right_to_left_language_sets_the_pages_direction_and_the_styles_follow_it(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arabic is not shipped (Turkish is the second language); a language added with direction "rtl" (docs/i18n.md)
    # turns every page around, and the style sheet uses logical sides only, so borders and indents follow
    monkeypatch.setitem(LANGUAGES, "ar", Language("ar", "العربية", "rtl"))
    assert _lang(client, **{"Accept-Language": "ar"}) == ("ar", "rtl")
    assert _lang(client, "/anmelden", **{"Accept-Language": "ar"}) == ("ar", "rtl")
    assert _lang(client, **{"Accept-Language": "tr"}) == ("tr", "ltr")
    css = (Path(webapp.__file__).parent / "static" / "style.css").read_text("utf-8")
    physical = re.findall(r"(?:border|padding|margin)-(?:left|right)\s*:|text-align:\s*left", css)
    assert physical == []
