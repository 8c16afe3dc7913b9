"""Messages in the engine on both databases: who may write and read, the jury never, retention."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications.messages import messages_of, send_message
from fondsengine.applications.records import AttachmentInput
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.jobs.table import run_job
from fondsengine.model import Application, ApplicationMessage, Attachment, OutboxMessage
from tests.integration.test_jobs import berlin
from tests.integration.test_outbox import approved_application, make_cast
from tests.support.factories import QF


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def test_messages_go_both_ways_the_jury_sees_none_and_retention_anonymises_them(fonds: Engine) -> None:
    cast = make_cast(fonds)
    app_id = approved_application(fonds, cast)
    png = AttachmentInput("photo", "bild.png", "image/png", _png())
    first = send_message(fonds, cast["anna"], app_id, "  Frage zum Nachweis  ", png)
    send_message(fonds, cast["office"], app_id, "Antwort der Geschäftsführung")
    shown = messages_of(fonds, cast["office"], app_id)
    assert [(m.text, m.from_office, m.attachment_name) for m in shown] == [
        ("Frage zum Nachweis", False, "bild.png"),
        ("Antwort der Geschäftsführung", True, None),
    ]
    assert messages_of(fonds, cast["anna"], app_id) == shown
    with pytest.raises(NotFound):  # the application is on the juror's agenda, its messages are not
        messages_of(fonds, cast["juror"], app_id)
    with pytest.raises(NotFound):
        send_message(fonds, cast["juror"], app_id, "Hallo")
    with fonds.db.read() as s:
        mails = s.execute(
            select(OutboxMessage.recipient_id, OutboxMessage.payload["from_office"].as_boolean())
            .where(OutboxMessage.topic == "application_message")
            .order_by(OutboxMessage.id)
        ).all()
    assert [tuple(m) for m in mails] == [(cast["office"].user_id, False), (cast["anna"].user_id, True)]

    with fonds.unit_of_work() as uow:
        app = uow.session.get(Application, app_id)
        assert app is not None
        app.closed_at = berlin(2028, 6, 1)
        uow.commit()
    with pytest.raises(InvalidInput, match="abgeschlossen"):
        send_message(fonds, cast["anna"], app_id, "Noch eine Datei", png)
    assert run_job(fonds, "retention", berlin(2040, 6, 2)) == 1
    with fonds.db.read() as s:
        rows = list(s.scalars(select(ApplicationMessage).order_by(ApplicationMessage.id)))
        assert [(m.text, m.attachment_id) for m in rows] == [("anonymisiert", None), ("anonymisiert", None)]
        assert s.scalars(select(Attachment).where(Attachment.application_id == app_id)).all() == []
    assert first == rows[0].id


def test_only_owner_and_office_write(fonds: Engine) -> None:
    cast = make_cast(fonds)
    app_id = approved_application(fonds, cast)
    auditor = create_user(fonds, name="Prüferin", email="pruef@example.org", password=None, confirmed=True)
    grant_role(fonds, Actor.scheduler(), user_id=auditor, fund_id=QF, role="auditor")
    assert messages_of(fonds, Actor(auditor), app_id) == []
    with pytest.raises(PermissionDenied):
        send_message(fonds, Actor(auditor), app_id, "Darf ich nicht")
