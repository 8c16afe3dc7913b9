"""Validate the data of a YAML file against a pydantic model; report problems as `file:line: message`.

A data file (a workflow, a guideline) is described by pydantic models: every key is a
field, stated once with its default once; `extra="forbid"` rejects unknown keys and
`strict=True` rejects values of the wrong kind (the text "ja" is no true, the number 1 no
true). This module does the part pydantic cannot: it knows where each value stands in the
file and turns pydantic's errors (location, type) into the project's German problems.

How a loader uses it (fondsengine/workflow/loader.py, fondsengine/guidelines/spec.py):

1. Compose the text with `yaml.compose` and the SafeLoader (nothing is constructed or run),
   then `data = located(root, out, duplicate=...)`: plain values (dict, list, str, bool,
   int, float, None) plus the line of every value and key. A tag outside the core schema
   (`!!python/...`, a timestamp) becomes an `Opaque` value no field accepts.
2. `validate(Model, data, out, wording)` returns the model, or None; every problem is in
   `out` (a yamlreader.Collector). The `Wording` holds the loader's own sentences for
   unknown keys, missing keys, a mapping that is none, and pydantic's error types
   (`string_type`, `bool_type` ...). A validator that raises
   `PydanticCustomError(type, message, ctx)` speaks for itself: its message is used as it
   stands unless the wording names its type. A `ctx["index"]` points the problem at that
   element of the list the validator judged.
3. What fails is left out and the rest validated again (a few rounds at most): a value falls
   back to its default, a list keeps its other elements, a mapping without a required key is
   left out as a whole. So one bad value does not hide the rest, and the loader's relation
   checks still see the part.

The guideline loader's wording (guidelines/spec.py) names the mapping a key belongs to, so
`unknown_key`, `missing` and `located(duplicate=...)` get the key's location; it reports a
misspelt required key also as missing (`missing_when_suggested`), as it always has.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fondsengine.guidelines.yamlreader import Collector, line_of

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

_ROUNDS = 10  # validations of one part at most (each leaves out what failed)
_MAX_NODES = 100_000  # a file is small; aliases must not blow it up ("billion laughs")
_SCALARS: dict[str, Callable[[yaml.constructor.SafeConstructor, ScalarNode], Any]] = {
    "tag:yaml.org,2002:str": lambda c, n: str(n.value),
    "tag:yaml.org,2002:bool": yaml.constructor.SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": yaml.constructor.SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": yaml.constructor.SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:null": lambda c, n: None,
}
_NOT_A_MAPPING = frozenset({"model_type", "model_attributes_type", "dict_type"})


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most similar to a misspelt word, if any is close enough."""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' (meinten Sie 'x'?)' for the closest candidate, or '' when nothing is close."""
    match = closest(word, candidates)
    return f" (meinten Sie '{match}'?)" if match else ""


@dataclass(frozen=True)
class Opaque:
    """A value whose tag no schema accepts (a Python tag, a timestamp): kept, never built."""

    tag: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Located:
    """Plain data read from a YAML node tree, with the line of every value and mapping key."""

    value: Any
    lines: Mapping[Loc, int]
    key_lines: Mapping[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int:
        """Line of the value at loc, or of the nearest enclosing value that has one."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 0

    def key_line(self, loc: Loc) -> int:
        """Line of the key at loc (the value's line if it has no key)."""
        return self.key_lines.get(loc) or self.line(loc)

    def get(self, loc: Loc) -> Any:
        """The value at loc, or None when there is none."""
        value = self.value
        for part in loc:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def at(self, loc: Loc) -> Located:
        """The part at loc, its locations counted from there."""
        n = len(loc)

        def sub(lines: Mapping[Loc, int]) -> dict[Loc, int]:
            return {k[n:]: v for k, v in lines.items() if k[:n] == loc}

        return Located(self.get(loc), sub(self.lines), sub(self.key_lines))

    def each(self, loc: Loc) -> list[Located]:
        """The items of the list at loc, each as `at` gives it (none when it is no list), the locations
        sorted out in one pass (`at` for every item passes over all of them again: O(n²) for long lists)."""
        items = self.get(loc)
        if not isinstance(items, list):
            return []
        n = len(loc)
        lines: list[dict[Loc, int]] = [{} for _ in items]
        key_lines: list[dict[Loc, int]] = [{} for _ in items]
        for source, target in ((self.lines, lines), (self.key_lines, key_lines)):
            for k, v in source.items():
                if len(k) > n and k[:n] == loc:
                    index = k[n]  # a list's parts are numbered
                    assert isinstance(index, int)
                    target[index][k[n + 1 :]] = v
        return [Located(item, *found) for item, *found in zip(items, lines, key_lines, strict=True)]


def located(
    node: Node,
    out: Collector,
    *,
    duplicate: Callable[[Loc], str],
    scalar: Callable[[Any, str], Any] | None = None,
) -> Located:
    """Read a composed node tree into plain values with lines; a repeated key is a problem.

    The first of two equal keys counts, `duplicate(loc)` (the key's name last) says what is
    wrong with the second. `scalar(value, text)`, if given, makes each scalar value from its
    value and its text as written (to keep "01067" or "yes" as the author wrote it)."""
    walk = _Walk(out, duplicate, scalar)
    return Located(walk(node, (), frozenset()), walk.lines, walk.key_lines)


class _Walk:
    """One read of a node tree by `located` (an object, not a closure: a closure that calls itself is a
    reference cycle, which kept every read's values and lines alive until the next collection)."""

    def __init__(self, out: Collector, duplicate: Callable[[Loc], str], scalar: Callable[[Any, str], Any] | None):
        self.out = out
        self.duplicate = duplicate
        self.scalar = scalar
        self.lines: dict[Loc, int] = {}
        self.key_lines: dict[Loc, int] = {}
        self.constructor = yaml.constructor.SafeConstructor()
        self.budget = _MAX_NODES

    def __call__(self, n: Node, loc: Loc, path: frozenset[int]) -> Any:
        self.lines[loc] = line_of(n)
        self.budget -= 1
        if id(n) in path or self.budget < 0:
            return Opaque(str(n.tag), "…")
        inner = path | {id(n)}
        if isinstance(n, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in n.value:
                key = str(key_node.value)
                if key in result:
                    self.out.add(line_of(key_node), self.duplicate((*loc, key)))
                    continue
                self.key_lines[(*loc, key)] = line_of(key_node)
                result[key] = self(value_node, (*loc, key), inner)
            return result
        if isinstance(n, SequenceNode):
            return [self(item, (*loc, i), inner) for i, item in enumerate(n.value)]
        build = _SCALARS.get(str(n.tag))
        assert isinstance(n, ScalarNode)
        value = build(self.constructor, n) if build else Opaque(str(n.tag), str(n.value))
        return self.scalar(value, str(n.value)) if self.scalar else value


Say = Callable[[str, ErrorDetails], str]  # (the key the error concerns, the error) -> message


@dataclass(frozen=True)
class Wording:
    """The sentences a loader reports pydantic's errors in (German, as its users know them)."""

    unknown_key: Callable[[Loc, str | None], str]  # where the key stands (its name last), suggested key or None
    missing: Callable[[Loc, Any], str]  # where the key should stand, the data of the mapping it is missing from
    not_mapping: Callable[[Loc], str]
    types: Mapping[str, Say]  # pydantic error type -> message
    suggest: Callable[[str, Collection[str], set[str]], str | None] = lambda key, known, used: closest(key, known)
    missing_when_suggested: bool = False  # True: a misspelt required key is also reported missing


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that describes the mapping at loc (None if no model does)."""
    current: Any = model
    for part in loc:
        if isinstance(part, str):
            if not (isinstance(current, type) and issubclass(current, BaseModel)):
                return None
            info = current.model_fields.get(part)
            if info is None:
                return None
            current = info.annotation
        current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """From list[X], X | None and Annotated[X, ...] to X (the first model among unions)."""
    while True:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) is None or not args:
            return annotation
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        annotation = models[0] if models else args[0]


def _key(loc: Loc) -> str:
    return next((str(part) for part in reversed(loc) if isinstance(part, str)), "")


def _where(error: ErrorDetails) -> Loc:
    loc = tuple(error["loc"])
    index = (error.get("ctx") or {}).get("index")
    return (*loc, index) if isinstance(index, int) else loc


def _reach(value: Any, loc: Loc) -> Loc:
    """The deepest part of loc that exists in value."""
    reach: Loc = ()
    for part in loc:
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not (in_list or (isinstance(value, dict) and part in value)):
            break
        value = value[part]
        reach = (*reach, part)
    return reach


def _without(data: Located, locs: Iterable[Loc]) -> Located | None:
    """The data without the parts at locs (None when that is all of it); lines move along."""
    gone = {_reach(data.value, loc) for loc in locs}
    if () in gone:
        return None
    lines: dict[Loc, int] = {}
    key_lines: dict[Loc, int] = {}

    def keep(value: Any, old: Loc, new: Loc) -> Any:
        if old in data.lines:
            lines[new] = data.lines[old]
        if old in data.key_lines:
            key_lines[new] = data.key_lines[old]
        if isinstance(value, dict):
            return {k: keep(v, (*old, k), (*new, k)) for k, v in value.items() if (*old, k) not in gone}
        if isinstance(value, list):
            kept = [i for i in range(len(value)) if (*old, i) not in gone]
            return [keep(value[i], (*old, i), (*new, j)) for j, i in enumerate(kept)]
        return value

    return Located(keep(data.value, (), ()), lines, key_lines)


def explain(
    model: type[BaseModel], data: Located, errors: list[ErrorDetails], wording: Wording
) -> list[tuple[int, str]]:
    """Each error as (line, message): unknown keys first, then missing keys, then values."""
    suggested: dict[Loc, set[str]] = {}
    unknown: list[tuple[int, str]] = []
    missing: list[tuple[int, str]] = []
    values: list[tuple[int, str]] = []
    for error in errors:
        if error["type"] != "extra_forbidden":
            continue
        loc = tuple(error["loc"])
        inner = _model_at(model, loc[:-1])
        known = list(inner.model_fields) if inner else []
        given = data.get(loc[:-1])
        used = set(given) & set(known) if isinstance(given, dict) else set()
        hint = wording.suggest(str(loc[-1]), known, used)
        if hint:
            suggested.setdefault(loc[:-1], set()).add(hint)
        unknown.append((data.key_line(loc), wording.unknown_key(loc, hint)))
    for error in errors:
        loc = _where(error)
        kind = error["type"]
        if kind == "extra_forbidden":
            continue
        if kind == "missing":
            if wording.missing_when_suggested or loc[-1] not in suggested.get(loc[:-1], set()):
                missing.append((data.key_line(loc[:-1]), wording.missing(loc, data.get(loc[:-1]))))
        elif kind in _NOT_A_MAPPING:
            values.append((data.line(loc), wording.not_mapping(loc)))
        elif kind in wording.types:
            values.append((data.line(loc), wording.types[kind](_key(loc), error)))
        else:
            values.append((data.line(loc), error["msg"]))
    return unknown + missing + values


def _news(error: ErrorDetails, changed: set[Loc]) -> bool:
    """An error of a later round tells something new unless it is about what was left out."""
    loc = _where(error)
    return error["type"] != "missing" and loc not in changed


def validate(model: type[M], data: Located, out: Collector, wording: Wording, *, context: Any = None) -> M | None:
    """The data as a model, or None; every problem goes to `out` with its line.

    What fails is left out and the rest validated again: a value falls back to its default, a
    list keeps its other elements, a mapping that lacks a required key (or whose required
    value failed) is left out as a whole. None when that leaves nothing. A later round reports
    only what is new: not a key that is missing, nor a list that is empty, because an earlier
    round left it out."""
    changed: set[Loc] = set()  # the parts that lost something in an earlier round
    for round_ in range(_ROUNDS):
        try:
            return model.model_validate(data.value, context=context)
        except ValidationError as err:
            errors = err.errors(include_url=False)
        shown = [e for e in errors if round_ == 0 or _news(e, changed)]
        for line, message in explain(model, data, shown, wording):
            out.add(line, message)
        failed = [_where(e)[:-1] if e["type"] == "missing" else _where(e) for e in errors]
        reached = [_reach(data.value, loc) for loc in failed]
        changed |= {r[:-1] for r in reached if r and isinstance(r[-1], int)}  # shortened lists
        rest = _without(data, failed)
        if rest is None:
            return None
        data = rest
    return None
