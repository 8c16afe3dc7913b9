"""jury comments and scores per criterion; organisations with members (co-applicants)

New tables only (no rebuild of `applications`, so the SQLite search triggers of 0017 stay):
`jury_comments`, `jury_scores`, `organisations`, `organisation_members` and
`application_organisations` (an application made for an organisation).

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jury_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"], name=op.f("fk_jury_comments_agenda_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_jury_comments_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jury_comments")),
    )
    op.create_index(op.f("ix_jury_comments_agenda_item_id"), "jury_comments", ["agenda_item_id"])
    op.create_table(
        "jury_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points >= 0", name=op.f("ck_jury_scores_points_not_negative")),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"], name=op.f("fk_jury_scores_agenda_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_jury_scores_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jury_scores")),
        sa.UniqueConstraint("agenda_item_id", "user_id", "criterion", name="uq_jury_scores_item_user_criterion"),
    )
    op.create_index(op.f("ix_jury_scores_agenda_item_id"), "jury_scores", ["agenda_item_id"])
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["representative_id"], ["users.id"], name=op.f("fk_organisations_representative_id_users")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_organisations_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "organisation_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_members_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_organisation_members_user_id_users")),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_organisation_members_added_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_members")),
        sa.UniqueConstraint("organisation_id", "user_id", name="uq_organisation_members_org_user"),
    )
    op.create_index(op.f("ix_organisation_members_organisation_id"), "organisation_members", ["organisation_id"])
    op.create_index(op.f("ix_organisation_members_user_id"), "organisation_members", ["user_id"])
    op.create_table(
        "application_organisations",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_organisations_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_application_organisations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["users.id"], name=op.f("fk_application_organisations_linked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_application_organisations")),
    )
    op.create_index(
        op.f("ix_application_organisations_organisation_id"), "application_organisations", ["organisation_id"]
    )


def downgrade() -> None:
    op.drop_table("application_organisations")
    op.drop_table("organisation_members")
    op.drop_table("organisations")
    op.drop_table("jury_scores")
    op.drop_table("jury_comments")
