"""When to try a failed mail again, and when to give up (pure, no clock of its own).

Default schedule after the n-th failed attempt: wait 1 min, 2, 4, 8, ... doubling up to a
cap of 6 hours, then every 6 hours. After the 17th failed attempt (about 2 days and 2½
hours after the first) the mail is given up and shown to the office as undeliverable.

``attempt_delivery`` wraps one send through any Mailer and returns what the outbox must
store: sent, retry at a time, or failed for good.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from fondsengine.errors import InvalidInput
from fondsengine.notify.factory import build_mailer
from fondsengine.notify.port import DeliveryError, Mailer, Message

__all__ = [
    "DEFAULT_POLICY",
    "DeliveryResult",
    "RetryPolicy",
    "attempt_delivery",
    "build_mailer",
    "next_attempt_at",
    "retry_schedule",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: first_delay * 2**(n-1), capped, at most max_attempts tries."""

    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=6)
    max_attempts: int = 17

    def __post_init__(self) -> None:
        if self.first_delay <= timedelta(0) or self.max_delay < self.first_delay:
            raise InvalidInput("Die Wartezeiten der Wiederholung sind widersprüchlich.")
        if self.max_attempts < 1:
            raise InvalidInput("Es muss mindestens einen Zustellversuch geben.")

    def delay_after(self, attempts: int) -> timedelta | None:
        """The wait after ``attempts`` failed attempts, or None when it is time to give up."""
        if attempts < 1:
            raise InvalidInput("attempts zählt die bisherigen Versuche und beginnt bei 1.")
        if attempts >= self.max_attempts:
            return None
        # Compare before multiplying so a huge attempt count cannot overflow timedelta.
        doublings = attempts - 1
        if doublings >= 64 or self.first_delay * (1 << doublings) >= self.max_delay:
            return self.max_delay
        return self.first_delay * (1 << doublings)


DEFAULT_POLICY = RetryPolicy()


def next_attempt_at(
    attempts: int, now: datetime, policy: RetryPolicy = DEFAULT_POLICY
) -> datetime | None:
    """When to try again after ``attempts`` failed attempts; None means give up."""
    if now.tzinfo is None:
        raise InvalidInput("now braucht eine Zeitzone.")
    delay = policy.delay_after(attempts)
    return None if delay is None else now + delay


def retry_schedule(policy: RetryPolicy = DEFAULT_POLICY) -> list[timedelta]:
    """Offsets from the first attempt at which every later attempt happens (for docs and tests)."""
    offsets: list[timedelta] = []
    elapsed = timedelta(0)
    for attempts in range(1, policy.max_attempts):
        delay = policy.delay_after(attempts)
        assert delay is not None
        elapsed += delay
        offsets.append(elapsed)
    return offsets


@dataclass(frozen=True)
class DeliveryResult:
    """Outcome of one delivery attempt, ready to be stored in an outbox row."""

    status: Literal["sent", "retry", "failed"]
    attempts: int
    next_attempt_at: datetime | None = None
    error: str | None = None


def attempt_delivery(
    mailer: Mailer,
    message: Message,
    attempts_before: int,
    now: datetime,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> DeliveryResult:
    """Send once; a temporary error schedules a retry, a permanent one (or too many) fails."""
    attempts = attempts_before + 1
    try:
        mailer.send(message)
    except DeliveryError as exc:
        error, temporary = str(exc), exc.temporary
    except Exception as exc:  # a bug in an adapter must not stop the other mails
        log.exception("Unerwarteter Fehler beim Versand an %s", ", ".join(message.to))
        error, temporary = f"Interner Fehler: {type(exc).__name__}: {exc}", True
    else:
        return DeliveryResult("sent", attempts)
    retry_at = next_attempt_at(attempts, now, policy) if temporary else None
    if retry_at is None:
        if temporary:
            error = f"Aufgegeben nach {attempts} Versuchen. Letzter Fehler: {error}"
        return DeliveryResult("failed", attempts, None, error)
    return DeliveryResult("retry", attempts, retry_at, error)
