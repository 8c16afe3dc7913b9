"""A mail server that goes away and comes back: the mail is retried and arrives once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fondsengine.clock import FixedClock
from fondsengine.notify import messages
from fondsengine.notify.port import DeliveryError
from fondsengine.notify.retry import attempt_delivery
from fondsengine.notify.smtp import SmtpMailer
from tests.integration.conftest_smtp import SmtpServer

SENDER = "Innenstadt-Büro <mitten@witten.example>"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def test_a_stopped_server_gives_a_temporary_error(smtp_server: SmtpServer) -> None:
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, SENDER, "none", timeout=5)
    smtp_server.stop()
    message = messages.password_reset(
        "anna@example.org", name="Anna", reset_url="https://f.example/r", office="Büro"
    )
    with pytest.raises(DeliveryError) as caught:
        mailer.send(message)
    assert caught.value.temporary
    assert "ConnectionRefusedError" in str(caught.value)


def test_the_mail_arrives_once_after_the_server_comes_back(smtp_server: SmtpServer) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, SENDER, "none", timeout=5, clock=clock)
    first = messages.password_reset(
        "anna@example.org", name="Anna", reset_url="https://f.example/r/1", office="Büro"
    )
    mailer.send(first)

    smtp_server.stop()
    confirm = messages.email_confirmation(
        "ben@example.org", name="Ben", confirm_url="https://f.example/c/2", office="Büro"
    )
    # The outbox gives each row a stable id; every retry carries the same Message-ID.
    confirm = replace(confirm, message_id="outbox-2")
    result = attempt_delivery(mailer, confirm, attempts_before=0, now=clock.now())
    assert result.status == "retry"
    assert result.next_attempt_at == clock.now() + timedelta(minutes=1)

    smtp_server.start()  # same port, as after a restart of the mail server
    clock.set(result.next_attempt_at)
    again = attempt_delivery(mailer, confirm, attempts_before=result.attempts, now=clock.now())
    assert (again.status, again.attempts) == ("sent", 2)

    subjects = [r.message["Subject"] for r in smtp_server.received]
    assert subjects == ["Neues Passwort festlegen", "Bestätigen Sie Ihre E-Mail-Adresse"]
    arrived = smtp_server.received[1].message
    assert arrived["Message-ID"] == "<outbox-2@witten.example>"
    assert arrived["Date"] == "Mon, 02 Mar 2026 10:01:00 +0100"
    assert smtp_server.received[1].rcpt_tos == ["ben@example.org"]
