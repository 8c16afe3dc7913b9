"""The dashboard on a seeded database, statement by statement (issue 19).

Run:  .venv/bin/python bench/dashboard_profile.py DATABASE_URL [--repeat 12] [--explain] [--dump FILE]
      [--migrate REVISION]

DATABASE_URL: a database seeded by `bench/seed_bulk.py` (nothing is written). The dashboard is requested
`repeat` times in process (Flask test client, the seeder's clock and office user) after two warm-up
requests; printed: the p50 of the request and of each of its statements (matched by their position in
the request), the statements' sum and the request's time outside them, and with `--explain` the
`EXPLAIN (ANALYZE, BUFFERS)` execution and planning times of each statement (PostgreSQL). `--dump`
writes the read model the page is rendered from (every template value but the helpers, as `repr`) to
FILE, for comparing two versions of the code on one database. `--migrate` first moves the database to
that Alembic revision (up or down) and prints how long it took (`--migrate-only`: and stops).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import template_rendered  # noqa: E402
from sqlalchemy import Engine as SqlEngine  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.seed_bulk import NOW, OFFICE_EMAIL, OFFICE_PASSWORD  # noqa: E402
from fondsengine.clock import FixedClock  # noqa: E402
from fondsengine.config import load_settings  # noqa: E402
from fondsengine.db import open_database  # noqa: E402
from fondsengine.engine import Engine  # noqa: E402
from fondsengine.notify import FakeMailer  # noqa: E402
from webapp import create_app  # noqa: E402

# template values that are helpers or layout, not figures
SKIP = {"chart_width", "csrf_token", "config", "request", "session", "g", "current_user", "get_flashed_messages"}


@contextmanager
def timed_statements(engine: SqlEngine) -> Iterator[list[tuple[str, Any, float]]]:
    """Collect (statement, parameters, ms) of every statement run while inside."""
    seen: list[tuple[str, Any, float]] = []

    def before(_c: Any, _cur: Any, _statement: str, _p: Any, context: Any, _m: bool) -> None:
        context._bench_t = time.perf_counter()

    def after(_c: Any, _cur: Any, statement: str, parameters: Any, context: Any, _m: bool) -> None:
        seen.append((statement, parameters, (time.perf_counter() - context._bench_t) * 1000))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def label(statement: str) -> str:
    """A short name of a statement: its first table after FROM (or UPDATE/INSERT)."""
    flat = " ".join(statement.split())
    m = re.search(r"\bFROM\s+\(?\s*(?:SELECT\b.*?\bFROM\s+)?([a-z_]+)", flat, re.IGNORECASE)
    head = flat[:40]
    return f"{m.group(1) if m else '?'}: {head}"


def open_fonds(url: str) -> Engine:
    workdir = Path(tempfile.mkdtemp(prefix="fonds-dash-"))
    settings = load_settings(
        environ={},
        database_url=url,
        instance_path=str(workdir / "instance"),
        secret_key="bench-secret-key-0123456789abcdef-32+",
        dispatch_after_commit=False,
    )
    return Engine(db=open_database(url), settings=settings, clock=FixedClock(NOW))


def migrate(url: str, revision: str) -> None:
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    from fondsengine.migrate import alembic_config

    engine = open_database(url).engine
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    t = time.perf_counter()
    cfg = alembic_config(url)
    if current is not None and revision != "head" and current > revision:
        command.downgrade(cfg, revision)
    else:
        command.upgrade(cfg, revision)
    print(f"migrated {current} -> {revision} in {time.perf_counter() - t:.1f} s")


def explain(engine: SqlEngine, statement: str, parameters: Any) -> tuple[float, float]:
    """(execution ms, planning ms) of one statement by EXPLAIN ANALYZE."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
        plan = cur.fetchone()[0][0]
        raw.rollback()
        return float(plan["Execution Time"]), float(plan["Planning Time"])
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--migrate")
    parser.add_argument("--migrate-only", action="store_true", help="migrate (--migrate) and stop")
    parser.add_argument("--path", default="/verwaltung/")
    parser.add_argument("--plan", type=int, action="append", default=[], help="print the plan of statement N")
    args = parser.parse_args()
    if args.migrate:
        migrate(args.url, args.migrate)
        if args.migrate_only:
            return
    fonds = open_fonds(args.url)
    app = create_app(fonds.settings, fonds=fonds, mailer=FakeMailer())
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    if client.post("/anmelden", data={"email": OFFICE_EMAIL, "password": OFFICE_PASSWORD}).status_code != 302:
        raise SystemExit("login failed")
    engine = fonds.db.engine
    contexts: list[dict[str, Any]] = []

    def rendered(_app: Any, template: Any, context: dict[str, Any], **_kw: Any) -> None:
        if template.name == "manage/dashboard.html":
            contexts.append(context)

    template_rendered.connect(rendered, app)
    totals: list[float] = []
    per_statement: dict[int, list[float]] = {}
    names: dict[int, str] = {}
    sample: list[tuple[str, Any, float]] = []
    for i in range(args.repeat + 2):
        with timed_statements(engine) as seen:
            t = time.perf_counter()
            response = client.get(args.path)
            response.get_data()
            elapsed = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            raise SystemExit(f"dashboard answered {response.status_code}")
        if i < 2:
            continue
        totals.append(elapsed)
        sample = seen
        for pos, (stmt, _p, ms) in enumerate(s for s in seen if not s[0].startswith("BEGIN")):
            per_statement.setdefault(pos, []).append(ms)
            names[pos] = label(stmt)
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    import fondsengine

    print(f"code: {Path(fondsengine.__file__).parent}")
    print(f"dashboard {args.path}: p50 {statistics.median(totals):.1f} ms over {len(totals)} requests, "
          f"min {min(totals):.1f}, {len(per_statement)} statements, load average {' '.join(load)}")  # fmt: skip
    stmt_sum = sum(statistics.median(v) for v in per_statement.values())
    print(
        f"  statements p50 sum {stmt_sum:.1f} ms; "
        f"outside them (Python, template) {statistics.median(totals) - stmt_sum:.1f} ms"
    )
    plans = [s for s in sample if not s[0].startswith("BEGIN")]
    for pos, values in sorted(per_statement.items()):
        line = f"  {pos + 1:>2}. {statistics.median(values):7.2f} ms  {names[pos]}"
        if args.explain and engine.dialect.name == "postgresql":
            runs = [explain(engine, plans[pos][0], plans[pos][1]) for _ in range(3)]
            run_ms, plan_ms = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
            line += f"   explain exec {run_ms:.2f} / plan {plan_ms:.2f} ms"
        print(line)
    for pos in args.plan:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + plans[pos - 1][0], plans[pos - 1][1])
            print(f"  plan of statement {pos}:")
            for (line,) in cur.fetchall():
                print("    " + line)
            raw.rollback()
        finally:
            raw.close()
    if args.dump:
        model = {k: repr(v) for k, v in sorted(contexts[-1].items()) if k not in SKIP and not callable(v)}
        args.dump.write_text("\n".join(f"{k} = {v}" for k, v in model.items()) + "\n")
        print(f"  read model ({len(model)} values) written to {args.dump}")
    fonds.db.dispose()


if __name__ == "__main__":
    main()
