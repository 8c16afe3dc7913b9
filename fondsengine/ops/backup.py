"""`fondsengine backup FILE` and `fondsengine restore FILE`: one .tar.gz with database, uploads, manifest.

SQLite is copied with its online backup API (a consistent snapshot while web and scheduler run,
including what is still in the WAL); PostgreSQL with `pg_dump --format=custom`. Letters are rows
of the database (PDF and sha256), so they come with it; uploads are files of the instance. The
manifest names the fondsengine version, the schema revision, the time, the rows per table and
the sha256 of every part; restore checks all of it before it touches the target."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

from fondsengine.config import Settings
from fondsengine.db import make_engine
from fondsengine.errors import FondsError
from fondsengine.files import SUFFIXES
from fondsengine.migrate import alembic_config, current_revision, head_revision
from fondsengine.storage import storage_for

MIMETYPES = {suffix: mimetype for mimetype, suffix in SUFFIXES.items()}

FORMAT = "fondsengine-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_PART = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}


class BackupError(FondsError):
    """A backup cannot be written or an archive cannot be restored (German message)."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore did."""

    path: Path
    engine: str
    schema_revision: str
    files: int
    table_rows: dict[str, int]


def _engine_name(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in DB_PART:
        raise BackupError(f"Sicherung für die Datenbankart „{name}“ wird nicht unterstützt (nur SQLite, PostgreSQL).")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Eine SQLite-Datenbank im Arbeitsspeicher lässt sich nicht sichern.")
    return Path(database)


def pg_tool(name: str, settings: Settings) -> str:
    """The path of pg_dump/pg_restore: pg_bin_dir, then PATH, then the newest /usr/lib/postgresql/*/bin."""
    candidates = [Path(settings.pg_bin_dir) / name] if settings.pg_bin_dir else []
    found = shutil.which(name)
    candidates += [Path(found)] if found else []
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]), reverse=True)
    for candidate in [*candidates, *versions]:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} nicht gefunden: PostgreSQL-Client installieren (Debian: postgresql-client) "
        "oder FONDS_PG_BIN_DIR auf den Ordner mit pg_dump/pg_restore setzen."
    )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying the password."""
    u: URL = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["ohne Meldung"])[-1]
        raise BackupError(f"{what} fehlgeschlagen: {detail}")


def table_rows(url: str) -> dict[str, int]:
    """Rows per table of a database (every table, alembic_version included)."""
    engine = make_engine(url)
    try:
        with engine.execution_options(fonds_readonly=True).connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one()) for n in names}
    finally:
        engine.dispose()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump_database(settings: Settings, engine: str, target: Path) -> None:
    url = settings.effective_database_url
    if engine == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.is_file():
            raise BackupError(f"Datenbankdatei nicht gefunden: {source_path}")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    conninfo, env = _libpq(url)
    _run([pg_tool("pg_dump", settings), "--format=custom", "--no-owner", "--no-privileges",
          f"--file={target}", f"--dbname={conninfo}"], env, "pg_dump")  # fmt: skip


def backup(settings: Settings, archive: str | Path, *, now: datetime | None = None) -> BackupReport:
    """Write database, uploads and manifest into one .tar.gz (refuses to overwrite a file)."""
    archive = Path(archive)
    if archive.exists():
        raise BackupError(f"Die Datei {archive} gibt es schon; bitte einen neuen Namen wählen.")
    url = settings.effective_database_url
    engine = _engine_name(url)
    db = make_engine(url)
    try:
        revision = current_revision(db)
    finally:
        db.dispose()
    if revision is None:
        raise BackupError("Datenbank ist nicht migriert: fondsengine db upgrade ausführen")
    with tempfile.TemporaryDirectory(prefix="fonds-backup-") as tmp:
        staged = Path(tmp) / DB_PART[engine]
        _dump_database(settings, engine, staged)
        rows = table_rows(f"sqlite:///{staged}") if engine == "sqlite" else table_rows(url)
        parts: dict[str, Path] = {DB_PART[engine]: staged}
        store = storage_for(settings)
        for name in store.names():  # published files only; staged ones belong to no committed row
            copy = Path(tmp) / "uploads" / name
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(store.read(name))
            parts["uploads/" + name] = copy
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "fondsengine_version": _version(),
            "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
            "engine": engine,
            "schema_revision": revision,
            "table_rows": rows,
            "parts": {name: {"sha256": _sha256(p), "size": p.stat().st_size} for name, p in parts.items()},
        }
        unfinished = archive.with_name(archive.name + ".partial")
        manifest_file = Path(tmp) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        with tarfile.open(unfinished, "w:gz") as tar:
            tar.add(manifest_file, arcname=MANIFEST)
            for name, path in parts.items():
                tar.add(path, arcname=name)
        os.replace(unfinished, archive)
    return BackupReport(archive, engine, revision, len(parts) - 1, rows)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fondsengine")
    except PackageNotFoundError:
        return "unbekannt"


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name not in {"", "."}


def _unpack(archive: Path, into: Path) -> dict[str, Any]:
    """Extract and verify the archive: manifest present, every part listed, every checksum right."""
    damaged = f"Sicherung {archive} ist beschädigt oder keine fondsengine-Sicherung"
    if not archive.is_file():
        raise BackupError(f"Sicherung nicht gefunden: {archive}")
    seen: dict[str, str] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name) or member.name in seen:
                    raise BackupError(f"{damaged}: unerwarteter Eintrag {member.name!r}")
                source = tar.extractfile(member)
                assert source is not None
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with open(target, "wb") as out:
                    for block in iter(partial(source.read, 1 << 20), b""):
                        digest.update(block)
                        out.write(block)
                seen[member.name] = digest.hexdigest()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{damaged} ({exc})") from exc
    if MANIFEST not in seen:
        raise BackupError(f"{damaged}: manifest.json fehlt")
    try:
        manifest: dict[str, Any] = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        parts: dict[str, dict[str, Any]] = manifest["parts"]
        engine = manifest["engine"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{damaged}: manifest.json ist nicht lesbar") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{damaged}: unbekanntes Format {manifest.get('format')!r}")
    listed, present = set(parts), set(seen) - {MANIFEST}
    if listed != present or DB_PART.get(engine) not in listed:
        extra = sorted(present - listed) + sorted(listed - present)
        raise BackupError(f"{damaged}: Inhalt passt nicht zum Manifest ({', '.join(extra) or 'Datenbank fehlt'})")
    wrong = sorted(name for name in listed if parts[name].get("sha256") != seen[name])
    if wrong:
        raise BackupError(f"{damaged}: Prüfsumme falsch für {', '.join(wrong)}")
    return manifest


def _check_revision(manifest: dict[str, Any]) -> str:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    revision = str(manifest.get("schema_revision") or "")
    try:
        known = ScriptDirectory.from_config(alembic_config("")).get_revision(revision)
    except CommandError:
        known = None
    if not revision or known is None:
        raise BackupError(
            f"Die Sicherung hat den Schemastand „{revision}“, den diese fondsengine-Version nicht kennt "
            f"(neuester bekannter: {head_revision()}); mit der Version {manifest.get('fondsengine_version')} "
            "wiederherstellen."
        )
    return revision


def _target_is_empty(url: str, engine: str) -> bool:
    if engine == "sqlite" and not _sqlite_path(url).exists():
        return True
    return not table_rows(url)


def _restore_database(settings: Settings, engine: str, dump: Path, force: bool) -> None:
    url = settings.effective_database_url
    if engine == "sqlite":
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        source, dest = sqlite3.connect(dump), sqlite3.connect(target, timeout=30)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return
    if force:
        db = make_engine(url)
        try:
            with db.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        finally:
            db.dispose()
    conninfo, env = _libpq(url)
    _run([pg_tool("pg_restore", settings), "--no-owner", "--no-privileges", "--exit-on-error",
          f"--dbname={conninfo}", str(dump)], env, "pg_restore")  # fmt: skip


def restore(settings: Settings, archive: str | Path, *, force: bool = False) -> BackupReport:
    """Check an archive and restore it into the configured database and upload folder.

    Refuses a damaged archive, a schema revision this version does not know, another kind of
    database, and a target that already holds data (unless `force`). Web and scheduler must be stopped."""
    archive = Path(archive)
    url = settings.effective_database_url
    engine = _engine_name(url)
    store = storage_for(settings)
    with tempfile.TemporaryDirectory(prefix="fonds-restore-") as tmp:
        staged = Path(tmp)
        manifest = _unpack(archive, staged)
        revision = _check_revision(manifest)
        if manifest["engine"] != engine:
            raise BackupError(
                f"Die Sicherung ist eine {manifest['engine']}-Datenbank, das Ziel ist {engine}; "
                "eine Sicherung lässt sich nur in dieselbe Datenbankart zurückspielen."
            )
        occupied = [] if _target_is_empty(url, engine) else ["die Datenbank enthält schon Tabellen"]
        present = store.names()
        if present:
            occupied.append(f"der Dateispeicher ({store.label}) ist nicht leer")
        if occupied and not force:
            raise BackupError(f"Ziel ist nicht leer ({'; '.join(occupied)}): mit --force überschreiben.")
        _restore_database(settings, engine, staged / DB_PART[engine], force)
        if force:
            for name in present:
                store.delete(name)
        files = [name for name in manifest["parts"] if name.startswith("uploads/") and "/." not in name]
        for name in files:
            stored = name.removeprefix("uploads/")
            store.stage(stored, (staged / name).read_bytes(), MIMETYPES.get(Path(stored).suffix, ""))
            store.publish(stored)
    rows = table_rows(url)
    if rows != manifest["table_rows"]:
        expected: dict[str, int] = manifest["table_rows"]
        differing = sorted(k for k in set(rows) | set(expected) if rows.get(k) != expected.get(k))
        raise BackupError(f"Wiederherstellung unvollständig: Zeilenzahl weicht ab in {', '.join(differing)}")
    return BackupReport(archive, engine, revision, len(files), rows)
