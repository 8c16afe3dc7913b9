"""What may exist once, enforced by the database (issue 10: no payment twice)

- payments: at most one open request (status requested or ordered) per application;
- ledger_entries: at most one commitment per application and one payment booking per
  payment (corrections are counter-bookings with counter_of_id and are not limited).

The use cases lock the application row first and check these preconditions after the lock;
the indexes are the last line when a code path forgets to.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PARTIAL = (
    ("uq_payments_one_open_request", "payments", "application_id", "status IN ('requested', 'ordered')"),
    (
        "uq_ledger_entries_commitment_once",
        "ledger_entries",
        "application_id",
        "kind = 'commitment' AND counter_of_id IS NULL",
    ),
    ("uq_ledger_entries_payment_once", "ledger_entries", "payment_id", "kind = 'payment' AND counter_of_id IS NULL"),
)


def upgrade() -> None:
    for name, table, column, where in PARTIAL:
        op.create_index(
            name,
            table,
            [column],
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    for name, table, _column, _where in reversed(PARTIAL):
        op.drop_index(name, table_name=table)
