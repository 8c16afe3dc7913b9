"""A real PostgreSQL server for the test session (started as the OS user postgres when root)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14")]


def pg_bin() -> Path | None:
    """The directory with initdb/pg_ctl, or None if PostgreSQL is not installed."""
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    port: int
    datadir: Path

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as c:
            c.execute(sql)


@contextmanager
def running_postgres() -> Iterator[PgServer]:
    """Start a throwaway cluster on a free port; stop and delete it afterwards."""
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found")
    base = Path(tempfile.mkdtemp(prefix="fonds-pg-"))
    datadir = base / "data"
    # as root the server runs as the OS user postgres (initdb refuses root); None keeps the caller's ids
    user: int | None = None
    group: int | None = None
    extra_groups: list[int] | None = None
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        user, group, extra_groups = pw.pw_uid, pw.pw_gid, []
    port = _free_port()
    subprocess.run(
        [
            str(bindir / "initdb"),
            "--no-sync",
            "--auth=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "-D",
            str(datadir),
        ],
        check=True,
        capture_output=True,
        user=user,
        group=group,
        extra_groups=extra_groups,
    )
    opts = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c fsync=off -c synchronous_commit=off "
        f"-c full_page_writes=off -k {base} -c max_connections=100"
    )
    subprocess.run(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-o",
            opts,
            "-l",
            str(base / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
        user=user,
        group=group,
        extra_groups=extra_groups,
    )
    try:
        deadline = time.time() + 15
        while True:
            try:
                PgServer(port, datadir).admin("SELECT 1")
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        yield PgServer(port, datadir)
    finally:
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"],
            capture_output=True,
            user=user,
            group=group,
            extra_groups=extra_groups,
        )
        shutil.rmtree(base, ignore_errors=True)
