"""What one unit of work created and its after-commit hooks may send (`Created`). A leaf module, so that
the audit trail that fills it needs no import of the engine; `fondsengine.engine` re-exports it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Created:
    """The outbox rows and letters one unit of work created: what its after-commit hooks may send."""

    outbox_ids: list[int] = field(default_factory=list)
    letter_ids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.outbox_ids or self.letter_ids)
