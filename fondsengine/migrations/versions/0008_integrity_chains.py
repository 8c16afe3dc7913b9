"""hash chains over audit events and ledger entries (filled by the integrity work)

Adds chain_seq / prev_hash / row_hash to ledger_entries and audit_events and the chain_heads
table, lets the append-only triggers allow exactly one update (sealing an unsealed row's chain
columns, nothing else) and chains the existing rows in id order (fondsengine/integrity/chain.py).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TABLES = ("ledger_entries", "audit_events")


def _sqlite_triggers(table: str, fields: tuple[str, ...]) -> None:
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_update")
    op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete")
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in fields)
    op.execute(
        f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
        f"WHEN NOT (OLD.chain_seq IS NULL AND OLD.row_hash IS NULL AND NEW.chain_seq IS NOT NULL "
        f"AND NEW.row_hash IS NOT NULL AND NEW.prev_hash IS NOT NULL AND {same}) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    )
    op.execute(
        f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    )


_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION fonds_append_only_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND OLD.row_hash IS NULL
     AND NEW.chain_seq IS NOT NULL AND NEW.row_hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
     AND (to_jsonb(NEW) - 'chain_seq' - 'prev_hash' - 'row_hash')
         = (to_jsonb(OLD) - 'chain_seq' - 'prev_hash' - 'row_hash') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$
"""


def upgrade() -> None:
    from fondsengine.integrity.chain import AUDIT, GENESIS, LEDGER, seal

    op.create_table(
        "chain_heads",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_chain_heads")),
    )
    for table in _TABLES:
        op.add_column(table, sa.Column("chain_seq", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("prev_hash", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("row_hash", sa.String(length=64), nullable=True))
        op.create_index(op.f(f"ix_{table}_chain_seq"), table, ["chain_seq"], unique=True)
    bind = op.get_bind()
    heads = sa.table(
        "chain_heads",
        sa.column("name", sa.String()),
        sa.column("row_count", sa.Integer()),
        sa.column("last_id", sa.Integer()),
        sa.column("last_hash", sa.String()),
    )
    op.bulk_insert(
        heads,
        [{"name": s.name, "row_count": 0, "last_id": None, "last_hash": GENESIS} for s in (LEDGER, AUDIT)],
    )
    if bind.dialect.name == "sqlite":
        for spec in (LEDGER, AUDIT):
            _sqlite_triggers(spec.table_name, spec.fields)
    elif bind.dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in _TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_append_only ON {table}")
            op.execute(
                f"CREATE TRIGGER trg_{table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION fonds_append_only_sealed()"
            )
    seal(bind)  # existing rows, in id order, so an upgraded database verifies


def downgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        if bind.dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete")
        elif bind.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_append_only ON {table}")
        op.drop_index(op.f(f"ix_{table}_chain_seq"), table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("row_hash")
            batch_op.drop_column("prev_hash")
            batch_op.drop_column("chain_seq")
        if bind.dialect.name == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER trg_{table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        elif bind.dialect.name == "postgresql":
            op.execute(
                f"CREATE TRIGGER trg_{table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION fonds_append_only()"
            )
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS fonds_append_only_sealed()")
    op.drop_table("chain_heads")
