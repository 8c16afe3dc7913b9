"""The to-do statement's planning and execution on PostgreSQL (issue 19), prepared or not.

Run:  .venv/bin/python bench/todo_plan.py DATABASE_URL [--repeat 9]

DATABASE_URL: a PostgreSQL database seeded by `bench/seed_bulk.py`. The dashboard is requested once (as
`dashboard_profile.py`) to capture the to-do statement and its parameters (`repeat` runs per mode, after
ten unmeasured ones, on a fresh connection). `--save FILE` writes them to FILE; `--against FILE` (run
from another checkout) times the saved statement too, alternately with this code's, in `rounds` rounds.
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


MODES = (("not prepared", False), ("auto", True), ("force_custom_plan", True), ("force_generic_plan", True))


def main() -> None:
    import pickle

    import psycopg

    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--save", type=Path, help="write this code's statement and parameters to FILE")
    parser.add_argument("--against", type=Path, help="also time the statement saved in FILE (alternately)")
    args = parser.parse_args()
    statements = {"this code": capture(args.url)}
    if args.save:
        args.save.write_bytes(pickle.dumps(statements["this code"]))
    if args.against:
        statements["saved"] = pickle.loads(args.against.read_bytes())
    dsn = args.url.replace("postgresql+psycopg://", "postgresql://")
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    print(f"load average before: {load}")
    med = statistics.median
    explained: dict[str, list[tuple[float, float]]] = {}
    walls: dict[tuple[str, str], list[float]] = {}
    for _round in range(args.rounds):  # alternately: every statement in every mode once per round
        for name, (statement, params) in statements.items():
            with psycopg.connect(dsn, autocommit=True) as conn:
                for _ in range(args.repeat):
                    row = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params, prepare=False).fetchone()
                    assert row is not None
                    plan = row[0][0]
                    explained.setdefault(name, []).append((float(plan["Execution Time"]), float(plan["Planning Time"])))
            for mode, prepare in MODES:
                setting = "auto" if mode == "not prepared" else mode
                with psycopg.connect(dsn, autocommit=True, options=f"-c plan_cache_mode={setting}") as conn:
                    series = []
                    for _ in range(args.repeat + 10):  # auto: 5 custom plans first, then the generic one if chosen
                        t = time.perf_counter()
                        conn.execute(statement, params, prepare=prepare).fetchall()
                        series.append((time.perf_counter() - t) * 1000)
                walls.setdefault((name, mode), []).extend(series[10:])
    base = med(walls[("saved" if "saved" in statements else "this code", "auto")])
    for name, (statement, _p) in statements.items():
        runs = explained[name]
        print(
            f"{name}: {len(statement):,} characters, {statement.count('LIMIT')} LIMITs; EXPLAIN ANALYZE (not "
            f"prepared): execution {med(r[0] for r in runs):.2f} ms, planning {med(r[1] for r in runs):.2f} ms"
        )
        for mode, _prepare in MODES:
            values = walls[(name, mode)]
            print(
                f"  {mode:<20} wall p50 {med(values):7.2f} ms  min {min(values):7.2f}  "
                f"ratio to {'saved' if 'saved' in statements else 'this code'}, auto {med(values) / base:.2f}"
            )
    with open("/proc/loadavg") as fh:
        print(f"load average after: {' '.join(fh.read().split()[:3])}")


if __name__ == "__main__":
    main()
