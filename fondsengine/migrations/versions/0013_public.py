"""publication consents and public listings (the fund in public, issue 16)

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publication_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("publish_title", sa.Boolean(), nullable=False),
        sa.Column("publish_summary", sa.Boolean(), nullable=False),
        sa.Column("publish_organisation", sa.Boolean(), nullable=False),
        sa.Column("publish_photos", sa.Boolean(), nullable=False),
        sa.Column("publish_report", sa.Boolean(), nullable=False),
        sa.Column("public_summary", sa.Text(), nullable=False),
        sa.Column("public_report", sa.Text(), nullable=False),
        sa.Column("photo_consent_by", sa.String(length=300), nullable=True),
        sa.Column("photo_consent_scope", sa.Text(), nullable=True),
        sa.Column("consent_text_version", sa.String(length=40), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('application', 'proof')", name=op.f("ck_publication_consents_stage_known")),
        sa.CheckConstraint(
            "NOT publish_photos OR (photo_consent_by IS NOT NULL AND photo_consent_scope IS NOT NULL)",
            name=op.f("ck_publication_consents_photos_need_consent"),
        ),
        sa.CheckConstraint(
            "NOT publish_summary OR public_summary <> ''", name=op.f("ck_publication_consents_summary_given")
        ),
        sa.CheckConstraint(
            "NOT publish_report OR public_report <> ''", name=op.f("ck_publication_consents_report_given")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_publication_consents_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["given_by_id"], ["users.id"], name=op.f("fk_publication_consents_given_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_consents")),
    )
    op.create_index("ix_publication_consents_app", "publication_consents", ["application_id", "id"], unique=False)
    op.create_table(
        "public_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("area_part", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("latitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("withheld", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name=op.f("ck_public_listings_latitude_range")
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
            name=op.f("ck_public_listings_longitude_range"),
        ),
        sa.CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name=op.f("ck_public_listings_coordinates_paired")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_public_listings_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_public_listings_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_listings")),
        sa.UniqueConstraint("application_id", name=op.f("uq_public_listings_application_id")),
    )


def downgrade() -> None:
    op.drop_table("public_listings")
    op.drop_index("ix_publication_consents_app", table_name="publication_consents")
    op.drop_table("publication_consents")
