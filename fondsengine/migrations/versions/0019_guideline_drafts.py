"""guideline drafts edited in the browser, and the council decisions that adopt them

Two new tables, no change to existing ones (so no table rebuild on SQLite):
`guideline_drafts` holds the text the office edits with the loader's problems of its last save;
`guideline_adoptions` records the council decision (date, reference, the uploaded decision
file) and the day from which the adopted version applies.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guideline_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.String(length=64), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("adopted_version_id", sa.Integer(), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_guideline_drafts_fund_id_funds")),
        sa.ForeignKeyConstraint(
            ["base_version_id"],
            ["guideline_versions.id"],
            name=op.f("fk_guideline_drafts_base_version_id_guideline_versions"),
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_guideline_drafts_author_id_users")),
        sa.ForeignKeyConstraint(
            ["adopted_version_id"],
            ["guideline_versions.id"],
            name=op.f("fk_guideline_drafts_adopted_version_id_guideline_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_drafts")),
    )
    op.create_index(op.f("ix_guideline_drafts_fund_id"), "guideline_drafts", ["fund_id"], unique=False)
    op.create_table(
        "guideline_adoptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("council_date", sa.Date(), nullable=False),
        sa.Column("council_reference", sa.String(length=200), nullable=False),
        sa.Column("decision_name", sa.String(length=255), nullable=False),
        sa.Column("decision_stored_name", sa.String(length=64), nullable=False),
        sa.Column("decision_mimetype", sa.String(length=100), nullable=False),
        sa.Column("decision_sha256", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("adopted_by_id", sa.Integer(), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_guideline_adoptions_fund_id_funds")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["guideline_versions.id"],
            name=op.f("fk_guideline_adoptions_version_id_guideline_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["guideline_drafts.id"], name=op.f("fk_guideline_adoptions_draft_id_guideline_drafts")
        ),
        sa.ForeignKeyConstraint(
            ["adopted_by_id"], ["users.id"], name=op.f("fk_guideline_adoptions_adopted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_adoptions")),
        sa.UniqueConstraint("draft_id", name=op.f("uq_guideline_adoptions_draft_id")),
        sa.UniqueConstraint("decision_stored_name", name=op.f("uq_guideline_adoptions_decision_stored_name")),
    )
    op.create_index(op.f("ix_guideline_adoptions_fund_id"), "guideline_adoptions", ["fund_id"], unique=False)
    op.create_index(op.f("ix_guideline_adoptions_version_id"), "guideline_adoptions", ["version_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_guideline_adoptions_version_id"), table_name="guideline_adoptions")
    op.drop_index(op.f("ix_guideline_adoptions_fund_id"), table_name="guideline_adoptions")
    op.drop_table("guideline_adoptions")
    op.drop_index(op.f("ix_guideline_drafts_fund_id"), table_name="guideline_drafts")
    op.drop_table("guideline_drafts")
