"""Shared fixtures: a migrated SQLite file and a real PostgreSQL server, the engine on top."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fondsengine.clock import FixedClock
from fondsengine.config import load_settings
from fondsengine.db import open_database
from fondsengine.migrate import upgrade
from fondsengine.services.context import Actor, Fonds
from fondsengine.services.funds import load_funds
from tests.support.pg import PgServer, pg_bin, running_postgres

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL cluster for the whole session (skips locally without binaries, fails in CI)."""
    if pg_bin() is None:
        if IN_CI:
            pytest.fail("PostgreSQL binaries are missing in CI")
        pytest.skip("PostgreSQL is not installed")
    with running_postgres() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh database on the session's PostgreSQL server."""
    name = "t_" + uuid.uuid4().hex[:12]
    pg_server.admin(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    pg_server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'fonds.db'}"


@pytest.fixture
def clock() -> FixedClock:
    """The test clock: 25 November 2026, 10:00 in Witten."""
    return FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


def make_fonds(url: str, clock: FixedClock, tmp_path: Path) -> Fonds:
    """Migrate a database, load the shipped guidelines and return the engine context."""
    upgrade(url)
    settings = load_settings(environ={}, database_url=url, instance_path=str(tmp_path / "instance"))
    fonds = Fonds(db=open_database(url), settings=settings, clock=clock)
    load_funds(fonds, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")
    return fonds


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fonds(request: pytest.FixtureRequest, clock: FixedClock, tmp_path: Path) -> Iterator[Fonds]:
    """The engine on SQLite and on PostgreSQL (tests using it run twice)."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    f = make_fonds(url, clock, tmp_path)
    yield f
    f.db.dispose()


@pytest.fixture
def sqlite_fonds(sqlite_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Fonds]:
    """The engine on SQLite only."""
    f = make_fonds(sqlite_url, clock, tmp_path)
    yield f
    f.db.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    """In CI a skipped test counts as a failure: browser and PostgreSQL tests must run."""
    skipped = terminalreporter.stats.get("skipped", [])
    if IN_CI and skipped:
        terminalreporter.write_line(
            f"CI: {len(skipped)} test(s) skipped; skips are failures in CI.", red=True
        )
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED  # type: ignore[attr-defined]
