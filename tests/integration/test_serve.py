"""`fondsengine serve` as an operator runs it: gunicorn with 2 workers, real HTTP, SIGTERM."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from fondsengine.migrate import upgrade
from tests.support.serving import children, instance_env, run_cli, serving

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ready_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database with the Witten funds loaded, on SQLite and PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    upgrade(url)
    loaded = run_cli("funds", "load", env=instance_env(tmp_path, url))
    assert loaded.returncode == 0, loaded.stderr
    return str(url)


def _pids_seen(url: str, want: int, timeout: float = 60) -> set[int]:
    """Ask /healthz on fresh connections until `want` different worker pids answered."""
    pids: set[int] = set()
    deadline = time.monotonic() + timeout
    while len(pids) < want and time.monotonic() < deadline:
        with httpx.Client(timeout=10) as client:
            pids.add(client.get(url + "/healthz").json()["pid"])
    return pids


def test_serve_runs_two_worker_processes_serves_pages_and_stops_cleanly_on_sigterm(
    ready_db: str, tmp_path: Path
) -> None:
    env = instance_env(tmp_path, ready_db, log_format="json")
    with serving(env, tmp_path, "--workers", "2", "--threads", "2") as server:
        home = httpx.get(server.url + "/", timeout=30)
        assert home.status_code == 200
        assert "Dein Projektgeld" in home.text or "Quartiersfonds" in home.text
        assert httpx.get(server.url + "/anmelden", timeout=30).status_code == 200
        ready = httpx.get(server.url + "/readyz", timeout=30)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {
            "database": "ok", "schema": "ok", "guidelines": "ok", "scheduler": "missing", "outbox_backlog": 0,
            "storage": "ok",
        }  # fmt: skip

        pids = _pids_seen(server.url, 2)
        workers = children(server.process.pid)
        assert len(pids) == 2 and pids <= workers  # two separate worker processes of this master
        assert server.process.pid not in pids

        # one JSON line per request with the request id we sent; a reset token never reaches the log
        token = "IjE3Ig.Z0x9Qw.k3Jd8sLq0PzR7vYt2mN5bXc"
        traced = httpx.get(server.url + "/healthz", headers={"X-Request-ID": "trace-4711"}, timeout=10)
        assert traced.headers["X-Request-ID"] == "trace-4711"
        generated = httpx.get(server.url + f"/passwort-neu/{token}?token={token}", timeout=10)
        assert len(generated.headers["X-Request-ID"]) == 32

        assert server.stop() == 0
    lines = server.log_lines()
    records = [json.loads(line) for line in lines]  # every line is JSON, gunicorn's own included
    assert any(r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records)
    traced_lines = [r for r in records if r.get("request_id") == "trace-4711"]
    assert len(traced_lines) == 1
    line = traced_lines[0]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["pid"] in pids and isinstance(line["duration_ms"], float)
    reset = [r for r in records if r.get("request_id") == generated.headers["X-Request-ID"]]
    assert len(reset) == 1 and reset[0]["path"] == "/passwort-neu/[token]"
    assert token not in "\n".join(lines)
    assert any("Shutting down: Master" in r["message"] for r in records)


def test_serve_refuses_a_short_secret_key_with_one_german_line(tmp_path: Path, sqlite_url: str) -> None:
    env = instance_env(tmp_path, sqlite_url, secret_key="kurz")
    result = run_cli("serve", "--bind", "127.0.0.1:1", env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("Fehler: Einstellung secret_key ist zu kurz (4 Zeichen)")
    assert "Traceback" not in result.stderr


def test_mail_links_follow_the_port_unless_the_base_url_is_set() -> None:
    from fondsengine.config import load_settings
    from fondsengine.ops.serve import prepared_settings

    key = "k" * 32
    follows = prepared_settings(load_settings(environ={}, secret_key=key, serve_bind="127.0.0.1:8080"))
    assert follows.base_url == "http://127.0.0.1:8080"
    everywhere = prepared_settings(load_settings(environ={}, secret_key=key, serve_bind="0.0.0.0:9000"))
    assert everywhere.base_url == "http://127.0.0.1:9000"
    fixed = prepared_settings(
        load_settings(environ={"FONDS_BASE_URL": "https://fonds.witten.de"}, secret_key=key, serve_bind="0.0.0.0:9000")
    )
    assert fixed.base_url == "https://fonds.witten.de"


def test_serve_without_preload_builds_the_app_in_each_worker_and_serves(tmp_path: Path, sqlite_url: str) -> None:
    upgrade(sqlite_url)
    env = instance_env(tmp_path, sqlite_url, serve_preload="false")
    assert run_cli("funds", "load", env=env).returncode == 0
    with serving(env, tmp_path, "--workers", "2", "--threads", "1") as server:
        assert httpx.get(server.url + "/readyz", timeout=30).status_code == 200
        assert len(_pids_seen(server.url, 2)) == 2
        assert server.stop() == 0
