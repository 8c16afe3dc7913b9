"""Load and validate workflows/*.yaml into immutable Workflow objects.

The file is read with `yaml.compose` and the SafeLoader: we walk the node tree (which keeps
line numbers) and never construct arbitrary objects, so nothing in a file is executed.
Every problem of a file is collected with its line before anything is raised.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from fondsengine.errors import FondsError

# The guard and effect modules register their functions on import; names are checked against them.
from fondsengine.lifecycle import effects as _effects  # noqa: F401
from fondsengine.lifecycle import guards as _guards  # noqa: F401
from fondsengine.problems import Problem
from fondsengine.workflow.graph import graph_problems
from fondsengine.workflow.model import State, Transition, Workflow
from fondsengine.workflow.names import OUTCOMES, ROLES
from fondsengine.workflow.nodes import Owner, Reader, did_you_mean, line_of
from fondsengine.workflow.registry import EFFECTS, GUARDS

PHASES: dict[str, str] = {
    "application": "Antrag (vor der Entscheidung)",
    "decision": "Entscheidung (Jury, Stadt)",
    "funding": "Förderung (Auszahlung, Verwendungsnachweis)",
    "closed": "Abgeschlossen",
}

WAITING_FOR: dict[str, str] = {
    "changes": "Die Antragstellerin / der Antragsteller ergänzt den Antrag (Nachforderung).",
    "review": "Die Geschäftsführung prüft den Antrag formal.",
    "decision": "Die Geschäftsführung entscheidet oder setzt den Antrag auf die Tagesordnung.",
    "jury": "Die Jury berät und beschließt.",
    "city": "Die Stadt bewilligt oder lehnt ab.",
    "payment": "Eine Auszahlung kann angefordert und gebucht werden.",
    "proof": "Der Verwendungsnachweis ist fällig.",
    "proof_check": "Die Geschäftsführung prüft den Verwendungsnachweis.",
    "refund": "Eine Rückzahlung steht aus.",
}

ASKS: dict[str, str] = {
    "amount": "ein Betrag in Euro",
    "reason": "eine Begründung oder Nachricht",
    "conditions": "Auflagen (aus der Förderrichtlinie und frei formuliert)",
    "session": "eine Jurysitzung",
    "date": "ein Datum",
    "file_number": "ein Aktenzeichen",
    "payment": "eine Auszahlung (Betrag, Art, offene Anforderung)",
    "file": "eine Datei",
}
STYLES: dict[str, str] = {
    "default": "normaler Schritt",
    "danger": "beendet oder lehnt etwas ab (roter Knopf)",
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
    "editable": False,
    "waiting_for": False,
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
    "asks": False,
    "done": False,
    "style": False,
}

_RESERVED_TRIGGERS = frozenset({"state", "trigger", "may_trigger"})
_NOT_YAML = "Die Datei ist kein gültiges YAML; bitte Einrückung und Doppelpunkte prüfen"
_FILE = Owner("Die Datei", "In der Datei", "In der Datei", None)
_STATE = Owner("Ein Zustand", "Im Zustand", "In einem Zustand", "id")
_TRANSITION = Owner("Ein Übergang", "Im Übergang", "In einem Übergang", "trigger")


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


def _read_state(reader: Reader, node: yaml.Node) -> State | None:
    fields = reader.mapping(node, STATE_KEYS, _STATE)
    if fields is None:
        return None
    state_id = reader.name(fields.get("id"), "id")
    label = reader.text(fields.get("label"), "label")
    outcome = reader.text(fields.get("outcome"), "outcome")
    if outcome is not None and outcome not in OUTCOMES:
        reader.problem(
            line_of(fields["outcome"]),
            f"Unbekanntes Ergebnis (outcome) '{outcome}'{did_you_mean(outcome, OUTCOMES)}; "
            f"erlaubt: {', '.join(sorted(OUTCOMES))}",
        )
        outcome = None
    phase = reader.text(fields.get("phase"), "phase") or "application"
    if phase not in PHASES:
        reader.problem(
            line_of(fields["phase"]),
            f"Unbekannte Phase '{phase}'{did_you_mean(phase, PHASES)}; "
            f"erlaubt: {', '.join(sorted(PHASES))}",
        )
    terminal = reader.flag(fields.get("terminal"), "terminal")
    initial = reader.flag(fields.get("initial"), "initial")
    editable = reader.flag(fields.get("editable"), "editable")
    waiting_for = reader.allowed(
        reader.names(fields.get("waiting_for"), "waiting_for", single_ok=True),
        WAITING_FOR,
        "Bedeutung (waiting_for)",
    )
    if state_id is None or label is None:
        return None
    if terminal and outcome is None and "outcome" not in fields:
        reader.problem(line_of(node), f"Endzustand '{state_id}' braucht ein Ergebnis (outcome)")
    if terminal and (editable or waiting_for):
        reader.problem(
            line_of(node),
            f"Endzustand '{state_id}' kann weder bearbeitbar sein noch auf etwas warten "
            "(editable, waiting_for)",
        )
    if terminal and initial:
        reader.problem(
            line_of(node), f"Zustand '{state_id}' kann nicht zugleich Anfangs- und Endzustand sein"
        )
    return State(
        id=state_id,
        label=label,
        initial=initial,
        terminal=terminal,
        outcome=outcome,
        next_step=reader.text(fields.get("next_step"), "next_step"),
        phase=phase,
        editable=editable,
        waiting_for=frozenset(waiting_for),
    )


def _read_transition(reader: Reader, node: yaml.Node) -> tuple[Transition, _Lines] | None:
    fields = reader.mapping(node, TRANSITION_KEYS, _TRANSITION)
    if fields is None:
        return None
    trigger = reader.name(fields.get("trigger"), "trigger")
    if trigger is not None and (
        trigger in _RESERVED_TRIGGERS or trigger.startswith(("may_", "is_"))
    ):
        reader.problem(
            line_of(fields["trigger"]), f"'{trigger}' ist als Name eines Schritts nicht erlaubt"
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
            line_of(roles_node),
            f"Übergang '{trigger or '?'}' hat keine Rollen: niemand dürfte ihn auslösen",
        )
    guards = reader.allowed(
        reader.names(fields.get("guards"), "guards"), GUARDS.descriptions(), GUARDS.what
    )
    effects = reader.allowed(
        reader.names(fields.get("effects"), "effects"), EFFECTS.descriptions(), EFFECTS.what
    )
    label = reader.text(fields.get("label"), "label")
    description = reader.text(fields.get("description"), "description")
    needs_reason = reader.flag(fields.get("needs_reason"), "needs_reason")
    asks = reader.allowed(reader.names(fields.get("asks"), "asks"), ASKS, "Eingabe (asks)")
    done = reader.text(fields.get("done"), "done")
    style = reader.text(fields.get("style"), "style") or "default"
    if style not in STYLES:
        reader.problem(
            line_of(fields["style"]),
            f"Unbekannter Stil '{style}'{did_you_mean(style, STYLES)}; erlaubt: {', '.join(STYLES)}",
        )
        style = "default"
    if needs_reason and asks and "reason" not in asks:
        reader.problem(
            line_of(fields["asks"]),
            f"Übergang '{trigger or '?'}' braucht eine Begründung (needs_reason), fragt aber nicht danach",
        )
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
        asks=asks,
        done=done or f"Erledigt: {label}.",
        style=style,
    )
    return transition, _Lines(line_of(node), sources, (target, line_of(fields["target"])))


def _sequence(reader: Reader, node: yaml.Node | None, key: str) -> list[yaml.Node]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        reader.problem(line_of(node), f"'{key}' muss eine Liste sein")
        return []
    if not node.value:
        reader.problem(line_of(node), f"'{key}' ist leer")
    return list(node.value)


def _check_states(
    reader: Reader, states: list[tuple[State, int]], states_line: int, *, require_initial: bool
) -> None:
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
    if require_initial and states and initial is None:
        reader.problem(states_line, "Kein Zustand ist als Anfangszustand markiert (initial: true)")


def _check_references(
    reader: Reader, state_ids: list[str], transitions: list[tuple[Transition, _Lines]]
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
    reader = Reader(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = int(mark.line) + 1 if mark is not None else 0
        raise WorkflowError([Problem(source, line, f"{_NOT_YAML} ({err.problem})")]) from err
    if root is None:
        raise WorkflowError([Problem(source, 0, "Die Datei ist leer")])
    top = reader.mapping(root, TOP_KEYS, _FILE)
    if top is None:
        raise WorkflowError(reader.problems)
    label = reader.text(top.get("label"), "label")
    before = len(reader.problems)
    states: list[tuple[State, int]] = []
    for node in _sequence(reader, top.get("states"), "states"):
        state = _read_state(reader, node)
        if state is not None:
            states.append((state, line_of(node)))
    # Structural checks only make sense on a complete picture; a broken part would
    # otherwise produce follow-up problems that vanish once it is fixed.
    states_complete = len(reader.problems) == before
    transition_nodes = _sequence(reader, top.get("transitions"), "transitions")
    transitions: list[tuple[Transition, _Lines]] = []
    for node in transition_nodes:
        read = _read_transition(reader, node)
        if read is not None:
            transitions.append(read)
    states_node = top.get("states")
    states_line = line_of(states_node) if states_node is not None else line_of(root)
    _check_states(reader, states, states_line, require_initial=states_complete)
    references_ok = _check_references(reader, [s.id for s, _ in states], transitions)
    complete = states_complete and len(transitions) == len(transition_nodes) > 0
    if complete and references_ok and sum(1 for s, _ in states if s.initial) == 1:
        located = [(t, lines.sources) for t, lines in transitions]
        for line, message in graph_problems(states, located):
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
