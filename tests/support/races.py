"""Races against a real multi-process server: many logged-in HTTP clients fire the same request at once."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_FLASH = re.compile(r'class="flash[^"]*"[^>]*>(.*?)</|class="error-summary"(.*?)</div>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 4, log: Path) -> Iterator[str]:
    """Serve tests/support/raceapp.py with gunicorn (sync workers, one process each); yield the base URL."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--workers", str(workers),
                "--bind", f"127.0.0.1:{port}",
                "--timeout", "120",
                "--graceful-timeout", "5",
                "tests.support.raceapp:app",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError("gunicorn ended:\n" + log.read_text(errors="replace")[-3000:])
                try:
                    if httpx.get(base + "/anmelden", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer:\n" + log.read_text(errors="replace")[-3000:])
                time.sleep(0.2)
            yield base
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def csrf_token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def logged_in(base: str, email: str, password: str) -> httpx.Client:
    """A client with its own session, logged in through the real login form (with CSRF)."""
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=120)
    token = csrf_token(client.get("/anmelden").text)
    response = client.post("/anmelden", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 200 and "/anmelden" not in str(response.url), response.text[:1500]
    return client


@dataclass
class Outcome:
    """What the clients of one race saw."""

    statuses: Counter[int] = field(default_factory=Counter)
    by_success: Counter[str] = field(default_factory=Counter)
    messages: Counter[str] = field(default_factory=Counter)
    unexplained: list[str] = field(default_factory=list)

    @property
    def successes(self) -> int:
        return sum(self.by_success.values())

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)


@dataclass(frozen=True)
class Shot:
    """One request of a race: which client, what to post, the page to take the CSRF token from."""

    client: httpx.Client
    form_page: str
    url: str
    data: dict[str, str]
    files: dict[str, tuple[str, bytes, str]] | None = None  # uploads sent with the form (multipart)


def race(shots: Sequence[Shot], success: str | tuple[str, ...], refusals: Sequence[str]) -> Outcome:
    """Fire all shots at the same moment (a barrier after every client holds its token) and classify."""
    prepared = [(shot, csrf_token(shot.client.get(shot.form_page).text)) for shot in shots]
    barrier = threading.Barrier(len(prepared))
    results: list[httpx.Response | BaseException] = [RuntimeError("not run")] * len(prepared)

    def fire(i: int) -> None:
        shot, token = prepared[i]
        barrier.wait()
        try:
            results[i] = shot.client.post(shot.url, data={**shot.data, "csrf_token": token}, files=shot.files)
        except BaseException as exc:  # a dropped connection is a failure of the server
            results[i] = exc

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(len(prepared))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcome = Outcome()
    for result in results:
        if isinstance(result, BaseException):
            outcome.statuses[599] += 1
            outcome.unexplained.append(repr(result))
            continue
        outcome.statuses[result.status_code] += 1
        text = result.text
        won = next((m for m in ((success,) if isinstance(success, str) else success) if m in text), None)
        if won is not None:
            outcome.by_success[won] += 1
            continue
        found = next((m for m in refusals if m in text), None)
        if found is None:
            flashes = [re.sub(r"\s+", " ", _TAGS.sub(" ", "".join(f))).strip() for f in _FLASH.findall(text)]
            outcome.unexplained.append(f"{result.status_code} {result.url}: {flashes or text[:300]}")
        else:
            outcome.messages[found] += 1
    return outcome


def each(n: int, make: Callable[[int], Shot]) -> list[Shot]:
    return [make(i) for i in range(n)]
