"""How many applications a fund has per budget year and state, and their requested sum: the counter
table `application_counts`, kept in the transaction of every change (issue 19).

The one mechanism every ORM writer goes through, like the hash chains (integrity/chain.py): hooks on
the write session factory. After each flush the changes of `Application` rows are collected as
deltas per key (fund, budget year, state, submitted): a new application adds one to its key, a
changed one (a workflow step in `lifecycle.fire`, a draft whose year or requested sum was edited,
an office correction) moves from its old key to its new one, a deleted one leaves its key. The old
values come from the attribute history (the five columns are `active_history`). Before the
commit the deltas of the whole transaction are netted and written, in key order (the same lock
order in every transaction, so two steps in opposite directions cannot deadlock), as one
statement per key: an upsert for a key that only gains, else a guarded UPDATE that may not take
a count or a sum below zero (rowcount checked: a counter out of step stops the transaction
instead of being hidden). Anonymisation changes none of the five columns and leaves the counters.

Writers around the ORM call `moved` for their change inside a write session (the workflow step's
guarded Core UPDATE in `lifecycle.fire`), `shift` on a bare connection, or `rebuild` afterwards (the
benchmark's bulk seed); `fold` is the reference that `fondsengine verify` compares
the table with (`integrity/check.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, sessionmaker

from fondsengine.model import Application, ApplicationCount

CountKey = tuple[str, int, str, bool]  # fund_id, budget_year, state, submitted
KEY_COLUMNS = ("fund_id", "budget_year", "state", "submitted_at")


@dataclass(frozen=True)
class Count:
    """The applications of one key: how many, and their requested sum (cents)."""

    count: int = 0
    requested_cents: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.count + other.count, self.requested_cents + other.requested_cents)


class CountsOutOfStep(RuntimeError):
    """A counter would go below zero: the table no longer matches the applications."""


def _key_of(values: dict[str, Any]) -> CountKey:
    submitted = values["submitted_at"] is not None
    return (str(values["fund_id"]), int(values["budget_year"]), str(values["state"]), submitted)


def _now(app: Application) -> tuple[CountKey, int]:
    """The (key, requested) the application has now."""
    values = {name: getattr(app, name) for name in (*KEY_COLUMNS, "requested_cents")}
    return _key_of(values), int(values["requested_cents"] or 0)


def key_now(app: Application) -> tuple[CountKey, int]:
    """The key the application counts under now and its requested sum (cents)."""
    return _now(app)


def _old_and_new(app: Application) -> tuple[tuple[CountKey, int] | None, tuple[CountKey, int]]:
    """The (key, requested) the application had before this flush (None: nothing moved) and has now."""
    attrs = inspect(app).attrs
    old: dict[str, Any] = {}
    changed = False
    for name in (*KEY_COLUMNS, "requested_cents"):
        history = attrs[name].history
        if history.deleted:
            changed = True
            old[name] = history.deleted[0]
        elif history.unchanged:
            old[name] = history.unchanged[0]
        else:  # set without a loaded old value: cannot happen with active_history, so fail loudly
            old[name] = getattr(app, name) if not history.added else _missing(name)
    return ((_key_of(old), int(old["requested_cents"] or 0)) if changed else None), _now(app)


def _missing(name: str) -> Any:
    raise CountsOutOfStep(f"application_counts: the old value of applications.{name} is unknown")


_PENDING = "fonds_counts_pending"


def _pending(session: Session) -> dict[CountKey, Count]:
    found: dict[CountKey, Count] | None = session.info.get(_PENDING)
    if found is None:
        found = session.info[_PENDING] = defaultdict(Count)
    return found


def _collect(session: Session, _flush: UOWTransaction) -> None:
    """After a flush: the moves of the flushed applications between keys, added to the pending deltas."""
    for obj in session.new:
        if isinstance(obj, Application):
            key, requested = _now(obj)
            _pending(session)[key] += Count(1, requested)
    for obj in session.dirty:
        if isinstance(obj, Application):
            old, (key, requested) = _old_and_new(obj)
            if old is not None:
                pending = _pending(session)
                pending[old[0]] += Count(-1, -old[1])
                pending[key] += Count(1, requested)
    for obj in session.deleted:
        if isinstance(obj, Application):
            old, (key, requested) = _old_and_new(obj)
            was_key, was_requested = old if old is not None else (key, requested)
            _pending(session)[was_key] += Count(-1, -was_requested)


def moved(session: Session, old: CountKey, new: CountKey, requested_cents: int) -> None:
    """Record that one application moved between keys by a write around the ORM in this session's
    transaction (the guarded Core UPDATE of a workflow step, `lifecycle.fire`): the move joins the
    deltas the hooks collect and is written with them before the commit, netted and in key order."""
    if old == new:
        return
    pending = _pending(session)
    pending[old] += Count(-1, -requested_cents)
    pending[new] += Count(1, requested_cents)


def _write_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT is released, not the transaction: write once, at the real commit
    session.flush()
    pending: dict[CountKey, Count] | None = session.info.pop(_PENDING, None)
    if pending:
        conn = session.connection()
        for key in sorted(pending):
            shift(conn, key, pending[key])


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def install(factory: sessionmaker[Session]) -> None:
    """Keep application_counts in step with every transaction of this session factory."""
    from sqlalchemy import event

    event.listen(factory, "after_flush", _collect)
    event.listen(factory, "before_commit", _write_before_commit)
    event.listen(factory, "after_transaction_end", _forget)


def shift(conn: Connection | Session, key: CountKey, delta: Count) -> None:
    """Add a delta to one key in one statement: an upsert when the key only gains, else a guarded
    UPDATE that keeps count and sum >= 0 (CountsOutOfStep when it matches no row)."""
    if delta == Count():
        return
    fund_id, year, state, submitted = key
    where = (
        ApplicationCount.fund_id == fund_id,
        ApplicationCount.budget_year == year,
        ApplicationCount.state == state,
        ApplicationCount.submitted == submitted,
    )
    if delta.count >= 0 and delta.requested_cents >= 0:
        dialect = conn.get_bind().dialect.name if isinstance(conn, Session) else conn.dialect.name
        upsert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
        if upsert is None:  # pragma: no cover - the engine runs on SQLite and PostgreSQL only
            raise NotImplementedError(dialect)
        row: Any = upsert(ApplicationCount).values(
            fund_id=fund_id, budget_year=year, state=state, submitted=submitted,
            count=delta.count, requested_cents=delta.requested_cents,
        )  # fmt: skip
        conn.execute(
            row.on_conflict_do_update(
                index_elements=["fund_id", "budget_year", "state", "submitted"],
                set_={
                    "count": ApplicationCount.count + row.excluded.count,
                    "requested_cents": ApplicationCount.requested_cents + row.excluded.requested_cents,
                },
            )
        )
        return
    result = conn.execute(
        update(ApplicationCount)
        .where(
            *where,
            ApplicationCount.count + delta.count >= 0,
            ApplicationCount.requested_cents + delta.requested_cents >= 0,
        )
        .values(
            count=ApplicationCount.count + delta.count,
            requested_cents=ApplicationCount.requested_cents + delta.requested_cents,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise CountsOutOfStep(
            f"application_counts {key}: {delta} would go below zero; run `fondsengine verify` "
            "(the counters no longer match the applications)"
        )


def fold(conn: Connection | Session) -> dict[CountKey, Count]:
    """The reference: the counters folded from the applications (one grouped query)."""
    submitted = Application.submitted_at.is_not(None)
    rows = conn.execute(
        select(
            Application.fund_id,
            Application.budget_year,
            Application.state,
            submitted,
            func.count(),
            func.coalesce(func.sum(Application.requested_cents), 0),
        ).group_by(Application.fund_id, Application.budget_year, Application.state, submitted)
    )
    return _as_dict(rows)


def _columns() -> tuple[Any, ...]:
    c = ApplicationCount
    return (c.fund_id, c.budget_year, c.state, c.submitted, c.count, c.requested_cents)


def _as_dict(rows: Iterable[Any]) -> dict[CountKey, Count]:
    return {
        (str(f), int(y), str(st), bool(sub)): Count(int(n), int(r)) for f, y, st, sub, n, r in rows if (n, r) != (0, 0)
    }


def stored(conn: Connection | Session) -> dict[CountKey, Count]:
    """The counters as stored (keys with a count of zero left out)."""
    return _as_dict(conn.execute(select(*_columns())))


def rebuild(conn: Connection) -> int:
    """Set the table from the applications (after rows were written around the ORM, e.g. the
    benchmark's bulk seed). Returns the number of keys written. Take the write lock first."""
    folded = fold(conn)
    conn.execute(delete(ApplicationCount))
    if folded:
        conn.execute(
            insert(ApplicationCount),
            [
                {"fund_id": f, "budget_year": y, "state": st, "submitted": sub,
                 "count": c.count, "requested_cents": c.requested_cents}
                for (f, y, st, sub), c in sorted(folded.items())
            ],
        )  # fmt: skip
    return len(folded)
