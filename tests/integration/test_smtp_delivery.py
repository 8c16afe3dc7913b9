"""SmtpMailer against a real SMTP server on 127.0.0.1 (security="none").

STARTTLS and SSL are not exercised here (no certificates in the test setup).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from fondsengine.clock import FixedClock
from fondsengine.notify import messages
from fondsengine.notify.port import Attachment, DeliveryError, Message
from fondsengine.notify.smtp import Security, SmtpMailer
from tests.integration.conftest_smtp import SmtpServer

SENDER = "Innenstadt-Büro <mitten@witten.example>"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"
CLOCK = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def _mailer(
    server: SmtpServer, username: str | None = None, password: str | None = None
) -> SmtpMailer:
    return SmtpMailer(
        server.host, server.port, SENDER, "none", username, password, timeout=5, clock=CLOCK
    )


def _approval() -> Message:
    return messages.decision(
        "Anna Schmidt <anna@example.org>",
        name="Anna Schmidt",
        title="Repair-Café",
        reference="2026-014",
        fund_name="Dein Projektgeld",
        approved=True,
        granted_cents=120000,
        letter=Attachment("Bewilligungsbescheid_2026-014.pdf", PDF),
        status_url="https://fonds.example/antrag/14",
        office="Innenstadt-Büro mitten@witten",
        proof_due_on=date(2027, 1, 31),
    )


def test_an_approval_arrives_with_recipient_subject_body_and_the_pdf(
    smtp_server: SmtpServer,
) -> None:
    _mailer(smtp_server).send(_approval())

    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert got.mail_from == "mitten@witten.example"
    assert got.rcpt_tos == ["anna@example.org"]
    mail = got.message
    assert mail["Subject"] == "Ihr Antrag „Repair-Café“ wurde bewilligt"
    assert mail["To"].addresses[0].addr_spec == "anna@example.org"
    assert mail["From"].addresses[0].display_name == "Innenstadt-Büro"
    assert mail["Date"] == "Mon, 02 Mar 2026 10:00:00 +0100"
    plain = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "Bewilligt:               1.200,00 €" in plain.get_content()
    assert "1.200,00 €" in html.get_content()
    [letter] = list(mail.iter_attachments())
    assert letter.get_filename() == "Bewilligungsbescheid_2026-014.pdf"
    assert letter.get_content_type() == "application/pdf"
    assert letter.get_content() == PDF


def test_several_recipients_each_get_the_mail(smtp_server: SmtpServer) -> None:
    message = Message(to=("a@example.org", "b@example.org"), subject="Sitzung", text="Hallo")
    _mailer(smtp_server).send(message)
    assert smtp_server.received[0].rcpt_tos == ["a@example.org", "b@example.org"]


def test_an_unknown_recipient_refused_with_550_is_a_permanent_error(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.recorder.refuse["weg@example.org"] = "550 5.1.1 Mailbox unknown"
    with pytest.raises(DeliveryError) as caught:
        _mailer(smtp_server).send(Message(to=("weg@example.org",), subject="Test", text="x"))
    assert caught.value.permanent
    assert caught.value.code == 550
    assert "weg@example.org: 550 5.1.1 Mailbox unknown" in str(caught.value)
    assert smtp_server.received == []


def test_a_recipient_refused_with_450_is_a_temporary_error(smtp_server: SmtpServer) -> None:
    smtp_server.recorder.refuse["voll@example.org"] = "450 4.2.1 Mailbox busy, try later"
    with pytest.raises(DeliveryError) as caught:
        _mailer(smtp_server).send(Message(to=("voll@example.org",), subject="Test", text="x"))
    assert caught.value.temporary
    assert caught.value.code == 450


def test_a_partly_refused_mail_is_permanent_so_it_is_never_sent_twice(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.recorder.refuse["weg@example.org"] = "550 5.1.1 Mailbox unknown"
    message = Message(to=("da@example.org", "weg@example.org"), subject="Sitzung", text="x")
    with pytest.raises(DeliveryError) as caught:
        _mailer(smtp_server).send(message)
    assert caught.value.permanent
    assert "teilweise" in str(caught.value)
    assert [r.rcpt_tos for r in smtp_server.received] == [["da@example.org"]]


@pytest.mark.parametrize(
    ("reply", "temporary"),
    [
        ("421 4.3.2 Service shutting down", True),
        ("452 4.3.1 Insufficient system storage", True),
        ("554 5.6.0 Message rejected as spam", False),
    ],
)
def test_a_refused_message_body_is_classified_by_the_reply_code(
    smtp_server: SmtpServer, reply: str, temporary: bool
) -> None:
    smtp_server.recorder.data_reply = reply
    with pytest.raises(DeliveryError) as caught:
        _mailer(smtp_server).send(Message(to=("a@example.org",), subject="Test", text="x"))
    assert caught.value.temporary is temporary
    assert caught.value.code == int(reply[:3])
    assert smtp_server.received == []


def test_login_with_the_right_password_delivers_and_a_wrong_one_is_temporary() -> None:
    server = SmtpServer(credentials=("fonds", "geheim"))
    server.start()
    try:
        message = Message(to=("a@example.org",), subject="Mit Anmeldung", text="x")
        _mailer(server, username="fonds", password="geheim").send(message)
        assert [r.message["Subject"] for r in server.received] == ["Mit Anmeldung"]
        with pytest.raises(DeliveryError) as caught:
            _mailer(server, username="fonds", password="falsch").send(message)
        assert caught.value.temporary
        assert caught.value.code == 535
        assert len(server.received) == 1
    finally:
        server.stop()


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_against_a_plain_server_fails_temporarily_and_sends_nothing(
    smtp_server: SmtpServer, security: Security
) -> None:
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, SENDER, security, timeout=5)
    with pytest.raises(DeliveryError) as caught:
        mailer.send(Message(to=("a@example.org",), subject="Test", text="x"))
    assert caught.value.temporary
    assert "nicht erreichbar" in str(caught.value)
    assert smtp_server.received == []
