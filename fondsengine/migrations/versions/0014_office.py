"""the office work: messages between applicant and office inside an application

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "application_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("from_office", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_messages_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_application_messages_attachment_id_attachments"),
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_application_messages_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_messages")),
    )
    with op.batch_alter_table("application_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_messages_application_id"), ["application_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("application_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_messages_application_id"))
    op.drop_table("application_messages")
