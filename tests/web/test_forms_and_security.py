"""Form behaviour and security settings through the Flask test client."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from fondsengine.config import load_settings
from fondsengine.model import Application, Attachment
from tests.support.files import simple_pdf
from tests.web.builders import World, approved_for, draft_for
from tests.web.conftest import login
from webapp import create_app

NEW = "/antrag/neu/witten-quartiersfonds"


def _form(**changes: str) -> dict[str, str]:
    data = {
        "form_token": "tok-1",
        "applicant_kind": "resident",
        "contact_name": "Anna Beispiel",
        "contact_street": "Wiesenstraße 3",
        "contact_postcode": "58452",
        "contact_city": "Witten",
        "title": "Nachbarschaftsfest",
        "requested": "500,00",
        "cost-1-category": "rental",
        "cost-1-description": "Zelt",
        "cost-1-amount": "500,00",
        "nonprofit": "1",
    }
    data.update(changes)
    return data


def _count(world: World) -> int:
    with world.fonds.db.read() as s:
        return int(s.scalar(select(func.count(Application.id))) or 0)


def test_posting_the_new_form_twice_with_the_same_token_creates_one_application(
    client: FlaskClient, world: World
) -> None:
    login(client, "anna@example.org")
    first = client.post(NEW, data=_form())
    second = client.post(NEW, data=_form())
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(world) == 1


def test_a_missing_title_is_listed_in_the_summary_and_beside_the_field(client: FlaskClient, world: World) -> None:
    login(client, "anna@example.org")
    response = client.post(NEW, data=_form(title=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#f-title">Bitte geben Sie einen Projekttitel an.' in page
    assert 'id="e-title"' in page
    assert _count(world) == 0


def test_an_unreadable_amount_keeps_every_other_value(client: FlaskClient, world: World) -> None:
    login(client, "anna@example.org")
    page = client.post(NEW, data=_form(requested="zwölf")).get_data(as_text=True)
    assert "ist kein gültiger Betrag" in page
    assert 'value="Nachbarschaftsfest"' in page
    assert 'value="zwölf"' in page


def test_a_stale_csrf_token_rerenders_the_form_with_the_values_and_saves_nothing(
    client: FlaskClient, world: World
) -> None:
    login(client, "anna@example.org")
    world.app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(NEW, data=_form(csrf_token="stale"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ihre Sitzung war abgelaufen" in page
    assert 'value="Nachbarschaftsfest"' in page
    assert re.search(r'name="csrf_token" value="[^"]{20,}"', page)
    assert _count(world) == 0


def test_a_file_named_pdf_that_is_no_pdf_is_refused_and_not_stored(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    response = client.post(
        f"/antraege/{app_id}/anhaenge",
        data={"file": (io.BytesIO(b"MZ this is an exe"), "angebot.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "keine gültige PDF-, JPEG- oder PNG-Datei" in response.get_data(as_text=True)
    with world.fonds.db.read() as s:
        assert s.scalar(select(func.count(Attachment.id))) == 0
    assert not world.upload_dir.exists() or not any(world.upload_dir.iterdir())


def test_a_real_pdf_is_stored_under_a_random_name_outside_the_static_folder(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    pdf = simple_pdf()
    client.post(
        f"/antraege/{app_id}/anhaenge",
        data={"file": (io.BytesIO(pdf), "Angebot Zelt.pdf")},
        content_type="multipart/form-data",
    )
    with world.fonds.db.read() as s:
        row = s.scalars(select(Attachment)).one()
    assert row.original_name == "Angebot Zelt.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", row.stored_name)
    assert (world.upload_dir / row.stored_name).read_bytes() == pdf
    download = client.get(f"/antraege/{app_id}/anhaenge/{row.id}")
    assert download.data == pdf


def test_an_iban_with_a_wrong_checksum_is_shown_beside_the_field(client: FlaskClient, world: World) -> None:
    app_id = approved_for(world, world.anna)
    login(client, "anna@example.org")
    response = client.post(
        f"/antraege/{app_id}/auszahlung",
        data={
            "kind": "reimbursement",
            "amount": "100,00",
            "iban": "DE89 3704 0044 0532 0130 01",
            "account_holder": "Anna",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#f-iban">Die Prüfziffer der IBAN stimmt nicht' in page


def test_every_response_carries_a_csp_without_inline_script(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)


def test_the_app_refuses_to_start_without_a_secret_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(environ={}, instance_path=str(tmp_path), secret_key="")
    with pytest.raises(RuntimeError, match="secret_key"):
        create_app(settings)


def test_registration_sends_a_confirmation_link_that_enables_login(client: FlaskClient, world: World) -> None:
    response = client.post(
        "/registrieren",
        data={
            "name": "Clara Neu",
            "email": "clara@example.org",
            "password": "langes-passwort",
            "password2": "langes-passwort",
        },
    )
    assert "Bitte sehen Sie in Ihr Postfach" in response.get_data(as_text=True)
    refused = client.post("/anmelden", data={"email": "clara@example.org", "password": "langes-passwort"})
    assert "Bitte bestätigen Sie zuerst" in refused.get_data(as_text=True)
    link = re.search(r"http://localhost(/bestaetigen/\S+)", world.mailer.to("clara@example.org")[0].text)
    assert link is not None
    client.get(link.group(1))
    assert (
        client.post("/anmelden", data={"email": "clara@example.org", "password": "langes-passwort"}).status_code == 302
    )


def test_a_reset_link_works_once(client: FlaskClient, world: World) -> None:
    client.post("/passwort-vergessen", data={"email": "anna@example.org"})
    link = re.search(r"http://localhost(/passwort-neu/\S+)", world.mailer.to("anna@example.org")[0].text)
    assert link is not None
    first = client.post(link.group(1), data={"password": "ganz-neues-pw", "password2": "ganz-neues-pw"})
    assert first.status_code == 302
    second = client.post(link.group(1), data={"password": "noch-ein-pw-1", "password2": "noch-ein-pw-1"})
    assert second.headers["Location"].endswith("/passwort-vergessen")
    assert client.post("/anmelden", data={"email": "anna@example.org", "password": "ganz-neues-pw"}).status_code == 302
