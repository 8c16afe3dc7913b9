"""Typed, immutable objects a workflow file (workflows/*.yaml) is loaded into."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    id: str
    label: str  # German, shown to everyone ("In formaler Prüfung")
    initial: bool = False
    terminal: bool = False
    outcome: str | None = (
        None  # approved | rejected | withdrawn | lapsed | completed; None while open
    )
    next_step: str | None = None  # German: what happens next, shown to the applicant
    phase: str = "application"  # application | decision | funding | closed (for grouping in the UI)


@dataclass(frozen=True)
class Transition:
    trigger: str  # e.g. "submit"
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]  # applicant, manager, jury_member, city_approver, system
    guards: tuple[str, ...] = ()  # names from fondsengine.workflow.names.GUARDS
    effects: tuple[str, ...] = ()  # names from fondsengine.workflow.names.EFFECTS
    label: str = ""  # German button label ("Antrag einreichen")
    description: str | None = None
    needs_reason: bool = False  # the actor must give a reason (shown in audit and letters)


@dataclass(frozen=True)
class Workflow:
    id: str  # file name without .yaml
    version_hash: str  # sha256 of the file content
    source: str
    label: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    def state(self, state_id: str) -> State:
        """Look up a state by id (KeyError if unknown)."""
        for s in self.states:
            if s.id == state_id:
                return s
        raise KeyError(state_id)

    @property
    def initial(self) -> State:
        """The one initial state."""
        return next(s for s in self.states if s.initial)

    def transitions_from(self, state_id: str) -> tuple[Transition, ...]:
        """All transitions that may start in a state."""
        return tuple(t for t in self.transitions if state_id in t.sources)

    def triggers(self) -> frozenset[str]:
        """All trigger names."""
        return frozenset(t.trigger for t in self.transitions)
