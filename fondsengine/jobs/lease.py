"""The scheduler lease: at most one scheduler process per installation does the work.

PostgreSQL: a session-level advisory lock on a dedicated connection kept open for the life of
the process (the server drops the lock when the connection ends, however the process ends).
SQLite: an exclusive `flock` on a lock file next to the database file (the kernel drops it
when the process ends). The heartbeat row says who holds the lease and since when.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from fondsengine.config import Settings
from fondsengine.db import Database
from fondsengine.model import SchedulerHeartbeat

LEASE_KEY = 4_711_150_515  # the advisory lock key of the scheduler lease (any fixed bigint)
HEARTBEAT_ID = 1


class Lease(Protocol):
    """A lease one process holds at a time."""

    def acquire(self) -> bool:
        """Take the lease if it is free; True when this process holds it now."""

    def alive(self) -> bool:
        """Whether the lease is still held (False after a lost database connection)."""

    def release(self) -> None:
        """Give the lease up (idempotent)."""

    def describe(self) -> str:
        """Which lock this is, for log lines."""


class PostgresLease:
    """`pg_try_advisory_lock` on its own connection (no pool: closing it really ends the session)."""

    def __init__(self, url: str) -> None:
        self._engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        """Open the lease connection if needed and try the lock once."""
        if self._conn is None:
            self._conn = self._engine.connect()
        got = bool(self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEASE_KEY}).scalar())
        if not got:
            self._close()
        return got

    def alive(self) -> bool:
        """A round trip on the lease connection (the lock lives exactly as long as it)."""
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except Exception:
            self._close()
            return False

    def release(self) -> None:
        """Unlock and close the connection."""
        if self._conn is not None:
            with contextlib.suppress(Exception):  # the connection is gone: so is the lock
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LEASE_KEY})
            self._close()
        self._engine.dispose()

    def describe(self) -> str:
        """The lock's name."""
        return f"PostgreSQL-Advisory-Lock {LEASE_KEY}"

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None


class FileLease:
    """An exclusive, non-blocking `flock` on a lock file; the file is kept open while held."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def acquire(self) -> bool:
        """Try the lock once; on success write our pid into the file (information only)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while the lease is held
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(f"{socket.gethostname()} {os.getpid()}\n")
        fh.flush()
        self._fh = fh
        return True

    def alive(self) -> bool:
        """A held flock cannot be lost while the file stays open."""
        return self._fh is not None

    def release(self) -> None:
        """Unlock and close the file (the file itself stays)."""
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    def describe(self) -> str:
        """The lock file."""
        return f"Sperrdatei {self.path}"


def lock_file_for(settings: Settings) -> Path:
    """Next to the SQLite database file (`fondsengine.db` → `fondsengine.db.scheduler.lock`)."""
    url = settings.effective_database_url
    path = url.split("///", 1)[-1] if "///" in url else ""
    if not path or path == ":memory:":
        return Path(settings.instance_path) / "scheduler.lock"
    db_file = Path(path)
    return db_file.with_name(db_file.name + ".scheduler.lock")


def lease_for(settings: Settings, db: Database) -> Lease:
    """The lease that fits the database."""
    if db.is_sqlite:
        return FileLease(lock_file_for(settings))
    return PostgresLease(settings.effective_database_url)


def beat(db: Database, now: datetime, started_at: datetime) -> None:
    """Write the heartbeat row: this host and process, since `started_at`, alive at `now`."""
    with db.write_session() as session, session.begin():
        row = session.get(SchedulerHeartbeat, HEARTBEAT_ID)
        if row is None:
            row = SchedulerHeartbeat(id=HEARTBEAT_ID)
            session.add(row)
        row.host = socket.gethostname()[:200]
        row.pid = os.getpid()
        row.started_at = started_at
        row.beat_at = now


def last_beat(db: Database) -> SchedulerHeartbeat | None:
    """The heartbeat row, if a scheduler ever ran."""
    with db.read() as session:
        return session.get(SchedulerHeartbeat, HEARTBEAT_ID)
