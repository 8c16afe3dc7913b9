"""Load and validate workflows/*.yaml into immutable Workflow objects.

The file is read with `yaml.compose` and the SafeLoader: we walk the node tree (which keeps
line numbers) and never construct arbitrary objects, so nothing in a file is executed.
Every problem of a file is collected with its line before anything is raised.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fondsengine.errors import FondsError
from fondsengine.problems import Problem
from fondsengine.workflow.graph import graph_problems
from fondsengine.workflow.model import State, Transition, Workflow
from fondsengine.workflow.names import EFFECTS, GUARDS, OUTCOMES, ROLES

PHASES: dict[str, str] = {
    "application": "Antrag (vor der Entscheidung)",
    "decision": "Entscheidung (Jury, Stadt)",
    "funding": "Förderung (Auszahlung, Verwendungsnachweis)",
    "closed": "Abgeschlossen",
}

# key -> required?
TOP_KEYS: dict[str, bool] = {"label": True, "states": True, "transitions": True}
STATE_KEYS: dict[str, bool] = {
    "id": True,
    "label": True,
    "initial": False,
    "terminal": False,
    "outcome": False,
    "next_step": False,
    "phase": False,
}
TRANSITION_KEYS: dict[str, bool] = {
    "trigger": True,
    "source": True,
    "target": True,
    "roles": True,
    "label": True,
    "guards": False,
    "effects": False,
    "description": False,
    "needs_reason": False,
}

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED_TRIGGERS = frozenset({"state", "trigger", "may_trigger"})
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"


class WorkflowError(FondsError):
    """A workflow file is invalid; `problems` lists every problem with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


@dataclass
class _Lines:
    """Where the parts of one transition stand in the file (for graph problems)."""

    line: int
    sources: list[tuple[str, int]] = field(default_factory=list)
    target: tuple[str, int] = ("", 0)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' (meinten Sie 'x'?)' for the closest candidate, or '' when nothing is close."""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f" (meinten Sie '{close[0]}'?)" if close else ""


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    """Walks the node tree of one file and collects problems."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def mapping(
        self, node: yaml.Node, keys: dict[str, bool], owner: str
    ) -> dict[str, yaml.Node] | None:
        """Check a mapping's keys; return key -> value node (None if not a mapping)."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(_line(node), f"{owner} muss aus Schlüsseln mit Werten bestehen")
            return None
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                self.problem(_line(key_node), f"Schlüssel '{key}' kommt doppelt vor")
            elif key not in keys:
                self.problem(
                    _line(key_node), f"Unbekannter Schlüssel '{key}'{did_you_mean(key, keys)}"
                )
            else:
                found[key] = value_node
        for key, required in keys.items():
            if required and key not in found:
                self.problem(_line(node), f"{owner}: Pflichtfeld '{key}' fehlt")
        return found

    def text(self, node: yaml.Node | None, key: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == _STR and str(node.value).strip():
            return str(node.value).strip()
        self.problem(_line(node), f"'{key}' muss ein nicht leerer Text sein")
        return None

    def flag(self, node: yaml.Node | None, key: str) -> bool:
        if node is None:
            return False
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return bool(yaml.constructor.SafeConstructor.bool_values[str(node.value).lower()])
        self.problem(_line(node), f"'{key}' muss true oder false sein")
        return False

    def name(self, node: yaml.Node | None, key: str) -> str | None:
        value = self.text(node, key)
        if value is not None and node is not None and not _NAME.match(value):
            self.problem(
                _line(node),
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
            return [] if value is None else [(value, _line(node))]
        if not isinstance(node, yaml.SequenceNode):
            self.problem(_line(node), f"'{key}' muss eine Liste sein")
            return []
        result: list[tuple[str, int]] = []
        for item in node.value:
            value = self.name(item, key)
            if value is None:
                continue
            if any(value == seen for seen, _ in result):
                self.problem(_line(item), f"'{value}' steht doppelt in '{key}'")
                continue
            result.append((value, _line(item)))
        return result

    def allowed(
        self, items: list[tuple[str, int]], allow: Iterable[str], what: str
    ) -> tuple[str, ...]:
        allow = list(allow)
        for value, line in items:
            if value not in allow:
                self.problem(line, f"Unbekannte {what} '{value}'{did_you_mean(value, allow)}")
        return tuple(value for value, _ in items if value in allow)


def _read_state(reader: _Reader, node: yaml.Node) -> State | None:
    fields = reader.mapping(node, STATE_KEYS, "Zustand")
    if fields is None:
        return None
    state_id = reader.name(fields.get("id"), "id")
    label = reader.text(fields.get("label"), "label")
    outcome = reader.text(fields.get("outcome"), "outcome")
    if outcome is not None and outcome not in OUTCOMES:
        reader.problem(
            _line(fields["outcome"]),
            f"Unbekanntes Ergebnis (outcome) '{outcome}'{did_you_mean(outcome, OUTCOMES)}; "
            f"erlaubt: {', '.join(sorted(OUTCOMES))}",
        )
        outcome = None
    phase = reader.text(fields.get("phase"), "phase") or "application"
    if phase not in PHASES:
        reader.problem(
            _line(fields["phase"]), f"Unbekannte Phase '{phase}'{did_you_mean(phase, PHASES)}"
        )
    terminal = reader.flag(fields.get("terminal"), "terminal")
    initial = reader.flag(fields.get("initial"), "initial")
    if state_id is None or label is None:
        return None
    if terminal and outcome is None and "outcome" not in fields:
        reader.problem(_line(node), f"Endzustand '{state_id}' braucht ein Ergebnis (outcome)")
    if terminal and initial:
        reader.problem(
            _line(node), f"Zustand '{state_id}' kann nicht zugleich Anfangs- und Endzustand sein"
        )
    return State(
        id=state_id,
        label=label,
        initial=initial,
        terminal=terminal,
        outcome=outcome,
        next_step=reader.text(fields.get("next_step"), "next_step"),
        phase=phase,
    )


def _read_transition(reader: _Reader, node: yaml.Node) -> tuple[Transition, _Lines] | None:
    fields = reader.mapping(node, TRANSITION_KEYS, "Übergang")
    if fields is None:
        return None
    trigger = reader.name(fields.get("trigger"), "trigger")
    if trigger is not None and (
        trigger in _RESERVED_TRIGGERS or trigger.startswith(("may_", "is_"))
    ):
        reader.problem(
            _line(fields["trigger"]), f"'{trigger}' ist als Name eines Schritts nicht erlaubt"
        )
        trigger = None
    sources = reader.names(fields.get("source"), "source", single_ok=True)
    target = reader.name(fields.get("target"), "target")
    roles_node = fields.get("roles")
    roles = reader.allowed(reader.names(roles_node, "roles"), ROLES, "Rolle")
    if (
        roles_node is not None
        and isinstance(roles_node, yaml.SequenceNode)
        and not roles_node.value
    ):
        reader.problem(
            _line(roles_node), f"Übergang '{trigger}' hat keine Rollen: niemand dürfte ihn auslösen"
        )
    guards = reader.allowed(
        reader.names(fields.get("guards"), "guards"), GUARDS, "Bedingung (guard)"
    )
    effects = reader.allowed(
        reader.names(fields.get("effects"), "effects"), EFFECTS, "Wirkung (effect)"
    )
    label = reader.text(fields.get("label"), "label")
    description = reader.text(fields.get("description"), "description")
    needs_reason = reader.flag(fields.get("needs_reason"), "needs_reason")
    if trigger is None or target is None or not sources or label is None:
        return None
    transition = Transition(
        trigger=trigger,
        sources=tuple(s for s, _ in sources),
        target=target,
        roles=frozenset(roles),
        guards=guards,
        effects=effects,
        label=label,
        description=description,
        needs_reason=needs_reason,
    )
    return transition, _Lines(_line(node), sources, (target, _line(fields["target"])))


def _sequence(reader: _Reader, node: yaml.Node | None, key: str) -> list[yaml.Node]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        reader.problem(_line(node), f"'{key}' muss eine Liste sein")
        return []
    if not node.value:
        reader.problem(_line(node), f"'{key}' ist leer")
    return list(node.value)


def _check_states(reader: _Reader, states: list[tuple[State, int]], states_line: int) -> None:
    first_line: dict[str, int] = {}
    initial: str | None = None
    for state, line in states:
        if state.id in first_line:
            reader.problem(
                line,
                f"Zustand '{state.id}' ist doppelt definiert "
                f"(zuerst in Zeile {first_line[state.id]})",
            )
            continue
        first_line[state.id] = line
        if state.initial:
            if initial is not None:
                reader.problem(line, f"Mehr als ein Anfangszustand: '{initial}' und '{state.id}'")
            initial = initial or state.id
    if states and initial is None:
        reader.problem(states_line, "Kein Zustand ist als Anfangszustand markiert (initial: true)")


def _check_references(
    reader: _Reader, state_ids: list[str], transitions: list[tuple[Transition, _Lines]]
) -> bool:
    """Report unknown states and repeated (trigger, source, guards); True if all states exist."""
    ok = True
    for _, lines in transitions:
        for name, line in [*lines.sources, lines.target]:
            if name not in state_ids:
                reader.problem(
                    line, f"Zustand '{name}' ist nicht definiert{did_you_mean(name, state_ids)}"
                )
                ok = False
    seen: dict[tuple[str, str, tuple[str, ...]], int] = {}
    for transition, lines in transitions:
        for source, line in lines.sources:
            key = (transition.trigger, source, tuple(sorted(transition.guards)))
            if key in seen:
                reader.problem(
                    line,
                    f"Den Schritt '{transition.trigger}' aus Zustand '{source}' mit denselben "
                    f"Bedingungen gibt es schon in Zeile {seen[key]}; es wäre unklar, "
                    "welcher Übergang gilt",
                )
            else:
                seen[key] = lines.line
    return ok


def load_workflow_text(text: str, *, source: str, workflow_id: str) -> Workflow:
    """Parse and validate one workflow file's text; raise WorkflowError with every problem."""
    reader = _Reader(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = int(mark.line) + 1 if mark is not None else 0
        raise WorkflowError(
            [Problem(source, line, f"Die Datei ist kein gültiges YAML: {err.problem}")]
        ) from err
    if root is None:
        raise WorkflowError([Problem(source, 0, "Die Datei ist leer")])
    top = reader.mapping(root, TOP_KEYS, "Die Datei")
    if top is None:
        raise WorkflowError(reader.problems)
    label = reader.text(top.get("label"), "label")
    states: list[tuple[State, int]] = []
    for node in _sequence(reader, top.get("states"), "states"):
        state = _read_state(reader, node)
        if state is not None:
            states.append((state, _line(node)))
    transitions: list[tuple[Transition, _Lines]] = []
    for node in _sequence(reader, top.get("transitions"), "transitions"):
        read = _read_transition(reader, node)
        if read is not None:
            transitions.append(read)
    states_node = top.get("states")
    _check_states(reader, states, _line(states_node) if states_node is not None else _line(root))
    state_ids = [s.id for s, _ in states]
    references_ok = _check_references(reader, state_ids, transitions)
    if references_ok and sum(1 for s, _ in states if s.initial) == 1:
        for line, message in graph_problems(
            states, [(t, lines.sources) for t, lines in transitions]
        ):
            reader.problem(line, message)
    if reader.problems or label is None:
        raise WorkflowError(sorted(reader.problems, key=lambda p: p.line))
    return Workflow(
        id=workflow_id,
        version_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=source,
        label=label,
        states=tuple(s for s, _ in states),
        transitions=tuple(t for t, _ in transitions),
    )


def load_workflow(path: str | Path) -> Workflow:
    """Load and validate one workflow file; its id is the file name without .yaml."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise WorkflowError(
            [Problem(str(path), 0, "Die Datei ist nicht in UTF-8 gespeichert")]
        ) from err
    except OSError as err:
        raise WorkflowError(
            [Problem(str(path), 0, f"Die Datei lässt sich nicht lesen: {err.strerror}")]
        ) from err
    return load_workflow_text(text, source=str(path), workflow_id=path.stem)


def load_workflows(directory: str | Path) -> dict[str, Workflow]:
    """Load every *.yaml in a directory; raise one WorkflowError with the problems of all files."""
    workflows: dict[str, Workflow] = {}
    problems: list[Problem] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            workflows[path.stem] = load_workflow(path)
        except WorkflowError as err:
            problems.extend(err.problems)
    if problems:
        raise WorkflowError(problems)
    return workflows
