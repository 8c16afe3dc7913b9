"""The mbox and console adapters, and building a mailer from configuration values."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fondsengine.clock import FixedClock
from fondsengine.errors import InvalidInput
from fondsengine.notify.factory import build_mailer
from fondsengine.notify.mailbox import ConsoleMailer, MailboxMailer, console_summary, links_in
from fondsengine.notify.port import Attachment, DeliveryError, Message
from fondsengine.notify.smtp import SmtpMailer

SENDER = "Innenstadt-Büro <mitten@witten.example>"
CONFIRM = Message(
    to=("anna@example.org",),
    subject="Bestätigen Sie Ihre E-Mail-Adresse",
    text="Bitte klicken Sie:\nhttps://fonds.example/bestaetigen?t=abc123.\n"
    "Oder (https://fonds.example/hilfe), danke.",
)


def test_links_are_found_without_trailing_punctuation_or_duplicates() -> None:
    text = "a https://x.example/a. b (http://y.example/b?q=1) c https://x.example/a"
    assert links_in(text) == ["https://x.example/a", "http://y.example/b?q=1"]


def test_the_console_line_names_recipient_subject_links_and_attachments() -> None:
    message = Message(
        to=CONFIRM.to,
        subject=CONFIRM.subject,
        text=CONFIRM.text,
        attachments=(Attachment("bescheid.pdf", b"%PDF"),),
    )
    assert console_summary(message) == (
        "✉ an anna@example.org: Bestätigen Sie Ihre E-Mail-Adresse\n"
        "  → https://fonds.example/bestaetigen?t=abc123\n"
        "  → https://fonds.example/hilfe\n"
        "  📎 bescheid.pdf"
    )


def test_the_mailbox_mailer_appends_each_mail_to_the_mbox_file(tmp_path: Path) -> None:
    out = io.StringIO()
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    mailer = MailboxMailer(tmp_path / "demo" / "mail.mbox", SENDER, echo=True, clock=clock, out=out)
    mailer.send(CONFIRM)
    mailer.send(Message(to=("ben@example.org",), subject="Zweite Nachricht", text="Hallo Ben"))
    stored = MailboxMailer(tmp_path / "demo" / "mail.mbox", SENDER, echo=False).messages()
    assert [m["To"] for m in stored] == ["anna@example.org", "ben@example.org"]
    assert stored[0]["Date"] == "Mon, 02 Mar 2026 10:00:00 +0100"
    assert stored[0].get_from() == "mitten@witten.example Mon Mar  2 09:00:00 2026"
    assert out.getvalue().splitlines()[0] == (
        "✉ an anna@example.org: Bestätigen Sie Ihre E-Mail-Adresse"
    )
    assert "✉ an ben@example.org: Zweite Nachricht" in out.getvalue()


def test_concurrent_senders_never_lose_or_mangle_a_mail(tmp_path: Path) -> None:
    path = tmp_path / "mail.mbox"

    def send_five(worker: int) -> None:
        mailer = MailboxMailer(path, SENDER, echo=False)
        for number in range(5):
            mailer.send(Message(to=("a@example.org",), subject=f"{worker}-{number}", text="x"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(send_five, range(8)))
    subjects = sorted(str(m["Subject"]) for m in MailboxMailer(path, SENDER).messages())
    assert subjects == sorted(f"{w}-{n}" for w in range(8) for n in range(5))


def test_the_mailbox_mailer_is_silent_without_echo(tmp_path: Path) -> None:
    out = io.StringIO()
    MailboxMailer(tmp_path / "mail.mbox", SENDER, echo=False, out=out).send(CONFIRM)
    assert out.getvalue() == ""
    assert len(MailboxMailer(tmp_path / "mail.mbox", SENDER).messages()) == 1


def test_an_unwritable_mailbox_is_a_temporary_delivery_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    mailer = MailboxMailer(blocker / "mail.mbox", SENDER, echo=False)
    with pytest.raises(DeliveryError) as caught:
        mailer.send(CONFIRM)
    assert caught.value.temporary


def test_the_console_mailer_prints_the_summary_and_the_text() -> None:
    out = io.StringIO()
    ConsoleMailer(out=out).send(CONFIRM)
    lines = out.getvalue().splitlines()
    assert lines[0] == "✉ an anna@example.org: Bestätigen Sie Ihre E-Mail-Adresse"
    assert "  | Bitte klicken Sie:" in lines


def test_build_mailer_makes_an_smtp_mailer_with_defaults_by_security() -> None:
    mailer = build_mailer(
        {
            "mail_backend": "smtp",
            "mail_from": SENDER,
            "smtp_host": "mail.example",
            "smtp_security": "ssl",
            "smtp_username": "fonds",
            "smtp_password": " geheim ",
            "some_other_key": "ignored",
        }
    )
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.security) == ("mail.example", 465, "ssl")
    assert (mailer.username, mailer.password, mailer.timeout) == ("fonds", " geheim ", 10.0)


def test_build_mailer_reads_an_explicit_port_and_starttls_default() -> None:
    mailer = build_mailer(
        {"mail_backend": "smtp", "mail_from": SENDER, "smtp_host": "h", "smtp_port": "2525"}
    )
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.port, mailer.security, mailer.username) == (2525, "starttls", None)


def test_build_mailer_makes_a_mailbox_mailer_by_default(tmp_path: Path) -> None:
    path = str(tmp_path / "x.mbox")
    mailer = build_mailer({"mail_from": SENDER, "mailbox_path": path, "mail_echo": "nein"})
    assert isinstance(mailer, MailboxMailer)
    assert (str(mailer.path), mailer.echo) == (path, False)


def test_build_mailer_makes_a_console_mailer() -> None:
    assert isinstance(build_mailer({"mail_backend": "console"}), ConsoleMailer)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"mail_backend": "pigeon", "mail_from": SENDER}, "mail_backend"),
        ({"mail_backend": "smtp", "smtp_host": "h"}, "mail_from"),
        ({"mail_backend": "smtp", "mail_from": SENDER}, "smtp_host"),
        (
            {"mail_backend": "smtp", "mail_from": SENDER, "smtp_host": "h", "smtp_port": "x"},
            "smtp_port",
        ),
        (
            {"mail_backend": "smtp", "mail_from": SENDER, "smtp_host": "h", "smtp_security": "tls"},
            "smtp_security",
        ),
        ({"mail_backend": "mailbox", "mail_from": SENDER, "mail_echo": "vielleicht"}, "mail_echo"),
    ],
)
def test_build_mailer_names_the_wrong_setting(settings: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        build_mailer(settings)
    assert caught.value.field == field


def test_a_username_without_a_password_is_refused() -> None:
    with pytest.raises(InvalidInput):
        build_mailer(
            {"mail_backend": "smtp", "mail_from": SENDER, "smtp_host": "h", "smtp_username": "u"}
        )
