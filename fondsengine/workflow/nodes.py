"""Read a YAML node tree (from `yaml.compose`) with line numbers, collecting problems.

Only scalars, sequences and mappings are read, by tag; no object is ever constructed
from a tag, so nothing in a file can execute code.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from fondsengine.problems import Problem

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most similar to a misspelt word, if any is close enough."""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' (meinten Sie 'x'?)' for the closest candidate, or '' when nothing is close."""
    match = closest(word, candidates)
    return f" (meinten Sie '{match}'?)" if match else ""


@dataclass(frozen=True)
class Owner:
    """How to name a mapping in messages."""

    one: str  # "Ein Zustand"
    named: str  # "Im Zustand"  (+ its id)
    anonymous: str  # "In einem Zustand"
    id_key: str | None


def line_of(node: yaml.Node) -> int:
    """1-based line where a node starts."""
    return int(node.start_mark.line) + 1


class Reader:
    """Walks the node tree of one file and collects problems."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        """Record one problem at a line."""
        self.problems.append(Problem(self.source, line, message))

    def mapping(
        self, node: yaml.Node, keys: dict[str, bool], owner: Owner
    ) -> dict[str, yaml.Node] | None:
        """Check a mapping's keys; return key -> value node (None if not a mapping)."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(line_of(node), f"{owner.one} muss aus Schlüsseln mit Werten bestehen")
            return None
        found: dict[str, yaml.Node] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                self.problem(line_of(key_node), f"Schlüssel '{key}' kommt doppelt vor")
            elif key not in keys:
                match = closest(key, keys)
                hint = f" (meinten Sie '{match}'?)" if match else ""
                if match:
                    suggested.add(match)
                self.problem(line_of(key_node), f"Unbekannter Schlüssel '{key}'{hint}")
            else:
                found[key] = value_node
        name_node = found.get(owner.id_key) if owner.id_key else None
        name = name_node.value if isinstance(name_node, yaml.ScalarNode) else None
        where = f"{owner.named} '{name}'" if name else owner.anonymous
        for key, required in keys.items():
            if required and key not in found and key not in suggested:
                self.problem(line_of(node), f"{where} fehlt das Pflichtfeld '{key}'")
        return found

    def text(self, node: yaml.Node | None, key: str) -> str | None:
        """A non-empty text value (None and a problem otherwise)."""
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR and str(node.value).strip():
            return str(node.value).strip()
        self.problem(line_of(node), f"'{key}' muss ein nicht leerer Text sein")
        return None

    def flag(self, node: yaml.Node | None, key: str) -> bool:
        """A true/false value (False and a problem otherwise)."""
        if node is None:
            return False
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return bool(yaml.constructor.SafeConstructor.bool_values[str(node.value).lower()])
        self.problem(line_of(node), f"'{key}' muss true oder false sein")
        return False

    def name(self, node: yaml.Node | None, key: str) -> str | None:
        """An id such as `in_review` (None and a problem otherwise)."""
        value = self.text(node, key)
        if value is not None and node is not None and not _NAME.match(value):
            self.problem(
                line_of(node),
                f"'{value}' ist kein gültiger Name: erlaubt sind Kleinbuchstaben, "
                "Ziffern und _ (z. B. 'in_review')",
            )
            return None
        return value

    def names(
        self, node: yaml.Node | None, key: str, *, single_ok: bool = False
    ) -> list[tuple[str, int]]:
        """A list of names (or one name where `single_ok`), each with its line."""
        if node is None:
            return []
        if single_ok and isinstance(node, yaml.ScalarNode):
            value = self.name(node, key)
            return [] if value is None else [(value, line_of(node))]
        if not isinstance(node, yaml.SequenceNode):
            self.problem(line_of(node), f"'{key}' muss eine Liste sein")
            return []
        result: list[tuple[str, int]] = []
        for item in node.value:
            value = self.name(item, key)
            if value is None:
                continue
            if any(value == seen for seen, _ in result):
                self.problem(line_of(item), f"'{value}' steht doppelt in '{key}'")
                continue
            result.append((value, line_of(item)))
        return result

    def allowed(
        self, items: list[tuple[str, int]], allow: Iterable[str], what: str
    ) -> tuple[str, ...]:
        """Keep the names from an allow-list; report the others with a suggestion."""
        allow = list(allow)
        for value, line in items:
            if value not in allow:
                self.problem(line, f"Unbekannte {what} '{value}'{did_you_mean(value, allow)}")
        return tuple(value for value, _ in items if value in allow)
