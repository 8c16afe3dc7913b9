"""a message on an application can be shared with the jury's papers

Revision ID: 0027
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application_messages") as batch:
        batch.add_column(sa.Column("shared_with_jury_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application_messages") as batch:
        batch.drop_column("shared_with_jury_at")
