"""Hash chains over the ledger and the audit trail: the canonical row text and sealing at commit.

Format version 1 (docs/security.md, section "integrity"):

- Each chained table lists its content columns below (`LEDGER_FIELDS`, `AUDIT_FIELDS`).
- The canonical text of a row is the JSON object of those columns plus `"chain"` (the chain's
  name) and `"seq"` (its position, 1, 2, 3 ...), with sorted keys, separators `,` and `:`,
  UTF-8 unescaped. Integers stay integers, NULL is `null`, times are ISO 8601 in UTC with
  microseconds (`2026-11-25T09:00:00.000000+00:00`), JSON columns are nested objects with
  sorted keys.
- `row_hash = sha256(prev_hash + "\\n" + canonical text)` in lower-case hex; the first row's
  `prev_hash` is 64 zeros. `chain_heads` holds each chain's row count, last id and last hash.

Rows are inserted unchained (chain_seq NULL) and sealed in one step right before their
transaction commits: the session hook flushes, then locks the chain heads (ledger before
audit, always last, so no deadlock with the application and budget-year locks taken before)
and assigns positions in the order it takes them, not by id (PostgreSQL ids come from a
sequence and may commit out of order). The append-only triggers allow exactly this one update
of an unsealed row's chain columns.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Integer,
    String,
    Text,
    bindparam,
    column,
    func,
    insert,
    select,
    table,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, sessionmaker
from sqlalchemy.sql import TableClause
from sqlalchemy.types import TypeEngine

from fondsengine.model import AuditEvent, LedgerEntry
from fondsengine.model.base import UTCDateTime

log = logging.getLogger(__name__)

GENESIS = "0" * 64
FORMAT_VERSION = 1
_BATCH = 500

LEDGER_FIELDS: tuple[tuple[str, TypeEngine[Any]], ...] = (
    ("id", Integer()),
    ("fund_id", String()),
    ("budget_year", Integer()),
    ("kind", String()),
    ("amount_cents", BigInteger()),
    ("application_id", Integer()),
    ("payment_id", Integer()),
    ("counter_of_id", Integer()),
    ("actor_id", Integer()),
    ("note", Text()),
    ("booked_at", UTCDateTime()),
)
AUDIT_FIELDS: tuple[tuple[str, TypeEngine[Any]], ...] = (
    ("id", Integer()),
    ("at", UTCDateTime()),
    ("actor_id", Integer()),
    ("actor_role", String()),
    ("on_behalf_of_id", Integer()),
    ("fund_id", String()),
    ("application_id", Integer()),
    ("action", String()),
    ("from_state", String()),
    ("to_state", String()),
    ("reason", Text()),
    ("guideline_hash", String()),
    ("clause", String()),
    ("data", JSON()),
)
CHAIN_COLUMNS = ("chain_seq", "prev_hash", "row_hash")


@dataclass(frozen=True)
class ChainSpec:
    """One chained table: its chain name, German label and frozen content columns."""

    name: str
    table_name: str
    label: str
    fields: tuple[str, ...]
    table: TableClause


def _spec(name: str, table_name: str, label: str, fields: tuple[tuple[str, TypeEngine[Any]], ...]) -> ChainSpec:
    cols = [column(n, t) for n, t in fields]
    cols += [column("chain_seq", Integer()), column("prev_hash", String()), column("row_hash", String())]
    return ChainSpec(name, table_name, label, tuple(n for n, _ in fields), table(table_name, *cols))


LEDGER = _spec("ledger", "ledger_entries", "Buchungsjournal", LEDGER_FIELDS)
AUDIT = _spec("audit", "audit_events", "Protokoll", AUDIT_FIELDS)
CHAINS: tuple[ChainSpec, ...] = (LEDGER, AUDIT)  # also the lock order
HEADS = table(
    "chain_heads",
    column("name", String()),
    column("row_count", Integer()),
    column("last_id", Integer()),
    column("last_hash", String()),
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical(spec: ChainSpec, seq: int, values: Mapping[str, Any]) -> str:
    """The canonical text of one row at chain position `seq` (format version 1)."""
    doc: dict[str, Any] = {name: _plain(values[name]) for name in spec.fields}
    doc["chain"], doc["seq"] = spec.name, seq
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, text: str) -> str:
    """sha256 over the predecessor's hash and a row's canonical text."""
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def row_hash(spec: ChainSpec, seq: int, prev_hash: str, values: Mapping[str, Any]) -> str:
    """The hash a row at position `seq` after `prev_hash` must carry."""
    return link_hash(prev_hash, canonical(spec, seq, values))


@dataclass(frozen=True)
class Head:
    """A chain's recorded end."""

    name: str
    row_count: int
    last_id: int | None
    last_hash: str


def read_head(conn: Connection, spec: ChainSpec, *, lock: bool = False) -> Head | None:
    """The chain head row (locked FOR UPDATE on PostgreSQL when asked), None when missing."""
    stmt = select(HEADS.c.row_count, HEADS.c.last_id, HEADS.c.last_hash).where(HEADS.c.name == spec.name)
    if lock:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).first()
    return None if row is None else Head(spec.name, int(row[0]), row[1], str(row[2]))


def _create_head(conn: Connection, spec: ChainSpec) -> None:
    """Recreate a missing head from the last sealed row (or the genesis), race-safe."""
    t = spec.table
    last = conn.execute(
        select(t.c.chain_seq, t.c.id, t.c.row_hash)
        .where(t.c.chain_seq.is_not(None))
        .order_by(t.c.chain_seq.desc())
        .limit(1)
    ).first()
    values = {"name": spec.name, "row_count": 0, "last_id": None, "last_hash": GENESIS}
    if last is not None:
        log.warning("chain head %r was missing; recreated from the last sealed row", spec.name)
        values.update(row_count=int(last[0]), last_id=int(last[1]), last_hash=str(last[2]))
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(HEADS).values(**values).on_conflict_do_nothing(index_elements=["name"]))
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(HEADS).values(**values).on_conflict_do_nothing(index_elements=["name"]))
    else:
        conn.execute(insert(HEADS).values(**values))


def _lock_head(conn: Connection, spec: ChainSpec) -> Head:
    head = read_head(conn, spec, lock=True)
    if head is None:
        _create_head(conn, spec)
        head = read_head(conn, spec, lock=True)
    assert head is not None
    return head


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), _BATCH):
        yield ids[i : i + _BATCH]


def _unsealed(conn: Connection, spec: ChainSpec, ids: Collection[int] | None) -> list[Row[Any]]:
    t = spec.table
    base = select(*(t.c[n] for n in spec.fields)).where(t.c.chain_seq.is_(None))
    if ids is None:
        return list(conn.execute(base.order_by(t.c.id)))
    rows: list[Row[Any]] = []
    for chunk in _chunks(sorted(ids)):
        rows.extend(conn.execute(base.where(t.c.id.in_(chunk))))
    return sorted(rows, key=lambda r: int(r.id))


def seal_chain(
    conn: Connection,
    spec: ChainSpec,
    ids: Collection[int] | None,
    known: Mapping[int, Mapping[str, Any]] | None = None,
    locked: Head | None = None,
) -> int:
    """Lock the chain head and chain the given unsealed rows (all unsealed rows when None). `known`:
    the content of rows this transaction wrote itself, by id (`written`), which are not read back;
    `locked`: the head when the caller has locked it already (`seal`)."""
    head = locked if locked is not None else _lock_head(conn, spec)
    given = {} if known is None or ids is None else {i: known[i] for i in ids if i in known}
    rest = None if ids is None else [i for i in ids if i not in given]
    read = [] if rest is not None and not rest else [dict(r._mapping) for r in _unsealed(conn, spec, rest)]
    rows = sorted([*given.values(), *read], key=lambda r: int(r["id"]))
    if not rows:
        return 0
    seq, prev, params = head.row_count, head.last_hash, []
    for r in rows:
        seq += 1
        h = row_hash(spec, seq, prev, r)
        params.append({"b_id": r["id"], "b_seq": seq, "b_prev": prev, "b_hash": h})
        prev = h
    t = spec.table
    conn.execute(
        update(t)
        .where(t.c.id == bindparam("b_id"), t.c.chain_seq.is_(None))
        .values(chain_seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), row_hash=bindparam("b_hash")),
        params,
    )
    conn.execute(
        update(HEADS).where(HEADS.c.name == spec.name).values(row_count=seq, last_id=params[-1]["b_id"], last_hash=prev)
    )
    return len(rows)


def seal(
    conn: Connection,
    ids: Mapping[str, Collection[int]] | None = None,
    known: Mapping[str, Mapping[int, Mapping[str, Any]]] | None = None,
) -> dict[str, int]:
    """Seal rows of both chains in the lock order (ledger, then audit); `None` seals every unsealed row.
    `known`: per chain, the content of rows written in this transaction by id (not read back)."""
    sealed: dict[str, int] = {}
    specs = [spec for spec in CHAINS if ids is None or ids.get(spec.name)]
    heads = _lock_heads(conn, specs) if len(specs) > 1 else {}
    for spec in specs:
        wanted = None if ids is None else ids.get(spec.name)
        rows = None if known is None else known.get(spec.name)
        sealed[spec.name] = seal_chain(conn, spec, wanted, rows, heads.get(spec.name))
    return sealed


def _lock_heads(conn: Connection, specs: Sequence[ChainSpec]) -> dict[str, Head]:
    """Lock several chain heads in one statement, in the lock order of CHAINS (ledger before audit:
    the rows are locked in the order the sort returns them); a missing head is left to `_lock_head`."""
    order = [spec.name for spec in CHAINS if spec in specs]
    assert order == sorted(order, reverse=True), "the lock order (CHAINS) must be the names' descending order"
    rows = conn.execute(
        select(HEADS.c.name, HEADS.c.row_count, HEADS.c.last_id, HEADS.c.last_hash)
        .where(HEADS.c.name.in_(order))
        .order_by(HEADS.c.name.desc())
        .with_for_update()
    ).all()
    return {str(r[0]): Head(str(r[0]), int(r[1]), r[2], str(r[3])) for r in rows}


def unsealed_count(conn: Connection, spec: ChainSpec) -> int:
    """How many committed rows of a chain carry no chain position."""
    t = spec.table
    return int(conn.execute(select(func.count()).select_from(t).where(t.c.chain_seq.is_(None))).scalar_one())


# --- the one mechanism every ORM writer goes through: hooks on the write session factory ---

_PENDING = "fonds_chain_pending"
_KNOWN = "fonds_chain_known"  # chain name -> id -> the row's content as written (`written` with rows)


def _collect(session: Session, _flush: UOWTransaction) -> None:
    pending: dict[str, set[int]] | None = session.info.get(_PENDING)
    for obj in session.new:
        name = "ledger" if isinstance(obj, LedgerEntry) else "audit" if isinstance(obj, AuditEvent) else None
        if name is not None:
            if pending is None:
                pending = session.info[_PENDING] = {"ledger": set(), "audit": set()}
            pending[name].add(obj.id)
            _remember(session, name, obj.id, obj.__dict__)


def _remember(session: Session, name: str, row_id: int, values: Mapping[str, Any]) -> None:
    """Keep a row's content as just written, in canonical form, for the seal (no read back); a row
    whose values are not all in hand (a column the database filled) is read back at the seal."""
    spec = LEDGER if name == "ledger" else AUDIT
    if any(f not in values for f in spec.fields if f != "id"):
        return
    known: dict[str, dict[int, dict[str, Any]]] = session.info.setdefault(_KNOWN, {"ledger": {}, "audit": {}})
    known[name][row_id] = {"id": row_id, **{f: _plain(values[f]) for f in spec.fields if f != "id"}}


def written(session: Session, name: str, ids: Sequence[int], rows: Sequence[Mapping[str, Any]] | None = None) -> None:
    """Seal these rows of chain `name` at this transaction's commit too: for rows written around the
    ORM (a Core multi-row insert, `lifecycle.audit.write_events`), which the flush hook never sees.
    With `rows` (the values inserted, in the order of `ids`) the seal hashes them as given instead of
    reading them back; their content is taken now in its canonical form, so a later change of the
    dicts changes nothing. A rolled-back SAVEPOINT drops what is known (the seal reads back again)."""
    pending: dict[str, set[int]] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = {"ledger": set(), "audit": set()}
    pending[name].update(ids)
    for i, row in zip(ids, rows or (), strict=rows is not None):
        _remember(session, name, i, row)


def _seal_before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT is released, not the transaction: seal (and lock) only at the real commit
    session.flush()  # all rows of this transaction are written (and its other locks taken) first
    pending: dict[str, set[int]] | None = session.info.pop(_PENDING, None)
    known: dict[str, dict[int, dict[str, Any]]] | None = session.info.pop(_KNOWN, None)
    if pending and any(pending.values()):
        seal(session.connection(), pending, known)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction ended; a rolled-back SAVEPOINT keeps the others' ids
        session.info.pop(_PENDING, None)
        session.info.pop(_KNOWN, None)


def _rolled_back(session: Session, _previous: SessionTransaction) -> None:
    """A rollback (of a SAVEPOINT too): rows written under it may be gone, so none is sealed from its
    values in hand; the seal reads back those that exist."""
    session.info.pop(_KNOWN, None)


def install(factory: sessionmaker[Session]) -> None:
    """Seal the ledger and audit rows of every transaction of this session factory at commit."""
    from sqlalchemy import event

    event.listen(factory, "after_flush", _collect)
    event.listen(factory, "before_commit", _seal_before_commit)
    event.listen(factory, "after_transaction_end", _forget)
    event.listen(factory, "after_soft_rollback", _rolled_back)


def iter_rows(conn: Connection, spec: ChainSpec, batch: int = 5000) -> Iterable[Row[Any]]:
    """The sealed rows of a chain in chain order, read in batches (keyset by chain_seq)."""
    t = spec.table
    cols = [*(t.c[n] for n in spec.fields), t.c.chain_seq, t.c.prev_hash, t.c.row_hash]
    stmt = select(*cols).where(t.c.chain_seq.is_not(None)).order_by(t.c.chain_seq).limit(batch)
    while True:
        rows = list(conn.execute(stmt))
        if not rows:
            return
        yield from rows
        stmt = stmt.where(t.c.chain_seq > int(rows[-1].chain_seq))
