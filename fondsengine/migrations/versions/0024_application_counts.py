"""application counts: applications and their requested sum per fund, budget year, state and submitted

Kept by the write session's hooks in the transaction of every change (fondsengine/applications/
counts.py); this migration fills it from the existing applications.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0026"
branch_labels = None
depends_on = None

applications = sa.table(
    "applications",
    sa.column("fund_id", sa.String()),
    sa.column("budget_year", sa.Integer()),
    sa.column("state", sa.String()),
    sa.column("requested_cents", sa.BigInteger()),
    sa.column("submitted_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    counts = op.create_table(
        "application_counts",
        sa.Column("fund_id", sa.String(length=64), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("submitted", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("requested_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_application_counts_count_not_negative")),
        sa.CheckConstraint("requested_cents >= 0", name=op.f("ck_application_counts_requested_not_negative")),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_application_counts_fund_id_funds")),
        sa.PrimaryKeyConstraint("fund_id", "budget_year", "state", "submitted", name=op.f("pk_application_counts")),
    )
    submitted = applications.c.submitted_at.is_not(None)
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            applications.c.fund_id,
            applications.c.budget_year,
            applications.c.state,
            submitted,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(applications.c.requested_cents), 0),
        ).group_by(applications.c.fund_id, applications.c.budget_year, applications.c.state, submitted)
    ).all()
    if rows:
        op.bulk_insert(
            counts,
            [
                {"fund_id": f, "budget_year": int(y), "state": st, "submitted": bool(sub),
                 "count": int(n), "requested_cents": int(r)}
                for f, y, st, sub, n, r in rows
            ],
        )  # fmt: skip


def downgrade() -> None:
    op.drop_table("application_counts")
