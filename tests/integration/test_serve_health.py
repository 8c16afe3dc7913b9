"""/healthz and /readyz on SQLite and PostgreSQL: 200 when ready, 503 with a reason when not."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from fondsengine.bootstrap import build_fonds
from fondsengine.config import load_settings
from fondsengine.engine import Engine
from fondsengine.migrate import head_revision, upgrade
from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]
SECRET = "health-test-secret-0123456789abcdef"


def _client(fonds: Engine):  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(
        fonds.settings, secret_key=SECRET, mail_backend="console", richtlinien_dir=str(ROOT / "richtlinien")
    )
    return create_app(settings, fonds=dataclasses.replace(fonds, settings=settings)).test_client()


def _fonds_on(url: str, tmp_path: Path) -> Engine:
    return build_fonds(load_settings(environ={}, database_url=url, instance_path=str(tmp_path)))


def test_healthz_and_readyz_answer_200_on_a_ready_database_without_login(fonds: Engine) -> None:
    client = _client(fonds)
    live = client.get("/healthz")
    assert live.status_code == 200
    assert live.get_json() == {"status": "ok", "pid": os.getpid()}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {
        "status": "ok", "pid": os.getpid(),
        "checks": {"database": "ok", "schema": "ok", "guidelines": "ok", "scheduler": "missing", "outbox_backlog": 0,
                   "storage": "ok"},
    }  # fmt: skip
    assert ready.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_readyz_is_503_with_the_reason_on_an_unmigrated_database(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = request.getfixturevalue("sqlite_url" if engine == "sqlite" else "pg_url")
    f = _fonds_on(url, tmp_path)
    client = _client(f)
    assert client.get("/healthz").status_code == 200  # the process lives; it is just not ready
    ready = client.get("/readyz")
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": "ok", "schema": "not_migrated"}
    assert body["problems"] == [
        f"Schema auf Stand keiner, erwartet {head_revision()}: fondsengine db upgrade ausführen"
    ]
    f.db.dispose()


def test_readyz_is_503_when_the_guidelines_are_not_loaded(sqlite_url: str, tmp_path: Path) -> None:
    upgrade(sqlite_url)
    f = _fonds_on(sqlite_url, tmp_path)
    body = _client(f).get("/readyz").get_json()
    assert body["checks"] == {
        "database": "ok", "schema": "ok", "guidelines": "missing", "scheduler": "missing", "outbox_backlog": 0,
        "storage": "ok",
    }  # fmt: skip
    assert body["problems"] == [
        "Richtlinien nicht geladen: witten-cityfonds, witten-quartiersfonds (fondsengine funds load)"
    ]
    f.db.dispose()


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    f = _fonds_on("postgresql+psycopg://fonds@127.0.0.1:1/fonds", tmp_path)
    ready = _client(f).get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"] == {"database": "unreachable"}
    assert ready.get_json()["problems"] == ["Datenbank nicht erreichbar"]


def test_readyz_is_503_when_the_file_store_is_unavailable(sqlite_url: str, tmp_path: Path) -> None:
    """An upload folder that cannot be created (its parent is a file) is reported with the reason."""
    upgrade(sqlite_url)
    f = _fonds_on(sqlite_url, tmp_path)
    blocker = tmp_path / "kein-ordner"
    blocker.write_text("x")
    f = dataclasses.replace(f, settings=dataclasses.replace(f.settings, upload_dir=str(blocker / "uploads")))
    ready = _client(f).get("/readyz")
    assert ready.status_code == 503
    body = ready.get_json()
    assert body["checks"]["storage"] == "unavailable"
    assert any(p.startswith(f"Der Ordner {blocker / 'uploads'} ist nicht beschreibbar") for p in body["problems"])
    f.db.dispose()
