"""Benchmark: assembling the annual report and the roll-up from a year with many applications.

Run: .venv/bin/python bench/reports_data.py [N] [DATABASE_URL]   (default 100,000, a temp SQLite)
Rows are bulk-inserted (no service calls): N applications with two cost items each; every
second one approved with a commitment, every fourth paid and settled with an accepted proof of
use and two receipts. Prints the time of each step and the number of SQL statements.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select

from fondsengine.clock import FixedClock
from fondsengine.config import load_settings
from fondsengine.db import open_database
from fondsengine.engine import Actor, Engine
from fondsengine.funds.loading import load_funds
from fondsengine.migrate import upgrade
from fondsengine.model import (
    Application,
    CostItem,
    Fund,
    LedgerEntry,
    ProofOfUse,
    Receipt,
    User,
)
from fondsengine.reports.data import annual_report_data, rollup_data
from fondsengine.reports.pdf import render_annual_report, rollup_csv

ROOT = Path(__file__).resolve().parent.parent
QF = "witten-quartiersfonds"
YEAR = 2026
BATCH = 5_000


def _fill(fonds: Engine, n: int) -> None:
    """Bulk-insert n applications of the Quartiersfonds 2026 with their bookings and proofs."""
    at = datetime(YEAR, 3, 1, 9, tzinfo=UTC)
    with fonds.unit_of_work() as uow:
        s = uow.session
        fund = s.get(Fund, QF)
        assert fund is not None and fund.current_guideline_id is not None
        from fondsengine.model import GuidelineVersion

        gv = s.get(GuidelineVersion, fund.current_guideline_id)
        assert gv is not None
        uid = s.scalar(
            insert(User)
            .values(name="Bench", email="bench@example.org", password_hash="x", created_at=at)
            .returning(User.id)
        )
        uow.commit()
    for start in range(0, n, BATCH):
        ids = range(start + 1, min(start + BATCH, n) + 1)
        apps: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        proofs: list[dict[str, Any]] = []
        receipts: list[dict[str, Any]] = []
        for i in ids:
            funded, paid = i % 2 == 0, i % 4 == 0
            month = 1 + i % 12
            booked = datetime(YEAR, month, 10, 9, tzinfo=UTC)
            apps.append(
                {
                    "id": i,
                    "fund_id": QF,
                    "budget_year": YEAR,
                    "file_number": f"B-{YEAR}-{i:06d}",
                    "guideline_version_id": gv.id,
                    "workflow_version_id": gv.workflow_version_id,
                    "state": "documented" if paid else ("approved" if funded else "rejected"),
                    "applicant_id": uid,
                    "applicant_kind": "resident",
                    "contact_name": f"Person {i}",
                    "title": f"Projekt Nummer {i}",
                    "description": "Ein Projekt für das Viertel.",
                    "project_start": date(YEAR, month, 1),
                    "project_end": date(YEAR, month, 28),
                    "requested_cents": 100_000,
                    "approved_cents": 100_000 if funded else None,
                    "settled_cents": 90_000 if paid else None,
                    "participants_reached": 30 if paid else None,
                    "created_at": at,
                    "submitted_at": at,
                    "updated_at": at,
                }
            )
            items += [
                {
                    "application_id": i,
                    "position": 1,
                    "category": "material",
                    "description": "Material",
                    "amount_cents": 60_000,
                },
                {
                    "application_id": i,
                    "position": 2,
                    "category": "publicity",
                    "description": "Flyer",
                    "amount_cents": 40_000,
                },
            ]
            if funded:
                entries.append(_entry(i, "commitment", 100_000, booked))
            if paid:
                entries += [_entry(i, "payment", 90_000, booked), _entry(i, "release", 10_000, booked)]
                proofs.append(
                    {
                        "id": i,
                        "application_id": i,
                        "report": "Hat stattgefunden.",
                        "status": "accepted",
                        "submitted_at": booked,
                        "decided_at": booked,
                        "eligible_cents": 90_000,
                    }
                )
                receipts += [
                    _receipt(i, 1, "material", 60_000, booked.date()),
                    _receipt(i, 2, "publicity", 30_000, booked.date()),
                ]
        with fonds.unit_of_work() as uow:
            for model, rows in (
                (Application, apps),
                (CostItem, items),
                (LedgerEntry, entries),
                (ProofOfUse, proofs),
                (Receipt, receipts),
            ):
                if rows:
                    uow.session.execute(insert(model), rows)
            uow.commit()


def _entry(app_id: int, kind: str, cents: int, at: datetime) -> dict[str, Any]:
    return {
        "fund_id": QF,
        "budget_year": YEAR,
        "kind": kind,
        "amount_cents": cents,
        "application_id": app_id,
        "note": "",
        "booked_at": at,
    }


def _receipt(proof_id: int, pos: int, category: str, cents: int, day: date) -> dict[str, Any]:
    return {
        "proof_id": proof_id,
        "position": pos,
        "paid_on": day,
        "payee": "Laden",
        "purpose": category,
        "category": category,
        "amount_cents": cents,
        "status": "accepted",
    }


def main() -> None:
    """Fill a database and time the report assembly."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tmp = Path(tempfile.mkdtemp(prefix="fonds-bench-"))
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    settings = load_settings(environ={}, database_url=url, instance_path=str(tmp / "instance"))
    fonds = Engine(db=open_database(url), settings=settings, clock=FixedClock(datetime(2027, 2, 1, 9, tzinfo=UTC)))
    load_funds(fonds, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")
    t = time.perf_counter()
    _fill(fonds, n)
    print(f"{n:,} applications inserted in {time.perf_counter() - t:.1f} s ({url.split(':')[0]})")
    statements: list[str] = []
    event.listen(fonds.db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for label, step in (
        ("annual report data", lambda: annual_report_data(fonds, Actor.scheduler(), QF, YEAR)),
        ("roll-up data", lambda: rollup_data(fonds, Actor.scheduler(), QF, YEAR)),
    ):
        statements.clear()
        t = time.perf_counter()
        data = step()
        print(f"{label:<22}{time.perf_counter() - t:8.2f} s, {len(statements)} SQL statements")
    annual = annual_report_data(fonds, Actor.scheduler(), QF, YEAR)
    print(f"  funded projects: {len(annual.projects):,}, committed {annual.committed_cents / 100:,.2f} €")
    t = time.perf_counter()
    rollup_csv(data)  # type: ignore[arg-type]
    print(f"{'roll-up CSV':<22}{time.perf_counter() - t:8.2f} s")
    if n <= 5_000:
        t = time.perf_counter()
        render_annual_report(annual)
        print(f"{'annual report PDF':<22}{time.perf_counter() - t:8.2f} s")
    with fonds.db.read() as s:
        assert s.scalar(select(Application.id).limit(1)) is not None
    fonds.db.dispose()


if __name__ == "__main__":
    main()
