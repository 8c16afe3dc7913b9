"""The numerical proof of use, the changes deadline, attachments released to the jury

Proofs of use state the money the project actually had besides the grant (own income, own money,
third-party funds) and when the applicant confirmed that the proof is correct and complete; the
settlement recomputes the grant from these. Applications keep the date by which the applicant is
to answer a request for changes (`changes_due_on`), so overdue answers reach the office's to-do
list. Attachments the office releases to the jury's papers carry `for_jury`. Plain added columns: SQLite adds them without a rebuild (the applications table is never
rebuilt, its FTS5 triggers of 0017 stay).

Revision ID: 0026
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

PROOF_COLUMNS = ("income_cents", "own_funds_cents", "other_funding_cents")


def upgrade() -> None:
    for name in PROOF_COLUMNS:
        op.add_column("proofs_of_use", sa.Column(name, sa.BigInteger(), nullable=True))
    op.add_column("proofs_of_use", sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("applications", sa.Column("changes_due_on", sa.Date(), nullable=True))
    op.add_column("attachments", sa.Column("for_jury", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("for_jury")
    with op.batch_alter_table("proofs_of_use", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")
        for name in reversed(PROOF_COLUMNS):
            batch_op.drop_column(name)
    op.drop_column("applications", "changes_due_on")
