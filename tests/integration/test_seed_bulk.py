"""The bulk seeder of the benchmarks writes the ledger and audit rows already sealed: the engine's own
`verify` finds both hash chains intact after seeding (so every hashed value is the one the database
gives back), the engine's next write continues the chains, and a value changed behind the engine
breaks the chain at that row. SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select, text, update

from bench.seed_bulk import prepared_fonds, seal_rows, seed_bulk
from fondsengine.accounts.users import create_user
from fondsengine.engine import Engine
from fondsengine.integrity.chain import AUDIT, LEDGER, read_head, unsealed_count
from fondsengine.integrity.check import verify
from fondsengine.model import Application, AuditEvent, LedgerEntry
from tests.support.pg import PgServer

N = 300


# one worker seeds each database once for the module; every test works on its own copy
pytestmark = pytest.mark.xdist_group("seed_bulk")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded_once(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """N applications seeded in three batches (120, 120, 60) on a migrated database with both funds,
    once per module: the SQLite file's path, or the PostgreSQL database's name (a template)."""
    workdir = tmp_path_factory.mktemp("seeded")
    if request.param == "sqlite":
        db = workdir / "seeded.db"
        fonds = prepared_fonds(f"sqlite:///{db}", workdir)
        seed_bulk(fonds, N, batch=120)
        fonds.db.dispose()
        yield str(db)
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = "seeded_" + uuid.uuid4().hex[:8]
    server.admin(f'CREATE DATABASE "{name}"')
    fonds = prepared_fonds(server.url(name), workdir)
    seed_bulk(fonds, N, batch=120)
    fonds.db.dispose()  # a template database must have no open connections
    yield name
    server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def seeded(request: pytest.FixtureRequest, seeded_once: str, tmp_path: Path) -> Iterator[Engine]:
    """The engine on a copy of the module's seeded database (a file copy on SQLite, a database
    created from it as template on PostgreSQL): a test's changes stay its own."""
    if seeded_once.endswith(".db"):
        db = tmp_path / "fonds.db"
        shutil.copy(seeded_once, db)
        fonds = prepared_fonds(f"sqlite:///{db}", tmp_path, load=False)
        yield fonds
        fonds.db.dispose()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    clone = "t_" + uuid.uuid4().hex[:12]
    server.admin(f'CREATE DATABASE "{clone}" TEMPLATE "{seeded_once}"')
    fonds = prepared_fonds(server.url(clone), tmp_path, load=False)
    yield fonds
    fonds.db.dispose()
    server.admin(f'DROP DATABASE "{clone}" WITH (FORCE)')


@contextmanager
def behind_the_engine(fonds: Engine) -> Iterator[Connection]:
    """A transaction that the append-only triggers do not hold back (what a table owner can do)."""
    with fonds.db.engine.begin() as conn:
        if fonds.db.is_sqlite:
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
            for name, _sql in triggers:
                conn.execute(text(f"DROP TRIGGER {name}"))
            yield conn
            for _name, sql in triggers:
                conn.execute(text(sql))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            yield conn


def _count(conn: Connection, model: type[LedgerEntry] | type[AuditEvent]) -> int:
    return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_seeded_chains_verify_intact_and_the_engine_continues_them(seeded: Engine) -> None:
    with seeded.db.engine.connect() as conn:
        assert int(conn.execute(select(func.count()).select_from(Application)).scalar_one()) == N
        entries, events = _count(conn, LedgerEntry), _count(conn, AuditEvent)
        assert unsealed_count(conn, LEDGER) == unsealed_count(conn, AUDIT) == 0
        ledger_head, audit_head = read_head(conn, LEDGER), read_head(conn, AUDIT)
        last_event = conn.execute(select(func.max(AuditEvent.id))).scalar_one()
    assert events > 3 * N and entries > N // 3  # about 7 steps per application, bookings for the granted ones
    assert ledger_head is not None and audit_head is not None
    assert (ledger_head.row_count, audit_head.row_count) == (entries, events)
    assert audit_head.last_id == last_event

    report = verify(seeded)
    assert report.ok, [f.format() for f in report.findings]
    walked = {c.name: c.rows for c in report.chains}
    assert walked == {"ledger": entries, "audit": events}

    # the engine's own next write (a new account: an audit event) goes on from the seeded head
    create_user(seeded, name="Neue Person", email="neu@example.org", confirmed=True)
    report = verify(seeded)
    assert report.ok, [f.format() for f in report.findings]
    with seeded.db.engine.connect() as conn:
        head = read_head(conn, AUDIT)
        assert head is not None and head.row_count > events
        assert unsealed_count(conn, AUDIT) == 0


@pytest.mark.parametrize(
    ("model", "column", "change"),
    [
        (AuditEvent, "at", lambda v: v + timedelta(microseconds=1)),
        (AuditEvent, "data", lambda _v: {"note": "x"}),
        (LedgerEntry, "amount_cents", lambda v: v + 1),
        (LedgerEntry, "booked_at", lambda v: v + timedelta(seconds=1)),
    ],
)
def test_one_hashed_value_changed_breaks_the_chain_at_that_row(
    seeded: Engine, model: type[LedgerEntry] | type[AuditEvent], column: str, change: object
) -> None:
    with seeded.db.engine.connect() as conn:
        row_id, value = conn.execute(
            select(model.id, getattr(model, column)).order_by(model.id.desc()).offset(5).limit(1)
        ).one()
    assert callable(change)
    with behind_the_engine(seeded) as conn:
        conn.execute(update(model).where(model.id == row_id).values({column: change(value)}))
    findings = verify(seeded).findings
    broken = [f for f in findings if f.check == "kette"]
    assert [(f.table, f.row_id) for f in broken] == [(model.__tablename__, row_id)], findings
    assert "Inhalt passt nicht" in broken[0].message


def test_sealing_refuses_a_row_without_every_hashed_field(seeded: Engine) -> None:
    """A column left to its default would be hashed as absent but stored as the default."""
    with seeded.db.engine.begin() as conn:
        row = dict(conn.execute(select(*(LedgerEntry.__table__.c[n] for n in LEDGER.fields))).mappings().first() or {})
        del row["counter_of_id"]
        row["id"] = 10**6
        with pytest.raises(ValueError, match=r"ledger_entries row without \['counter_of_id'\]"):
            seal_rows(conn, LEDGER, [row])
        conn.rollback()
