"""Shared fixtures: a migrated SQLite file and a real PostgreSQL server, the engine on top."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fondsengine.accounts.users import use_test_hashing
from fondsengine.clock import FixedClock
from fondsengine.config import load_settings
from fondsengine.db import open_database
from fondsengine.engine import Actor, Engine
from fondsengine.funds.loading import load_funds
from fondsengine.migrate import upgrade
from tests.support.pg import PgServer, pg_bin, running_postgres

use_test_hashing()  # Argon2id with cheap parameters: the suite creates thousands of accounts

ROOT = Path(__file__).resolve().parent.parent
# boto3 (the S3 file store) must never wait for a cloud metadata service from a test machine
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
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
    """A fresh, empty database on the session's PostgreSQL server."""
    name = "t_" + uuid.uuid4().hex[:12]
    pg_server.admin(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    pg_server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh, empty SQLite file."""
    return f"sqlite:///{tmp_path / 'fonds.db'}"


class Templates:
    """Migrated databases with the Witten funds loaded, built once per worker and clock, then cloned.

    Migrating and loading the funds took most of an integration test's time; a clone is a file copy
    on SQLite and ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL (a file-level copy in the server).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._sqlite: dict[datetime, Path] = {}
        self._pg: dict[datetime, str] = {}

    def sqlite(self, clock: FixedClock, target: Path) -> str:
        key = clock.now()
        if key not in self._sqlite:
            path = self.directory / f"template-{len(self._sqlite)}.db"
            _prepare(f"sqlite:///{path}", FixedClock(key), self.directory / "instance")
            self._sqlite[key] = path
        shutil.copy(self._sqlite[key], target)
        return f"sqlite:///{target}"

    def postgres(self, server: PgServer, clock: FixedClock) -> str:
        key = clock.now()
        if key not in self._pg:
            name = f"tmpl_{len(self._pg)}_{uuid.uuid4().hex[:8]}"
            server.admin(f'CREATE DATABASE "{name}"')
            _prepare(server.url(name), FixedClock(key), self.directory / "instance")
            self._pg[key] = name
        clone = "t_" + uuid.uuid4().hex[:12]
        server.admin(f'CREATE DATABASE "{clone}" TEMPLATE "{self._pg[key]}"')
        return clone


def _prepare(url: str, clock: FixedClock, instance: Path) -> None:
    """Migrate an empty database and load the shipped guidelines (the content of every template)."""
    upgrade(url)
    settings = load_settings(environ={}, database_url=url, instance_path=str(instance))
    fonds = Engine(db=open_database(url), settings=settings, clock=clock)
    load_funds(fonds, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")
    fonds.db.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    return Templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def clock() -> FixedClock:
    """The test clock: 25 November 2026, 10:00 in Witten."""
    return FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))


def make_fonds(url: str, clock: FixedClock, tmp_path: Path) -> Engine:
    """Migrate a database, load the shipped guidelines and return the engine context."""
    upgrade(url)
    settings = load_settings(environ={}, database_url=url, instance_path=str(tmp_path / "instance"))
    fonds = Engine(db=open_database(url), settings=settings, clock=clock)
    load_funds(fonds, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")
    return fonds


def _engine(url: str, clock: FixedClock, tmp_path: Path) -> Engine:
    settings = load_settings(environ={}, database_url=url, instance_path=str(tmp_path / "instance"))
    return Engine(db=open_database(url), settings=settings, clock=clock)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fonds(
    request: pytest.FixtureRequest, clock: FixedClock, tmp_path: Path, templates: Templates
) -> Iterator[Engine]:
    """The engine on SQLite and on PostgreSQL (tests using it run twice), on a clone of the template."""
    if request.param == "sqlite":
        f = _engine(templates.sqlite(clock, tmp_path / "fonds.db"), clock, tmp_path)
        yield f
        f.db.dispose()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = templates.postgres(server, clock)
    f = _engine(server.url(name), clock, tmp_path)
    yield f
    f.db.dispose()
    server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_fonds(clock: FixedClock, tmp_path: Path, templates: Templates) -> Iterator[Engine]:
    """The engine on SQLite only, on a clone of the template."""
    f = _engine(templates.sqlite(clock, tmp_path / "fonds.db"), clock, tmp_path)
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
