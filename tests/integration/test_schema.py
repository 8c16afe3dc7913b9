"""The migrations produce exactly the schema of the models; the ledger and audit are append-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from fondsengine.db import make_engine
from fondsengine.engine import Engine
from fondsengine.migrate import upgrade
from fondsengine.model import Base
from fondsengine.model.application import is_search_index_table


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migrations_and_the_models_describe_the_same_schema(
    db: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("sqlite_url" if db == "sqlite" else "pg_url")
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        opts = {"compare_type": True, "render_as_batch": True, "include_name": _not_the_search_index}
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []
    search_tables = {name for name in tables if is_search_index_table(name)}
    if db == "sqlite":  # the full-text table of the queue search (migration 0016) and its shadow tables
        assert search_tables == {f"applications_search{s}" for s in ("", "_config", "_data", "_docsize", "_idx")}
    else:
        assert search_tables == set()


def _not_the_search_index(name: str | None, type_: str, _parents: object) -> bool:
    """The comparison leaves out the SQLite full-text table (not a model; migration 0016) explicitly."""
    return not (type_ == "table" and name is not None and is_search_index_table(name))


def test_ledger_entries_and_audit_events_cannot_be_changed_or_deleted(fonds: Engine) -> None:
    with fonds.db.engine.connect() as conn:
        ids = conn.execute(text("SELECT min(id) FROM ledger_entries")).scalar_one()
        audit = conn.execute(text("SELECT min(id) FROM audit_events")).scalar_one()
    assert ids is not None and audit is not None
    for sql in (
        f"UPDATE ledger_entries SET amount_cents = 1 WHERE id = {ids}",
        f"DELETE FROM ledger_entries WHERE id = {ids}",
        f"UPDATE audit_events SET action = 'x' WHERE id = {audit}",
        f"DELETE FROM audit_events WHERE id = {audit}",
    ):
        with pytest.raises(DatabaseError, match="append-only"), fonds.db.engine.begin() as conn:
            conn.execute(text(sql))


def test_the_database_refuses_a_ledger_booking_of_zero(fonds: Engine) -> None:
    with pytest.raises(DatabaseError), fonds.db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ledger_entries (fund_id, budget_year, kind, amount_cents, note, booked_at) "
                "VALUES ('witten-cityfonds', 2026, 'allocation', 0, '', :at)"
            ),
            {"at": datetime(2026, 1, 1, tzinfo=UTC)},
        )
