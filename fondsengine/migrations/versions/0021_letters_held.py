"""Letters: held_reason, why a letter was not rendered (a placeholder would have had no value)

A letter is never sent with an empty placeholder. When its text cannot be filled from the
snapshot, the renderer stores the reason here instead of a PDF; the office's to-do list shows
held letters and the renderer does not try them again (the snapshot and the guideline version
it is rendered from never change). A plain added column: SQLite adds it without a rebuild.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("letters", sa.Column("held_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("held_reason")
