"""Migration 0033 on a database with money in it (SQLite and PostgreSQL): `payments.fund_id` and
`refunds.fund_id` are filled from the application, the payments referenced by ledger entries survive
the copy of the table on SQLite (foreign keys off for the copy, every key checked after), down to 0032
and up again; the writers set the column (the demo's payments and refund claim go through them)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, select, text

from fondsengine import demo
from fondsengine.engine import Engine
from fondsengine.migrate import alembic_config
from fondsengine.model import Application, LedgerEntry, Payment, Refund


def _funds(fonds: Engine) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """(id, own fund, application's fund) of every payment and refund."""
    with fonds.db.read() as s:
        pays = s.execute(
            select(Payment.id, Payment.fund_id, Application.fund_id).join(
                Application, Application.id == Payment.application_id
            )
        ).all()
        refunds = s.execute(
            select(Refund.id, Refund.fund_id, Application.fund_id).join(
                Application, Application.id == Refund.application_id
            )
        ).all()
    return sorted(tuple(r) for r in pays), sorted(tuple(r) for r in refunds)  # type: ignore[misc]


def test_the_fund_of_payments_and_refunds_is_the_applications_and_migration_0033_fills_it(fonds: Engine) -> None:
    assert demo.seed(fonds)
    pays, refunds = _funds(fonds)
    assert pays and refunds  # the writers set it (the column is NOT NULL)
    assert all(own == app for _i, own, app in pays + refunds)
    with fonds.db.read() as s:
        booked = s.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.payment_id.is_not(None)))
    assert booked  # ledger entries reference the payments: the table copy on SQLite must keep them
    url = fonds.db.engine.url.render_as_string(hide_password=False)
    fonds.db.dispose()
    cfg = alembic_config(url)
    command.downgrade(cfg, "0032")
    with fonds.db.engine.connect() as conn:
        columns = (
            {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(payments)")}
            if conn.dialect.name == "sqlite"
            else set(
                conn.scalars(text("SELECT column_name FROM information_schema.columns WHERE table_name = 'payments'"))
            )
        )
    fonds.db.dispose()
    assert "fund_id" not in columns
    command.upgrade(cfg, "head")
    assert _funds(fonds) == (pays, refunds)
    with fonds.db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        booked_after = conn.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.payment_id.is_not(None))
        )
    assert booked_after == booked
