"""Indexes for the office pages with 100,000 applications (bench/office.py)

- applications (submitted_at DESC NULLS LAST, id DESC): the queue's default order; page 1 and
  page 500 walk the index instead of sorting every application (SQLite has no NULLS LAST in
  an index, but its DESC order puts NULL last anyway);
- applications (fund_id, state, proof_due_on): the queue's "overdue" filter and the
  dashboard's proofs due;
- ledger_entries (fund_id, budget_year, kind, booked_at, amount_cents): the balance fold and
  the dashboard's monthly sums read the index only;
- payments (status, requested_at): the dashboard's payment requests to execute.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEARCHED_COLUMNS = ("title", "contact_name", "organisation", "description", "file_number")


def upgrade() -> None:
    nulls_last = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    op.create_index(
        "ix_applications_submitted_at",
        "applications",
        [sa.text(f"submitted_at DESC{nulls_last}"), sa.text("id DESC")],
        unique=False,
    )
    op.create_index(
        "ix_applications_fund_state_proof_due", "applications", ["fund_id", "state", "proof_due_on"], unique=False
    )
    op.create_index(
        "ix_ledger_entries_fund_year_kind",
        "ledger_entries",
        ["fund_id", "budget_year", "kind", "booked_at", "amount_cents"],
        unique=False,
    )
    op.create_index("ix_payments_status_requested_at", "payments", ["status", "requested_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name in SEARCHED_COLUMNS:
            op.create_index(
                f"ix_applications_{name}_trgm",
                "applications",
                [sa.text(f"lower({name}) gin_trgm_ops")],
                unique=False,
                postgresql_using="gin",
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in SEARCHED_COLUMNS:
            op.drop_index(f"ix_applications_{name}_trgm", table_name="applications")
    op.drop_index("ix_payments_status_requested_at", table_name="payments")
    op.drop_index("ix_ledger_entries_fund_year_kind", table_name="ledger_entries")
    op.drop_index("ix_applications_fund_state_proof_due", table_name="applications")
    op.drop_index("ix_applications_submitted_at", table_name="applications")
