"""what the applicant declares for the rules of issue 14: the day of the latest earlier de-minimis
aid; the VAT rate printed on a receipt (for applicants who deduct input tax)

Revision ID: 0025
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: the applications table is never rebuilt on SQLite (FTS5 triggers of 0017)
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("de_minimis_prior_on", sa.Date(), nullable=True))
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vat_percent", sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_receipts_vat_percent_range"), "vat_percent IS NULL OR vat_percent BETWEEN 0 AND 100"
        )


def downgrade() -> None:
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_receipts_vat_percent_range"), type_="check")
        batch_op.drop_column("vat_percent")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("de_minimis_prior_on")
