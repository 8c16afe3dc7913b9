"""Running `fondsengine serve` (or another CLI command) as a real subprocess in tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
FONDSENGINE = str(Path(sys.executable).parent / "fondsengine")
SECRET = "serve-test-secret-0123456789abcdefghijklmnop"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**fonds: str) -> dict[str, str]:
    """The test process's environment without FONDS_* settings, plus the given ones (as FONDS_NAME)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FONDS_")}
    env.update({f"FONDS_{k.upper()}": v for k, v in fonds.items()})
    return env


def run_cli(
    *args: str,
    env: Mapping[str, str],
    cwd: Path | None = None,
    stdin: str = "",
    exe: str = FONDSENGINE,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the fondsengine command and capture its output."""
    return subprocess.run(
        [exe, *args], env=dict(env), cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout
    )


def instance_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Settings for a server on its own instance folder with the shipped guideline files."""
    settings = {
        "instance_path": str(tmp / "instance"), "database_url": database_url, "secret_key": SECRET,
        "richtlinien_dir": str(ROOT / "richtlinien"), "workflows_dir": str(ROOT / "workflows"),
        "mail_backend": "console", "secure_cookies": "false",
    }  # fmt: skip
    return clean_env(**{**settings, **extra})


@dataclass
class Server:
    """A running `fondsengine serve`."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8").splitlines()

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM (graceful) and the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


@contextmanager
def serving(
    env: Mapping[str, str],
    tmp: Path,
    *args: str,
    exe: str = FONDSENGINE,
    cwd: Path | None = None,
    boot_timeout: float = 60,
) -> Iterator[Server]:
    """Start `fondsengine serve` on a free port and wait until /healthz answers."""
    port = free_port()
    log_path = tmp / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [exe, "serve", "--bind", f"127.0.0.1:{port}", *args], env=dict(env), cwd=cwd,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + boot_timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"serve did not come up:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def children(pid: int) -> set[int]:
    """The pids of the direct child processes of a process (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found
