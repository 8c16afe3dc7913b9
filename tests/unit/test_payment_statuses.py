"""The statuses of a payment are named once (`model.money`): the CHECK of the table and the partial
unique index of the open request list exactly the tuples the code reads."""

from __future__ import annotations

import re

from sqlalchemy import CheckConstraint, Index, Table

from fondsengine.model import Payment
from fondsengine.model.money import OPEN_PAYMENT, PAID, PAYMENT_STATUSES, REQUESTED


def _listed(sql: str) -> tuple[str, ...]:
    match = re.search(r"status IN \(([^)]*)\)", sql)
    assert match, sql
    return tuple(v.strip().strip("'") for v in match.group(1).split(","))


def test_the_table_check_lists_the_statuses() -> None:
    table = Payment.__table__
    assert isinstance(table, Table)
    checks = [c for c in table.constraints if isinstance(c, CheckConstraint) and str(c.name).endswith("status_known")]
    assert len(checks) == 1
    assert _listed(str(checks[0].sqltext)) == PAYMENT_STATUSES


def test_the_one_open_request_index_is_over_the_open_statuses() -> None:
    table = Payment.__table__
    assert isinstance(table, Table)
    index = next(i for i in table.indexes if isinstance(i, Index) and i.name == "uq_payments_one_open_request")
    for dialect in ("sqlite", "postgresql"):
        assert _listed(str(index.dialect_options[dialect]["where"])) == OPEN_PAYMENT
    assert set(OPEN_PAYMENT) < set(PAYMENT_STATUSES) and {PAID, REQUESTED} <= set(PAYMENT_STATUSES)
    assert PAID not in OPEN_PAYMENT and REQUESTED in OPEN_PAYMENT
