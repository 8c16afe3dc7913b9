"""Web benchmark under concurrent load: gunicorn workers, logged-in clients, a bare-query floor.

Run:  .venv/bin/python bench/web.py [--n 10000] [--db sqlite|postgres|both] [--workers 4]
                                    [--clients 20] [--seconds 20]

For each database the script
1. migrates an empty database, loads both funds and bulk-seeds N applications with
   `bench/seed_bulk.py` (as bench/office.py does; PostgreSQL on a throwaway server from
   tests/support/pg.py);
2. requests every page in-process with one client (Flask test client, nothing else running,
   after a warm-up request): the SQL statements of one request (a `before_cursor_execute`
   listener) and the p50 of a few requests, the "alone" column;
3. starts gunicorn with W sync workers through `bench/web_server.py` (the options of
   `fondsengine serve`, plus the floor route `/_bench/floor`: the queue's first-page list query
   on a bare Flask app) and notes the time until the first answer;
4. logs C clients in through the real login form (each its own session cookie and CSRF token;
   threads with http.client, one connection per request as gunicorn's sync workers close it),
   requests every page once to warm the workers, then drives all clients for `--seconds` over
   the start page, the office queue (first page, deep page, filtered, searched, overdue), the
   dashboard, application pages, an office note (POST), the step start_review on submitted
   applications (POST) and the floor, each client cycling through the pages from its own offset;
5. prints per page the latency at the client (p50/p95/p99 ms), requests per second, p95 / floor
   p95, the time in the worker (p50/p95 ms from the header X-Bench-Service-Ms that
   bench/web_server.py adds, and its p95 / the floor's), the sequential p50 and statements per
   request, failed requests, the memory of every worker (/proc/PID/smaps_rollup: Rss, Pss,
   Private), the time to the first answer and the load average, then the same as markdown
   tables for docs/performance.md.
With more clients than workers every request first waits for a free worker, so the latency at
the client is mostly that wait (about C / requests per second) and its ratio to the floor stays
near 1; the time in the worker shows what each page costs under the same load. The clients run
on the same machine as the server (they use well under a second of CPU in a run).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from office import counting, login, pages, pct, postgres_url, sqlite_url  # noqa: E402
from seed_bulk import NOW, OFFICE_EMAIL, OFFICE_PASSWORD, prepared_fonds, seed_bulk  # noqa: E402
from sqlalchemy import select  # noqa: E402
from web_server import FLOOR_PATH, SERVICE_HEADER  # noqa: E402

from fondsengine.applications.queue import DEFAULT_SORT, PAGE_SIZE, SORTS, QueueFilter, office_queue  # noqa: E402
from fondsengine.config import Settings, load_settings  # noqa: E402
from fondsengine.engine import Actor, Engine  # noqa: E402
from fondsengine.model import Application, User  # noqa: E402
from fondsengine.notify import FakeMailer  # noqa: E402
from webapp import create_app  # noqa: E402

SECRET = "bench-web-secret-key-0123456789abcdef-32+"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FLOOR = "floor (bare query)"
NOTE = "POST office note"
STEP = "POST start_review"


@dataclass(frozen=True)
class Request:
    """One page of the mix: GET urls (cycled) or a POST built per client."""

    name: str
    urls: tuple[str, ...] = ()
    expect: str = ""
    post: str = ""  # "note" or "step"


@dataclass
class Sample:
    """What one client saw: (page, latency ms, ms in the worker, ok) per request."""

    rows: list[tuple[str, float, float, bool]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """The pages of the run and the data the POSTs use."""

    requests: list[Request]
    note_ids: list[int]  # applications that get office notes
    submitted: list[int]  # applications in state submitted, for start_review (each used once)


def plan(fonds: Engine, sorts: bool = False) -> Plan:
    """Start page, the office pages of bench/office.py (deep page recomputed for N), POSTs, floor; with
    `sorts` also the first page and the deep page (by its link) of every other sort and direction."""
    with fonds.db.read() as s:
        office = s.scalar(select(User.id).where(User.email == OFFICE_EMAIL))
    assert office is not None
    # the office's own queue: with other cities' funds in the database (--funds) it lists only its funds
    first = office_queue(fonds, Actor(office), QueueFilter())
    listed, managed = first.total, [f.id for f in first.funds]
    with fonds.db.read() as s:
        submitted = list(
            s.scalars(
                select(Application.id)
                .where(Application.state == "submitted", Application.fund_id.in_(managed))
                .order_by(Application.id)
            )
        )
    deep = max(1, -(-listed // PAGE_SIZE) * 4 // 5)
    requests = [Request("start page", ("/",))]
    app_ids: list[int] = []
    for page in pages(fonds):
        if page.name == "queue page 500":
            requests.append(Request(f"queue page {deep}", (f"/verwaltung/antraege?seite={deep}",), "gefunden"))
            requests.append(Request(f"queue page {deep} (link)", (keyset_link(fonds, deep),), "gefunden"))
            continue
        requests.append(Request(page.name, page.urls, page.expect))
        if page.name == "application page":
            app_ids = [int(u.rsplit("/", 1)[1]) for u in page.urls]
    if sorts:
        for sort in SORTS:
            for descending in (True, False):
                if (sort, descending) == (DEFAULT_SORT, True):
                    continue  # the default order: the queue pages above
                way = "ab" if descending else "auf"
                args = {"sort": sort, "richtung": way}
                name = f"queue {sort} {way}"
                requests.append(Request(f"{name} page 1", (f"/verwaltung/antraege?{urlencode(args)}",), "gefunden"))
                link = keyset_link(fonds, deep, sort=sort, descending=descending)
                requests.append(Request(f"{name} page {deep} (link)", (link,), "gefunden"))
    requests += [Request(NOTE, post="note"), Request(STEP, post="step"), Request(FLOOR, (FLOOR_PATH,))]
    return Plan(requests, app_ids, submitted)


def keyset_link(fonds: Engine, page: int, sort: str = DEFAULT_SORT, descending: bool = True) -> str:
    """The address the office reaches page `page` by: the "Nächste Seite" link of the page before,
    which carries the position of its last row (keyset read), not the page number alone (OFFSET)."""
    with fonds.db.read() as s:
        office = s.scalar(select(User.id).where(User.email == OFFICE_EMAIL))
    assert office is not None
    before = office_queue(fonds, Actor(office), QueueFilter(page=page - 1, sort=sort, descending=descending))
    assert before.next_position is not None, f"page {page - 1} has no next page"
    args = {"seite": page, "nach": before.next_position}
    if (sort, descending) != (DEFAULT_SORT, True):
        args |= {"sort": sort, "richtung": "ab" if descending else "auf"}
    return f"/verwaltung/antraege?{urlencode(args)}"


# -- statements per request, in-process ------------------------------------------------------------


SEQUENTIAL_REPEAT = 5


@dataclass
class Sequential:
    """The in-process pass: statements of one warm request and the p50 of one client alone, per page."""

    statements: dict[str, str] = field(default_factory=dict)
    p50_ms: dict[str, float] = field(default_factory=dict)


def sequential_pass(fonds: Engine, settings: Settings, run: Plan) -> Sequential:
    """Each page requested in-process by one client (after a warm-up request): statements and time.

    Statements: several values joined by '/' when they differ by row; BEGIN is not counted."""
    from web_server import floor_app

    app = create_app(settings, fonds=fonds, mailer=FakeMailer())
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login(client)
    floor = floor_app(fonds).test_client()
    out = Sequential()
    for req in run.requests:
        counts: set[int] = set()
        times: list[float] = []
        repeat = 3 if req.post else max(SEQUENTIAL_REPEAT, len(req.urls))
        for i in range(1 + repeat):
            with counting(fonds.db.engine) as seen:
                t = time.perf_counter()
                if req.name == FLOOR:
                    response = floor.get("/floor")
                elif req.post == "note":
                    response = client.post(
                        f"/verwaltung/antraege/{run.note_ids[0]}/notizen", data={"note": "Statement-Zählung."}
                    )
                elif req.post == "step":
                    response = client.post(
                        f"/verwaltung/antraege/{run.submitted.pop()}/schritt",
                        data={"trigger": "start_review", "from_state": "submitted"},
                    )
                else:
                    response = client.get(req.urls[max(0, i - 1) % len(req.urls)])
                response.get_data()
                elapsed = (time.perf_counter() - t) * 1000
            if response.status_code not in (200, 302):
                raise SystemExit(f"bench: {req.name} answered {response.status_code} in the sequential pass")
            if i >= 1:  # the first request warms the caches
                counts.add(sum(1 for q in seen if not q.lstrip().upper().startswith("BEGIN")))
                times.append(elapsed)
        out.statements[req.name] = "/".join(str(c) for c in sorted(counts))
        out.p50_ms[req.name] = pct(times, 50)
    return out


# -- the server -------------------------------------------------------------------------------------


def server_env(url: str, workdir: Path, port: int, workers: int) -> dict[str, str]:
    """The FONDS_* settings of the gunicorn server (and of the in-process sequential pass)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FONDS_")}
    env.update(
        FONDS_DATABASE_URL=url,
        FONDS_INSTANCE_PATH=str(workdir / "instance"),
        FONDS_SECRET_KEY=SECRET,
        FONDS_SECURE_COOKIES="false",
        FONDS_RICHTLINIEN_DIR=str(ROOT / "richtlinien"),
        FONDS_WORKFLOWS_DIR=str(ROOT / "workflows"),
        FONDS_SERVE_BIND=f"127.0.0.1:{port}",
        FONDS_SERVE_WORKERS=str(workers),
        FONDS_SERVE_THREADS="1",  # sync workers
        FONDS_RATELIMIT_LOGIN="10000 per minute",  # all clients log in from 127.0.0.1
        FONDS_BASE_URL=f"http://127.0.0.1:{port}",
    )
    return env


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn master and where its log goes."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    first_answer_s: float = 0.0


@contextmanager
def gunicorn(env: dict[str, str], port: int, workdir: Path, timeout: float = 60.0) -> Iterator[Server]:
    """Start bench/web_server.py, wait for the floor route to answer, stop it (SIGTERM) afterwards."""
    log = workdir / "server.log"
    with log.open("wb") as fh:
        t0 = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "web_server.py")], env=env, cwd=ROOT, stdout=fh, stderr=fh
        )
    server = Server(process, port, log)
    try:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"bench: the server ended with {process.returncode}:\n{tail(log)}")
            if time.perf_counter() - t0 > timeout:
                raise SystemExit(f"bench: the server did not answer within {timeout:.0f} s:\n{tail(log)}")
            try:
                status, _, _, _ = http_request(port, "GET", FLOOR_PATH, {})
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        server.first_answer_s = time.perf_counter() - t0
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tail(log: Path, lines: int = 30) -> str:
    """The last lines of the server log."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def workers_of(master: int) -> list[int]:
    """The gunicorn worker processes (children of the master)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master:
            out.append(int(entry))
    return sorted(out)


def memory_of(pid: int) -> dict[str, float]:
    """Rss, Pss and Private (clean + dirty) of a process in MiB, from /proc/PID/smaps_rollup."""
    kib: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            kib[name] = int(parts[0])
    return {
        "Rss": kib.get("Rss", 0) / 1024,
        "Pss": kib.get("Pss", 0) / 1024,
        "Private": (kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)) / 1024,
    }


# -- the clients ------------------------------------------------------------------------------------


def http_request(
    port: int, method: str, path: str, cookies: dict[str, str], form: dict[str, str] | None = None
) -> tuple[int, bytes, list[str], float]:
    """One request on a new connection: (status, body, Set-Cookie headers, ms in the worker)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Host": f"127.0.0.1:{port}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        service = float(response.headers.get(SERVICE_HEADER) or "nan")
        return response.status, data, response.headers.get_all("Set-Cookie") or [], service
    finally:
        conn.close()


class Client:
    """One logged-in office user in its own session (cookie jar and CSRF token)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def call(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes]:
        """A request with the session's cookies; cookies set by the answer are kept."""
        status, body, _ = self.timed_call(method, path, form)
        return status, body

    def timed_call(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        """As `call`, with the milliseconds the worker took."""
        if form is not None and self.csrf:
            form = {**form, "csrf_token": self.csrf}
        status, body, set_cookies, service = http_request(self.port, method, path, self.cookies, form)
        for header in set_cookies:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return status, body, service

    def log_in(self, email: str, password: str) -> None:
        """Through the login form: its CSRF token, then the POST; keeps a token for later forms."""
        status, body = self.call("GET", "/anmelden")
        found = CSRF.search(body.decode())
        if status != 200 or not found:
            raise SystemExit(f"bench: the login form answered {status} without a CSRF token")
        self.csrf = found.group(1)
        status, body = self.call("POST", "/anmelden", {"email": email, "password": password})
        if status != 302:
            raise SystemExit(f"bench: login answered {status}: {body[:300]!r}")
        status, body = self.call("GET", "/verwaltung/antraege")
        found = CSRF.search(body.decode())
        if status != 200 or not found:
            raise SystemExit(f"bench: the queue answered {status} after the login")
        self.csrf = found.group(1)


def drive(
    client: Client, run: Plan, own: list[int], offset: int, start: threading.Barrier, until: list[float]
) -> Sample:
    """Cycle through the pages from `offset` until the deadline; each request is timed."""
    sample = Sample()
    n = offset
    reqs = run.requests
    start.wait()
    while time.perf_counter() < until[0]:
        req = reqs[n % len(reqs)]
        turn = n // len(reqs)
        n += 1
        expect_status, expect = 200, req.expect
        if req.post == "note":
            app_id = run.note_ids[(offset + turn) % len(run.note_ids)]
            method, path, form = "POST", f"/verwaltung/antraege/{app_id}/notizen", {"note": f"Lasttest {turn}"}
            expect_status, expect = 302, f'href="/verwaltung/antraege/{app_id}#'  # back to the page, not the login
        elif req.post == "step":
            if not own:
                continue
            app_id = own.pop()
            method, path = "POST", f"/verwaltung/antraege/{app_id}/schritt"
            form = {"trigger": "start_review", "from_state": "submitted"}
            expect_status, expect = 302, f'href="/verwaltung/antraege/{app_id}"'

        else:
            method, path, form = "GET", req.urls[(offset + turn) % len(req.urls)], None
        t = time.perf_counter()
        try:
            status, body, service = client.timed_call(method, path, form)
        except OSError as exc:
            sample.rows.append((req.name, (time.perf_counter() - t) * 1000, float("nan"), False))
            sample.errors.append(f"{req.name}: {exc}")
            continue
        elapsed = (time.perf_counter() - t) * 1000
        ok = status == expect_status and (not expect or expect.encode() in body)
        if not ok and len(sample.errors) < 5:
            sample.errors.append(f"{req.name} {path}: {status}")
        sample.rows.append((req.name, elapsed, service, ok))
    return sample


@dataclass
class LoadResult:
    """The figures of one run under load."""

    times: dict[str, list[float]]
    service: dict[str, list[float]]
    failed: dict[str, int]
    seconds: float
    memory: dict[int, dict[str, float]]
    master_memory: dict[str, float]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    first_answer_s: float
    errors: list[str]
    transitions_left: int
    client_cpu_s: float


def load(server: Server, run: Plan, clients: int, seconds: float) -> LoadResult:
    """Log the clients in, warm up, drive them for `seconds`, read the workers' memory."""
    people = []
    for _ in range(clients):
        c = Client(server.port)
        c.log_in(OFFICE_EMAIL, OFFICE_PASSWORD)
        people.append(c)
    for c in people[: max(1, len(people) // 2)]:  # warm every worker's caches on every page
        for req in run.requests:
            for url in req.urls[:2]:
                c.call("GET", url)
    shares = [run.submitted[i::clients] for i in range(clients)]
    load_before = os.getloadavg()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    barrier = threading.Barrier(clients + 1)
    until = [float("inf")]
    samples: list[Sample] = [Sample() for _ in range(clients)]

    def body(i: int) -> None:
        samples[i] = drive(people[i], run, shares[i], i * 3, barrier, until)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    until[0] = time.perf_counter() + seconds
    t0 = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    load_after = os.getloadavg()
    times: dict[str, list[float]] = {r.name: [] for r in run.requests}
    service: dict[str, list[float]] = {r.name: [] for r in run.requests}
    failed: dict[str, int] = {r.name: 0 for r in run.requests}
    for s in samples:
        for name, ms, in_worker, ok in s.rows:
            times[name].append(ms)
            if in_worker == in_worker:  # not NaN
                service[name].append(in_worker)
            if not ok:
                failed[name] += 1
    memory = {pid: memory_of(pid) for pid in workers_of(server.process.pid)}
    return LoadResult(
        times=times,
        service=service,
        failed=failed,
        seconds=elapsed,
        memory=memory,
        master_memory=memory_of(server.process.pid),
        load_before=load_before,
        load_after=load_after,
        first_answer_s=server.first_answer_s,
        errors=[e for s in samples for e in s.errors][:10],
        transitions_left=sum(len(s) for s in shares),
        client_cpu_s=(cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime),
    )


# -- the report -------------------------------------------------------------------------------------


@dataclass
class Figures:
    """One database's run, for the tables."""

    db: str
    n: int
    workers: int
    clients: int
    sequential: Sequential
    result: LoadResult


@dataclass(frozen=True)
class Row:
    """The figures of one page in one run (ms)."""

    page: str
    p50: float
    p95: float
    p99: float
    rps: float
    ratio: float  # p95 / floor p95 (client latency)
    worker_p50: float
    worker_p95: float
    worker_ratio: float  # worker p95 / floor worker p95
    statements: str
    sequential_p50: float
    count: int
    failed: int


def _pct(values: list[float], p: float) -> float:
    return pct(values, p) if values else float("nan")


def rows_of(f: Figures) -> list[Row]:
    """One row per page that was requested (alone or under load: with many pages and few seconds some are
    not reached under load, their load columns are empty)."""
    r = f.result
    floor95, floor_worker95 = _pct(r.times[FLOOR], 95), _pct(r.service[FLOOR], 95)
    out = []
    for name in dict.fromkeys([*f.sequential.p50_ms, *r.times]):
        times, service = r.times.get(name, []), r.service.get(name, [])
        if not times and name not in f.sequential.p50_ms:
            continue
        out.append(
            Row(
                page=name,
                p50=_pct(times, 50),
                p95=_pct(times, 95),
                p99=_pct(times, 99),
                rps=len(times) / r.seconds,
                ratio=_pct(times, 95) / floor95,
                worker_p50=_pct(service, 50),
                worker_p95=_pct(service, 95),
                worker_ratio=_pct(service, 95) / floor_worker95,
                statements=f.sequential.statements.get(name, ""),
                sequential_p50=f.sequential.p50_ms.get(name, float("nan")),
                count=len(times),
                failed=r.failed.get(name, 0),
            )
        )
    return out


def print_text(f: Figures) -> None:
    """The plain table of one run, memory and load."""
    r = f.result
    total = sum(len(t) for t in r.times.values())
    print(
        f"\n== {f.db}: {f.n:,} applications, {f.workers} sync workers, {f.clients} clients, "
        f"{r.seconds:.1f} s, {total / r.seconds:.0f} requests/s in all; first answer {r.first_answer_s:.2f} s "
        f"after the server started; the clients used {r.client_cpu_s:.1f} s CPU"
    )
    print(
        f"{'':<22}{'latency at the client':^39}{'in the worker':^24}{'alone':>7}\n"
        f"{'page':<22}{'p50':>8}{'p95':>8}{'p99':>8}{'req/s':>7}{'/floor':>8}{'p50':>8}{'p95':>8}{'/floor':>8}"
        f"{'p50':>7}{'SQL/req':>10}{'n':>6}{'failed':>7}"
    )
    for w in rows_of(f):
        print(
            f"{w.page:<22}{w.p50:8.1f}{w.p95:8.1f}{w.p99:8.1f}{w.rps:7.1f}{w.ratio:7.1f}x"
            f"{w.worker_p50:8.1f}{w.worker_p95:8.1f}{w.worker_ratio:7.1f}x{w.sequential_p50:7.1f}{w.statements:>10}{w.count:>6}{w.failed:>7}"
        )
    for pid, mem in r.memory.items():
        print(f"worker {pid}: Rss {mem['Rss']:.1f} MiB, Pss {mem['Pss']:.1f} MiB, Private {mem['Private']:.1f} MiB")
    m = r.master_memory
    print(f"master: Rss {m['Rss']:.1f} MiB, Private {m['Private']:.1f} MiB")
    print(
        "load average (1/5/15 min) before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}; {} cores".format(
            *r.load_before, *r.load_after, os.cpu_count()
        )
    )
    if r.transitions_left == 0:
        print("note: every submitted application was used; start_review ran out before the end")
    for e in r.errors:
        print(f"error: {e}")


def print_markdown(figures: list[Figures], seconds: float) -> None:
    """One markdown table per run, ready for docs/performance.md."""
    for f in figures:
        r = f.result
        private = [m["Private"] for m in r.memory.values()] or [0.0]
        rss = [m["Rss"] for m in r.memory.values()] or [0.0]
        print(
            f"\n{f.db}, {f.n:,} applications, {f.workers} sync workers, {f.clients} clients, {seconds:.0f} s, "
            f"{os.cpu_count()} cores, load average {r.load_before[0]:.2f} before / {r.load_after[0]:.2f} after "
            f"the run; per worker Rss {min(rss):.0f}-{max(rss):.0f} MiB, private {min(private):.0f}-"
            f"{max(private):.0f} MiB; first answer {r.first_answer_s:.1f} s after start\n"
        )
        print(
            "| page | p50 ms | p95 ms | p99 ms | req/s | p95 / floor | in worker p50 / p95 ms | "
            "in worker p95 / floor | alone p50 ms | statements | failed |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for w in rows_of(f):
            print(
                f"| {w.page} | {w.p50:.0f} | {w.p95:.0f} | {w.p99:.0f} | {w.rps:.1f} | {w.ratio:.1f} | "
                f"{w.worker_p50:.1f} / {w.worker_p95:.1f} | {w.worker_ratio:.1f} | {w.sequential_p50:.1f} | "
                f"{w.statements} | {w.failed} |"
            )


def run_db(
    db: str,
    url_factory: Callable[[Path], Any],
    n: int,
    workers: int,
    clients: int,
    seconds: float,
    funds: int = 2,
    sorts: bool = False,
) -> Figures:
    """Seed, count statements, serve, load, stop; the working directory is deleted afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="fonds-web-bench-"))
    try:
        with url_factory(workdir) as url:
            fonds = prepared_fonds(url, workdir, funds=funds)
            seeded = seed_bulk(fonds, n)
            print(f"{db}: seeded {n:,} applications over {funds} funds in {seeded.seconds:.1f} s", flush=True)
            port = free_port()
            env = server_env(url, workdir, port, workers)
            settings = load_settings(environ=env)
            run = plan(fonds, sorts)
            sequential = sequential_pass(fonds, settings, run)
            fonds.db.dispose()
            print(f"{db}: sequential pass done; starting {workers} workers", flush=True)
            with gunicorn(env, port, workdir) as server:
                result = load(server, run, clients, seconds)
            return Figures(db, n, workers, clients, sequential, result)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    """Parse the arguments and run the benchmark on the chosen databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--funds",
        type=int,
        default=2,
        help="funds in the database; > 2 adds other cities' funds the office does not manage",
    )
    parser.add_argument(
        "--sorts", action="store_true", help="also every other sort and direction: page 1 and the deep page by link"
    )
    args = parser.parse_args()
    print(
        f"web benchmark: n={args.n:,}, {args.workers} workers, {args.clients} clients, {args.seconds:.0f} s per "
        f"database, clock {NOW:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    figures = []
    if args.db in ("sqlite", "both"):
        figures.append(
            run_db("SQLite", sqlite_url, args.n, args.workers, args.clients, args.seconds, args.funds, args.sorts)
        )
        print_text(figures[-1])
    if args.db in ("postgres", "both"):
        figures.append(
            run_db("PostgreSQL", postgres_url, args.n, args.workers, args.clients, args.seconds, args.funds, args.sorts)
        )
        print_text(figures[-1])
    print("\nMarkdown for docs/performance.md:")
    print_markdown(figures, args.seconds)
    print(
        "\nlatency at the client: includes the wait for a free worker (C clients, W workers); in the worker: "
        "from the WSGI call to the response headers (X-Bench-Service-Ms); /floor: p95 over the p95 of the bare "
        "query route in the same run; alone: p50 of one client in-process, nothing else running (Flask test "
        "client); SQL/req: statements of one warm request (several values: it varies by row)."
    )


if __name__ == "__main__":
    main()
