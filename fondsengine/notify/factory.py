"""Build the configured Mailer from plain configuration values (strings)."""

from __future__ import annotations

from collections.abc import Mapping

from fondsengine.clock import Clock
from fondsengine.errors import InvalidInput
from fondsengine.notify.mailbox import ConsoleMailer, MailboxMailer
from fondsengine.notify.port import Mailer, sender_address
from fondsengine.notify.smtp import SECURITY_MODES, SmtpMailer

BACKENDS = ("smtp", "mailbox", "console")
DEFAULT_PORTS: dict[str, int] = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_MAILBOX_PATH = "instance/mail.mbox"
_TRUE = {"1", "true", "yes", "ja", "on"}
_FALSE = {"0", "false", "no", "nein", "off", ""}


def _get(settings: Mapping[str, object], key: str, default: str = "") -> str:
    value = settings.get(key)
    return default if value is None else str(value).strip()


def _flag(settings: Mapping[str, object], key: str, default: bool) -> bool:
    raw = _get(settings, key, "true" if default else "false").lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise InvalidInput(f"{key}: „{raw}“ ist kein Ja/Nein-Wert.", field=key)


def _port(settings: Mapping[str, object], security: str) -> int:
    raw = _get(settings, "smtp_port")
    if not raw:
        return DEFAULT_PORTS[security]
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise InvalidInput(f"smtp_port: „{raw}“ ist keine gültige Portnummer.", field="smtp_port")
    return int(raw)


def build_mailer(settings: Mapping[str, str], *, clock: Clock | None = None) -> Mailer:
    """The Mailer for mail_backend = smtp | mailbox | console; other keys are ignored.

    Keys: mail_backend, mail_from, smtp_host, smtp_port, smtp_security (none|starttls|ssl),
    smtp_username, smtp_password, smtp_timeout, mailbox_path, mail_echo.
    """
    backend = _get(settings, "mail_backend", "mailbox").lower()
    if backend not in BACKENDS:
        raise InvalidInput(
            f"mail_backend: „{backend}“ ist unbekannt (erlaubt: smtp, mailbox, console).",
            field="mail_backend",
        )
    if backend == "console":
        return ConsoleMailer()
    sender = _get(settings, "mail_from")
    if not sender:
        raise InvalidInput(
            "mail_from fehlt: von welcher Adresse sollen Mails kommen?", field="mail_from"
        )
    sender_address(sender)  # fail at start-up, not at the first mail
    if backend == "mailbox":
        path = _get(settings, "mailbox_path") or DEFAULT_MAILBOX_PATH
        return MailboxMailer(path, sender, _flag(settings, "mail_echo", True), clock=clock)
    host = _get(settings, "smtp_host")
    if not host:
        raise InvalidInput("smtp_host fehlt für mail_backend = smtp.", field="smtp_host")
    security = _get(settings, "smtp_security", "starttls").lower()
    if security not in SECURITY_MODES:
        raise InvalidInput(
            f"smtp_security: „{security}“ ist unbekannt (erlaubt: none, starttls, ssl).",
            field="smtp_security",
        )
    username = _get(settings, "smtp_username") or None
    password = settings.get("smtp_password") or None
    timeout_raw = _get(settings, "smtp_timeout", "10")
    try:
        timeout = float(timeout_raw)
    except ValueError as exc:
        raise InvalidInput(
            f"smtp_timeout: „{timeout_raw}“ ist keine Zahl.", field="smtp_timeout"
        ) from exc
    return SmtpMailer(
        host,
        _port(settings, security),
        sender,
        security,
        username=username,
        password=password,
        timeout=timeout,
        clock=clock,
    )
