"""Two-step funds (Cityfonds): the jury recommends, only the granting body (city approver) grants or refuses,
on its own pages (webapp/granting), with its file number and conditions; the resident sees "Empfohlen" until then."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.letters.store import render_stored_letter
from fondsengine.model import Application, Letter
from tests.support.factories import CF, cityfonds_input
from tests.support.jury import decide_on_paper
from tests.web.builders import PASSWORD, World
from tests.web.conftest import login


def _recommended(world: World) -> tuple[int, int]:
    f = world.fonds
    office = create_user(f, name="City-Büro", email="city@example.org", password=PASSWORD, confirmed=True)
    grant_role(f, Actor.scheduler(), user_id=office, fund_id=CF, role="manager")
    city = create_user(f, name="Amt für Stadtentwicklung", email="stadt@example.org", password=PASSWORD, confirmed=True)
    grant_role(f, Actor.scheduler(), user_id=city, fund_id=CF, role="city_approver")
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
    decide_on_paper(f, Actor(office), app_id, "recommend")
    return app_id, office


def _state(world: World, app_id: int) -> Application:
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        s.expunge(app)
        return app


def test_the_city_approver_sees_the_queue_with_the_recommendation_and_minutes_and_grants(
    world: World, client: FlaskClient
) -> None:
    app_id, _office = _recommended(world)
    login(client, "anna@example.org")
    resident = client.get(f"/antraege/{app_id}").get_data(as_text=True)
    assert "Empfohlen" in resident and "(noch nicht bewilligt)" in resident and "<dt>Bewilligt</dt>" not in resident
    client.post("/abmelden")

    login(client, "stadt@example.org")
    queue = client.get("/bewilligung/").get_data(as_text=True)
    assert "Lichterwochen in der Bahnhofstraße" in queue and "2.000,00" in queue
    page = client.get(f"/bewilligung/antraege/{app_id}").get_data(as_text=True)
    assert "Empfehlung der Jury" in page and "Protokoll der Jurysitzung vom 11.03.2026" in page
    assert "61/CF/2026/0001" in page  # the file number proposed from the guideline's scheme
    assert "Stadt Witten, Amt für Stadtentwicklung" in page

    too_much = client.post(f"/bewilligung/antraege/{app_id}/bewilligen", data={"amount": "2.500,00"})
    assert too_much.status_code == 400
    assert "höchstens den empfohlenen Betrag" in too_much.get_data(as_text=True)

    granted = client.post(
        f"/bewilligung/antraege/{app_id}/bewilligen",
        data={
            "amount": "",
            "grant_file_number": "61/CF/2026/0001",
            "granted_on": "2026-03-20",
            "conditions": "Die Lichterketten werden bis zum 31.01.2027 abgebaut.",
        },
    )
    assert granted.status_code == 302
    app = _state(world, app_id)
    assert (app.state, app.grant_file_number, app.approved_cents) == ("approved", "61/CF/2026/0001", 200_000)
    assert app.conditions == ["Die Lichterketten werden bis zum 31.01.2027 abgebaut."]
    assert "Lichterwochen" not in client.get("/bewilligung/").get_data(as_text=True)


def test_only_the_granting_body_decides_after_the_recommendation(world: World, client: FlaskClient) -> None:
    app_id, _office = _recommended(world)
    login(client, "city@example.org")  # the office of the Cityfonds
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "Bewilligung durch die Stadt eintragen" not in page
    assert "Ablehnung durch die Stadt eintragen" not in page
    assert client.get(f"/verwaltung/antraege/{app_id}/aktion/city_grant").status_code == 404
    refused = client.post(f"/bewilligung/antraege/{app_id}/ablehnen", data={"reasons": "Nein"})
    assert refused.status_code in (403, 404)
    assert _state(world, app_id).state == "recommended"


def test_the_city_approver_refuses_with_reasons_and_the_letter_names_the_city(
    world: World, client: FlaskClient
) -> None:
    app_id, _office = _recommended(world)
    login(client, "stadt@example.org")
    empty = client.post(f"/bewilligung/antraege/{app_id}/ablehnen", data={"reasons": ""})
    assert "Bitte nennen Sie die Gründe der Ablehnung." in empty.get_data(as_text=True)
    done = client.post(
        f"/bewilligung/antraege/{app_id}/ablehnen",
        data={"reasons": "Die Werbung dient einem einzelnen Geschäft (§ 3 Abs. 2)."},
    )
    assert done.status_code == 302
    assert _state(world, app_id).state == "rejected"
    with world.fonds.db.read() as s:
        letter = s.scalar(select(Letter).where(Letter.application_id == app_id, Letter.kind == "rejection"))
        assert letter is not None
        text = flat(render_stored_letter(world.fonds, s, letter))
    assert "Stadt Witten – Der Bürgermeister, Amt für Stadtentwicklung" in text
    app = _state(world, app_id)
    assert app.file_number is not None and f"Antragsnummer {app.file_number}" in text
    assert f"Aktenzeichen 61/CF/2026/{app.file_number.rsplit('-', 1)[1]}" in text
    assert "Werbegemeinschaft Bahnhofstraße" in text and "Bahnhofstraße 40 58452 Witten" in text
    assert "Die Werbung dient einem einzelnen Geschäft (§ 3 Abs. 2)." in text
    assert "Verwaltungsgericht Arnsberg" in text


def flat(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))
