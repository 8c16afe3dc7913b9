"""The office queue's list statement for every sort and direction, first page and deep page (issue 19).

Run:  .venv/bin/python bench/queue_plans.py DATABASE_URL [--repeat 5] [--plans]

DATABASE_URL: a database seeded by `bench/seed_bulk.py` (nothing is written). For each of the queue's
sorts in both directions the office's queue (all funds it manages) is read through `office_queue` at
page 1 and at the page 4/5 down the list reached by the link of the page before (keyset); the page's
list statement (the one with LIMIT) is captured and explained: on PostgreSQL `EXPLAIN (ANALYZE,
BUFFERS)` (execution and planning ms, median of `repeat`, shared buffers, the application rows its scans
read, the indexes used), on SQLite the statement's time (median of `repeat`) and its `EXPLAIN QUERY PLAN`
in one line (a "USE TEMP B-TREE FOR ORDER BY" under a scan of applications: it sorts the funds' rows).
`--plans` prints every plan.
Run it from two checkouts on one database (migrated with `dashboard_profile.py --migrate`) for before and
after.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from bench.dashboard_profile import open_fonds, timed_statements  # noqa: E402
from bench.seed_bulk import OFFICE_EMAIL  # noqa: E402
from fondsengine.applications.queue import PAGE_SIZE, SORTS, QueueFilter, office_queue, parse_position  # noqa: E402
from fondsengine.engine import Actor, Engine  # noqa: E402
from fondsengine.model import Application, User  # noqa: E402


def list_statement(fonds: Engine, actor: Actor, qf: QueueFilter) -> tuple[str, Any]:
    """The page's list statement (the largest statement with LIMIT) and its parameters."""
    with timed_statements(fonds.db.engine) as seen:
        page = office_queue(fonds, actor, qf)
    assert page.rows, "an empty page"
    limited = [(st, p) for st, p, _ms in seen if "LIMIT" in st and "applications" in st]
    return max(limited, key=lambda sp: len(sp[0]))


def explain_pg(fonds: Engine, statement: str, params: Any, repeat: int) -> tuple[str, list[str]]:
    raw = fonds.db.engine.raw_connection()
    try:
        cur = raw.cursor()
        runs = []
        for _ in range(repeat):
            cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, params)
            runs.append(cur.fetchone()[0][0])
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
        lines = [r[0] for r in cur.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    execution = statistics.median(float(r["Execution Time"]) for r in runs)
    planning = statistics.median(float(r["Planning Time"]) for r in runs)
    top = runs[-1]["Plan"]
    buffers = int(top.get("Shared Hit Blocks", 0)) + int(top.get("Shared Read Blocks", 0))
    read = sum(rows for _name, rows in _scans(top) if _name != "funds")
    indexes = sorted(set(re.findall(r"(?:Index|Index Only) Scan(?: Backward)? using (\w+)", "\n".join(lines))))
    sorted_all = read > 4 * PAGE_SIZE * len(re.findall(r"Limit  \(", "\n".join(lines)))
    summary = (
        f"exec {execution:6.2f} ms  plan {planning:5.2f} ms  buffers {buffers:6d}  applications read {read:6d}  "
        f"{'top-N sort of the filtered rows' if sorted_all else 'index range'}  {', '.join(indexes) or 'no index'}"
    )
    return summary, lines


def _scans(node: dict[str, Any]) -> list[tuple[str, int]]:
    """(relation, rows it returned over all loops) of every scan node of a JSON plan (the rows a scan reads
    from its index or table after its index conditions, before the filters above it: "Rows Removed by
    Filter" added)."""
    out = []
    if "Relation Name" in node:
        rows = (int(node.get("Actual Rows", 0)) + int(node.get("Rows Removed by Filter", 0))) * int(
            node.get("Actual Loops", 1)
        )
        out.append((str(node["Relation Name"]), rows))
    for child in node.get("Plans", []):
        out += _scans(child)
    return out


def explain_sqlite(fonds: Engine, statement: str, params: Any, repeat: int) -> tuple[str, list[str]]:
    with fonds.db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            conn.exec_driver_sql(statement, params).all()
            times.append((time.perf_counter() - t) * 1000)
    lines = [str(r[-1]) for r in plan]
    summary = f"time {statistics.median(times):6.2f} ms  plan: {' | '.join(lines)}"
    return summary, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args()
    fonds = open_fonds(args.url)
    with fonds.db.read() as s:
        office = s.scalar(select(User.id).where(User.email == OFFICE_EMAIL))
        listed = s.scalar(select(text("count(*)")).select_from(Application).where(Application.state != "draft"))
    assert office is not None
    actor = Actor(office)
    deep = max(2, -(-int(listed or 0) // PAGE_SIZE) * 4 // 5)
    pg = fonds.db.engine.dialect.name == "postgresql"
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    import fondsengine

    print(f"code: {Path(fondsengine.__file__).parent}; {listed:,} listed, deep page {deep}; load {load}")
    for sort in SORTS:
        for descending in (True, False):
            first = QueueFilter(sort=sort, descending=descending)
            before = office_queue(fonds, actor, QueueFilter(sort=sort, descending=descending, page=deep - 1))
            assert before.next_position is not None
            position = parse_position(before.next_position, sort, descending)
            deep_qf = QueueFilter(sort=sort, descending=descending, page=deep, position=position)
            for name, qf in (("page 1", first), (f"page {deep} (link)", deep_qf)):
                statement, params = list_statement(fonds, actor, qf)
                summary, lines = (explain_pg if pg else explain_sqlite)(fonds, statement, params, args.repeat)
                way = "desc" if descending else "asc"
                print(f"  {sort:<13}{way:<5}{name:<18}{summary}")
                if args.plans:
                    print("\n".join("      " + ln for ln in lines))
    fonds.db.dispose()


if __name__ == "__main__":
    main()
