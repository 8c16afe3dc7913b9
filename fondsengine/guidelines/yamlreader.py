"""Read YAML nodes (with line numbers) into plain values, collecting every problem.

The file is only *composed* with PyYAML's SafeLoader (a node tree, nothing is
constructed or executed); the values are built here, so every problem can name
the line of the offending key or value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fondsengine.problems import Problem

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")
_FRACTION_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_TRUE = {"true", "yes", "on"}


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


def compose(text: str, out: Collector) -> Node | None:
    """Parse YAML into a node tree (nothing is constructed), or record the syntax error."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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


def _shown(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return str(node.value) if node.value != "" else "(leer)"
    if isinstance(node, SequenceNode):
        return "eine Liste"
    return "ein Abschnitt"


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL


def suggest(key: str, known: Collection[str], used: set[str]) -> str | None:
    """The known key the author most likely meant (absent keys first)."""
    absent = sorted(set(known) - used)
    for candidate in absent:
        if key.startswith(candidate) or candidate.startswith(key):
            return candidate
    close = difflib.get_close_matches(key, absent, n=1, cutoff=0.5)
    close = close or difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


class Section:
    """One YAML mapping with a known set of keys. A missing section yields defaults silently."""

    def __init__(
        self,
        out: Collector,
        node: Node | None,
        name: str,
        keys: Collection[str],
        *,
        line: int | None = None,
    ) -> None:
        self.out = out
        self.name = name
        self.line = line if line is not None else 1
        self.entries: dict[str, tuple[Node, Node]] = {}
        self.absent = node is None
        if node is None:
            return
        self.line = line if line is not None else line_of(node)
        if not isinstance(node, MappingNode):
            out.add(
                line_of(node),
                f"'{name}' muss ein Abschnitt mit Schlüsseln sein, gefunden: {_shown(node)}",
            )
            self.absent = True  # reported once; no follow-up problems for its keys
            return
        unknown: list[ScalarNode] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                out.add(line_of(key_node), f"In '{name}' ist ein Schlüssel kein einfacher Name.")
                continue
            key = str(key_node.value)
            if key in self.entries:
                out.add(line_of(key_node), f"Der Schlüssel '{key}' kommt in '{name}' doppelt vor.")
                continue
            if key not in keys:
                unknown.append(key_node)
                continue
            self.entries[key] = (key_node, value_node)
        for key_node in unknown:
            key = str(key_node.value)
            hint = suggest(key, keys, set(self.entries))
            hint_text = f" – meinten Sie '{hint}'?" if hint else ""
            out.add(line_of(key_node), f"unbekannter Schlüssel '{key}' in '{name}'{hint_text}")

    def present(self, key: str) -> bool:
        """True when the key is given and not null."""
        entry = self.entries.get(key)
        return entry is not None and not _is_null(entry[1])

    def node(self, key: str) -> Node | None:
        """The value node of a key (None when absent or null)."""
        entry = self.entries.get(key)
        if entry is None or _is_null(entry[1]):
            return None
        return entry[1]

    def line_at(self, key: str) -> int:
        """Line of a key, or of the section when the key is absent."""
        entry = self.entries.get(key)
        return line_of(entry[0]) if entry else self.line

    def _missing(self, key: str, required: bool) -> None:
        if required and not self.absent:
            self.out.add(self.line, f"In '{self.name}' fehlt der Pflichtschlüssel '{key}'.")

    def _scalar(self, key: str, required: bool) -> ScalarNode | None:
        node = self.node(key)
        if node is None:
            self._missing(key, required)
            return None
        if not isinstance(node, ScalarNode):
            self.out.add(
                line_of(node), f"'{key}' muss ein einzelner Wert sein, gefunden: {_shown(node)}"
            )
            return None
        return node

    def text(self, key: str, *, required: bool = True) -> str | None:
        """A text value."""
        node = self._scalar(key, required)
        if node is None:
            return None
        if node.tag != _STR:
            self.out.add(line_of(node), f"'{key}' muss ein Text sein, gefunden: {node.value}")
            return None
        value = str(node.value).strip()
        if not value:
            self.out.add(line_of(node), f"'{key}' darf nicht leer sein.")
            return None
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool | None:
        """A yes/no value (true/false); default when absent (required when default is None)."""
        node = self._scalar(key, default is None)
        if node is None:
            return default
        if node.tag != _BOOL:
            self.out.add(
                line_of(node), f"'{key}' muss true oder false sein, gefunden: {_shown(node)}"
            )
            return default
        return str(node.value).lower() in _TRUE

    def integer(
        self,
        key: str,
        *,
        required: bool = True,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """A whole number within optional bounds."""
        node = self._scalar(key, required)
        if node is None:
            return None
        if node.tag != _INT or not str(node.value).lstrip("-").isdigit():
            self.out.add(
                line_of(node), f"'{key}' muss eine ganze Zahl sein, gefunden: {_shown(node)}"
            )
            return None
        value = int(node.value)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if maximum is None:
                msg = f"'{key}' muss mindestens {minimum} sein, gefunden: {value}"
            elif minimum is None:
                msg = f"'{key}' darf höchstens {maximum} sein, gefunden: {value}"
            else:
                msg = f"'{key}' muss zwischen {minimum} und {maximum} liegen, gefunden: {value}"
            self.out.add(line_of(node), msg)
            return None
        return value

    def _decimal(self, key: str, required: bool, what: str) -> tuple[Decimal, ScalarNode] | None:
        node = self._scalar(key, required)
        if node is None:
            return None
        raw = str(node.value).strip()
        if node.tag not in (_INT, _FLOAT) or not _NUMBER_RE.match(raw.lstrip("-")):
            self.out.add(line_of(node), f"'{key}' muss {what} sein, gefunden: {_shown(node)}")
            return None
        try:
            return Decimal(raw), node
        except InvalidOperation:  # pragma: no cover - the pattern above excludes this
            self.out.add(line_of(node), f"'{key}' muss {what} sein, gefunden: {raw}")
            return None

    def money(self, key: str, *, required: bool = True) -> int | None:
        """An amount written in euros (1500 or 1500.00), returned as cents; never negative."""
        what = "ein Betrag in Euro ohne Tausenderpunkt (z. B. 1500 oder 1500.50)"
        got = self._decimal(key, required, what)
        if got is None:
            return None
        value, node = got
        if value < 0:
            self.out.add(line_of(node), f"'{key}' darf nicht negativ sein, gefunden: {node.value}")
            return None
        cents = value * 100
        if cents != cents.to_integral_value():
            self.out.add(
                line_of(node),
                f"'{key}' hat mehr als zwei Nachkommastellen (ganze Cent), gefunden: {node.value}",
            )
            return None
        return int(cents)

    def percent(self, key: str, *, required: bool = True) -> Fraction | None:
        """A share written as a percent number 0–100 (e.g. 50 or 2.5), as an exact Fraction."""
        got = self._decimal(key, required, "eine Prozentzahl zwischen 0 und 100 (z. B. 50)")
        if got is None:
            return None
        value, node = got
        if value < 0 or value > 100:
            self.out.add(
                line_of(node), f"'{key}' muss zwischen 0 und 100 liegen, gefunden: {node.value}"
            )
            return None
        return Fraction(value) / 100

    def day(self, key: str, *, required: bool = True) -> date | None:
        """A date written as JJJJ-MM-TT."""
        node = self._scalar(key, required)
        if node is None:
            return None
        return read_date(self.out, node, key)

    def section(self, key: str, keys: Collection[str], *, required: bool = True) -> Section:
        """A nested section; an absent one is reported (when required) and yields defaults."""
        node = self.node(key)
        if node is None:
            self._missing(key, required)
        return Section(self.out, node, key, keys, line=self.line_at(key))

    def items(self, key: str, *, required: bool = False) -> list[Node]:
        """The elements of a list."""
        node = self.node(key)
        if node is None:
            self._missing(key, required)
            return []
        if not isinstance(node, SequenceNode):
            self.out.add(
                line_of(node),
                f"'{key}' muss eine Liste sein (Zeilen mit „- “), gefunden: {_shown(node)}",
            )
            return []
        return list(node.value)

    def texts(self, key: str, *, required: bool = False) -> list[str]:
        """A list of texts."""
        result: list[str] = []
        for item in self.items(key, required=required):
            if isinstance(item, ScalarNode) and item.tag in (_STR, _INT):
                result.append(str(item.value).strip())
            else:
                self.out.add(
                    line_of(item),
                    f"Jeder Eintrag in '{key}' muss ein Text sein, gefunden: {_shown(item)}",
                )
        return result

    def choice(
        self, key: str, allowed: Collection[str], *, default: str | None = None
    ) -> str | None:
        """One of a fixed set of words."""
        node = self._scalar(key, default is None)
        if node is None:
            return default
        value = str(node.value)
        if value not in allowed:
            options = ", ".join(sorted(allowed))
            self.out.add(
                line_of(node), f"'{key}' muss einer dieser Werte sein: {options}; gefunden: {value}"
            )
            return default
        return value

    def fraction(self, node: Node, key: str) -> Fraction | None:
        """A share written as a fraction text such as "2/3" (between 0 and 1)."""
        m = _FRACTION_RE.match(str(node.value)) if isinstance(node, ScalarNode) else None
        if m is None or int(m.group(2)) == 0:
            self.out.add(
                line_of(node),
                f"Jeder Eintrag in '{key}' muss ein Bruch wie „2/3“ sein, gefunden: {_shown(node)}",
            )
            return None
        value = Fraction(int(m.group(1)), int(m.group(2)))
        if value > 1:
            self.out.add(
                line_of(node),
                f"Ein Anteil in '{key}' darf höchstens 1 (= 100 %) sein, gefunden: {node.value}",
            )
            return None
        return value


def read_date(out: Collector, node: ScalarNode, key: str) -> date | None:
    """Parse an ISO date node (JJJJ-MM-TT)."""
    raw = str(node.value).strip()
    if node.tag in (_TIMESTAMP, _STR) and _DATE_RE.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            out.add(line_of(node), f"'{key}' ist kein gültiges Datum, gefunden: {raw}")
            return None
    out.add(
        line_of(node),
        f"'{key}' muss ein Datum im Format JJJJ-MM-TT sein (z. B. 2027-02-15), gefunden: {raw}",
    )
    return None
