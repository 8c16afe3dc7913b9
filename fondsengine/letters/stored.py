"""A letter's stored snapshot (Letter.data, plain JSON) read into the typed snapshot class of its kind.

The snapshot is written once, when the letter is created (lifecycle/effects.py::_snapshot), and
read again whenever the letter is rendered or shown, possibly years later. Each letter kind
declares the keys it reads as a frozen dataclass (a subclass of LetterSnapshot, next to the
kind's registration); `read_snapshot` fills it from the JSON by field name. Stored snapshots of
earlier versions stay readable: a key that is missing or has the wrong type reads as the field's
empty value (0 cents, "", None, ()), exactly as the untyped reading did before.
No database, no reportlab.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, TypeVar

S = TypeVar("S", bound="LetterSnapshot")


@dataclass(frozen=True)
class LetterSnapshot:
    """The keys every letter reads: its date, file number, project and addressee."""

    date: date | None = None  # the day the letter is dated
    file_number: str = ""
    title: str = ""  # the project title
    applicant_name: str = ""  # the contact person
    organisation: str = ""
    legal_form: str = ""
    representative: str = ""
    address: tuple[str, ...] = ()
    grant_file_number: str = ""  # the granting authority's file number (two-step funds)


def _optional(hint: Any) -> tuple[Any, bool]:
    """(the type, whether None is allowed) of `X | None`."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0], True
    return hint, False


def _value(hint: Any, raw: Any) -> Any:
    base, optional = _optional(hint)
    origin = typing.get_origin(base)
    if base is int:
        ok = isinstance(raw, int) and not isinstance(raw, bool)
        return raw if ok else (None if optional else 0)
    if base is str:
        if raw is None or raw == "":
            return None if optional else ""
        return str(raw)
    if base is date:
        return date.fromisoformat(raw) if isinstance(raw, str) and raw else None
    if origin is tuple:
        item = typing.get_args(base)[0]
        rows = raw if isinstance(raw, (list, tuple)) else []
        if item is str:
            return tuple(str(x) for x in rows)
        return tuple(tuple(x) for x in rows)  # rows of a table (cost lines, receipts ...)
    if origin is dict:
        return dict(raw) if isinstance(raw, dict) else {}
    raise TypeError(f"a snapshot field cannot be {hint!r}")


_FIELD_HINTS: dict[type[Any], tuple[tuple[str, Any], ...]] = {}


def _field_hints(cls: type[Any]) -> tuple[tuple[str, Any], ...]:
    """(name, type) of each field of a snapshot class, its annotations evaluated once per class
    (typing.get_type_hints evaluates them anew at each call: 0.02 s of the start, docs/performance.md)."""
    found = _FIELD_HINTS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _FIELD_HINTS[cls] = tuple((f.name, hints[f.name]) for f in fields(cls))
    return found


def read_snapshot(cls: type[S], d: dict[str, Any]) -> S:
    """The typed snapshot of one letter from its stored JSON (missing keys read as empty)."""
    return cls(**{name: _value(hint, d.get(name)) for name, hint in _field_hints(cls)})
