"""private contributions to a co-financed fund, each booked into the year's pot once

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "private_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("contributor", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_private_contributions_amount_positive")),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_private_contributions_fund_id_funds")),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"], ["ledger_entries.id"], name=op.f("fk_private_contributions_ledger_entry_id_ledger_entries")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_private_contributions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_private_contributions")),
        sa.UniqueConstraint("ledger_entry_id", name=op.f("uq_private_contributions_ledger_entry_id")),
    )
    op.create_index(op.f("ix_private_contributions_fund_id"), "private_contributions", ["fund_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_private_contributions_fund_id"), table_name="private_contributions")
    op.drop_table("private_contributions")
