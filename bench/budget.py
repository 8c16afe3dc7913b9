"""Budget figures benchmark: a fund year's balance and year chart from the running totals vs from the entries.

Run:  .venv/bin/python bench/budget.py [--entries 100000] [--db sqlite|postgres|both] [--repeat 200]

For each database the script
1. migrates an empty database, loads both funds and bulk-seeds applications with
   `bench/seed_bulk.py` until the ledger holds at least `--entries` bookings (seed_bulk rebuilds
   the budget years' running totals and month sums from what it wrote);
2. checks that the totals equal the fold over the entries for every fund year (`ledger.fold_all`);
3. times, for the fund year with the most entries, `ledger.balance` (one row of budget_years)
   against `ledger.balance_from_entries` (SUM ... GROUP BY kind over the year's entries), and the
   dashboard's year chart `webapp.manage.chart.monthly` (ledger_months) against the grouped query
   over the entries it replaced; each `--repeat` times in one read transaction after a warm-up.
Prints p50 and p95 in milliseconds and the ratio entries / totals (p50).
For PostgreSQL a throwaway server is started with `tests/support/pg.py` and deleted afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from seed_bulk import prepared_fonds, seed_bulk  # noqa: E402
from sqlalchemy import extract, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from fondsengine import ledger  # noqa: E402
from fondsengine.model import LedgerEntry  # noqa: E402
from webapp.manage.chart import MONTHS, Month, monthly  # noqa: E402

ENTRIES_PER_APPLICATION = 1.15  # about what seed_bulk writes per application (commitments, releases, payments)
SIGNED = {"commitment": ("committed", 1), "release": ("committed", -1), "payment": ("paid", 1), "refund": ("paid", -1)}


def monthly_from_entries(s: Session, fund_id: str, year: int) -> list[Month]:
    """The year chart as it was computed before the month sums: one grouped query over the entries."""
    rows = s.execute(
        select(
            extract("year", LedgerEntry.booked_at),
            extract("month", LedgerEntry.booked_at),
            LedgerEntry.kind,
            func.sum(LedgerEntry.amount_cents),
        )
        .where(LedgerEntry.fund_id == fund_id, LedgerEntry.budget_year == year)
        .where(LedgerEntry.kind.in_(tuple(SIGNED)))
        .group_by(extract("year", LedgerEntry.booked_at), extract("month", LedgerEntry.booked_at), LedgerEntry.kind)
    ).all()
    per = [{"committed": 0, "paid": 0} for _ in range(12)]
    for y, m, kind, amount in rows:
        index = 0 if int(y) < year else 11 if int(y) > year else int(m) - 1
        name, sign = SIGNED[kind]
        per[index][name] += sign * int(amount)
    out, committed, paid = [], 0, 0
    for i, delta in enumerate(per):
        committed += delta["committed"]
        paid += delta["paid"]
        out.append(Month(MONTHS[i], committed, paid))
    return out


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """p50 and p95 in ms of `repeat` calls (after two warm-up calls)."""
    fn()
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def run(label: str, url_of: Callable[[Path], Any], entries: int, repeat: int) -> None:
    """Seed, check and time one database."""
    with tempfile.TemporaryDirectory(prefix="fonds-budget-") as tmp, url_of(Path(tmp)) as url:
        fonds = prepared_fonds(url, Path(tmp))
        n = int(entries / ENTRIES_PER_APPLICATION) + 1
        report = seed_bulk(fonds, n)
        with fonds.db.engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(LedgerEntry)) or 0
            fund_id, year, in_year = conn.execute(
                select(LedgerEntry.fund_id, LedgerEntry.budget_year, func.count())
                .group_by(LedgerEntry.fund_id, LedgerEntry.budget_year)
                .order_by(func.count().desc())
                .limit(1)
            ).one()
            balances, _months = ledger.fold_all(conn)
        print(
            f"\n{label}: {n:,} applications seeded in {report.seconds:.1f} s; {total:,} ledger entries, "
            f"{in_year:,} of them in {fund_id} {year}"
        )
        with fonds.db.read() as s:
            mismatched = [k for k, b in balances.items() if ledger.balance(s, k[0], k[1]) != b]
            assert not mismatched, f"totals differ from the fold: {mismatched}"
            assert ledger.balance(s, fund_id, year) == ledger.balance_from_entries(s, fund_id, year)
            assert monthly(s, fund_id, year)[-1] == monthly_from_entries(s, fund_id, year)[-1]
            cases = [
                ("balance", lambda: ledger.balance(s, fund_id, year),
                 lambda: ledger.balance_from_entries(s, fund_id, year)),
                ("year chart (monthly)", lambda: monthly(s, fund_id, year),
                 lambda: monthly_from_entries(s, fund_id, year)),
            ]  # fmt: skip
            print(f"  {'figure':<22}{'totals p50/p95 ms':>20}{'entries p50/p95 ms':>22}{'ratio p50':>11}")
            for name, fast, slow in cases:
                f50, f95 = timed(fast, repeat)
                s50, s95 = timed(slow, repeat)
                print(f"  {name:<22}{f50:>10.3f} /{f95:>7.3f}{s50:>12.3f} /{s95:>7.3f}{s50 / f50:>10.0f}x")
        fonds.db.dispose()


@contextmanager
def sqlite_url(workdir: Path) -> Iterator[str]:
    """A SQLite file in the work directory."""
    yield f"sqlite:///{workdir / 'budget.db'}"


@contextmanager
def postgres_url(_workdir: Path) -> Iterator[str]:
    """A database on a throwaway PostgreSQL server."""
    from tests.support.pg import running_postgres

    with running_postgres() as server:
        server.admin('CREATE DATABASE "budget"')
        yield server.url("budget")


def main() -> None:
    """Parse the arguments and run the benchmark on the chosen databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"budget figures benchmark: >= {args.entries:,} ledger entries, repeat={args.repeat}")
    if args.db in ("sqlite", "both"):
        run("SQLite", sqlite_url, args.entries, args.repeat)
    if args.db in ("postgres", "both"):
        run("PostgreSQL", postgres_url, args.entries, args.repeat)


if __name__ == "__main__":
    main()
