"""Web worker benchmark: memory per gunicorn worker and the time to the first response.

Run:  .venv/bin/python bench/workers.py [--workers 4] [--threads 1] [--n 2000] [--rounds 6] [--starts 5]

1. migrates a temporary SQLite database, loads both funds and bulk-seeds N applications with
   `bench/seed_bulk.py` (the office user of the demo included);
2. byte-compiles fondsengine/ and webapp/ (as installing the wheel does; `--from-source` skips
   it, then every start compiles ~180 modules when PYTHONDONTWRITEBYTECODE is set) and starts
   `fondsengine serve` with W workers (T threads each; 1 = sync workers) and measures
   the time from starting the process to the first answer of /healthz and of the start page;
   before that, `--starts` times each, alternately: `fondsengine serve` and the floor, a bare Flask
   app with one /healthz route under gunicorn with preload (bench/bare_flask.py), each until its
   first /healthz answer: the master's CPU time (user + system, from /proc/PID/stat; what a
   shared machine's load does not inflate much) and the wall time, with /proc/loadavg, min and
   median, and the ratio to the floor;
3. warms every worker: logs in as the office once and requests the start page, the login page,
   the dashboard, the queue (plain and searched), an application page, /healthz and /readyz
   from W parallel clients until the request log shows that every worker served every page
   (at most `--rounds` rounds);
4. prints, per worker and for the master, from /proc/PID/smaps_rollup: Rss, Pss and the unique
   memory (Private_Clean + Private_Dirty: what the process would free when it ends), and which
   heavy modules (reportlab, openpyxl, pypdf, ...) building the app imports (one extra process).
Before/after comparisons are the git history; the script only prints figures.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from seed_bulk import OFFICE_EMAIL, OFFICE_PASSWORD, prepared_fonds, seed_bulk  # noqa: E402
from sqlalchemy import select  # noqa: E402

from fondsengine.model import Application  # noqa: E402
from tests.support.serving import children, free_port, instance_env  # noqa: E402

FONDSENGINE = str(Path(sys.executable).parent / "fondsengine")
HEAVY = ("reportlab", "openpyxl", "pypdf", "PIL", "boto3", "botocore", "alembic", "cryptography")
MIB = 1024 * 1024


def smaps(pid: int) -> dict[str, int]:
    """The summed memory figures (bytes) of a process from /proc/PID/smaps_rollup."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        number = rest.split()
        if number and number[0].isdigit():
            values[name] = int(number[0]) * 1024
    values["Unique"] = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, started: float, timeout: float = 60) -> float:
    """Seconds from `started` until `url` answered 200 (polled every 10 ms, through one client: a new
    httpx client per poll builds an SSL context, 21 ms of CPU, which took a core from the server)."""
    deadline = started + timeout
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                if client.get(url).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.01)
    raise SystemExit(f"bench: {url} did not answer within {timeout} s")


def start_once(command: list[str], env: dict[str, str], cwd: Path, port: int) -> tuple[float, float]:
    """Start a server, wait for its first /healthz answer, stop it: (master CPU s, wall s) until then."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wall = wait_for(f"http://127.0.0.1:{port}/healthz", started)
        return cpu_seconds(process.pid), wall
    finally:
        process.terminate()
        process.wait(timeout=30)


def start_series(starts: int, workers: int, env: dict[str, str], cwd: Path) -> None:
    """`starts` starts of `fondsengine serve` and of the bare Flask floor, alternately; prints the figures."""
    runs: dict[str, list[tuple[float, float]]] = {"fondsengine serve": [], "bare Flask (floor)": []}
    loads = []
    for _ in range(starts):
        port = free_port()
        serve = [FONDSENGINE, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        runs["fondsengine serve"].append(start_once(serve, env, cwd, port))
        port = free_port()
        floor = [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(workers), "--bind",
                 f"127.0.0.1:{port}", "--chdir", str(ROOT / "bench"), "bare_flask:app"]  # fmt: skip
        runs["bare Flask (floor)"].append(start_once(floor, env, cwd, port))
        loads.append(Path("/proc/loadavg").read_text().split()[0])
    print(f"\nuntil the first /healthz answer, {starts} starts each ({workers} workers; 1-min load average "
          f"after each pair {' '.join(loads)}):")  # fmt: skip
    print(f"{'':<20}{'CPU min':>9}{'CPU median':>12}{'wall min':>10}{'wall median':>13}")
    medians = {}
    for name, figures in runs.items():
        cpu = sorted(c for c, _ in figures)
        wall = sorted(w for _, w in figures)
        medians[name] = (statistics.median(cpu), statistics.median(wall))
        print(f"{name:<20}{cpu[0]:>8.2f}s{medians[name][0]:>11.2f}s{wall[0]:>9.2f}s{medians[name][1]:>12.2f}s")
    (cpu_serve, wall_serve), (cpu_floor, wall_floor) = medians.values()
    print(f"serve / floor (medians): CPU {cpu_serve / cpu_floor:.1f}x, wall {wall_serve / wall_floor:.1f}x; "
          f"serve minus floor: CPU {cpu_serve - cpu_floor:.2f} s")  # fmt: skip


def login(base: str) -> httpx.Cookies:
    """Log in as the office user through the form; the session cookie is valid in every worker."""
    with httpx.Client(base_url=base, timeout=30) as client:
        form = client.get("/anmelden").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        if token is None:
            raise SystemExit("bench: no CSRF token on the login form")
        answer = client.post(
            "/anmelden", data={"email": OFFICE_EMAIL, "password": OFFICE_PASSWORD, "csrf_token": token.group(1)}
        )
        if answer.status_code != 302:
            raise SystemExit(f"bench: login failed with status {answer.status_code}")
        return client.cookies


def warm(base: str, paths: list[str], cookies: httpx.Cookies, clients: int) -> None:
    """Every path once from each of `clients` parallel clients (one connection per request)."""
    errors: list[str] = []

    def run() -> None:
        for path in paths:
            with httpx.Client(base_url=base, cookies=cookies, timeout=60) as client:
                status = client.get(path).status_code
            if status != 200:
                errors.append(f"{path}: {status}")

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit("bench: warm-up request failed: " + ", ".join(sorted(set(errors))))


def served(log: Path) -> dict[int, set[str]]:
    """pid -> the paths (without query) it answered, from the JSON request log."""
    seen: dict[int, set[str]] = defaultdict(set)
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("logger") == "webapp.request" and record.get("status") == 200:
            seen[int(record["pid"])].add(str(record["path"]))
    return seen


def loaded_modules(env: dict[str, str]) -> list[str]:
    """The heavy modules present after building the app the way a worker does (one extra process)."""
    probe = (
        "import sys; from fondsengine.config import load_settings; from webapp import create_app; "
        "create_app(load_settings()); "
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1: sync workers)")
    parser.add_argument("--n", type=int, default=2000, help="applications to seed")
    parser.add_argument("--rounds", type=int, default=6, help="warm-up rounds at most")
    parser.add_argument("--starts", type=int, default=5, help="timed starts of serve and of the floor (0: none)")
    parser.add_argument(
        "--from-source", action="store_true",
        help="do not byte-compile fondsengine/ and webapp/ first (as pip does when it installs the wheel)",
    )  # fmt: skip
    args = parser.parse_args()
    if not args.from_source:  # an installed wheel has .pyc files; a checkout with PYTHONDONTWRITEBYTECODE has none
        for package in ("fondsengine", "webapp"):
            compileall.compile_dir(ROOT / package, quiet=1)

    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp_name:
        tmp = Path(tmp_name)
        url = f"sqlite:///{tmp / 'bench.db'}"
        t = time.perf_counter()
        fonds = prepared_fonds(url, tmp)
        seed_bulk(fonds, args.n)
        with fonds.db.read() as s:
            app_id = s.scalar(select(Application.id).where(Application.submitted_at.is_not(None)).limit(1))
        fonds.db.dispose()
        print(f"seeded {args.n} applications on SQLite in {time.perf_counter() - t:.1f} s")

        env = instance_env(tmp, url, log_format="json")
        if args.starts > 0:
            start_series(args.starts, args.workers, env, tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp / "serve.log"
        with open(log, "wb") as out:
            started = time.monotonic()
            process = subprocess.Popen(
                [FONDSENGINE, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                 "--threads", str(args.threads)],
                env=env, cwd=tmp, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            first_health = wait_for(base + "/healthz", started)
            master_cpu = cpu_seconds(process.pid)
            first_page = wait_for(base + "/", started)
            print(f"first response after process start: /healthz {first_health * 1000:.0f} ms, "
                  f"start page {first_page * 1000:.0f} ms (wall clock; the master had used "
                  f"{master_cpu * 1000:.0f} ms CPU until /healthz answered)")  # fmt: skip

            cookies = login(base)
            paths = [
                "/", "/anmelden", "/verwaltung/", "/verwaltung/antraege", "/verwaltung/antraege?q=garten",
                f"/verwaltung/antraege/{app_id}", "/healthz", "/readyz",
            ]  # fmt: skip
            wanted = {p.split("?")[0] for p in paths}
            workers = children(process.pid)
            rounds = 0
            while rounds < args.rounds:
                rounds += 1
                warm(base, paths, cookies, clients=args.workers)
                seen = served(log)
                if all(wanted <= seen.get(pid, set()) for pid in workers):
                    break
            cold = [pid for pid in workers if not wanted <= seen.get(pid, set())]
            print(f"warmed {len(workers)} workers in {rounds} rounds of {len(paths)} pages x {args.workers} clients"
                  + (f" (not every page reached workers {cold})" if cold else ""))  # fmt: skip

            print(f"\n{'process':<16}{'Rss MiB':>9}{'Pss MiB':>9}{'unique MiB':>12}{'shared MiB':>12}")
            rows = [("master", process.pid)] + [(f"worker {pid}", pid) for pid in sorted(workers)]
            uniques = []
            for name, pid in rows:
                m = smaps(pid)
                if name != "master":
                    uniques.append(m["Unique"])
                print(f"{name:<16}{m['Rss'] / MIB:>9.1f}{m['Pss'] / MIB:>9.1f}{m['Unique'] / MIB:>12.1f}"
                      f"{(m['Rss'] - m['Unique']) / MIB:>12.1f}")  # fmt: skip
            total_pss = sum(smaps(pid)["Pss"] for _, pid in rows)
            mean = sum(uniques) / len(uniques)
            print(f"unique per worker: max {max(uniques) / MIB:.1f} MiB, mean {mean / MIB:.1f} MiB; "
                  f"server total (Pss of master + workers) {total_pss / MIB:.1f} MiB")  # fmt: skip
            print("heavy modules after create_app: " + (" ".join(loaded_modules(env)) or "none"))
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    print(f"workers {args.workers}, threads {args.threads}, Python {sys.version.split()[0]}, "
          f"{'from source' if args.from_source else 'byte-compiled'}, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
