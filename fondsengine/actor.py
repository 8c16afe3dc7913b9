"""Who performs a use case: a user, or the scheduler (system). A leaf module, so that what the engine
builds on (the catalogue, its loaders, the audit trail) can name the actor without importing the engine;
`fondsengine.engine` re-exports it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who performs a use case: a user, or the scheduler (system)."""

    user_id: int | None
    system: bool = False

    @classmethod
    def scheduler(cls) -> Actor:
        """The automatic actor used by scheduled jobs."""
        return cls(user_id=None, system=True)

    def __post_init__(self) -> None:
        if self.user_id is None and not self.system:
            raise ValueError("an actor is a user or the system")
