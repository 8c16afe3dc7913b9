"""Notifications: the e-mail port, its adapters, German message templates and retries.

The engine depends only on ``Mailer`` and ``Message``; which adapter runs is decided by
configuration through ``build_mailer``. See docs/mail.md.
"""

from fondsengine.notify.factory import build_mailer
from fondsengine.notify.fake import FakeMailer
from fondsengine.notify.mailbox import ConsoleMailer, MailboxMailer
from fondsengine.notify.port import Attachment, DeliveryError, Mailer, Message, to_email
from fondsengine.notify.retry import (
    DeliveryResult,
    RetryPolicy,
    attempt_delivery,
    next_attempt_at,
)
from fondsengine.notify.smtp import SmtpMailer

__all__ = [
    "Attachment",
    "ConsoleMailer",
    "DeliveryError",
    "DeliveryResult",
    "FakeMailer",
    "MailboxMailer",
    "Mailer",
    "Message",
    "RetryPolicy",
    "SmtpMailer",
    "attempt_delivery",
    "build_mailer",
    "next_attempt_at",
    "to_email",
]
