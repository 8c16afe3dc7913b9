"""Building the engine's runtime context from settings (used by CLI, web app, scheduler)."""

from __future__ import annotations

from fondsengine.clock import Clock, SystemClock
from fondsengine.config import Settings
from fondsengine.db import open_database
from fondsengine.engine import Engine


def build_fonds(settings: Settings, *, clock: Clock | None = None) -> Engine:
    """Open the database named in the settings and return the engine context."""
    return Engine(
        db=open_database(settings.effective_database_url),
        settings=settings,
        clock=clock or SystemClock(),
    )
