"""the fund of payments and refunds; the office queue's sorts as index ranges per fund

`payments.fund_id` and `refunds.fund_id` (NOT NULL, foreign key to funds): the application's fund,
set by every writer (`payments.request_payment`, `payments.record_payment`, `proofs.claim_refund`) and
filled here from the applications. Per-fund reads (the to-do list's payment requests and open refunds,
the payment orders export) take one index range per fund instead of joining every open payment or
refund of all funds to its application and filtering there.

- `ix_payments_fund_status_requested (fund_id, status, requested_at, id)`: one range per fund and status;
- `ix_refunds_fund_open_due (fund_id, due_on, id) WHERE received_cents < claimed_cents`: per fund.

The office queue reads each page as one ordered range per managed fund (merged, cut at the page) in
the order of its sort: `(fund_id, column, id)` for each sort column (read forward or backward for both
directions of the columns that are never empty); the two columns that can be empty (`submitted_at`,
`file_number`) sort empty values last in both directions, which on PostgreSQL is a second order
(`column DESC NULLS LAST, id DESC`; on SQLite the same as the backward scan of the first, created
there without NULLS LAST as the default order's index of migration 0005).

Revision ID: 0033
Revises: 0032
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

applications = sa.table("applications", sa.column("id", sa.Integer()), sa.column("fund_id", sa.String()))
OPEN_REFUNDS = "received_cents < claimed_cents"
# (name, columns) of the queue's ranges, every dialect
QUEUE = (
    ("ix_applications_fund_requested", ["fund_id", "requested_cents", "id"]),
    ("ix_applications_fund_title", ["fund_id", "title", "id"]),
    ("ix_applications_fund_file_number", ["fund_id", "file_number", "id"]),
    ("ix_applications_fund_state_id", ["fund_id", "state", "id"]),
    ("ix_applications_fund_submitted", ["fund_id", "submitted_at", "id"]),
)
# the descending order with empty values last of the columns that can be empty (for PostgreSQL; on SQLite
# the same order as the backward scan of the plain index)
QUEUE_DESC = (
    ("ix_applications_fund_file_number_desc", "file_number"),
    ("ix_applications_fund_submitted_desc", "submitted_at"),
)


@contextmanager
def _foreign_keys_off() -> Iterator[None]:
    """SQLite: NOT NULL and a foreign key on an existing column need a copy of the table (batch), and
    dropping the old `payments` fails while ledger entries reference it with foreign keys on (a deferred
    check fails at commit too). The pragma works outside a transaction only: commit, switch it off, copy,
    check every key (`PRAGMA foreign_key_check`), switch it on again. PostgreSQL alters in place."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    _pragma("foreign_keys=OFF")
    try:
        yield
    finally:
        broken = _pragma("foreign_key_check")
        _pragma("foreign_keys=ON")
    if broken:
        raise RuntimeError(f"migration 0033: foreign keys broken after copying the tables: {broken[:5]}")


def _pragma(pragma: str) -> list[Any]:
    """Run a PRAGMA between the migration's transactions (SQLite): fondsengine's engine begins every
    transaction itself (BEGIN IMMEDIATE, also on an autocommit connection), so that one is ended first."""
    with op.get_context().autocommit_block():
        raw: Any = op.get_bind().connection.dbapi_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        return list(raw.execute(f"PRAGMA {pragma}").fetchall())


def _fund_of_application(table: str) -> None:
    """Add `fund_id` to `table`, fill it from the application, then make it NOT NULL with its key."""
    op.add_column(table, sa.Column("fund_id", sa.String(length=64), nullable=True))
    rows = sa.table(table, sa.column("application_id", sa.Integer()), sa.column("fund_id", sa.String()))
    fund = sa.select(applications.c.fund_id).where(applications.c.id == rows.c.application_id).scalar_subquery()
    op.execute(sa.update(rows).values(fund_id=fund))
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column("fund_id", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_foreign_key(f"fk_{table}_fund_id_funds", "funds", ["fund_id"], ["id"])


def upgrade() -> None:
    with _foreign_keys_off():
        _fund_of_application("payments")
        _fund_of_application("refunds")
    op.create_index("ix_payments_fund_status_requested", "payments", ["fund_id", "status", "requested_at", "id"])
    op.create_index(
        "ix_refunds_fund_open_due",
        "refunds",
        ["fund_id", "due_on", "id"],
        sqlite_where=sa.text(OPEN_REFUNDS),
        postgresql_where=sa.text(OPEN_REFUNDS),
    )
    for name, columns in QUEUE:
        op.create_index(name, "applications", columns)
    nulls_last = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    for name, column in QUEUE_DESC:  # SQLite: no NULLS LAST in an index (its DESC puts them last anyway)
        op.create_index(name, "applications", ["fund_id", sa.text(f"{column} DESC{nulls_last}"), sa.text("id DESC")])
    if op.get_bind().dialect.name == "postgresql":
        # the planner's statistics of the new columns: until autovacuum gets to them the to-do statement was
        # planned without them (100k: 42 -> 121 ms right after the migration)
        for table in ("payments", "refunds"):
            op.execute(sa.text(f"ANALYZE {table}"))


def downgrade() -> None:
    for name, _column in reversed(QUEUE_DESC):
        op.drop_index(name, table_name="applications")
    for name, _columns in reversed(QUEUE):
        op.drop_index(name, table_name="applications")
    op.drop_index("ix_refunds_fund_open_due", table_name="refunds")
    op.drop_index("ix_payments_fund_status_requested", table_name="payments")
    with _foreign_keys_off():
        for table in ("refunds", "payments"):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_constraint(f"fk_{table}_fund_id_funds", type_="foreignkey")
                batch_op.drop_column("fund_id")
