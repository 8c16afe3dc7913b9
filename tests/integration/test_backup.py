"""Backup and restore round trip on SQLite and PostgreSQL: every table, every file, a letter's checksum."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import tarfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine.bootstrap import build_fonds
from fondsengine.config import Settings
from fondsengine.demo import seed
from fondsengine.engine import Engine
from fondsengine.letters.store import render_pending_letters
from fondsengine.migrate import head_revision
from fondsengine.model import Letter
from fondsengine.ops.backup import BackupError, backup, restore, table_rows
from tests.support.pg import PgServer

pytestmark = pytest.mark.slow
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
BELEG = "a1" * 16 + ".pdf"  # stored names are random: 32 hex digits and the suffix
FOTO = "b2" * 16 + ".jpg"
UPLOADS = {BELEG: b"%PDF-1.4 Beleg Pavillonmiete\n", FOTO: bytes(range(256)) * 40}


@pytest.fixture
def populated(fonds: Engine) -> Engine:
    """The demo data with rendered letters and two uploaded files."""
    assert seed(fonds)
    assert render_pending_letters(fonds, now=NOW, limit=1000) > 0
    for name, data in UPLOADS.items():
        path = fonds.settings.effective_upload_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return fonds


@pytest.fixture
def fresh_target(fonds: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings for an empty database of the same kind and an empty instance folder."""
    instance = tmp_path / "restored"
    if fonds.db.is_sqlite:
        yield dataclasses.replace(fonds.settings, instance_path=str(instance), database_url="")
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = "r_" + uuid.uuid4().hex[:12]
    server.admin(f'CREATE DATABASE "{name}"')
    yield dataclasses.replace(fonds.settings, instance_path=str(instance), database_url=server.url(name))
    server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


def _letters(settings: Settings) -> dict[int, tuple[str | None, str | None]]:
    f = build_fonds(settings)
    try:
        with f.db.read() as s:
            rows = s.execute(select(Letter.id, Letter.sha256, Letter.pdf)).all()
        return {i: (sha, hashlib.sha256(pdf).hexdigest() if pdf else None) for i, sha, pdf in rows}
    finally:
        f.db.dispose()


def test_a_backup_taken_while_the_app_writes_restores_every_table_file_and_letter(
    populated: Engine, fresh_target: Settings, tmp_path: Path
) -> None:
    source = populated.settings
    before = table_rows(source.effective_database_url)
    assert before["applications"] > 10 and before["letters"] > 0 and before["ledger_entries"] > 0
    # a writer with an open transaction while the backup runs: its row must not be in the backup
    session = populated.db.write_session()
    session.begin()
    session.execute(
        Letter.__table__.metadata.tables["job_marks"].insert().values(key="backup-test", job="x", done_at=NOW)
    )
    archive = tmp_path / "fonds.tar.gz"
    report = backup(source, archive, now=NOW)
    session.commit()
    session.close()
    assert report.table_rows == before and report.files == 2
    assert report.schema_revision == head_revision()

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = tar.getnames()
    db_part = "database.sqlite" if populated.db.is_sqlite else "database.pgdump"
    assert names[0] == "manifest.json" and set(names[1:]) == {db_part, f"uploads/{BELEG}", f"uploads/{FOTO}"}
    assert manifest["created_at"] == "2026-12-01T03:00:00+00:00" and manifest["schema_revision"] == head_revision()
    assert manifest["parts"][f"uploads/{FOTO}"]["sha256"] == hashlib.sha256(UPLOADS[FOTO]).hexdigest()

    restored = restore(fresh_target, archive)
    assert restored.table_rows == before  # every table, row for row in count
    assert table_rows(fresh_target.effective_database_url) == before
    for name, data in UPLOADS.items():
        assert (fresh_target.effective_upload_dir / name).read_bytes() == data
    letters = _letters(fresh_target)
    assert letters == _letters(source) and letters
    assert all(stored == actual for stored, actual in letters.values() if actual)  # the PDF still matches its sha256

    with pytest.raises(BackupError, match=r"Ziel ist nicht leer .*--force"):
        restore(fresh_target, archive)
    assert restore(fresh_target, archive, force=True).table_rows == before


def _rewrite(archive: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_a_tampered_truncated_or_foreign_archive_is_refused_before_the_target_is_touched(
    populated: Engine, fresh_target: Settings, tmp_path: Path
) -> None:
    archive = tmp_path / "ok.tar.gz"
    backup(populated.settings, archive)

    def flip(name: str, data: bytes) -> bytes:
        return data[:-1] + bytes([data[-1] ^ 1]) if name == f"uploads/{BELEG}" else data

    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(archive, tampered, flip)
    with pytest.raises(BackupError, match=rf"Prüfsumme falsch für uploads/{BELEG[:-4]}\.pdf"):
        restore(fresh_target, tampered)

    missing = tmp_path / "missing.tar.gz"
    _rewrite(archive, missing, lambda name, data: None if name.startswith("uploads/b2") else data)
    with pytest.raises(BackupError, match="Inhalt passt nicht zum Manifest"):
        restore(fresh_target, missing)

    future = tmp_path / "future.tar.gz"

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_revision"] = "9999"
        return json.dumps(manifest).encode()

    _rewrite(archive, future, newer)
    with pytest.raises(BackupError, match="Schemastand „9999“"):
        restore(fresh_target, future)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(BackupError, match="beschädigt"):
        restore(fresh_target, truncated)
    assert table_rows(fresh_target.effective_database_url) == {}  # nothing was written
    assert not fresh_target.effective_upload_dir.exists()
    with pytest.raises(BackupError, match="gibt es schon"):
        backup(populated.settings, archive)
