"""One scheduler at a time: two real `fondsengine scheduler` processes share one lease.

The holder writes the heartbeat row with its pid; the second logs that it waits; SIGTERM ends
the holder with exit code 0 and the second takes over. On PostgreSQL a killed lease
connection ends the holder with exit code 1. `/readyz` reads the heartbeat."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from fondsengine.clock import FixedClock
from fondsengine.engine import Engine
from fondsengine.jobs.lease import beat
from fondsengine.migrate import upgrade
from fondsengine.model import OutboxMessage, SchedulerHeartbeat
from tests.support.pg import PgServer
from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]
WAITING = "Ein anderer Zeitplaner läuft bereits"


def _heartbeat_pid(url: str) -> int | None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(select(SchedulerHeartbeat.pid)).scalar()
    finally:
        engine.dispose()


def _until(what: str, condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"nach {seconds} s nicht eingetreten: {what}")
        time.sleep(0.1)


def _start(env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "fondsengine.cli.main", "scheduler"], env=env, cwd=cwd, stdout=out, stderr=out
        )


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_schedulers_one_holds_the_lease_and_the_other_takes_over_after_sigterm(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = request.getfixturevalue("sqlite_url" if engine == "sqlite" else "pg_url")
    upgrade(url)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FONDS_DATABASE_URL": url,
        "FONDS_INSTANCE_PATH": str(tmp_path / "instance"),
        "FONDS_MAIL_BACKEND": "mailbox",
        "FONDS_LOG_LEVEL": "INFO",
        "FONDS_SCHEDULER_LEASE_RETRY_SECONDS": "1",
    }
    env.pop("FONDS_CONFIG", None)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        first = _start(env, logs[0], tmp_path)
        procs.append(first)
        _until("erster Zeitplaner schreibt sein Lebenszeichen", lambda: _heartbeat_pid(url) == first.pid)
        second = _start(env, logs[1], tmp_path)
        procs.append(second)
        _until("zweiter Zeitplaner wartet", lambda: WAITING in logs[1].read_text(encoding="utf-8"))
        assert f"{WAITING} (" in logs[1].read_text(encoding="utf-8")
        assert "dieser wartet." in logs[1].read_text(encoding="utf-8")
        time.sleep(1.5)  # a few retries of the second one: still the first holds the lease
        assert _heartbeat_pid(url) == first.pid
        assert second.poll() is None
        assert WAITING not in logs[0].read_text(encoding="utf-8")

        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=20) == 0
        assert "Scheduler beendet" in logs[0].read_text(encoding="utf-8")
        _until("zweiter Zeitplaner übernimmt", lambda: _heartbeat_pid(url) == second.pid, seconds=10)
        assert second.poll() is None

        if engine == "postgres":  # the lease connection dies: the holder stops with exit code 1
            server: PgServer = request.getfixturevalue("pg_server")
            dbname = url.rsplit("/", 1)[-1]
            server.admin(
                "SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                f"WHERE l.locktype = 'advisory' AND l.granted AND d.datname = '{dbname}'"
            )
            assert second.wait(timeout=15) == 1
            assert "Sperre des Zeitplaners verloren" in logs[1].read_text(encoding="utf-8")
        else:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)


def test_a_waiting_scheduler_ends_with_exit_code_0_on_sigterm(sqlite_url: str, tmp_path: Path) -> None:
    from fondsengine.config import load_settings
    from fondsengine.jobs.lease import FileLease, lock_file_for

    upgrade(sqlite_url)
    settings = load_settings(environ={}, database_url=sqlite_url, instance_path=str(tmp_path / "instance"))
    held = FileLease(lock_file_for(settings))
    assert held.acquire()
    assert not FileLease(lock_file_for(settings)).acquire()  # flock excludes even a second open file
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FONDS_DATABASE_URL": sqlite_url,
           "FONDS_INSTANCE_PATH": str(tmp_path / "instance"), "FONDS_SCHEDULER_LEASE_RETRY_SECONDS": "1"}  # fmt: skip
    log = tmp_path / "waiting.log"
    proc = _start(env, log, tmp_path)
    try:
        _until("Zeitplaner wartet", lambda: WAITING in log.read_text(encoding="utf-8"))
        assert _heartbeat_pid(sqlite_url) is None  # a waiting scheduler runs nothing
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        held.release()


def _client(fonds: Engine, **settings: object):  # type: ignore[no-untyped-def]
    changed = dataclasses.replace(
        fonds.settings, secret_key="lease-test-secret-0123456789abcdef", mail_backend="console",
        richtlinien_dir=str(ROOT / "richtlinien"), **settings,
    )  # fmt: skip
    return create_app(changed, fonds=dataclasses.replace(fonds, settings=changed)).test_client()


def test_readyz_reports_the_scheduler_heartbeat_and_fails_on_a_stale_one_only_when_required(
    fonds: Engine, clock: FixedClock
) -> None:
    strict = _client(fonds, health_requires_scheduler=True)
    relaxed = _client(fonds)
    never = strict.get("/readyz")
    assert never.status_code == 503
    assert never.get_json()["checks"]["scheduler"] == "missing"
    assert never.get_json()["problems"] == ["Zeitplaner hat sich noch nie gemeldet (fondsengine scheduler starten)"]
    assert relaxed.get("/readyz").status_code == 200

    beat(fonds.db, clock.now() - timedelta(seconds=30), started_at=clock.now() - timedelta(hours=2))
    fresh = strict.get("/readyz")
    assert fresh.status_code == 200
    assert fresh.get_json()["checks"] == {
        "database": "ok", "schema": "ok", "guidelines": "ok", "scheduler": "ok", "outbox_backlog": 0, "storage": "ok"
    }  # fmt: skip

    beat(fonds.db, clock.now() - timedelta(minutes=10), started_at=clock.now() - timedelta(hours=2))
    stale = strict.get("/readyz")
    assert stale.status_code == 503
    body = stale.get_json()
    assert body["checks"]["scheduler"] == "stale"
    assert body["problems"] == [
        "Zeitplaner meldet sich seit 10 Minuten nicht (letztes Lebenszeichen 25.11.2026 09:50)"
    ]
    not_required = relaxed.get("/readyz")
    assert not_required.status_code == 200
    assert not_required.get_json()["checks"]["scheduler"] == "stale"
    assert "problems" not in not_required.get_json()
    # the limit is a setting: 15 minutes allowed makes the same beat fresh
    assert _client(fonds, health_requires_scheduler=True, scheduler_heartbeat_max_age_seconds=900).get(
        "/readyz"
    ).status_code == 200


def test_readyz_counts_due_mails_unsent_for_more_than_15_minutes(fonds: Engine, clock: FixedClock) -> None:
    now = clock.now()
    with fonds.db.write_session() as s, s.begin():
        for i, (status, due) in enumerate([
            ("pending", now - timedelta(minutes=16)),  # backlog
            ("sending", now - timedelta(hours=3)),  # backlog
            ("pending", now - timedelta(minutes=14)),  # due, but not for long
            ("pending", now + timedelta(hours=1)),  # a retry later
            ("sent", now - timedelta(hours=1)),
            ("dead", now - timedelta(hours=1)),
        ]):  # fmt: skip
            s.add(OutboxMessage(dedup_key=f"k{i}", topic="test", payload={}, status=status,
                                next_attempt_at=due, created_at=now - timedelta(hours=4)))  # fmt: skip
    ready = _client(fonds).get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"]["outbox_backlog"] == 2
