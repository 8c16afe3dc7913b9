"""Counters with an expiry in the application database, shared by every worker process.

One row per key (``throttle_counters``); a hit is one atomic ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` on SQLite and PostgreSQL, so concurrent workers never lose a count. Used for login
failures and lock-outs (per login name), for mail limits (per recipient address) and, through
``webapp.ratelimit``, as the storage of Flask-Limiter (per client address).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from fondsengine.model import ThrottleCounter

_T = ThrottleCounter


@dataclass(frozen=True)
class Hit:
    """The state of a counter after a hit."""

    count: int
    expires_at: float  # POSIX seconds


def subject_key(kind: str, subject: str) -> str:
    """A counter key that does not store the subject (an e-mail address) in clear text."""
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"{kind}:{digest}"


def hit_on(conn: Connection, key: str, window: float, now: float, amount: int = 1) -> Hit:
    """Add ``amount`` to a counter; an expired counter starts again with a window of ``window`` s."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    expired = _T.expires_at <= now
    stmt = (
        insert(_T)
        .values(key=key, count=amount, expires_at=now + window)
        .on_conflict_do_update(
            index_elements=[_T.key],
            set_={
                "count": case((expired, amount), else_=_T.count + amount),
                "expires_at": case((expired, now + window), else_=_T.expires_at),
            },
        )
        .returning(_T.count, _T.expires_at)
    )
    row = conn.execute(stmt).one()
    return Hit(int(row[0]), float(row[1]))


def hit(engine: Engine, key: str, window: float, now: float, amount: int = 1) -> Hit:
    """One hit in its own short transaction."""
    with engine.begin() as conn:
        return hit_on(conn, key, window, now, amount)


def get(engine: Engine, key: str, now: float) -> Hit | None:
    """The live counter of a key, or None when there is none or it expired."""
    with engine.execution_options(fonds_readonly=True).connect() as conn:
        row = conn.execute(select(_T.count, _T.expires_at).where(_T.key == key, _T.expires_at > now)).first()
    return Hit(int(row[0]), float(row[1])) if row is not None else None


def clear_on(conn: Connection, key: str) -> None:
    """Remove a counter (inside the caller's transaction)."""
    conn.execute(delete(_T).where(_T.key == key))


def clear(engine: Engine, key: str) -> None:
    """Remove a counter."""
    with engine.begin() as conn:
        clear_on(conn, key)


def purge_expired(engine: Engine, now: float) -> int:
    """Delete expired counters (the table stays small); the number removed."""
    with engine.begin() as conn:
        return conn.execute(delete(_T).where(_T.expires_at <= now)).rowcount or 0


def allow(engine: Engine, key: str, limit: int, window: float, now: float) -> bool:
    """Count one event; True while at most ``limit`` events happened in the window."""
    return hit(engine, key, window, now).count <= limit


STORE_ERRORS = SQLAlchemyError  # what the counters' store raises when the database fails


def store_reachable(engine: Engine) -> bool:
    """Whether the counters' database answers (the rate limiter's health check)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def clear_prefix(engine: Engine, prefix: str) -> int:
    """Delete every counter whose key starts with `prefix`; how many there were."""
    with engine.begin() as conn:
        result = conn.execute(delete(_T).where(_T.key.startswith(prefix)))
    return result.rowcount
