"""applications.client_token: a double-clicked form post creates one application

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("client_token", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_applications_applicant_client_token", ["applicant_id", "client_token"])


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint("uq_applications_applicant_client_token", type_="unique")
        batch.drop_column("client_token")
