"""An in-memory Mailer for unit tests: collects messages, can be told to fail."""

from __future__ import annotations

from dataclasses import dataclass, field

from fondsengine.notify.port import DeliveryError, Message


@dataclass
class FakeMailer:
    """Collects sent messages in ``sent``; ``fail_next`` makes the next sends raise."""

    sent: list[Message] = field(default_factory=list)
    attempts: int = 0
    _failures: list[DeliveryError] = field(default_factory=list, repr=False)

    def send(self, message: Message) -> None:
        """Record the message, or raise the next queued DeliveryError."""
        self.attempts += 1
        if self._failures:
            raise self._failures.pop(0)
        self.sent.append(message)

    def fail_next(self, count: int = 1, *, temporary: bool = True) -> None:
        """Make the next ``count`` sends fail (temporary like 421, or permanent like 550)."""
        if count < 0:
            raise ValueError("count must not be negative")
        code = 421 if temporary else 550
        text = "Server vorübergehend nicht erreichbar" if temporary else "Empfänger unbekannt"
        self._failures.extend(
            DeliveryError(temporary, f"{code} {text} (simuliert)", code=code) for _ in range(count)
        )

    def to(self, address: str) -> list[Message]:
        """The messages sent to one address."""
        return [m for m in self.sent if address in m.to]

    def subjects(self) -> list[str]:
        """The subjects of all sent messages, in order."""
        return [m.subject for m in self.sent]
