"""The to-do statement's planning and execution on PostgreSQL (issue 19), prepared or not.

Run:  .venv/bin/python bench/todo_plan.py DATABASE_URL [--repeat 9]

DATABASE_URL: a PostgreSQL database seeded by `bench/seed_bulk.py`. The dashboard is requested once (as
`dashboard_profile.py`) to capture the to-do statement and its parameters (`repeat` runs per mode, after
ten unmeasured ones, on a fresh connection).
Printed: EXPLAIN ANALYZE's planning and execution of the statement as sent, and the wall time of the
statement (its rows fetched) after six executions in each mode: not prepared, prepared with
`plan_cache_mode` auto (what psycopg's automatic preparing after five executions gets: five custom plans,
then the generic one if PostgreSQL deems it no dearer), force_custom_plan and force_generic_plan, two
rounds alternately, with the ratio to "not prepared".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard_profile import open_fonds, timed_statements  # noqa: E402
from bench.seed_bulk import OFFICE_EMAIL, OFFICE_PASSWORD  # noqa: E402
from fondsengine.notify import FakeMailer  # noqa: E402
from webapp import create_app  # noqa: E402


def capture(url: str) -> tuple[str, dict[str, object]]:
    fonds = open_fonds(url)
    app = create_app(fonds.settings, fonds=fonds, mailer=FakeMailer())
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/anmelden", data={"email": OFFICE_EMAIL, "password": OFFICE_PASSWORD})
    with timed_statements(fonds.db.engine) as seen:
        client.get("/verwaltung/")
    fonds.db.dispose()
    todo = [s for s in seen if "AS grp" in s[0]]
    return todo[-1][0], todo[-1][1]


def main() -> None:
    import psycopg

    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    statement, params = capture(args.url)
    dsn = args.url.replace("postgresql+psycopg://", "postgresql://")
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    print(f"to-do statement: {len(statement):,} characters, {statement.count('LIMIT')} LIMITs, load {load}")
    med = statistics.median
    with psycopg.connect(dsn, autocommit=True) as conn:
        plain = []
        for _ in range(args.repeat):
            row = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params, prepare=False).fetchone()
            assert row is not None
            plain.append((float(row[0][0]["Execution Time"]), float(row[0][0]["Planning Time"])))
        print(f"  EXPLAIN ANALYZE (not prepared): execution {med(r[0] for r in plain):.2f} ms, "
              f"planning {med(r[1] for r in plain):.2f} ms")  # fmt: skip
    walls: dict[str, list[float]] = {}
    for _round in range(2):  # alternately
        for mode, prepare in (("not prepared", False), ("auto", True), ("force_custom_plan", True),
                              ("force_generic_plan", True)):  # fmt: skip
            setting = "auto" if mode == "not prepared" else mode
            with psycopg.connect(dsn, autocommit=True, options=f"-c plan_cache_mode={setting}") as conn:
                series = []
                for _ in range(args.repeat + 10):  # auto: 5 custom plans first, then the generic one if chosen
                    t = time.perf_counter()
                    conn.execute(statement, params, prepare=prepare).fetchall()
                    series.append((time.perf_counter() - t) * 1000)
            walls.setdefault(mode, []).extend(series[10:])
    base = med(walls["not prepared"])
    for mode, values in walls.items():
        ratio = med(values) / base
        print(f"  {mode:<20} wall p50 {med(values):7.2f} ms  min {min(values):7.2f}  ratio {ratio:.2f}")
    with open("/proc/loadavg") as fh:
        print(f"  load average after: {' '.join(fh.read().split()[:3])}")


if __name__ == "__main__":
    main()
