"""Messages inside an application: applicant and office write, each side is told by mail (as they
wish), the messages and the event show on both pages, files follow the upload rules."""

from __future__ import annotations

import io
from datetime import timedelta

from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.model import ApplicationMessage, Attachment, AuditEvent, OutboxMessage
from fondsengine.notify.outbox import dispatch
from tests.web.builders import World, draft_for
from tests.web.conftest import login

QUESTION = "Reicht ein Kostenvoranschlag vom Zeltverleih?"
ANSWER = "Ja, bitte laden Sie ihn hier hoch."


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(out, "PNG")
    return out.getvalue()


def _submitted(world: World) -> int:
    app_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), app_id)
    return app_id


def _send_mails(world: World) -> None:
    dispatch(world.fonds, world.mailer, now=world.clock.now() + timedelta(minutes=1))


def test_applicant_and_office_write_to_each_other_and_each_side_gets_a_mail(world: World, client: FlaskClient) -> None:
    app_id = _submitted(world)
    world.mailer.sent.clear()
    login(client, "anna@example.org")
    sent = client.post(
        f"/antraege/{app_id}/nachrichten",
        data={"message": QUESTION, "file": (io.BytesIO(_png()), "angebot.png")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#nachrichten")
    _send_mails(world)
    to_office = world.mailer.to("buero@example.org")
    assert [m.subject for m in to_office] == ["Neue Nachricht zum Antrag „Nachbarschaftsfest Ruhrstraße“"]
    assert f"/verwaltung/antraege/{app_id}#nachrichten" in to_office[0].text and QUESTION not in to_office[0].text
    assert world.mailer.to("anna@example.org") == []
    client.post("/abmelden")

    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert QUESTION in page and "Anhang: angebot.png" in page and "Nachricht geschrieben" in page
    assert client.post(f"/verwaltung/antraege/{app_id}/nachrichten", data={"message": ANSWER}).status_code == 302
    _send_mails(world)
    to_anna = world.mailer.to("anna@example.org")
    assert [m.subject for m in to_anna] == ["Neue Nachricht zum Antrag „Nachbarschaftsfest Ruhrstraße“"]
    assert f"/antraege/{app_id}#nachrichten" in to_anna[0].text and "Geschäftsführung hat Ihnen" in to_anna[0].text
    client.post("/abmelden")

    login(client, "anna@example.org")
    own = client.get(f"/antraege/{app_id}").get_data(as_text=True)
    assert own.index(QUESTION) < own.index(ANSWER) and "(Geschäftsführung)" in own
    with world.fonds.db.read() as s:
        rows = list(s.scalars(select(ApplicationMessage).order_by(ApplicationMessage.id)))
        assert [(m.author_id, m.from_office, m.text) for m in rows] == [
            (world.anna, False, QUESTION),
            (world.office, True, ANSWER),
        ]
        attachment = s.get(Attachment, rows[0].attachment_id)
        assert attachment is not None and attachment.mimetype == "image/png"
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "add_message")))
        assert [(e.actor_id, e.application_id) for e in events] == [(world.anna, app_id), (world.office, app_id)]
        assert all(QUESTION not in str(e.data) and ANSWER not in str(e.data) for e in events)
    download = client.get(f"/antraege/{app_id}/anhaenge/{rows[0].attachment_id}")
    assert download.status_code == 200 and download.data[:4] == b"\x89PNG"


def test_a_person_who_switched_message_mails_off_gets_none(world: World, client: FlaskClient) -> None:
    app_id = _submitted(world)
    login(client, "anna@example.org")
    assert client.post("/konto", data={"choice": ["status", "proof", "round"]}).status_code == 302
    client.post("/abmelden")
    world.mailer.sent.clear()
    login(client, "buero@example.org")
    client.post(f"/verwaltung/antraege/{app_id}/nachrichten", data={"message": ANSWER})
    _send_mails(world)
    assert world.mailer.to("anna@example.org") == []
    with world.fonds.db.read() as s:
        topics = s.scalars(select(OutboxMessage.topic).where(OutboxMessage.recipient_id == world.anna)).all()
    assert "application_message" in topics  # queued, then skipped by the preference


def test_an_empty_message_or_a_wrong_file_is_refused_and_nothing_is_stored(world: World, client: FlaskClient) -> None:
    app_id = _submitted(world)
    login(client, "anna@example.org")
    empty = client.post(f"/antraege/{app_id}/nachrichten", data={"message": "   "})
    assert empty.status_code == 400 and "Bitte schreiben Sie eine Nachricht." in empty.get_data(as_text=True)
    fake = client.post(
        f"/antraege/{app_id}/nachrichten",
        data={"message": QUESTION, "file": (io.BytesIO(b"MZ not a pdf"), "angebot.pdf")},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 400 and QUESTION in fake.get_data(as_text=True)  # the text is kept
    client.post("/abmelden")
    login(client, "buero@example.org")
    office = client.post(f"/verwaltung/antraege/{app_id}/nachrichten", data={"message": ""})
    assert office.status_code == 400 and "Bitte schreiben Sie eine Nachricht." in office.get_data(as_text=True)
    with world.fonds.db.read() as s:
        assert s.scalars(select(ApplicationMessage)).all() == []
        assert s.scalars(select(Attachment)).all() == []
