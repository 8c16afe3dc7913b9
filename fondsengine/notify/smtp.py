"""SMTP adapter: hands a Message to a mail server with smtplib (plain, STARTTLS or SSL).

Error mapping (see docs/mail.md): a recipient or content refused with a 5xx reply is
permanent; everything else - connection refused, timeouts, a dropped connection, 4xx
replies, and problems on our side (login, TLS, refused sender) - is temporary, because
the mail itself is fine and the operator can fix the server or the configuration.
"""

from __future__ import annotations

import smtplib
import ssl
from typing import Literal

from fondsengine.clock import Clock, SystemClock
from fondsengine.errors import InvalidInput
from fondsengine.notify.port import (
    DeliveryError,
    Message,
    envelope_recipients,
    sender_address,
    to_email,
)

Security = Literal["none", "starttls", "ssl"]
SECURITY_MODES: tuple[Security, ...] = ("none", "starttls", "ssl")


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def _refusal_error(refused: dict[str, tuple[int, bytes]], *, partial: bool) -> DeliveryError:
    details = "; ".join(f"{addr}: {code} {_text(text)}" for addr, (code, text) in refused.items())
    any_permanent = any(code >= 500 for code, _ in refused.values())
    if partial:
        # Part of the mail went out; a retry would send it twice to the others.
        return DeliveryError(
            False, f"Nachricht nur teilweise zugestellt, abgelehnt: {details}", code=None
        )
    code = max(c for c, _ in refused.values())
    return DeliveryError(not any_permanent, f"Empfänger abgelehnt: {details}", code=code)


def _quit_quietly(server: smtplib.SMTP) -> None:
    # Once the server accepted the data the mail is sent; a failing QUIT must not
    # turn that into an error (the outbox would send it again).
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()


class SmtpMailer:
    """Delivers each Message over one fresh SMTP connection."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        security: Security = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10,
        *,
        clock: Clock | None = None,
    ) -> None:
        if security not in SECURITY_MODES:
            raise InvalidInput(
                f"Unbekannte SMTP-Verschlüsselung „{security}“ (erlaubt: none, starttls, ssl)."
            )
        if (username is None) != (password is None):
            raise InvalidInput("Für die SMTP-Anmeldung braucht es Benutzername und Passwort.")
        self.host = host
        self.port = port
        self.sender = sender
        self.security: Security = security
        self.username = username
        self.password = password
        self.timeout = timeout
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._envelope_sender = sender_address(sender)

    def __repr__(self) -> str:
        return f"SmtpMailer({self.host}:{self.port}, security={self.security})"

    def send(self, message: Message) -> None:
        """Send one message; raise DeliveryError(temporary=...) when the server does not take it."""
        mail = to_email(message, self.sender, sent_at=self.clock.now())
        recipients = envelope_recipients(message)
        try:
            server = self._connect()
            try:
                if self.username is not None and self.password is not None:
                    server.login(self.username, self.password)
                refused = server.send_message(
                    mail, from_addr=self._envelope_sender, to_addrs=recipients
                )
            finally:
                _quit_quietly(server)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refusal_error(exc.recipients, partial=False) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise DeliveryError(
                True,
                f"Absender {self._envelope_sender} abgelehnt: {exc.smtp_code} "
                f"{_text(exc.smtp_error)} (Konfiguration mail_from prüfen)",
                code=exc.smtp_code,
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                True,
                f"Anmeldung am Mailserver fehlgeschlagen: {exc.smtp_code} {_text(exc.smtp_error)}",
                code=exc.smtp_code,
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # SMTPDataError, SMTPHeloError, ...: the reply code decides.
            raise DeliveryError(
                exc.smtp_code < 500 or exc.smtp_code >= 600,
                f"Mailserver meldet {exc.smtp_code} {_text(exc.smtp_error)}",
                code=exc.smtp_code,
            ) from exc
        except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            # Connection refused or dropped, timeout, DNS, TLS handshake, no STARTTLS.
            raise DeliveryError(
                True,
                f"Mailserver {self.host}:{self.port} nicht erreichbar: {type(exc).__name__}: {exc}",
            ) from exc
        if refused:
            raise _refusal_error(refused, partial=True)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            try:
                server.starttls(context=ssl.create_default_context())
            except BaseException:
                server.close()
                raise
        return server
