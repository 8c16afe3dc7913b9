"""DSGVO Art. 15 as PDF and Art. 17: a resident asks for erasure, the office sees the engine's plan and
carries it out; only what the retention rules allow is anonymised, the chains stay verifiable."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from fondsengine.accounts.erasure import carry_out_erasure, erasure_preview, erasure_requests, request_erasure
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.integrity.check import verify
from fondsengine.model import Application, AuditEvent, ErasureRequest, User
from tests.web.builders import World, draft_for
from tests.web.conftest import PASSWORD, login


def _csrf_free_post(client: FlaskClient, url: str, data: dict[str, str]) -> str:
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_information_is_also_a_readable_pdf(world: World) -> None:
    draft_for(world, world.anna, title="Bücherschrank am Kornmarkt")
    client = world.app.test_client()
    login(client, "anna@example.org")
    assert "/konto/meine-daten.pdf" in client.get("/konto").get_data(as_text=True)
    got = client.get("/konto/meine-daten.pdf")
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert got.headers["Cache-Control"] == "no-store" and "attachment" in got.headers["Content-Disposition"]
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=got.data, capture_output=True, check=True).stdout
    body = " ".join(text.decode().split())
    assert "Auskunft über Ihre gespeicherten Daten (Art. 15 DSGVO)" in body
    assert "anna@example.org" in body and "Bücherschrank am Kornmarkt" in body and "Kostenplan 1" in body
    assert "password_hash" not in body
    assert world.app.test_client().get("/konto/meine-daten.pdf").status_code == 302  # needs a login


def test_a_resident_asks_the_office_erases_the_draft_and_keeps_the_submitted_application(world: World) -> None:
    f = world.fonds
    draft = draft_for(world, world.anna, title="Nur ein Entwurf")
    submitted = draft_for(world, world.anna, title="Eingereichtes Fest")
    apps.submit(f, Actor(world.anna), submitted)
    client = world.app.test_client()
    login(client, "anna@example.org")
    account = client.get("/konto").get_data(as_text=True)
    assert "Meine Daten löschen lassen" in account and "Entwurf „Nur ein Entwurf“" in account
    assert "bleibt gespeichert, solange das Verfahren läuft" in account and "§ 11" in account

    refused = client.post("/konto/loeschung", data={"erasure_reason": "bitte"})
    assert refused.status_code == 400 and "Bitte bestätigen Sie, dass Sie die Löschung möchten." in refused.get_data(
        as_text=True
    )
    page = _csrf_free_post(client, "/konto/loeschung", {"erasure_reason": "Ich ziehe weg.", "erasure_confirm": "y"})
    assert "Ihr Antrag auf Löschung ist eingegangen" in page and "liegt der Geschäftsführung vor" in page
    with pytest.raises(InvalidInput, match="liegt schon vor"):
        request_erasure(f, Actor(world.anna))
    to_office = [m for m in world.mailer.sent if m.subject.startswith("Neuer Antrag auf Löschung")]
    assert [m.to for m in to_office] == [("buero@example.org",)]
    assert "Anna" not in to_office[0].text  # the mail names nobody; the office reads it in the application

    office = world.app.test_client()
    login(office, "buero@example.org")
    listing = office.get("/verwaltung/loeschantraege").get_data(as_text=True)
    assert "Anna Beispiel" in listing and "Ich ziehe weg." in listing and "Löschung ausführen" in listing
    [case] = erasure_requests(f, Actor(world.office))
    done = _csrf_free_post(office, f"/verwaltung/loeschantraege/{case.id}", {})
    assert "Löschantrag erledigt: 1 gelöscht oder anonymisiert, 2 aufbewahrt" in done

    with f.db.read() as s:
        erased, kept = s.get(Application, draft), s.get(Application, submitted)
        user = s.get(User, world.anna)
        req = s.get(ErasureRequest, case.id)
        assert erased is not None and kept is not None and user is not None and req is not None
        assert erased.anonymised_at is not None and erased.contact_name == "anonymisiert" and erased.description == ""
        assert kept.anonymised_at is None and kept.contact_name == "Anna Beispiel"
        assert user.anonymised_at is None and user.email == "anna@example.org"  # kept for the open application
        assert req.status == "done" and req.decided_by_id == world.office and len(req.outcome) == 3
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "carry_out_erasure")) is not None
    result = [m for m in world.mailer.sent if m.subject == "Ihr Antrag auf Löschung ist bearbeitet"]
    assert [m.to for m in result] == [("anna@example.org",)] and "Nur ein Entwurf" in result[0].text
    assert verify(f).ok  # both chains and every figure still agree
    with pytest.raises(InvalidInput, match="schon erledigt"):
        carry_out_erasure(f, Actor(world.office), case.id)


def test_with_nothing_left_to_keep_the_account_is_anonymised_and_can_no_longer_log_in(world: World) -> None:
    f = world.fonds
    old = draft_for(world, world.anna, title="Altes Fest")
    apps.submit(f, Actor(world.anna), old)
    apps.withdraw(f, Actor(world.anna), old)
    with f.db.read() as s:
        closed = s.get(Application, old)
        assert closed is not None and closed.closed_at is not None
    with f.db.engine.begin() as conn:  # as if it had been closed eleven years ago (retention: 10 years)
        conn.execute(update(Application).where(Application.id == old).values(
            closed_at=closed.closed_at - timedelta(days=11 * 366)))  # fmt: skip
    plan = erasure_preview(f, Actor(world.anna))
    assert (plan[0].erase, plan[0].result) == (True, "wird anonymisiert")
    assert "Aufbewahrungsfrist abgelaufen" in plan[0].why and plan[-1].erase and plan[-1].what == "Benutzerkonto"
    req = request_erasure(f, Actor(world.anna), "")
    carry_out_erasure(f, Actor(world.office), req)
    with f.db.read() as s:
        user = s.get(User, world.anna)
        app = s.get(Application, old)
        assert user is not None and app is not None
        assert (user.name, user.email, user.password_hash, user.active) == ("anonymisiert", None, None, False)
        assert app.anonymised_at is not None and app.requested_cents == 80_000  # amounts stay
    client = world.app.test_client()
    answer = client.post("/anmelden", data={"email": "anna@example.org", "password": PASSWORD})
    assert "/antraege" not in answer.headers.get("Location", "")
    assert verify(f).ok


def test_only_the_office_of_the_persons_funds_sees_and_handles_requests(world: World) -> None:
    f = world.fonds
    draft_for(world, world.anna)
    req = request_erasure(f, Actor(world.anna), "")
    with pytest.raises(PermissionDenied):
        erasure_requests(f, Actor(world.bert))
    with pytest.raises(NotFound):
        carry_out_erasure(f, Actor(world.bert), req)
    bert = world.app.test_client()
    login(bert, "bert@example.org")
    assert bert.get("/verwaltung/loeschantraege").status_code == 403
    assert bert.post(f"/verwaltung/loeschantraege/{req}").status_code in (400, 404)
    with f.db.read() as s:
        still = s.get(ErasureRequest, req)
        assert still is not None and still.status == "open"
    world.clock.set(datetime(2026, 4, 1, 9, tzinfo=UTC))
    assert [c.id for c in erasure_requests(f, Actor(world.office))] == [req]
