"""indexes for the office's to-do list: every group read as ordered ranges that stop after the rows shown

The to-do list reads each group as one ordered range per (fund, state) (or per payment status), merged
and cut at the rows shown, and counts the groups without a counter only up to 101 rows. PostgreSQL
answered `fund_id IN (..) AND state IN (..) ORDER BY .. LIMIT 20` with a scan of the whole group and
a sort, and counted every row of it: 1,300 ms for the list at 100,000 applications. These indexes give
the remaining orders: proofs to review and final payments by their last change, the city's grants by
the jury's decision, overdue answers by their date; the open refunds and the held letters are partial
indexes over the few rows the list can show (the predicates are the queries' own). The unused advances
are read from the applications waiting for a proof in the order of their first paid advance: the new
column `applications.advance_paid_at` (set by `payments.record_payment`, filled here from the payments)
and its index per fund and state; before, the list read every paid advance of all years (most of them
of applications whose proof came long ago) and looked each one's application up.

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

PLAIN = (
    ("ix_applications_fund_state_updated", "applications", ["fund_id", "state", "updated_at"]),
    ("ix_applications_fund_state_decided", "applications", ["fund_id", "state", "decided_at"]),
    ("ix_applications_fund_state_changes_due", "applications", ["fund_id", "state", "changes_due_on"]),
    ("ix_applications_fund_state_advance", "applications", ["fund_id", "state", "advance_paid_at"]),
)
PARTIAL = (
    ("ix_refunds_open_due", "refunds", ["due_on", "id"], "received_cents < claimed_cents"),
    ("ix_letters_held", "letters", ["created_at", "id"], "held_reason IS NOT NULL"),
)


def upgrade() -> None:
    # a plain ALTER TABLE ADD COLUMN on both databases (no batch copy of the table: its search triggers stay)
    op.add_column("applications", sa.Column("advance_paid_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE applications SET advance_paid_at = (SELECT min(p.paid_at) FROM payments p"
        " WHERE p.application_id = applications.id AND p.status = 'paid' AND p.kind IN ('advance', 'instalment'))"
    )
    for name, table, columns in PLAIN:
        op.create_index(name, table, columns)
    for name, table, columns, where in PARTIAL:
        op.create_index(name, table, columns, sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def downgrade() -> None:
    for name, table, _columns, _where in reversed(PARTIAL):
        op.drop_index(name, table_name=table)
    for name, table, _columns in reversed(PLAIN):
        op.drop_index(name, table_name=table)
    op.drop_column("applications", "advance_paid_at")  # in place (SQLite >= 3.35): the search triggers stay
