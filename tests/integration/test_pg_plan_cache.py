"""PostgreSQL connections plan every statement for its values (issue 19, docs/performance.md): psycopg
prepares a statement run five times on a connection, and PostgreSQL's generic plan of the to-do list's
statement was 2.5-4x slower than planning it each time; `make_engine` sets plan_cache_mode."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from fondsengine.db import make_engine


@pytest.mark.postgres
def test_every_postgresql_connection_plans_prepared_statements_for_their_values(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        for _ in range(2):  # a new connection of the pool as well as the first one
            with engine.connect() as conn:
                assert conn.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
                for _run in range(7):  # prepared by psycopg from the fifth run on: still the same answer
                    assert conn.scalar(text("SELECT count(*) FROM (SELECT 1) t WHERE 1 = :one"), {"one": 1}) == 1
            engine.dispose()
    finally:
        engine.dispose()
