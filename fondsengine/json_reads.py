"""Several small reads in one statement (issue 19): each read's rows as one JSON array column.

A page that shows many short lists of one application (its events, letters, payments, notes, ...)
would send one statement per list. `read_together` sends them as one: every read becomes a scalar
subquery that aggregates its rows into a JSON array (`json_group_array` on SQLite, `json_agg` on
PostgreSQL), and the arrays come back as the columns of one row. The values are turned back into
what the read's own statement gives, by the types of its columns: numbers, text, booleans,
datetimes (through the column type's own result processing, so `UTCDateTime` stays UTC), JSON
columns; a selected entity becomes an instance of its class with its columns set (not attached to a
session, like the detached rows the read session hands out). Rows keep the read's ORDER BY (a row
number travels with each row) and its LIMIT.

The reads stay where their rules live: each module builds its statement (`*_statement`) and turns
rows into its views (`*_from_rows`); its single read executes the statement itself, a page's read
model hands several to `read_together`. Large binary columns are left out of the JSON (SQLite's
JSON cannot hold them): an entity read this way has them unset.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    BindParameter,
    Boolean,
    ColumnElement,
    CompoundSelect,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    Select,
    Text,
    TypeDecorator,
    cast,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import AliasedInsp
from sqlalchemy.types import TypeEngine

Read = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]
Id = int | BindParameter[int]  # a row id, or the parameter a prepared read takes it as


@dataclass(frozen=True)
class _Entity:
    """A selected entity: its class and the (attribute key, column type) of each JSON value."""

    mapper: Mapper[Any]
    keys: tuple[str, ...]
    types: tuple[TypeEngine[Any], ...]


@dataclass(frozen=True)
class _Column:
    type: TypeEngine[Any]


@dataclass(frozen=True)
class _Shape:
    """How one read's JSON rows become rows again."""

    items: tuple[_Entity | _Column, ...]
    names: tuple[str, ...]
    ordered: bool  # the last value of every JSON row is its row number


@dataclass(frozen=True)
class _Together:
    """The one statement of several reads, and how to read its row."""

    statement: Select[*tuple[Any, ...]]
    names: tuple[str, ...]
    shapes: tuple[_Shape, ...]


_PREPARED: dict[tuple[str, Hashable], _Together] = {}  # (dialect, key) -> the statement built once


def read_together(
    s: Session,
    reads: Callable[[], Mapping[str, Read]],
    *,
    key: Hashable | None = None,
    params: Mapping[str, Any] | None = None,
) -> dict[str, list[Any]]:
    """The rows of each read (name -> rows, as its statement gives them, with attribute access by
    column name) from one statement.

    `reads` builds the statements. With a `key` the combined statement is built once per key and
    database dialect and kept (building it costs more than running it): the reads must then take
    what varies as bound parameters (`bindparam`), given in `params`, and the key must name all
    else they depend on."""
    dialect = s.get_bind().dialect
    together = _PREPARED.get((dialect.name, key)) if key is not None else None
    if together is None:
        together = _combined(reads(), dialect.name)
        if key is not None:
            _PREPARED[(dialect.name, key)] = together
    row = s.execute(together.statement, dict(params or {})).one()
    return {
        name: _rows(raw, shape, dialect) for name, raw, shape in zip(together.names, row, together.shapes, strict=True)
    }


def _combined(reads: Mapping[str, Read], dialect_name: str) -> _Together:
    columns: list[ColumnElement[Any]] = []
    shapes: list[_Shape] = []
    for name, read in reads.items():
        array, shape = _aggregated(read, dialect_name)
        columns.append(array.label(name))
        shapes.append(shape)
    return _Together(select(*columns), tuple(reads), tuple(shapes))


def _aggregated(read: Read, dialect_name: str) -> tuple[ColumnElement[Any], _Shape]:
    """The read as a scalar subquery giving its rows as one JSON array (as text), and their shape."""
    values: list[ColumnElement[Any]] = []
    items: list[_Entity | _Column] = []
    names: list[str] = []
    if isinstance(read, CompoundSelect):  # a UNION: its columns, in no particular order
        inner = read.subquery()
        for column in inner.c:
            values.append(column)
            items.append(_Column(column.type))
            names.append(column.key)
        ordered = False
    else:
        for description in read.column_descriptions:
            expr, insp = description["expr"], inspect(description["expr"], raiseerr=False)
            if isinstance(insp, Mapper | AliasedInsp):
                mapper = insp.mapper
                attrs = [a for a in mapper.column_attrs if not isinstance(a.columns[0].type, LargeBinary)]
                values.extend(getattr(expr, a.key) for a in attrs)
                items.append(_Entity(mapper, tuple(a.key for a in attrs), tuple(a.columns[0].type for a in attrs)))
            else:
                values.append(expr)
                items.append(_Column(expr.type))
            names.append(str(description["name"]))
        order = read._order_by_clauses  # the read's own order, kept as a row number
        ordered = bool(order)
        labelled = [v.label(f"c{i}") for i, v in enumerate(values)]
        if ordered:
            labelled.append(func.row_number().over(order_by=order).label("n"))
        inner = read.with_only_columns(*labelled, maintain_column_froms=False).subquery()
        values = list(inner.c)
    if dialect_name == "sqlite":
        cells = [func.json(v) if isinstance(_base(v.type), JSON) else v for v in values]
        array: ColumnElement[Any] = func.json_group_array(func.json_array(*cells))
    else:
        array = cast(func.json_agg(func.json_build_array(*values)), Text)
    return select(array).select_from(inner).scalar_subquery(), _Shape(tuple(items), tuple(names), ordered)


def _rows(raw: str | None, shape: _Shape, dialect: Dialect) -> list[Any]:
    decoded: list[list[Any]] = json.loads(raw, parse_float=Decimal) if raw else []
    if shape.ordered:
        decoded.sort(key=lambda values: int(values[-1]))
    make = _row_type(shape.names)
    rows = []
    for values in decoded:
        position, row = 0, []
        for item in shape.items:
            if isinstance(item, _Entity):
                instance = item.mapper.class_manager.new_instance()
                for key, type_ in zip(item.keys, item.types, strict=True):
                    set_committed_value(instance, key, _value(values[position], type_, dialect))
                    position += 1
                row.append(instance)
            else:
                row.append(_value(values[position], item.type, dialect))
                position += 1
        rows.append(make(*row))
    return rows


@lru_cache(maxsize=256)
def _row_type(names: tuple[str, ...]) -> Any:
    return namedtuple("JsonRow", names, rename=True)  # the read's column names


def _base(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_


def _value(value: Any, type_: TypeEngine[Any], dialect: Dialect) -> Any:
    """A JSON value as the column's type gives it."""
    base = _base(type_)
    if value is not None and not isinstance(base, JSON):
        if isinstance(base, DateTime):
            value = datetime.fromisoformat(value)
        elif isinstance(base, Date):
            value = date.fromisoformat(value)
        elif isinstance(base, Boolean):
            value = bool(value)
        elif isinstance(base, Float):
            value = float(value)
        elif isinstance(base, Numeric):
            value = Decimal(value)
        elif isinstance(base, Integer):
            value = int(value)
    if isinstance(type_, TypeDecorator):
        return type_.process_result_value(value, dialect)
    return value
