"""Typed, immutable objects a workflow file (workflows/*.yaml) is loaded into."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    """One state; the keys, their defaults and their checks are StateSpec in workflow/loader.py."""

    id: str
    label: str  # German, shown to everyone ("In formaler Prüfung")
    initial: bool
    terminal: bool
    outcome: str | None  # approved | rejected | withdrawn | lapsed | completed; None while open
    next_step: str | None  # German: what happens next, shown to the applicant
    phase: str  # application | decision | funding | closed
    editable: bool  # the applicant (or the office for them) may still change the form
    waiting_for: frozenset[str]  # what happens next: review, decision, payment, proof ...


@dataclass(frozen=True)
class Transition:
    """One step; the keys, their defaults and their checks are TransitionSpec in workflow/loader.py."""

    trigger: str  # e.g. "submit"
    sources: tuple[str, ...]  # the key `source` (one state id or a list)
    target: str
    roles: frozenset[str]  # applicant, manager, jury_member, city_approver, system
    guards: tuple[str, ...]  # names registered in fondsengine.workflow.registry.GUARDS
    effects: tuple[str, ...]  # names registered in fondsengine.workflow.registry.EFFECTS
    label: str  # German button label ("Antrag einreichen")
    needs_reason: bool  # the actor must give a reason (shown in audit and letters)
    asks: tuple[str, ...]  # what the step's form asks for (amount, reason ...); () = one button
    done: str  # German message after the step was taken ("Der Antrag ist bewilligt.")
    style: str  # default | danger (a step that ends or refuses something)
    use_case: str | None  # the engine's use case behind the step's form (fondsengine.applications.steps)
    applicant_page: str | None  # the applicant's own page of the step (loader.APPLICANT_PAGES)
    # the step's German words for its form's fields (None: the field's general label)
    reason_label: str | None
    reason_hint: str | None
    reason_required: str | None  # the message when a needed reason is missing
    amount_label: str | None
    amount_hint: str | None
    date_label: str | None
    # what the step means for the engine's code (loader.JURY_OUTCOMES, loader.GRANTINGS); None: nothing
    jury_outcome: str | None = None  # approve | reject | recommend | defer: the jury's decision it records
    granting: str | None = None  # after_recommendation | above_jury: the granting body's grant


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

    def triggers(self) -> frozenset[str]:
        """All trigger names."""
        return frozenset(t.trigger for t in self.transitions)

    def steps(self, trigger: str | None) -> tuple[Transition, ...]:
        """The transitions of a trigger from any state, in file order (none for None or an unknown
        trigger). From the application's current state ask the machine instead
        (`WorkflowMachine.transitions(state, trigger)`)."""
        return tuple(t for t in self.transitions if trigger is not None and t.trigger == trigger)

    def step_with(self, *, jury_outcome: str | None = None, granting: str | None = None) -> str | None:
        """The trigger of the step declaring this meaning (`jury_outcome: approve`, `granting:
        after_recommendation` ...); None when the workflow has no such step."""
        return next(
            (
                t.trigger
                for t in self.transitions
                if (jury_outcome is not None and t.jury_outcome == jury_outcome)
                or (granting is not None and t.granting == granting)
            ),
            None,
        )

    def state_ids(
        self,
        *,
        editable: bool | None = None,
        waiting_for: str | None = None,
        initial: bool | None = None,
        decided: bool | None = None,
        guarded_by: str | None = None,
    ) -> tuple[str, ...]:
        """The ids of the states with the given meanings, in file order.

        `decided`: has an outcome (True) or none yet (False); `guarded_by`: a step with this
        guard starts there (e.g. the states from which an approval may lapse)."""
        sources = (
            {s for t in self.transitions if guarded_by in t.guards for s in t.sources}
            if guarded_by is not None
            else None
        )
        return tuple(
            s.id
            for s in self.states
            if (editable is None or s.editable == editable)
            and (waiting_for is None or waiting_for in s.waiting_for)
            and (initial is None or s.initial == initial)
            and (decided is None or (s.outcome is not None) == decided)
            and (sources is None or s.id in sources)
        )
