"""to_email turns a Message into a correct MIME mail; Message refuses malformed input."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from fondsengine.errors import InvalidInput
from fondsengine.notify.port import Attachment, DeliveryError, Message, to_email

SENDER = "Innenstadt-Büro <mitten@witten.example>"
SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def _roundtrip(message: Message) -> EmailMessage:
    """Serialise like a mail server would receive it, then parse it again."""
    raw = to_email(message, SENDER, sent_at=SENT_AT).as_bytes(policy=policy.SMTP)
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _text(part: EmailMessage | None) -> str:
    """A text part's content with the wire's CRLF line ends turned back into LF."""
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def _message(**changes: object) -> Message:
    values: dict[str, object] = {
        "to": ("anna@example.org",),
        "subject": "Bestätigen Sie Ihre E-Mail-Adresse",
        "text": "Grüße aus Witten",
    }
    values.update(changes)
    return Message(**values)  # type: ignore[arg-type]


def test_the_umlaut_subject_is_encoded_on_the_wire_and_decodes_back() -> None:
    raw = to_email(_message(), SENDER, sent_at=SENT_AT).as_bytes(policy=policy.SMTP)
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert b"Best\xc3\xa4tigen" not in header_block
    assert raw.isascii()
    assert _roundtrip(_message())["Subject"] == "Bestätigen Sie Ihre E-Mail-Adresse"


def test_from_to_date_and_reply_to_headers_are_set() -> None:
    mail = _roundtrip(_message(reply_to="buero@witten.example"))
    assert mail["From"].addresses[0].display_name == "Innenstadt-Büro"
    assert mail["From"].addresses[0].addr_spec == "mitten@witten.example"
    assert mail["To"] == "anna@example.org"
    assert mail["Reply-To"] == "buero@witten.example"
    assert mail["Date"].datetime == SENT_AT
    assert mail["Date"] == "Mon, 02 Mar 2026 10:00:00 +0100"
    assert mail["Auto-Submitted"] == "auto-generated"


def test_a_stable_message_id_is_used_on_every_build() -> None:
    message = _message(message_id="outbox-42")
    first = to_email(message, SENDER, sent_at=SENT_AT)
    second = to_email(message, SENDER, sent_at=SENT_AT)
    assert first["Message-ID"] == second["Message-ID"] == "<outbox-42@witten.example>"


def test_a_full_message_id_is_kept_as_given() -> None:
    mail = to_email(_message(message_id="<abc.7@fonds.example>"), SENDER, sent_at=SENT_AT)
    assert mail["Message-ID"] == "<abc.7@fonds.example>"


def test_without_a_message_id_each_mail_gets_a_fresh_one_in_the_sender_domain() -> None:
    first = to_email(_message(), SENDER, sent_at=SENT_AT)["Message-ID"]
    second = to_email(_message(), SENDER, sent_at=SENT_AT)["Message-ID"]
    assert first != second
    assert first.endswith("@witten.example>")


def test_text_only_mail_is_a_single_plain_part() -> None:
    mail = _roundtrip(_message())
    assert mail.get_content_type() == "text/plain"
    assert _text(mail) == "Grüße aus Witten\n"


def test_html_is_an_alternative_to_the_text() -> None:
    mail = _roundtrip(_message(html="<p>Grüße aus Witten</p>"))
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(preferencelist=("plain",))
    rich = mail.get_body(preferencelist=("html",))
    assert _text(plain) == "Grüße aus Witten\n"
    assert _text(rich) == "<p>Grüße aus Witten</p>\n"


def test_a_pdf_attachment_arrives_byte_for_byte_with_its_name() -> None:
    letter = Attachment("Bewilligungsbescheid_Müller.pdf", PDF)
    mail = _roundtrip(_message(html="<p>x</p>", attachments=(letter,)))
    assert mail.get_content_type() == "multipart/mixed"
    attachments = list(mail.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_filename() == "Bewilligungsbescheid_Müller.pdf"
    assert attachments[0].get_content() == PDF
    assert _text(mail.get_body(preferencelist=("plain",))) == "Grüße aus Witten\n"


def test_several_recipients_are_listed_in_the_to_header() -> None:
    mail = _roundtrip(_message(to=("anna@example.org", "Ben Öz <ben@example.org>")))
    assert [a.addr_spec for a in mail["To"].addresses] == ["anna@example.org", "ben@example.org"]
    assert mail["To"].addresses[1].display_name == "Ben Öz"


@pytest.mark.parametrize(
    "changes",
    [
        {"to": ()},
        {"to": "anna@example.org"},
        {"to": ("keine-adresse",)},
        {"subject": "Hallo\r\nBcc: opfer@example.org"},
        {"subject": "   "},
        {"reply_to": "x@y\nBcc: z@w"},
        {"message_id": "two words"},
    ],
)
def test_malformed_messages_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        _message(**changes)


def test_a_sender_without_a_domain_is_refused() -> None:
    with pytest.raises(InvalidInput):
        to_email(_message(), "kein absender", sent_at=SENT_AT)


def test_a_naive_send_time_is_refused() -> None:
    with pytest.raises(InvalidInput):
        to_email(_message(), SENDER, sent_at=datetime(2026, 3, 2, 9, 0))


def test_an_attachment_needs_a_proper_name_and_mimetype() -> None:
    with pytest.raises(InvalidInput):
        Attachment("", PDF)
    with pytest.raises(InvalidInput):
        Attachment("a.pdf", PDF, mimetype="pdf")


def test_a_delivery_error_knows_whether_it_is_permanent() -> None:
    temporary = DeliveryError(True, "421 später", code=421)
    permanent = DeliveryError(False, "550 unbekannt", code=550)
    assert (temporary.temporary, temporary.permanent, temporary.code) == (True, False, 421)
    assert (permanent.temporary, permanent.permanent, str(permanent)) == (
        False,
        True,
        "550 unbekannt",
    )
