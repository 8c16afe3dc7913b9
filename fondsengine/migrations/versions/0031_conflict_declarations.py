"""declarations of "no conflict": a row in `conflicts` states either a conflict or its absence

A guideline with `jury.conflict.declaration_required` lets a member vote on an agenda item only after
they declared whether they have a conflict of interest there. Both answers are one row per member and
item (the unique constraint `uq_conflicts_item_user` stays); the rows so far were all conflicts.

Revision ID: 0031
Revises: 0029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conflicted", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.alter_column("conflicted", server_default=None)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM conflicts WHERE NOT conflicted"))
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_column("conflicted")
