"""refund claims per fund and budget year on budget_years; the dashboard's due-soon ranges

`budget_years.refund_claimed_cents`: a running sum like the ledger's totals.

The dashboard's and the reports' figures read the year's refund claims from
`budget_years.refund_claimed_cents` (kept by `proofs.claim_refund` in the claim's transaction)
instead of summing every refund joined to its application per request. Filled here from the
refunds, by their application's fund and budget year; `fondsengine verify` compares it with the fold.

Two indexes `(fund_id, budget_year, state, proof_due_on | lapse_due_on, id)`: the dashboard reads its
proofs due soon and grants lapsing soon as one ordered range per state that stops after 40 rows.

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

years = sa.table(
    "budget_years",
    sa.column("fund_id", sa.String()),
    sa.column("year", sa.Integer()),
    sa.column("refund_claimed_cents", sa.BigInteger()),
)
refunds = sa.table("refunds", sa.column("application_id", sa.Integer()), sa.column("claimed_cents", sa.BigInteger()))
applications = sa.table(
    "applications",
    sa.column("id", sa.Integer()),
    sa.column("fund_id", sa.String()),
    sa.column("budget_year", sa.Integer()),
)


INDEXES = (
    ("ix_applications_fund_year_state_proof_due", ["fund_id", "budget_year", "state", "proof_due_on", "id"]),
    ("ix_applications_fund_year_state_lapse_due", ["fund_id", "budget_year", "state", "lapse_due_on", "id"]),
)


def upgrade() -> None:
    op.add_column(
        "budget_years", sa.Column("refund_claimed_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
    )
    claimed = (
        sa.select(sa.func.coalesce(sa.func.sum(refunds.c.claimed_cents), 0))
        .select_from(refunds.join(applications, applications.c.id == refunds.c.application_id))
        .where(applications.c.fund_id == years.c.fund_id, applications.c.budget_year == years.c.year)
        .scalar_subquery()
    )
    op.execute(sa.update(years).values(refund_claimed_cents=claimed))
    for name, columns in INDEXES:
        op.create_index(name, "applications", columns)


def downgrade() -> None:
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="applications")
    with op.batch_alter_table("budget_years", schema=None) as batch_op:
        batch_op.drop_column("refund_claimed_cents")
