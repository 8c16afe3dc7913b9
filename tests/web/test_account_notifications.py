"""The account page: which optional e-mails a person wants; letters are always sent."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.accounts.notifications import notification_choices
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.model import OutboxMessage
from fondsengine.notify.outbox import dispatch
from tests.support.factories import QF, quartiersfonds_input
from tests.web.builders import World
from tests.web.conftest import login


def test_without_login_the_account_page_leads_to_the_login(client: FlaskClient) -> None:
    response = client.get("/konto")
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_a_resident_sees_only_resident_choices_and_the_office_sees_its_own(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    page = client.get("/konto").get_data(as_text=True)
    assert "Erinnerungen an den Verwendungsnachweis" in page
    assert "Tägliche Übersicht" not in page
    assert {c.key for c in notification_choices(world.fonds, Actor(world.office))} >= {"office", "digest"}


def test_switching_off_status_mails_stops_them_but_the_receipt_letter_still_arrives(
    world: World, client: FlaskClient
) -> None:
    login(client, "anna@example.org")
    response = client.post("/konto", data={"choice": ["proof", "round"]})
    assert response.status_code == 302
    choices = {c.key: c.enabled for c in notification_choices(world.fonds, Actor(world.anna))}
    assert choices == {"status": False, "messages": False, "proof": True, "round": True}
    page = client.get("/konto").get_data(as_text=True)
    assert 'value="status" checked' not in page and 'value="proof" checked' in page

    anna = Actor(world.anna)
    app_id = apps.create_draft(world.fonds, anna, QF, quartiersfonds_input(contact_email="anna@example.org"))
    apps.submit(world.fonds, anna, app_id)
    office = Actor(world.office)
    decisions.start_review(world.fonds, office, app_id)
    decisions.request_changes(world.fonds, office, app_id, "Bitte ein Angebot beilegen.")  # a letter: always sent
    apps.resubmit(world.fonds, anna, app_id)
    decisions.start_review(world.fonds, office, app_id)
    decisions.decide_reject(world.fonds, office, app_id, "Formal unvollständig")  # a letter too
    dispatch(world.fonds, world.mailer, now=world.clock.now() + timedelta(minutes=1))
    with world.fonds.db.read() as s:
        rows = s.execute(
            select(OutboxMessage.topic, OutboxMessage.last_error).where(OutboxMessage.application_id == app_id)
        ).all()
    to_anna = [m.subject for m in world.mailer.sent if "anna@example.org" in m.to]
    assert {"letter_receipt", "letter_changes", "letter_rejection"} <= {t for t, _ in rows}
    assert len([s for s in to_anna if "Eingangsbestätigung" in s]) == 1
    assert any("ergänzen" in s for s in to_anna) and any("Entscheidung" in s for s in to_anna)
    assert all(t.startswith("letter_") or t == "office_attention" for t, _ in rows)


def test_an_unknown_choice_is_refused_with_a_message_and_nothing_changes(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    response = client.post("/konto", data={"choice": ["status", "digest"]})
    assert response.status_code == 400
    assert "Unbekannte Einstellung: digest" in response.get_data(as_text=True)
    assert all(c.enabled for c in notification_choices(world.fonds, Actor(world.anna)))


def test_a_status_mail_is_not_sent_to_someone_who_switched_it_off(world: World, client: FlaskClient) -> None:
    from fondsengine.lifecycle.audit import enqueue

    login(client, "anna@example.org")
    assert client.post("/konto", data={"choice": ["proof"]}).status_code == 302
    world.mailer.sent.clear()
    with world.fonds.unit_of_work() as uow:
        for user_id, key in ((world.anna, "a"), (world.bert, "b")):
            enqueue(
                uow.session,
                dedup_key=f"status-test-{key}",
                topic="status_changed",
                at=world.clock.now(),
                payload={"title": "Testprojekt", "state": "reviewed"},
                recipient_id=user_id,
                recipient_email=f"{key}@example.org",
            )
        uow.commit()
    dispatch(world.fonds, world.mailer, now=world.clock.now() + timedelta(minutes=1))
    assert [m.to for m in world.mailer.sent] == [("b@example.org",)]
    with world.fonds.db.read() as s:
        note = s.scalar(select(OutboxMessage.last_error).where(OutboxMessage.dedup_key == "status-test-a"))
    assert note is not None and "abbestellt" in note
