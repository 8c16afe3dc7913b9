"""Office pages benchmark: dashboard, queue and application page with N applications in the database.

Run:  .venv/bin/python bench/office.py [--n 100000] [--db sqlite|postgres|both] [--repeat 30] [--show-sql]

For each database the script
1. migrates an empty database, loads both funds and bulk-seeds N applications with
   `bench/seed_bulk.py` (timed; spread over both funds, 2025-2027 and every state);
2. logs in as the demo office user (manager of both funds) through the real login form of
   the Flask test client;
3. requests every page `--repeat` times (after two warm-up requests) and prints p50, p95 and
   max in milliseconds, plus the SQL statements per request (counted with a
   `before_cursor_execute` listener); the queue pages must send one list query plus one count
   whatever the page holds (no N+1);
4. baseline: the queue's count and list query built by `fondsengine.applications.queue` are compiled to
   plain SQL and run on a bare DBAPI cursor (no Flask, no ORM, no templates); the ratio
   web / baseline shows what the web layer adds.
For PostgreSQL a throwaway server is started with `tests/support/pg.py` and deleted afterwards.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask.testing import FlaskClient  # noqa: E402
from seed_bulk import NOW, OFFICE_EMAIL, OFFICE_PASSWORD, prepared_fonds, seed_bulk  # noqa: E402
from sqlalchemy import Engine as SqlEngine  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from fondsengine.applications.queue import PAGE_SIZE, QueueFilter, filtered, rows_select  # noqa: E402
from fondsengine.clock import local_date  # noqa: E402
from fondsengine.demo import CF, QF  # noqa: E402
from fondsengine.engine import Engine  # noqa: E402
from fondsengine.model import Application  # noqa: E402
from fondsengine.notify import FakeMailer  # noqa: E402
from webapp import create_app  # noqa: E402

SLOW_MS = 200.0
SEARCH = "garten"


@dataclass(frozen=True)
class Page:
    """One office page to measure; `queue` is the filter of the raw-SQL baseline (queue pages only)."""

    name: str
    urls: tuple[str, ...]
    queue: QueueFilter | None = None
    expect: str = ""


@dataclass
class Result:
    """Timings (ms) and statement counts of one page on one database."""

    page: str
    times: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    transactions: list[int] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    sample_sql: list[str] = field(default_factory=list)
    error: str = ""


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def pages(fonds: Engine) -> list[Page]:
    """The pages of the issue: dashboard, queue (page 1, page 500, filtered, searched), one application."""
    both = [CF, QF]
    qf_only = [QF]
    filter_args = {
        "fonds": QF,
        "jahr": "2026",
        "stand": "paid",
        "art": "resident",
        "kategorie": "material",
        "min": "500,00",
        "sort": "betrag",
    }
    with fonds.db.read() as s:
        rich = list(
            s.scalars(
                select(Application.id)
                .where(Application.state.in_(("documented", "refund_claimed", "proof_returned", "paid", "on_agenda")))
                .where(Application.fund_id.in_(both))  # the office's funds (others' with --funds > 2)
                .order_by(Application.id)
                .limit(400)
            )
        )[::40]
    query = "&".join(f"{k}={v}" for k, v in filter_args.items())
    return [
        Page("dashboard", (f"/verwaltung/?fonds={QF}&jahr=2026",), expect="Haushaltsjahr"),
        Page("queue page 1", ("/verwaltung/antraege",), QueueFilter(fund_ids=both), expect="gefunden"),
        Page("queue page 500", ("/verwaltung/antraege?seite=500",), QueueFilter(fund_ids=both, page=500), "gefunden"),
        Page(
            "queue filtered",
            (f"/verwaltung/antraege?{query}",),
            QueueFilter(
                fund_ids=qf_only,
                year=2026,
                state="paid",
                kind="resident",
                category="material",
                min_cents=50_000,
                sort="betrag",
            ),
            "gefunden",
        ),
        Page(
            "queue searched",
            (f"/verwaltung/antraege?q={SEARCH}",),
            QueueFilter(fund_ids=both, text=SEARCH, search_index=fonds.db.has_search_index),
            "gefunden",
        ),
        Page(
            "queue overdue",
            (f"/verwaltung/antraege?fonds={QF}&ueberfaellig=1",),
            QueueFilter(fund_ids=qf_only, overdue=True),
            "gefunden",
        ),
        Page("application page", tuple(f"/verwaltung/antraege/{i}" for i in rich), expect="Verlauf"),
    ]


@contextmanager
def counting(engine: SqlEngine) -> Iterator[list[str]]:
    """Collect the statements sent while inside the block."""
    seen: list[str] = []

    def listener(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def compiled_sql(engine: SqlEngine, stmt: Any) -> str:
    """A select as plain SQL text with the values inlined."""
    return str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def baseline_sql(engine: SqlEngine, qf: QueueFilter) -> tuple[str, str]:
    """(count SQL, page SQL) of the queue filter, exactly as the view builds them."""
    day = local_date(NOW)
    count = select(func.count()).select_from(filtered(qf, day).subquery())
    page = rows_select(qf, day).limit(PAGE_SIZE).offset((qf.page - 1) * PAGE_SIZE)
    return compiled_sql(engine, count), compiled_sql(engine, page)


def run_baseline(engine: SqlEngine, qf: QueueFilter, repeat: int) -> list[float]:
    """Time the count and the page query on a bare DBAPI cursor."""
    count_sql, page_sql = baseline_sql(engine, qf)
    raw = engine.raw_connection()
    try:
        times = []
        for i in range(repeat + 2):
            t = time.perf_counter()
            cur = raw.cursor()
            cur.execute(count_sql)
            cur.fetchall()
            cur.execute(page_sql)
            rows = cur.fetchall()
            cur.close()
            raw.rollback()
            if i >= 2:
                times.append((time.perf_counter() - t) * 1000)
        assert rows or qf.page > 1 or qf.text or qf.overdue, "baseline query returned no rows"
        return times
    finally:
        raw.close()


def login(client: FlaskClient) -> None:
    """Log in as the office user through the login form."""
    response = client.post("/anmelden", data={"email": OFFICE_EMAIL, "password": OFFICE_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"bench: login failed with status {response.status_code}")


def measure(fonds: Engine, repeat: int) -> list[Result]:
    """Request every page `repeat` times as the office user."""
    app = create_app(fonds.settings, fonds=fonds, mailer=FakeMailer())
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    login(client)
    engine = fonds.db.engine
    results = []
    for page in pages(fonds):
        res = Result(page.name)
        for i in range(repeat + 2):
            url = page.urls[i % len(page.urls)]
            with counting(engine) as seen:
                t = time.perf_counter()
                response = client.get(url)
                body = response.get_data(as_text=True)
                elapsed = (time.perf_counter() - t) * 1000
            if response.status_code != 200 or (page.expect and page.expect not in body):
                res.error = f"{url} answered {response.status_code}"
                print(f"bench: {res.error}", file=sys.stderr)
                break
            if i >= 2:
                res.times.append(elapsed)
                res.statements.append(sum(1 for q in seen if not q.startswith("BEGIN")))
                res.transactions.append(sum(1 for q in seen if q.startswith("BEGIN")))
            if i == 2:
                res.sample_sql = [q for q in seen if not q.startswith("BEGIN")]
        if page.queue is not None and not res.error:
            res.baseline = run_baseline(engine, page.queue, repeat)
        results.append(res)
    return results


def report(db: str, n: int, seconds: float, rows: dict[str, int], results: list[Result], show_sql: bool) -> None:
    """Print the table of one database."""
    seeded = (
        f"seeded in {seconds:.1f} s ({sum(rows.values()):,} rows: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(rows.items()))
        + ")"
        if rows
        else "reused database file"
    )
    print(f"\n== {db}: {n:,} applications, {seeded}")
    print(
        f"{'page':<19}{'p50':>8}{'p95':>8}{'max':>8}{'SQL/req':>9}{'on app.':>8}"
        f"{'raw p50':>9}{'raw p95':>9}{'web/raw':>8}"
    )
    for r in results:
        if r.error:
            print(f"{r.page:<19}FAILED: {r.error}")
            continue
        counts = sorted(set(r.statements))
        on_apps = sum(1 for s in r.sample_sql if "applications" in s)
        line = (
            f"{r.page:<19}{pct(r.times, 50):8.1f}{pct(r.times, 95):8.1f}{max(r.times):8.1f}"
            f"{'/'.join(map(str, counts)):>9}{on_apps:>8}"
        )
        if r.baseline:
            raw50 = pct(r.baseline, 50)
            line += f"{raw50:9.1f}{pct(r.baseline, 95):9.1f}{pct(r.times, 50) / raw50:7.1f}x"
        flags = []
        if pct(r.times, 95) > SLOW_MS:
            flags.append("SLOW")
        if len(counts) > 1 and r.baseline:  # a list page must not depend on the rows shown
            flags.append("statement count varies: N+1?")
        print(line + ("  <- " + ", ".join(flags) if flags else ""))
        if show_sql:
            for s in r.sample_sql:
                print("      " + " ".join(s.split())[:300])


def run(
    db: str,
    url_factory: Callable[[Path], Any],
    n: int,
    repeat: int,
    show_sql: bool,
    keep: Path | None = None,
    revision: str = "head",
) -> None:
    """Prepare, seed and measure one database (a kept SQLite file is seeded once and reused)."""
    workdir = Path(tempfile.mkdtemp(prefix="fonds-office-bench-"))
    try:
        with url_factory(keep.parent if keep else workdir) as url:
            reuse = keep is not None and keep.exists()
            if keep is not None:
                url = f"sqlite:///{keep}"
            fonds = prepared_fonds(url, workdir, revision, load=not reuse)
            if reuse:
                seconds, rows = 0.0, {}
            else:
                seeded = seed_bulk(fonds, n)
                seconds, rows = seeded.seconds, seeded.rows
                print(f"{db}: seeded {n:,} applications in {seconds:.1f} s", flush=True)
            try:
                results = measure(fonds, repeat)
            finally:
                fonds.db.dispose()
            report(db, n, seconds, rows, results, show_sql)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def sqlite_url(workdir: Path) -> Iterator[str]:
    """A SQLite file in the work directory."""
    yield f"sqlite:///{workdir / 'office.db'}"


@contextmanager
def postgres_url(_workdir: Path) -> Iterator[str]:
    """A database on a throwaway PostgreSQL server."""
    from tests.support.pg import running_postgres

    with running_postgres() as server:
        server.admin('CREATE DATABASE "office"')
        yield server.url("office")


def main() -> None:
    """Parse the arguments and run the benchmark on the chosen databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sqlite-file", type=Path, help="keep the seeded SQLite database here and reuse it next time")
    parser.add_argument("--revision", default="head", help="migrate only to this revision (0004: without the indexes)")
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one request per page")
    args = parser.parse_args()
    print(
        f"office pages benchmark: n={args.n:,}, repeat={args.repeat}, schema {args.revision}, "
        f"clock {NOW:%Y-%m-%d %H:%M} UTC"
    )
    if args.db in ("sqlite", "both"):
        run("SQLite", sqlite_url, args.n, args.repeat, args.show_sql, args.sqlite_file, args.revision)
    if args.db in ("postgres", "both"):
        run("PostgreSQL", postgres_url, args.n, args.repeat, args.show_sql, revision=args.revision)
    print(
        f"\nSQL/req: statements per request (several values = it varies); on app.: statements that read "
        f"the applications table; raw: the queue's count + page query on a bare DBAPI cursor. "
        f"Pages over {SLOW_MS:.0f} ms p95 are marked SLOW."
    )


if __name__ == "__main__":
    main()
