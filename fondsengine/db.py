"""Database engines: SQLite (WAL, BEGIN IMMEDIATE for writes) and PostgreSQL."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from fondsengine.applications import counts
from fondsengine.inputs import check_storable
from fondsengine.integrity.chain import install
from fondsengine.model.application import SEARCH_TABLE


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "DEFERRED" if conn.get_execution_options().get("fonds_readonly") else "IMMEDIATE"
        conn.exec_driver_sql(f"BEGIN {mode}")


_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()  # every engine of this process (for forking servers)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the settings fondsengine relies on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})
        _setup_sqlite(engine)
    else:
        # psycopg prepares a statement run five times on a connection; PostgreSQL then switches it to a
        # generic plan after five custom ones when it estimates that no dearer. For the to-do list's
        # statement (80 ranges, its dates and ids as parameters) the generic plan took 190-260 ms
        # against 45-90 ms planned each time (bench/todo_plan.py, issue 19): every statement keeps its
        # parsed form but is planned for its values
        engine = create_engine(
            url, echo=echo, pool_pre_ping=True, connect_args={"options": "-c plan_cache_mode=force_custom_plan"}
        )
    _ENGINES.add(engine)
    return engine


def close_all_connections() -> int:
    """Close the pooled connections of every engine of this process (before a forking server forks);
    the engines stay usable and connect again when needed. Returns the number of engines."""
    engines = list(_ENGINES)
    for engine in engines:
        engine.dispose()
    return len(engines)


def forget_inherited_connections() -> int:
    """In a freshly forked process: give every engine a new, empty pool without touching the
    connections inherited from the parent (they belong to the parent; closing them here would
    end the parent's sessions). Returns the number of engines."""
    engines = list(_ENGINES)
    for engine in engines:
        engine.dispose(close=False)
    return len(engines)


READ_SESSION = "fonds_read"  # session.info key: a read-only session (never commits); it may keep what it read


@dataclass
class Database:
    """An engine plus session factories for writing and for reading."""

    engine: Engine

    def __post_init__(self) -> None:
        self._write = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        install(self._write)  # ledger and audit rows are hash-chained when their transaction commits
        counts.install(self._write)  # application_counts follow every change of an application
        event.listen(self._write, "before_flush", check_storable)  # nothing the database cannot store
        self._read = sessionmaker(self.engine.execution_options(fonds_readonly=True), expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite database."""
        return self.engine.dialect.name == "sqlite"

    @cached_property
    def has_search_index(self) -> bool:
        """True on SQLite when the queue search's full-text table exists (migration 0016).
        Looked up once per process (a restart after `db upgrade` starts using it)."""
        if not self.is_sqlite:
            return False
        with self.engine.execution_options(fonds_readonly=True).connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": SEARCH_TABLE}
            ).first()
        return found is not None

    def write_session(self) -> Session:
        """A session whose transaction takes the write lock at BEGIN (SQLite)."""
        return self._write()

    def read_session(self) -> Session:
        """A read-only session the caller closes (a page's read, `fondsengine.engine.PageRead`)."""
        session = self._read()
        session.info[READ_SESSION] = True
        return session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (never commits)."""
        session = self.read_session()
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded attributes stay readable

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()


def open_database(url: str) -> Database:
    """Engine + session factories for a URL."""
    return Database(make_engine(url))
