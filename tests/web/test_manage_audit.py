"""The audit trail page: the office and the auditors read, filter and export it; nobody else does."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import update

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.model import AuditEvent
from tests.integration.test_integrity import as_table_owner
from tests.web.builders import PASSWORD, QF, World, draft_for
from tests.web.conftest import login

CF = "witten-cityfonds"


def _submitted(world: World) -> int:
    app_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), app_id)
    world.clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    decisions.start_review(world.fonds, Actor(world.office), app_id)
    return app_id


def _person(world: World, email: str, fund: str, role: str) -> int:
    uid = create_user(world.fonds, name=email.split("@")[0].title(), email=email, password=PASSWORD, confirmed=True)
    grant_role(world.fonds, Actor.scheduler(), user_id=uid, fund_id=fund, role=role)
    return uid


def _rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_office_reads_the_trail_of_an_application_with_versions_and_integrity(
    world: World, client: FlaskClient
) -> None:
    app_id = _submitted(world)
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}/protokoll")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Entwurf angelegt" in html and "Anna Beispiel" in html and "Innenstadt-Büro" in html
    assert "Richtlinie vom" in html and "Workflow " in html
    assert "alles unverändert und stimmig" in html
    # unknown query parameters do not reach the CSV link (no clash with the route's own arguments)
    odd = client.get(f"/verwaltung/antraege/{app_id}/protokoll?application_id=5&art=submit")
    assert odd.status_code == 200 and f"/verwaltung/antraege/{app_id}/protokoll.csv?art=submit" in odd.get_data(
        as_text=True
    )

    rows = _rows(client.get(f"/verwaltung/antraege/{app_id}/protokoll.csv").data)
    assert rows[0][:6] == ["Nr.", "Zeitpunkt", "Person", "Rolle", "für", "Ereignis"]
    kinds = [r[6] for r in rows[1:]]
    assert kinds[0] == "create_draft" and "submit" in kinds and kinds[-1] == "start_review"
    first = rows[1]
    assert first[2] == "Anna Beispiel" and first[5] == "Entwurf angelegt" and first[8] == str(app_id)
    last = rows[-1]
    assert last[2] == "Innenstadt-Büro" and last[3] == "Geschäftsführung" and last[13].startswith("Richtlinie vom")


def test_filters_narrow_the_trail_and_the_export(world: World, client: FlaskClient) -> None:
    app_id = _submitted(world)
    login(client, "buero@example.org")
    by_person = _rows(client.get(f"/verwaltung/protokoll.csv?fonds={QF}&person={world.office}").data)
    assert by_person[1:] and {r[2] for r in by_person[1:]} == {"Innenstadt-Büro"}
    by_kind = _rows(client.get(f"/verwaltung/protokoll.csv?fonds={QF}&art=submit").data)
    assert [r[6] for r in by_kind[1:]] == ["submit"] and by_kind[1][8] == str(app_id)
    # the review started on 2 March; the draft and the submission were on the clock's first day
    march = _rows(client.get(f"/verwaltung/protokoll.csv?fonds={QF}&von=2026-03-02&bis=2026-03-02").data)
    assert [r[6] for r in march[1:]] == ["start_review"]
    html = client.get(f"/verwaltung/protokoll?fonds={QF}&art=submit").get_data(as_text=True)
    assert "1 Einträge" in html
    bad = client.get(f"/verwaltung/protokoll?fonds={QF}&von=2026-03-05&bis=2026-03-01")
    assert bad.status_code == 400 and "„Bis“ liegt vor „Von“." in bad.get_data(as_text=True)
    assert client.get(f"/verwaltung/protokoll.csv?fonds={QF}&art=gibt_es_nicht").status_code == 400


def test_the_auditor_reads_but_residents_jury_and_other_offices_do_not(world: World, client: FlaskClient) -> None:
    app_id = _submitted(world)
    _person(world, "pruefung@example.org", QF, "auditor")
    _person(world, "jury@example.org", QF, "jury_member")
    _person(world, "stadt-buero@example.org", CF, "manager")

    login(client, "pruefung@example.org")
    assert client.get(f"/verwaltung/antraege/{app_id}/protokoll").status_code == 200
    assert "Entwurf angelegt" in client.get("/verwaltung/protokoll").get_data(as_text=True)
    assert _rows(client.get(f"/verwaltung/protokoll.csv?fonds={QF}").data)[1:]
    client.post("/abmelden")

    for email, fund_status, app_status in (
        ("anna@example.org", 403, 403),  # the applicant sees her application, not its trail
        ("bert@example.org", 403, 404),
        ("jury@example.org", 403, 404),
        ("stadt-buero@example.org", 403, 404),
    ):
        login(client, email)
        assert client.get(f"/verwaltung/protokoll?fonds={QF}").status_code == fund_status, email
        assert client.get(f"/verwaltung/protokoll.csv?fonds={QF}").status_code == fund_status, email
        assert client.get(f"/verwaltung/antraege/{app_id}/protokoll").status_code == app_status, email
        assert client.get(f"/verwaltung/antraege/{app_id}/protokoll.csv").status_code == app_status, email
        client.post("/abmelden")


def test_a_changed_audit_row_shows_as_a_broken_chain(world: World, client: FlaskClient) -> None:
    app_id = _submitted(world)
    with as_table_owner(world.fonds) as conn:  # past the append-only triggers, as the database owner could
        conn.execute(update(AuditEvent).where(AuditEvent.action == "submit").values(reason="nachträglich"))
    login(client, "buero@example.org")
    html = client.get(f"/verwaltung/antraege/{app_id}/protokoll").get_data(as_text=True)
    assert "Problem(e) gefunden" in html and "Zeile verändert" in html
