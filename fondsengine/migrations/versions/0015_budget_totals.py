"""budget totals: running totals per fund and budget year on budget_years, month sums in ledger_months

Both are kept by `ledger.book` in the transaction of each booking; this migration fills them from
the existing ledger entries (and adds a budget_years row for a year that has entries but none).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TOTALS = ("allocated", "carried", "expired", "committed", "released", "paid", "refunded")
# kind -> {total: sign}, as ledger.EFFECTS at this revision
EFFECTS = {
    "allocation": {"allocated": 1},
    "carry_over": {"carried": 1},
    "expiry": {"expired": 1},
    "commitment": {"committed": 1},
    "release": {"committed": -1, "released": 1},
    "payment": {"paid": 1},
    "refund": {"refunded": 1},
}
MONTHLY = {"commitment": (0, 1), "release": (0, -1), "payment": (1, 1), "refund": (1, -1)}
BERLIN = ZoneInfo("Europe/Berlin")

entries = sa.table(
    "ledger_entries",
    sa.column("fund_id", sa.String()),
    sa.column("budget_year", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("amount_cents", sa.BigInteger()),
    sa.column("booked_at", sa.DateTime(timezone=True)),
)
years = sa.table(
    "budget_years",
    sa.column("fund_id", sa.String()),
    sa.column("year", sa.Integer()),
    sa.column("lock_version", sa.Integer()),
    *(sa.column(f"{name}_cents", sa.BigInteger()) for name in TOTALS),
)
months = sa.table(
    "ledger_months",
    sa.column("fund_id", sa.String()),
    sa.column("budget_year", sa.Integer()),
    sa.column("month", sa.Date()),
    sa.column("committed_cents", sa.BigInteger()),
    sa.column("paid_cents", sa.BigInteger()),
)


def _month(at: datetime) -> date:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)  # SQLite gives naive UTC values
    return aware.astimezone(BERLIN).date().replace(day=1)


def _backfill(conn: sa.Connection) -> None:
    totals: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(TOTALS, 0))
    for fund_id, year, kind, cents in conn.execute(
        sa.select(entries.c.fund_id, entries.c.budget_year, entries.c.kind, sa.func.sum(entries.c.amount_cents))
        .group_by(entries.c.fund_id, entries.c.budget_year, entries.c.kind)
    ):
        for name, sign in EFFECTS[kind].items():
            totals[(fund_id, int(year))][name] += sign * int(cents)
    known = {(f, int(y)) for f, y in conn.execute(sa.select(years.c.fund_id, years.c.year))}
    for fund_id, year in sorted(set(totals) - known):
        conn.execute(sa.insert(years).values(fund_id=fund_id, year=year, lock_version=0))
    for (fund_id, year), values in sorted(totals.items()):
        conn.execute(
            sa.update(years)
            .where(years.c.fund_id == fund_id, years.c.year == year)
            .values({f"{name}_cents": v for name, v in values.items()})
        )
    per_month: dict[tuple[str, int, date], list[int]] = defaultdict(lambda: [0, 0])
    for fund_id, year, kind, cents, at in conn.execute(
        sa.select(entries.c.fund_id, entries.c.budget_year, entries.c.kind, entries.c.amount_cents,
                  entries.c.booked_at).where(entries.c.kind.in_(tuple(MONTHLY)))
    ):  # fmt: skip
        index, sign = MONTHLY[kind]
        per_month[(fund_id, int(year), _month(at))][index] += sign * int(cents)
    rows = [
        {"fund_id": f, "budget_year": y, "month": m, "committed_cents": c, "paid_cents": p}
        for (f, y, m), (c, p) in sorted(per_month.items())
    ]
    for start in range(0, len(rows), 5_000):
        conn.execute(sa.insert(months), rows[start : start + 5_000])


def upgrade() -> None:
    with op.batch_alter_table("budget_years", schema=None) as batch_op:
        for name in TOTALS:
            batch_op.add_column(sa.Column(f"{name}_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False))
    op.create_table(
        "ledger_months",
        sa.Column("fund_id", sa.String(length=64), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("committed_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name=op.f("fk_ledger_months_fund_id_funds")),
        sa.PrimaryKeyConstraint("fund_id", "budget_year", "month", name=op.f("pk_ledger_months")),
    )
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("ledger_months")
    with op.batch_alter_table("budget_years", schema=None) as batch_op:
        for name in reversed(TOTALS):
            batch_op.drop_column(f"{name}_cents")
