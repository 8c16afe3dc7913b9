"""Lifecycle benchmark: N applications from draft to documented, engine versus plain SQL.

Run:  .venv/bin/python bench/lifecycle.py [--n 300] [--db sqlite|postgres|both] [--profile]

For each database the script
1. prepares a database (migrations, the Quartiersfonds guideline with a budget large enough
   for N grants, one office manager, N applicants, the jury seated and one jury session opened
   with all members present) - not timed;
2. drives N applications through every step with the engine's service functions, one unit
   of work per step, exactly as the web views and the CLI do (timed); the jury's approval is
   the office entering the paper protocol (counts and signed PDF, `close_item_on_paper`), since
   a jury decision exists only with its vote record. Meanwhile it records
   every INSERT, UPDATE and DELETE the engine sends, grouped by committed transaction;
3. prepares a second, identical database and replays those writes as plain SQL strings
   (`Connection.exec_driver_sql`, no ORM, no reads, no rule checks), one database
   transaction per engine transaction (timed). This is the baseline: the same rows written
   in the same transactions by the cheapest possible client;
4. prints applications per second for both and their ratio (target: engine >= 1/3).

Finally it measures the resident memory growth over 100,000 workflow operations on the
shared state machine (target: < 20 MB, i.e. no per-application machine state leaks).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine as SqlEngine  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402

from fondsengine import ledger  # noqa: E402
from fondsengine.accounts.users import create_user, grant_role  # noqa: E402
from fondsengine.applications import decisions  # noqa: E402
from fondsengine.applications import service as apps  # noqa: E402
from fondsengine.clock import FixedClock  # noqa: E402
from fondsengine.config import load_settings  # noqa: E402
from fondsengine.db import make_engine, open_database  # noqa: E402
from fondsengine.engine import Actor, Engine  # noqa: E402
from fondsengine.errors import FondsError  # noqa: E402
from fondsengine.funds.loading import load_funds  # noqa: E402
from fondsengine.jury import paper as jury_paper  # noqa: E402
from fondsengine.jury import sessions as jury_sessions  # noqa: E402
from fondsengine.lifecycle.guards import GuardContext  # noqa: E402
from fondsengine.migrate import upgrade  # noqa: E402
from fondsengine.model import Application, AuditEvent, LedgerEntry, Receipt  # noqa: E402
from fondsengine.payments import proofs  # noqa: E402
from fondsengine.payments import service as payments  # noqa: E402
from fondsengine.workflow.machine import machine_for  # noqa: E402
from fondsengine.workflow.registry import GUARDS  # noqa: E402
from tests.support.factories import QF, quartiersfonds_input  # noqa: E402
from tests.support.jury import paper_protocol, seat_jury  # noqa: E402

STEPS_PER_APPLICATION = 13  # units of work (transactions) per application, see drive()
WORKFLOW_OPS = int(os.environ.get("BENCH_WORKFLOW_OPS", "100000"))
REQUESTED = 120_000
ADVANCE = 80_000
RECEIPTS = (60_000, 40_000)  # both accepted -> due 1.000 €, final payment 200 €
PROTOCOL = paper_protocol()  # the signed protocol of the jury's session (one PDF for all items)


@dataclass
class Setup:
    """A prepared database: the engine context and the people acting in it."""

    fonds: Engine
    office: Actor
    applicants: list[Actor]
    session_id: int
    yes_votes: int  # a majority of the jury present in the session


@dataclass
class Recorder:
    """Collects the writes of committed transactions (the engine is driven from one thread)."""

    current: list[tuple[str, Any]] = field(default_factory=list)
    transactions: list[list[tuple[str, Any]]] = field(default_factory=list)

    def attach(self, engine: SqlEngine) -> Callable[[], None]:
        """Listen on the engine; return a function that stops listening."""

        def on_execute(_conn: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
            if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
                self.current.append((statement, params))

        def on_commit(_conn: Any) -> None:
            if self.current:
                self.transactions.append(self.current)
            self.current = []

        def on_rollback(_conn: Any) -> None:
            self.current = []

        listeners: list[tuple[str, Callable[..., None]]] = [
            ("before_cursor_execute", on_execute),
            ("commit", on_commit),
            ("rollback", on_rollback),
        ]
        for name, fn in listeners:
            event.listen(engine, name, fn)

        def detach() -> None:
            for name, fn in listeners:
                event.remove(engine, name, fn)

        return detach


def _guidelines_dir(workdir: Path, n: int) -> Path:
    """The shipped Quartiersfonds guideline with a 2027 budget large enough for n grants."""
    text = (ROOT / "richtlinien" / f"{QF}.yaml").read_text(encoding="utf-8")
    amount = max(20_000, n * REQUESTED // 100 + 1_000)
    text, count = re.subn(r"(- year: 2027\n\s+amount:) \d+", rf"\1 {amount}", text)
    if count != 1:
        raise SystemExit("bench: could not find the 2027 budget in the Quartiersfonds guideline")
    target = workdir / "richtlinien"
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{QF}.yaml").write_text(text, encoding="utf-8")
    return target


def prepare(url: str, workdir: Path, n: int) -> Setup:
    """Migrate, load the guideline, create the office, n applicants and a jury session."""
    upgrade(url)
    settings = load_settings(environ={}, database_url=url, instance_path=str(workdir / "instance"))
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    fonds = Engine(db=open_database(url), settings=settings, clock=clock)
    load_funds(fonds, Actor.scheduler(), _guidelines_dir(workdir, n), ROOT / "workflows")
    office_id = create_user(fonds, name="Büro mitten@witten", email="buero@example.org", confirmed=True)
    grant_role(fonds, Actor.scheduler(), user_id=office_id, fund_id=QF, role="manager")
    applicants = [
        Actor(create_user(fonds, name=f"Antragstellerin {i}", email=f"person{i}@example.org", confirmed=True))
        for i in range(n)
    ]
    office = Actor(office_id)
    session_at = datetime(2027, 3, 10, 17, 0, tzinfo=UTC)
    session_id = decisions.create_session(fonds, office, QF, session_at, "Rathaus, Raum 101")
    jury = seat_jury(fonds, QF, session_at.date())
    jury_sessions.open_session(fonds, office, session_id, jury, jury[0])
    return Setup(fonds, office, applicants, session_id, len(jury) // 2 + 1)


@dataclass
class StatementCounter:
    """Counts the statements the engine sends per use case (BEGIN not counted): reads and writes."""

    step: str = "setup"
    counts: dict[str, list[int]] = field(default_factory=dict)
    tracing: bool = False  # keep the statements themselves (`trace`), for one application
    trace: list[tuple[str, str]] = field(default_factory=list)  # (use case, shortened statement)

    def mark(self, step: str) -> None:
        """The use case whose statements follow."""
        self.step = step

    def attach(self, engine: SqlEngine) -> Callable[[], None]:
        """Listen on the engine; return a function that stops listening."""

        def on_execute(_conn: Any, _cur: Any, statement: str, _params: Any, _ctx: Any, _many: bool) -> None:
            verb = statement.lstrip()[:6].upper()
            if verb.startswith("BEGIN"):
                return
            slot = self.counts.setdefault(self.step, [0, 0])
            slot[1 if verb in ("INSERT", "UPDATE", "DELETE") else 0] += 1
            if self.tracing:
                self.trace.append((self.step, shorten(statement)))

        event.listen(engine, "before_cursor_execute", on_execute)
        return lambda: event.remove(engine, "before_cursor_execute", on_execute)

    def report(self, n: int) -> None:
        """Print reads and writes per application for each use case and in total."""
        print("statements per application (reads / writes):")
        reads = writes = 0
        for step, (r, w) in self.counts.items():
            reads, writes = reads + r, writes + w
            print(f"  {step:<22} {r / n:6.1f} / {w / n:5.1f}")
        print(f"  {'total':<22} {reads / n:6.1f} / {writes / n:5.1f}")


def shorten(statement: str) -> str:
    """A statement in one line: its verb, its tables and its WHERE clause, without the column lists."""
    text = " ".join(statement.split())
    text = re.sub(r"^SELECT .*? FROM ", "SELECT ... FROM ", text)
    text = re.sub(r"^(INSERT INTO \S+) \(.*?\) (VALUES|SELECT)", r"\1 (...) \2", text)
    text = re.sub(r"^(UPDATE \S+ SET ).*? WHERE ", r"\1... WHERE ", text)
    return text[:160]


def print_trace(counter: StatementCounter) -> None:
    """The statements of the traced application, per use case in order; repeated ones marked."""
    print("statements of one application (the last), in order; '*' = same text sent before in this use case:")
    step, seen = "", set()
    for name, text in counter.trace:
        if name != step:
            step, seen = name, set()
            print(f"  [{name}]")
        print(f"    {'*' if text in seen else ' '} {text}")
        seen.add(text)


def drive(setup: Setup, i: int, mark: Callable[[str], None] = lambda _step: None) -> None:
    """One application from draft to documented: 13 units of work (`mark` names each use case)."""
    fonds, office, applicant = setup.fonds, setup.office, setup.applicants[i]
    data = quartiersfonds_input(title=f"Nachbarschaftsprojekt Nr. {i}", requested_cents=REQUESTED)
    mark("create_draft")
    app_id = apps.create_draft(fonds, applicant, QF, data)
    mark("submit")
    apps.submit(fonds, applicant, app_id)
    mark("start_review")
    decisions.start_review(fonds, office, app_id)
    mark("(bench reads)")
    with fonds.db.read() as s:
        items = fonds.catalog.current(s, QF)[2].review_checklist
    mark("record_review")
    decisions.record_review(fonds, office, app_id, {item.id: ("fulfilled", "") for item in items})
    mark("complete_review")
    decisions.complete_review(fonds, office, app_id)
    mark("schedule")
    decisions.schedule(fonds, office, app_id, setup.session_id)
    mark("(bench reads)")
    item_id = jury_paper.open_item_of(fonds, app_id)
    assert item_id is not None
    mark("close_item_on_paper")
    jury_paper.close_item_on_paper(
        fonds, office, item_id, yes=setup.yes_votes, no=0, abstain=0, protocol=PROTOCOL, expected="accepted"
    )
    mark("set_bank_account")
    payments.set_bank_account(fonds, office, app_id, iban="DE89 3704 0044 0532 0130 00", account_holder="Anna")
    mark("record_payment")
    payments.record_payment(fonds, office, app_id, amount_cents=ADVANCE, kind="advance")
    receipts = [
        proofs.ReceiptInput(date(2026, 11, 25), "Baumarkt Witten", "Ersatzteile", "material", RECEIPTS[0]),
        proofs.ReceiptInput(date(2026, 11, 25), "Druckerei", "Plakate und Flyer", "publicity", RECEIPTS[1]),
    ]
    mark("submit_proof")
    proof_id = proofs.submit_proof(
        fonds, applicant, app_id, report="Sechs Treffen mit 90 Gästen.", receipts=receipts, confirmed=True
    )
    mark("(bench reads)")
    with fonds.db.read() as s:
        receipt_ids = list(s.scalars(select(Receipt.id).where(Receipt.proof_id == proof_id).order_by(Receipt.position)))
    mark("review_receipt")
    for rid in receipt_ids:
        proofs.review_receipt(fonds, office, rid, accepted=True)
    mark("accept_proof")
    due = proofs.accept_proof(fonds, office, app_id)
    mark("record_payment")
    payments.record_payment(fonds, office, app_id, amount_cents=due - ADVANCE, kind="final")


def replay(engine: SqlEngine, transactions: list[list[tuple[str, Any]]]) -> None:
    """The baseline: the recorded writes as plain SQL, one transaction each."""
    for statements in transactions:
        with engine.begin() as conn:
            for statement, params in statements:
                conn.exec_driver_sql(statement, params)


def summary(fonds: Engine) -> tuple[int, int, int, int]:
    """(documented applications, ledger entries, audit events, committed cents) for a sanity check."""
    with fonds.db.read() as s:
        documented = s.scalar(select(func.count()).where(Application.state == "documented")) or 0
        entries = s.scalar(select(func.count()).select_from(LedgerEntry)) or 0
        events = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
        committed = ledger.balance(s, QF, 2027).committed
    return documented, entries, events, committed


def rss_bytes() -> int:
    """Resident set size of this process."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def workflow_memory(fonds: Engine, ops: int) -> tuple[int, float, int]:
    """RSS growth over `ops` checks/fires on the shared machine, each with a new application
    and guard context; returns (bytes grown, seconds, tokens left on the machine)."""
    with fonds.db.read() as s:
        _, gv, guideline = fonds.catalog.current(s, QF)
        workflow = fonds.catalog.workflow(s, gv.workflow_version_id)
        session = s
    machine = machine_for(workflow, GUARDS)
    now = fonds.clock.now()
    manager, applicant = frozenset({"manager"}), frozenset({"applicant"})
    cases: list[tuple[str, str, frozenset[str], int | None, bool]] = [
        ("submitted", "start_review", manager, None, True),  # no guard, allowed
        ("reviewed", "schedule", manager, None, True),  # needs_jury: allowed
        ("approved", "record_payment", manager, ADVANCE, True),  # advance within 80 %
        ("approved", "record_payment", manager, REQUESTED, True),  # above 80 %: GuardFailed
        ("approved", "lapse", manager, None, False),  # lapse_due fails (check only)
        ("draft", "jury_approve", manager, None, True),  # TransitionNotAllowed
        ("reviewed", "schedule", applicant, None, True),  # PermissionDenied
    ]
    no_bookings = ledger.Balance()
    year = ledger.Balance(allocated=2_000_000)

    def one(k: int) -> None:
        state, trigger, roles, amount, fire = cases[k % len(cases)]
        app = Application(
            id=10_000_000 + k,
            fund_id=QF,
            budget_year=2027,
            state=state,
            requested_cents=REQUESTED,
            approved_cents=REQUESTED,
            lapse_due_on=date(2027, 9, 1),
            applicant_id=1,
        )
        ctx = GuardContext(session, app, guideline, now, amount_cents=amount, payment_kind="advance")
        ctx.__dict__.update(year_balance=year, app_balance=no_bookings)  # facts as if read once
        if not fire:
            machine.check(state, trigger, roles, ctx)
            return
        with suppress(FondsError):  # refusals are part of the mix
            machine.fire(state, trigger, roles, ctx)

    for k in range(2_000):  # warm up caches and allocator arenas
        one(k)
    gc.collect()
    before = rss_bytes()
    started = time.perf_counter()
    for k in range(ops):
        one(k)
    seconds = time.perf_counter() - started
    gc.collect()
    return rss_bytes() - before, seconds, len(machine.machine.models)


@contextmanager
def sqlite_urls(workdir: Path) -> Iterator[tuple[str, str]]:
    """Two fresh SQLite files."""
    yield f"sqlite:///{workdir / 'engine.db'}", f"sqlite:///{workdir / 'baseline.db'}"


@contextmanager
def postgres_urls(_workdir: Path) -> Iterator[tuple[str, str]]:
    """A throwaway PostgreSQL server with two fresh databases."""
    from tests.support.pg import running_postgres

    with running_postgres() as server:
        names = ["b_" + uuid.uuid4().hex[:10] for _ in range(2)]
        for name in names:
            server.admin(f'CREATE DATABASE "{name}"')
        yield server.url(names[0]), server.url(names[1])


def run(
    label: str,
    urls: Callable[[Path], AbstractContextManager[tuple[str, str]]],
    n: int,
    profile: bool,
    trace: bool = False,
) -> None:
    """Benchmark one database kind and print the figures."""
    workdir = Path(tempfile.mkdtemp(prefix=f"fonds-bench-{label}-"))
    try:
        with urls(workdir) as (engine_url, baseline_url):
            setup = prepare(engine_url, workdir / "e", n)
            recorder = Recorder()
            stop = recorder.attach(setup.fonds.db.engine)
            statements = StatementCounter()
            stop_counting = statements.attach(setup.fonds.db.engine)
            profiler = cProfile.Profile() if profile else None
            rss0 = rss_bytes()
            started, cpu0 = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            for i in range(n):
                statements.tracing = trace and i == n - 1
                drive(setup, i, statements.mark)
            if profiler:
                profiler.disable()
            engine_s, engine_cpu = time.perf_counter() - started, time.process_time() - cpu0
            rss_engine = rss_bytes() - rss0
            stop()
            stop_counting()
            expected = summary(setup.fonds)

            base = prepare(baseline_url, workdir / "b", n)
            base_summary_before = summary(base.fonds)
            base.fonds.db.dispose()
            plain = make_engine(baseline_url)
            started, cpu0 = time.perf_counter(), time.process_time()
            replay(plain, recorder.transactions)
            baseline_s, baseline_cpu = time.perf_counter() - started, time.process_time() - cpu0
            plain.dispose()
            check = open_database(baseline_url)
            base.fonds.db = check
            got = summary(base.fonds)
            check.dispose()
            assert base_summary_before[0] == 0
            if got != expected:
                raise SystemExit(f"bench: the baseline wrote different data: {got} != {expected}")

            grown, wf_s, tokens = workflow_memory(setup.fonds, WORKFLOW_OPS)
            setup.fonds.db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    txs = len(recorder.transactions)
    writes = sum(len(t) for t in recorder.transactions)
    engine_rate, base_rate = n / engine_s, n / baseline_s
    ratio = engine_rate / base_rate
    print(
        f"\n== {label}: {n} applications, {txs} transactions ({txs / n:.0f} per application), "
        f"{writes} write statements =="
    )
    print(
        f"engine      {engine_s:8.2f} s  {engine_rate:8.1f} applications/s  {engine_s / txs * 1000:6.2f} ms/transaction"
    )
    print(
        f"plain SQL   {baseline_s:8.2f} s  {base_rate:8.1f} applications/s  "
        f"{baseline_s / txs * 1000:6.2f} ms/transaction"
    )
    print(f"ratio       {ratio:8.2f}  (engine / plain SQL; target >= 0.33: {'ok' if ratio >= 1 / 3 else 'MISSED'})")
    print(
        f"CPU time    engine {engine_cpu:.2f} s, plain SQL {baseline_cpu:.2f} s of this process "
        f"(steadier on a shared machine; on PostgreSQL the server's time is not in it)"
    )
    print(
        f"check       {expected[0]} documented, {expected[1]} ledger entries, {expected[2]} audit events, "
        f"committed {expected[3] / 100:,.2f} EUR - identical in both databases"
    )
    statements.report(n)
    if trace:
        print_trace(statements)
    print(f"RSS         +{rss_engine / 2**20:.1f} MB during the engine run")
    print(
        f"workflow    {WORKFLOW_OPS:,} operations in {wf_s:.2f} s ({WORKFLOW_OPS / wf_s:,.0f}/s), "
        f"RSS +{grown / 2**20:.2f} MB (target < 20 MB: {'ok' if grown < 20 * 2**20 else 'MISSED'}), "
        f"{tokens} tokens left on the shared machine"
    )
    if profiler:
        print("\nengine run, top functions by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run the benchmark on the chosen databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=300, help="applications per database (default 300)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the engine run")
    parser.add_argument("--trace", action="store_true", help="print every statement of one application")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    print(f"fondsengine lifecycle benchmark - Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if args.db in ("sqlite", "both"):
        run("SQLite", sqlite_urls, args.n, args.profile, args.trace)
    if args.db in ("postgres", "both"):
        run("PostgreSQL", postgres_urls, args.n, args.profile, args.trace)


if __name__ == "__main__":
    main()
