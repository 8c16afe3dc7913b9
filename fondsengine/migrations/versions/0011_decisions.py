"""decisions: the applicant as legal entity (legal form, representative)

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("legal_form", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("representative", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("representative")
        batch.drop_column("legal_form")
