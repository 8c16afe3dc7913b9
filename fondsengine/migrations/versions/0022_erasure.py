"""erasure requests (Art. 17 DSGVO): the person's request and what the office did with it

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.CheckConstraint("status = 'open' OR decided_at IS NOT NULL", name=op.f("ck_erasure_requests_done_has_date")),
        sa.CheckConstraint("status IN ('open', 'done')", name=op.f("ck_erasure_requests_status_known")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_erasure_requests_decided_by_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_erasure_requests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
    )
    op.create_index(op.f("ix_erasure_requests_user_id"), "erasure_requests", ["user_id"], unique=False)
    op.create_index(
        "uq_erasure_requests_one_open",
        "erasure_requests",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("uq_erasure_requests_one_open", table_name="erasure_requests")
    op.drop_index(op.f("ix_erasure_requests_user_id"), table_name="erasure_requests")
    op.drop_table("erasure_requests")
