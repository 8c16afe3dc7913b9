"""The injectable clock: all engine code asks a Clock for the time, never datetime.now()."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


class Clock(Protocol):
    """Source of the current time (timezone-aware, UTC)."""

    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock for tests and replays: stands still until told to move."""

    current: datetime = field(
        default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    )

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        """The frozen instant."""
        return self.current

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a timedelta given as keywords (days=3)."""
        self.current += timedelta(**delta)

    def set(self, when: datetime) -> None:
        """Jump to an instant."""
        if when.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.current = when


def local_date(instant: datetime) -> date:
    """The calendar date of an instant in Berlin."""
    return instant.astimezone(BERLIN).date()


def utc(instant: datetime) -> datetime:
    """Normalise an aware datetime to UTC; naive datetimes (from SQLite) are taken as UTC."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
