"""The notification port: what a mail is, how it is turned into MIME, and the Mailer protocol.

Adapters (SMTP, local mailbox, console, fake) live beside this module; the engine only
ever talks to a ``Mailer``. A ``Message`` is plain data so an outbox row can be turned
back into exactly the same mail on every retry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol

from fondsengine.clock import BERLIN, SystemClock
from fondsengine.errors import FondsError, InvalidInput

_LINE_BREAK = re.compile(r"[\r\n]")
SUBJECT_LIMIT = 200  # characters; longer subjects are cut with "…" (the header is folded by the email package)


def header_text(text: str, limit: int = SUBJECT_LIMIT) -> str:
    """One safe header line from any text: line breaks and control characters become spaces,
    invisible format characters (e.g. bidi overrides) are dropped, runs of spaces collapse."""
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp", "Cs") or ch in "\x85":
            out.append(" ")
        elif category != "Cf":
            out.append(ch)
    line = " ".join("".join(out).split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail, usually the PDF of a letter."""

    filename: str
    content: bytes
    mimetype: str = "application/pdf"

    def __post_init__(self) -> None:
        if not self.filename or _LINE_BREAK.search(self.filename):
            raise InvalidInput("Der Dateiname des Anhangs ist leer oder ungültig.")
        if self.mimetype.count("/") != 1:
            raise InvalidInput(f"„{self.mimetype}“ ist kein gültiger MIME-Typ.")


@dataclass(frozen=True)
class Message:
    """One e-mail: recipients, subject, plain text, optional HTML and attachments.

    ``message_id`` is a stable id (for example the outbox row's id); every resend of the
    same mail then carries the same Message-ID header, so receivers can drop duplicates.
    """

    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    reply_to: str | None = None
    message_id: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.to, str):
            raise InvalidInput("Empfänger müssen als Tupel angegeben werden, nicht als Text.")
        if not self.to:
            raise InvalidInput("Eine Nachricht braucht mindestens einen Empfänger.")
        for address in (*self.to, self.reply_to or "x@x"):
            if "@" not in address or _LINE_BREAK.search(address):
                raise InvalidInput(f"„{address}“ ist keine gültige E-Mail-Adresse.")
        if not self.subject.strip() or _LINE_BREAK.search(self.subject):
            raise InvalidInput("Der Betreff ist leer oder enthält einen Zeilenumbruch.")
        if self.message_id is not None and (
            not self.message_id.strip() or re.search(r"[\s<>]", self.message_id.strip("<>"))
        ):
            raise InvalidInput(f"„{self.message_id}“ ist keine gültige Message-ID.")


class DeliveryError(FondsError):
    """A mail could not be handed over; ``temporary`` says whether trying again may help."""

    def __init__(self, temporary: bool, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.code = code

    @property
    def permanent(self) -> bool:
        """True when retrying the same mail can never succeed (e.g. unknown recipient)."""
        return not self.temporary


class Mailer(Protocol):
    """Anything that can deliver a Message, or raise DeliveryError."""

    def send(self, message: Message) -> None:
        """Deliver the message or raise DeliveryError (temporary or permanent)."""
        ...


def sender_address(sender: str) -> str:
    """The bare address (addr_spec) of a From value such as 'Büro <mitten@example.org>'."""
    msg = EmailMessage()
    try:
        msg["From"] = sender
        addresses = msg["From"].addresses
    except (ValueError, IndexError, AttributeError) as exc:
        raise InvalidInput(f"„{sender}“ ist keine gültige Absenderadresse.") from exc
    if len(addresses) != 1 or not addresses[0].domain:
        raise InvalidInput(f"„{sender}“ ist keine gültige Absenderadresse.")
    return str(addresses[0].addr_spec)


def _message_id_header(message_id: str | None, sender: str) -> str:
    domain = sender_address(sender).rpartition("@")[2]
    if message_id is None:
        return make_msgid(domain=domain)
    bare = message_id.strip("<>")
    if "@" not in bare:
        bare = f"{bare}@{domain}"
    return f"<{bare}>"


def to_email(message: Message, sender: str, *, sent_at: datetime | None = None) -> EmailMessage:
    """Build the MIME mail: text (+ HTML alternative), attachments, Date, Message-ID, From."""
    when = sent_at if sent_at is not None else SystemClock().now()
    if when.tzinfo is None:
        raise InvalidInput("Der Sendezeitpunkt braucht eine Zeitzone.")
    mail = EmailMessage()
    try:
        mail["From"] = sender
        mail["To"] = ", ".join(message.to)
        if message.reply_to:
            mail["Reply-To"] = message.reply_to
    except (ValueError, IndexError) as exc:
        raise InvalidInput(f"Ungültige Adresse in der Nachricht: {exc}") from exc
    mail["Subject"] = header_text(message.subject)
    mail["Date"] = format_datetime(when.astimezone(BERLIN))
    mail["Message-ID"] = _message_id_header(message.message_id, sender)
    # RFC 3834: tells auto-responders (vacation replies) not to answer this mail.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text, cte="quoted-printable")
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html", cte="quoted-printable")
    for attachment in message.attachments:
        maintype, subtype = attachment.mimetype.split("/")
        mail.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return mail


def envelope_recipients(message: Message) -> list[str]:
    """The bare recipient addresses for the SMTP envelope (display names removed)."""
    result: list[str] = []
    for value in message.to:
        probe = EmailMessage()
        try:
            probe["To"] = value
            found: tuple[Address, ...] = probe["To"].addresses
        except (ValueError, IndexError) as exc:
            raise InvalidInput(f"„{value}“ ist keine gültige E-Mail-Adresse.") from exc
        result.extend(str(a.addr_spec) for a in found)
    return result
