"""Load and validate workflows/*.yaml into immutable Workflow objects.

The file is read with `yaml.compose` and the SafeLoader (through `yamlreader.compose_text`:
libyaml when present; nothing in a file is constructed or executed) and checked against the
pydantic models below: each key of a file, a state and a transition is stated once there, with
its default. fondsengine.schema maps pydantic's errors to `file:line: message`; the relations
between keys and parts (a terminal state needs an outcome, transitions name defined states, the
graph) are checked on the validated parts.
Every problem of a file is collected with its line before anything is raised.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from fondsengine.errors import FondsError
from fondsengine.guidelines.yamlreader import Collector, compose_text

# The guard and effect modules register their functions on import; names are checked against them.
from fondsengine.lifecycle import effects as _effects  # noqa: F401
from fondsengine.lifecycle import guards as _guards  # noqa: F401
from fondsengine.problems import Problem
from fondsengine.schema import Loc, Located, Opaque, Wording, did_you_mean, located, validate
from fondsengine.workflow.graph import graph_problems
from fondsengine.workflow.model import State, Transition, Workflow
from fondsengine.workflow.names import OUTCOMES, ROLES
from fondsengine.workflow.registry import EFFECTS, GUARDS, USE_CASES

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
    "paper_record": "das Protokoll eines Beschlusses auf Papier (Stimmen, Befangene, unterschriebenes Protokoll)",
}

# The step's own words for the fields of its form (German, for the office): key -> the input it words.
FIELD_TEXTS: dict[str, tuple[str, ...]] = {
    "reason_label": ("reason",),
    "reason_hint": ("reason",),
    "reason_required": ("reason",),
    "amount_label": ("amount", "payment"),
    "amount_hint": ("amount", "payment"),
    "date_label": ("date",),
}

# The applicant's own pages a step of hers may open instead of a button (webapp/applicant/).
APPLICANT_PAGES: dict[str, str] = {
    "withdrawal": "die Seite zum Zurückziehen des Antrags (mit freiwilligem Grund)",
    "proof": "die Seite des Verwendungsnachweises (Sachbericht, Belege, Fotos)",
}

# What a step means for the engine's code, which asks the workflow for the step with a meaning
# instead of naming it (Workflow.step_with); each meaning belongs to at most one trigger of a file.
JURY_OUTCOMES: dict[str, str] = {
    "approve": "die Jury bewilligt (nur mit dem Abstimmungsergebnis)",
    "reject": "die Jury lehnt ab (nur mit dem Abstimmungsergebnis)",
    "recommend": "die Jury empfiehlt zur Förderung, die Stadt bewilligt (nur mit dem Abstimmungsergebnis)",
    "defer": "die Jury vertagt (auch ohne Abstimmung)",
}
GRANTINGS: dict[str, str] = {
    "after_recommendation": "die bewilligende Stelle bewilligt nach der Empfehlung der Jury",
    "above_jury": "eine Stelle außerhalb bewilligt über der Grenze der Jury (ohne Empfehlung)",
}
MEANINGS = ("jury_outcome", "granting")

STYLES: dict[str, str] = {
    "default": "normaler Schritt",
    "danger": "beendet oder lehnt etwas ab (roter Knopf)",
}

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED_TRIGGERS = frozenset({"state", "trigger", "may_trigger"})
_NOT_YAML = "Die Datei ist kein gültiges YAML; bitte Einrückung und Doppelpunkte prüfen"


class WorkflowError(FondsError):
    """A workflow file is invalid; `problems` lists every problem with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


# --- value types: what a key accepts, and the sentence when it does not -------------------


def _text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty_text", "empty")
    return value.strip()


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise PydanticCustomError(
            "name",
            "'{value}' ist kein gültiger Name: erlaubt sind Kleinbuchstaben, Ziffern und _ (z. B. 'in_review')",
            {"value": value},
        )
    return value


def _one_of(allowed: Collection[str], unknown: str, *, listed: Sequence[str] = ()) -> AfterValidator:
    """Only names from `allowed` (read when validating: the registries fill on import)."""
    return AfterValidator(_check_in(allowed, unknown, listed=listed))


def _check_in(allowed: Collection[str], unknown: str, *, listed: Sequence[str] = ()) -> Callable[[str], str]:
    shown = f"; erlaubt: {', '.join(listed)}" if listed else ""

    def check(value: str) -> str:
        if value not in allowed:
            hint = did_you_mean(value, allowed)
            raise PydanticCustomError("unknown_name", f"{unknown} '{{value}}'{hint}{shown}", {"value": value})
        return value

    return check


def _unique(values: Any) -> Any:
    """Before the names are checked (so a name twice is one problem, not two)."""
    for i, value in enumerate(values if isinstance(values, list) else []):
        if value in values[:i]:
            raise PydanticCustomError("duplicate_item", "duplicate", {"value": value, "index": i})
    return values


def _listed(value: Any) -> Any:
    """One name may stand for a list of one (`source: draft`)."""
    return value if isinstance(value, list | dict) else [value]


def _given(value: Any) -> Any:
    """An optional key written without a value (`done:`) is a wrong value, not an absent one."""
    if value is None:
        raise PydanticCustomError("empty_text", "empty")
    return value


def _non_empty(values: list[Any]) -> list[Any]:
    if not values:
        raise PydanticCustomError("empty_list", "empty")
    return values


Text = Annotated[str, AfterValidator(_text)]
OptionalText = Annotated[Text | None, BeforeValidator(_given)]
Name = Annotated[Text, AfterValidator(_name)]


_Outcome = Annotated[Text, _one_of(OUTCOMES, "Unbekanntes Ergebnis (outcome)", listed=sorted(OUTCOMES))]
_Phase = Annotated[Text, _one_of(PHASES, "Unbekannte Phase", listed=sorted(PHASES))]
_Style = Annotated[Text, _one_of(STYLES, "Unbekannter Stil", listed=list(STYLES))]
_ApplicantPage = Annotated[
    Text, _one_of(APPLICANT_PAGES, "Unbekannte Seite (applicant_page)", listed=list(APPLICANT_PAGES))
]
_JuryOutcome = Annotated[
    Text, _one_of(JURY_OUTCOMES, "Unbekanntes Ergebnis der Jury (jury_outcome)", listed=list(JURY_OUTCOMES))
]
_Granting = Annotated[Text, _one_of(GRANTINGS, "Unbekannte Bewilligung (granting)", listed=list(GRANTINGS))]
_UNIQUE = BeforeValidator(_unique)
_LISTED = BeforeValidator(_listed)
_WaitingFor = Annotated[
    list[Annotated[Name, _one_of(WAITING_FOR, "Unbekannte Bedeutung (waiting_for)")]],
    _UNIQUE,
    _LISTED,
]
_Sources = Annotated[list[Name], AfterValidator(_non_empty), _UNIQUE, _LISTED]
_Roles = Annotated[list[Annotated[Name, _one_of(ROLES, "Unbekannte Rolle")]], _UNIQUE]
_Guards = Annotated[list[Annotated[Name, _one_of(GUARDS, f"Unbekannte {GUARDS.what}")]], _UNIQUE]
_Effects = Annotated[list[Annotated[Name, _one_of(EFFECTS, f"Unbekannte {EFFECTS.what}")]], _UNIQUE]


_UseCase = Annotated[Name, AfterValidator(_check_in(USE_CASES, f"Unbekannter {USE_CASES.what}"))]
_Asks = Annotated[list[Annotated[Name, _one_of(ASKS, "Unbekannte Eingabe (asks)")]], _UNIQUE]


# --- the schema: every key once, with its default -----------------------------------------


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FileSpec(_Spec):
    """The top of a workflow file."""

    label: Text
    # Each item is validated as a StateSpec / TransitionSpec on its own, so that a broken one
    # neither hides the problems of the others nor the relation checks over the rest.
    states: Annotated[list[Any], AfterValidator(_non_empty)]
    transitions: Annotated[list[Any], AfterValidator(_non_empty)]


class StateSpec(_Spec):
    """One state (workflow.model.State)."""

    id: Name
    label: Text
    initial: bool = False
    terminal: bool = False
    outcome: Annotated[_Outcome | None, BeforeValidator(_given)] = None
    next_step: OptionalText = None
    phase: _Phase = "application"
    editable: bool = False
    waiting_for: _WaitingFor = Field(default_factory=list)

    def relation_problems(self, given: dict[str, Any]) -> list[tuple[str | None, str]]:
        """(key or None for the state itself, message) for keys that contradict each other."""
        found: list[tuple[str | None, str]] = []
        if self.terminal and self.outcome is None and "outcome" not in given:
            found.append((None, f"Endzustand '{self.id}' braucht ein Ergebnis (outcome)"))
        if self.terminal and (self.editable or self.waiting_for):
            found.append(
                (
                    None,
                    f"Endzustand '{self.id}' kann weder bearbeitbar sein noch auf etwas warten (editable, waiting_for)",
                )
            )
        if self.terminal and self.initial:
            found.append((None, f"Zustand '{self.id}' kann nicht zugleich Anfangs- und Endzustand sein"))
        return found

    def build(self) -> State:
        return State(**{**self.model_dump(), "waiting_for": frozenset(self.waiting_for)})


class TransitionSpec(_Spec):
    """One transition (workflow.model.Transition)."""

    trigger: Name
    source: _Sources
    target: Name
    roles: _Roles
    label: Text
    guards: _Guards = Field(default_factory=list)
    effects: _Effects = Field(default_factory=list)
    needs_reason: bool = False
    asks: _Asks = Field(default_factory=list)
    done: OptionalText = None  # default: "Erledigt: <label>."
    style: _Style = "default"
    use_case: Annotated[_UseCase | None, BeforeValidator(_given)] = None
    applicant_page: Annotated[_ApplicantPage | None, BeforeValidator(_given)] = None
    jury_outcome: Annotated[_JuryOutcome | None, BeforeValidator(_given)] = None
    granting: Annotated[_Granting | None, BeforeValidator(_given)] = None
    # the step's words for its form's fields (FIELD_TEXTS); None: the field's general label
    reason_label: OptionalText = None
    reason_hint: OptionalText = None
    reason_required: OptionalText = None  # the message when the reason is missing (with needs_reason)
    amount_label: OptionalText = None
    amount_hint: OptionalText = None
    date_label: OptionalText = None

    @field_validator("trigger")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in _RESERVED_TRIGGERS or value.startswith(("may_", "is_")):
            raise PydanticCustomError(
                "reserved", "'{value}' ist als Name eines Schritts nicht erlaubt", {"value": value}
            )
        return value

    def relation_problems(self, given: dict[str, Any]) -> list[tuple[str | None, str]]:
        """(key, message) for keys that contradict each other (`given`: the keys as written)."""
        found: list[tuple[str | None, str]] = []
        if given.get("roles") == []:  # an empty list as written, not one emptied by a typo
            found.append(("roles", f"Übergang '{self.trigger}' hat keine Rollen: niemand dürfte ihn auslösen"))
        if self.needs_reason and self.asks and "reason" not in self.asks:
            found.append(
                (
                    "asks",
                    f"Übergang '{self.trigger}' braucht eine Begründung (needs_reason), fragt aber nicht danach",
                )
            )
        for key, inputs in FIELD_TEXTS.items():
            if getattr(self, key) is not None and not set(inputs) & set(self.asks):
                asked = " oder ".join(f"'{i}'" for i in inputs)
                found.append((key, f"Übergang '{self.trigger}' hat '{key}', fragt aber nicht nach {asked} (asks)"))
        if self.reason_required is not None and not self.needs_reason:
            found.append(
                ("reason_required", f"Übergang '{self.trigger}' hat 'reason_required', aber kein needs_reason: true")
            )
        return found

    def build(self) -> Transition:
        fields: dict[str, Any] = {
            name: tuple(value) if isinstance(value, list) else value
            for name, value in self.model_dump(exclude={"source", "roles", "done"}).items()
        }
        return Transition(
            **fields,
            sources=tuple(self.source),
            roles=frozenset(self.roles),
            done=self.done or f"Erledigt: {self.label}.",
        )


# --- the sentences ------------------------------------------------------------------------


def _say(template: str) -> Callable[[str, ErrorDetails], str]:
    return lambda key, error: template.format(key=key, **(error.get("ctx") or {}))


_TYPES = {
    "string_type": _say("'{key}' muss ein nicht leerer Text sein"),
    "empty_text": _say("'{key}' muss ein nicht leerer Text sein"),
    "bool_type": _say("'{key}' muss true oder false sein"),
    "list_type": _say("'{key}' muss eine Liste sein"),
    "empty_list": _say("'{key}' ist leer"),
    "duplicate_item": _say("'{value}' steht doppelt in '{key}'"),
}


def _wording(one: str, named: str, anonymous: str, id_key: str | None) -> Wording:
    """How a mapping is named: "Ein Zustand", "Im Zustand 'x'", "In einem Zustand"."""

    def missing(loc: Loc, data: Any) -> str:
        key = loc[-1]
        name = data.get(id_key) if id_key and isinstance(data, dict) else None
        shown = str(name) if isinstance(name, str | int | float | Opaque) and not isinstance(name, bool) else None
        where = f"{named} '{shown}'" if shown not in (None, "") else anonymous
        return f"{where} fehlt das Pflichtfeld '{key}'"

    return Wording(
        unknown_key=lambda loc, hint: (
            f"Unbekannter Schlüssel '{loc[-1]}'" + (f" (meinten Sie '{hint}'?)" if hint else "")
        ),
        missing=missing,
        not_mapping=lambda loc: f"{one} muss aus Schlüsseln mit Werten bestehen",
        types=_TYPES,
    )


_FILE = _wording("Die Datei", "In der Datei", "In der Datei", None)
_STATE = _wording("Ein Zustand", "Im Zustand", "In einem Zustand", "id")
_TRANSITION = _wording("Ein Übergang", "Im Übergang", "In einem Übergang", "trigger")


# --- relations between the parts ---------------------------------------------------------


def _check_states(out: Collector, states: list[tuple[State, int]], states_line: int, *, require_initial: bool) -> None:
    first_line: dict[str, int] = {}
    initial: str | None = None
    for state, line in states:
        if state.id in first_line:
            out.add(
                line,
                f"Zustand '{state.id}' ist doppelt definiert (zuerst in Zeile {first_line[state.id]})",
            )
            continue
        first_line[state.id] = line
        if state.initial:
            if initial is not None:
                out.add(line, f"Mehr als ein Anfangszustand: '{initial}' und '{state.id}'")
            initial = initial or state.id
    if require_initial and states and initial is None:
        out.add(states_line, "Kein Zustand ist als Anfangszustand markiert (initial: true)")


def _check_references(out: Collector, state_ids: list[str], transitions: list[tuple[Transition, Located]]) -> bool:
    """Report unknown states and repeated (trigger, source, guards); True if all states exist."""
    ok = True
    for transition, data in transitions:
        named: list[tuple[str, Loc]] = [
            *((s, ("source", i)) for i, s in enumerate(transition.sources)),
            (transition.target, ("target",)),
        ]
        for name, loc in named:
            if name not in state_ids:
                out.add(
                    data.line(loc),
                    f"Zustand '{name}' ist nicht definiert{did_you_mean(name, state_ids)}",
                )
                ok = False
    meant: dict[tuple[str, str], tuple[str, int]] = {}
    for transition, data in transitions:
        for meaning in MEANINGS:
            value = getattr(transition, meaning)
            if value is None:
                continue
            first = meant.setdefault((meaning, value), (transition.trigger, data.line((meaning,))))
            if first[0] != transition.trigger:
                out.add(
                    data.line((meaning,)),
                    f"'{meaning}: {value}' hat schon der Schritt '{first[0]}' (Zeile {first[1]}); "
                    "eine Bedeutung gehört zu genau einem Schritt",
                )
    seen: dict[tuple[str, str, tuple[str, ...]], int] = {}
    for transition, data in transitions:
        for i, source in enumerate(transition.sources):
            key = (transition.trigger, source, tuple(sorted(transition.guards)))
            if key in seen:
                out.add(
                    data.line(("source", i)),
                    f"Den Schritt '{transition.trigger}' aus Zustand '{source}' mit denselben "
                    f"Bedingungen gibt es schon in Zeile {seen[key]}; es wäre unklar, "
                    "welcher Übergang gilt",
                )
            else:
                seen[key] = data.line(())
    return ok


def _items(data: Located, key: str) -> list[Located]:
    return data.each((key,))


def _relations(out: Collector, spec: StateSpec | TransitionSpec, data: Located) -> None:
    given = data.value if isinstance(data.value, dict) else {}
    for key, message in spec.relation_problems(given):
        out.add(data.line((key,) if key else ()), message)


def load_workflow_text(text: str, *, source: str, workflow_id: str) -> Workflow:
    """Parse and validate one workflow file's text; raise WorkflowError with every problem."""
    out = Collector(source)
    try:
        root = compose_text(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = int(mark.line) + 1 if mark is not None else 0
        raise WorkflowError([Problem(source, line, f"{_NOT_YAML} ({err.problem})")]) from err
    if root is None:
        raise WorkflowError([Problem(source, 0, "Die Datei ist leer")])
    data = located(root, out, duplicate=lambda loc: f"Schlüssel '{loc[-1]}' kommt doppelt vor")
    if not isinstance(data.value, dict):
        raise WorkflowError([Problem(source, data.line(()), _FILE.not_mapping(()))])
    top = validate(FileSpec, data, out, _FILE)
    before = len(out.problems)
    states: list[tuple[State, int]] = []
    for item in _items(data, "states"):
        state = validate(StateSpec, item, out, _STATE)
        if state is not None:
            _relations(out, state, item)
            states.append((state.build(), item.line(())))
    # Structural checks only make sense on a complete picture; a broken part would
    # otherwise produce follow-up problems that vanish once it is fixed.
    states_complete = len(out.problems) == before
    transition_items = _items(data, "transitions")
    transitions: list[tuple[Transition, Located]] = []
    for item in transition_items:
        transition = validate(TransitionSpec, item, out, _TRANSITION)
        if transition is not None:
            _relations(out, transition, item)
            transitions.append((transition.build(), item))
    _check_states(out, states, data.line(("states",)), require_initial=states_complete)
    references_ok = _check_references(out, [s.id for s, _ in states], transitions)
    complete = states_complete and len(transitions) == len(transition_items) > 0
    if complete and references_ok and sum(1 for s, _ in states if s.initial) == 1:
        located_sources = [(t, [(s, d.line(("source", i))) for i, s in enumerate(t.sources)]) for t, d in transitions]
        for line, message in graph_problems(states, located_sources):
            out.add(line, message)
    if out.problems or top is None:
        raise WorkflowError(sorted(out.problems, key=lambda p: p.line))
    return Workflow(
        id=workflow_id,
        version_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=source,
        label=top.label,
        states=tuple(s for s, _ in states),
        transitions=tuple(t for t, _ in transitions),
    )


# What a step declares for the office's and the applicant's pages (newer than the first stored files).
PAGE_DECLARATIONS = ("use_case", "applicant_page", *FIELD_TEXTS)


def declares_all(workflow: Workflow) -> bool:
    """Whether a version declares its steps' use cases (every step's) and their meanings (MEANINGS) itself."""
    return all(t.use_case for t in workflow.transitions) and any(
        getattr(t, key) for t in workflow.transitions for key in MEANINGS
    )


def with_declarations_of(old: Workflow, newer: Workflow) -> Workflow:
    """A version stored before its steps declared their use case (and their page's words) takes these
    declarations from another (the latest) version of the same workflow, step by step (by trigger), so the
    applications still on it can be worked on; likewise a version stored before its steps declared their
    meanings (jury_outcome, granting) takes those, and a step stored before its use case was declared (the
    proof of use, the granting body's steps: `lifecycle.fire` finds every step by its use case) takes the
    use case of the same trigger. What a version declares itself stays as it is."""
    pages = not any(t.use_case for t in old.transitions)
    meanings = not any(getattr(t, key) for t in old.transitions for key in MEANINGS)
    gaps = any(t.use_case is None for t in old.transitions)
    if not (pages or meanings or gaps):
        return old
    newest = {t.trigger: t for t in newer.transitions}

    def filled(t: Transition) -> Transition:
        n = newest.get(t.trigger)
        if n is None:
            return t
        taken: dict[str, Any] = {key: getattr(n, key) for key in MEANINGS} if meanings else {}
        if pages:
            taken |= {key: getattr(n, key) for key in PAGE_DECLARATIONS}
            taken["asks"] = t.asks + tuple(a for a in ("paper_record",) if a in n.asks and a not in t.asks)
        elif t.use_case is None:
            taken["use_case"] = n.use_case
        return replace(t, **taken)

    return replace(old, transitions=tuple(filled(t) for t in old.transitions))


# The bookings of the refund steps, declared in the files since they are effects; before, the use cases
# booked them in code. The steps are known by the state meaning they enter and leave (`waiting_for`).
REFUND_WAIT = "refund"
CLAIM_BOOKING = "release_on_refund_claim"  # the step that starts the wait for a refund
REFUND_BOOKING = "book_refund"  # the step that ends it (and, since declared, each part before)
PART_REFUND_GUARD = "refund_open"


def _waits_for_refund(workflow: Workflow, state: str) -> bool:
    return REFUND_WAIT in workflow.state(state).waiting_for


def declares_refund_bookings(workflow: Workflow) -> bool:
    """Whether a version's refund steps declare their bookings (or it never waits for a refund)."""
    waits = any(REFUND_WAIT in s.waiting_for for s in workflow.states)
    return not waits or any(REFUND_BOOKING in t.effects for t in workflow.transitions)


def with_refund_bookings(old: Workflow) -> Workflow:
    """A version stored before its refund steps declared their bookings books as the engine did for it then:
    a step into the wait for a refund (the claim) releases after its other effects (`release_on_refund_claim`),
    a step out of it (the money received) books the money (`book_refund`), and a part refund is a further
    transition of that step that stays in its state (guard `refund_open`), as the shipped files declare. Its
    version hash gets a suffix, so the machine built for it is never the one of the stored text as written."""
    if declares_refund_bookings(old):
        return old
    transitions: list[Transition] = []
    for t in old.transitions:
        waiting = [s for s in t.sources if _waits_for_refund(old, s)]
        into = _waits_for_refund(old, t.target)
        if into and len(waiting) < len(t.sources):
            transitions.append(replace(t, effects=(*t.effects, CLAIM_BOOKING)))
        elif waiting and not into:
            booked = replace(t, effects=(*t.effects, REFUND_BOOKING))
            transitions.append(booked)
            transitions.extend(
                replace(booked, sources=(source,), target=source, guards=(PART_REFUND_GUARD,)) for source in waiting
            )
        else:
            transitions.append(t)
    return replace(old, transitions=tuple(transitions), version_hash=f"{old.version_hash}+refund-bookings")


def load_workflow(path: str | Path) -> Workflow:
    """Load and validate one workflow file; its id is the file name without .yaml."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise WorkflowError([Problem(str(path), 0, "Die Datei ist nicht in UTF-8 gespeichert")]) from err
    except OSError as err:
        raise WorkflowError([Problem(str(path), 0, f"Die Datei lässt sich nicht lesen: {err.strerror}")]) from err
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
