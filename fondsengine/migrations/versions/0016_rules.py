"""guideline rules of issue 14: group members, input tax, de-minimis aid, fee payee and VAT,
repeat funding links, soft limits lifted per application

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_members", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("input_tax_deductible", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("de_minimis_prior_cents", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("continues_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lifted_limits", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("continues_file_number", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_continues_id_applications"), "applications", ["continues_id"], ["id"]
        )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.alter_column("group_members", server_default=None)
        batch_op.alter_column("input_tax_deductible", server_default=None)
        batch_op.alter_column("lifted_limits", server_default=None)
    with op.batch_alter_table("cost_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payee", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("vat_cents", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cost_items", schema=None) as batch_op:
        batch_op.drop_column("vat_cents")
        batch_op.drop_column("payee")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_applications_continues_id_applications"), type_="foreignkey")
        batch_op.drop_column("lifted_limits")
        batch_op.drop_column("continues_file_number")
        batch_op.drop_column("continues_id")
        batch_op.drop_column("de_minimis_prior_cents")
        batch_op.drop_column("input_tax_deductible")
        batch_op.drop_column("group_members")
