"""The problems of one file, its YAML composed, and the key an author most likely meant.

The file is only *composed* with PyYAML's SafeLoader (a node tree, nothing is constructed or
executed); fondsengine.schema reads the nodes into plain values with their lines, so every
problem can name the line of the offending key or value (guidelines/spec.py, workflow/loader.py).
`compose_text` parses with libyaml (PyYAML's C parser, about ten times faster: the web master
parses the current guidelines and workflows before it forks) and falls back to the pure Python
parser for a text libyaml rejects, so a syntax error is reported in the same words as always.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

import yaml
from yaml.nodes import Node

from fondsengine.problems import Problem


def line_of(node: Node) -> int:
    """1-based line number of a node."""
    return int(node.start_mark.line) + 1


class Collector:
    """Collects the problems of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(self.file, line, message))


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # None: PyYAML built without libyaml


def compose_text(text: str) -> Node | None:
    """`yaml.compose(text, Loader=yaml.SafeLoader)`: the same node tree (tags, values, lines), read
    by libyaml when PyYAML has it; a text libyaml rejects is read again by the pure Python parser,
    whose error (a `yaml.YAMLError`) the caller reports."""
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def compose(text: str, out: Collector) -> Node | None:
    """Parse YAML into a node tree (nothing is constructed), or record the syntax error."""
    try:
        node = compose_text(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else 1
        out.add(
            line,
            f"Die Datei ist kein gültiges YAML ({exc.problem or exc}). Häufige Ursache: ein "
            "fehlendes Anführungszeichen oder eine falsche Einrückung hier oder weiter oben.",
        )
        return None
    except yaml.YAMLError as exc:
        out.add(1, f"Die Datei ist kein gültiges YAML: {exc}")
        return None
    if node is None:
        out.add(1, "Die Datei ist leer.")
    return node


def suggest(key: str, known: Collection[str], used: set[str]) -> str | None:
    """The known key the author most likely meant (absent keys first)."""
    absent = sorted(set(known) - used)
    for candidate in absent:
        if key.startswith(candidate) or candidate.startswith(key):
            return candidate
    close = difflib.get_close_matches(key, absent, n=1, cutoff=0.5)
    close = close or difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None
