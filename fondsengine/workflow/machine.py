"""Run a Workflow on the `transitions` library: may this actor take this step now?

One `transitions.Machine` is built per workflow version and shared by all threads. It holds
no application: each operation adds a throw-away token model whose `initial` is the
application's current state, lets transitions decide which transition runs (roles and
guards are its conditions, tried in file order), and removes the token in `finally`.
The machine therefore never keeps a model, and a loaded application is never reset to
the workflow's initial state.

Locking: the machine's model list is the only shared mutable part (the machine is not
queued, so firing keeps all state on the token). A lock guards adding and removing
tokens; guards run outside it, so a guard that waits on the database can never block
other threads' workflow steps (and cannot deadlock with a database lock they hold).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from transitions import Machine

from fondsengine.errors import GuardFailed, PermissionDenied, TransitionNotAllowed
from fondsengine.workflow.model import Transition, Workflow
from fondsengine.workflow.names import ROLES
from fondsengine.workflow.registry import GUARDS, GuardFn, GuardResult, Registry

__all__ = ["GuardFn", "GuardResult", "Verdict", "WorkflowMachine", "machine_for"]


@dataclass(frozen=True)
class Verdict:
    """The answer to "may this actor take this step now?" without taking it."""

    allowed: bool
    transition: Transition | None
    reasons: tuple[str, ...] = ()
    clause: str | None = None


class _Token:
    """Stand-in model for one operation; transitions stores the state on it."""

    state: str


class _Attempt:
    """One firing: the actor, the context, and what the conditions found."""

    def __init__(self, guards: Mapping[str, GuardFn], roles: frozenset[str], context: Any) -> None:
        self.guards = guards
        self.roles = roles
        self.context = context
        self.role_ok: list[Transition] = []
        self.failures: list[GuardResult] = []
        self.taken: Transition | None = None

    def admit(self, transition: Transition) -> bool:
        if not transition.roles & self.roles:
            return False
        self.role_ok.append(transition)
        failed = []
        for name in transition.guards:
            result = self.guards[name](self.context)
            if not result.ok:
                failed.append(
                    result if result.message else GuardResult(False, _fallback(name), result.clause)
                )
        self.failures.extend(failed)
        return not failed


def _no_such_step(label: str) -> str:
    return f"Den Schritt „{label}“ gibt es in diesem Ablauf nicht."


def _fallback(guard: str) -> str:
    description = GUARDS[guard].description if guard in GUARDS else guard
    return f"Nicht erfüllt: {description}"


class _Gate:
    """The one condition of a transitions transition: role check plus guards."""

    def __init__(self, transition: Transition) -> None:
        self.transition = transition

    def __call__(self, event_data: Any) -> bool:
        attempt: _Attempt = event_data.kwargs["attempt"]
        return attempt.admit(self.transition)


class _Taken:
    """Before-callback: records which transition transitions chose."""

    def __init__(self, transition: Transition) -> None:
        self.transition = transition

    def __call__(self, event_data: Any) -> None:
        attempt: _Attempt = event_data.kwargs["attempt"]
        attempt.taken = self.transition


class _Shared:
    """The transitions Machine of one workflow version and the lock on its model list."""

    def __init__(self, workflow: Workflow) -> None:
        self.lock = threading.Lock()
        self.machine: Any = Machine(
            model=None,
            states=[s.id for s in workflow.states],
            initial=workflow.initial.id,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        # what transitions' own Transition objects stand for, and where each stands in the file
        self.ours: dict[int, Transition] = {}
        self.position: dict[int, int] = {}
        for index, t in enumerate(workflow.transitions):
            self.machine.add_transition(
                t.trigger, list(t.sources), t.target, conditions=[_Gate(t)], before=[_Taken(t)]
            )
            for source in t.sources:
                added = self.machine.events[t.trigger].transitions[source][-1]
                self.ours[id(added)] = t
                self.position[id(t)] = index

    def transitions(self, state: str, trigger: str) -> list[Transition]:
        """The transitions of a trigger from a state, in file order (asked of transitions)."""
        found = self.machine.get_transitions(trigger=trigger, source=state)
        return [self.ours[id(lt)] for lt in found]

    def triggers(self, state: str) -> list[str]:
        """The triggers that may start in a state (asked of transitions)."""
        return list(self.machine.get_triggers(state))

    def run(self, state: str, trigger: str, attempt: _Attempt) -> bool:
        token = _Token()
        with self.lock:
            self.machine.add_model(token, initial=state)
        try:
            return bool(self.machine.events[trigger].trigger(token, attempt=attempt))
        finally:
            with self.lock:
                self.machine.remove_model(token)


_cache_lock = threading.Lock()
_shared: dict[str, _Shared] = {}
_machines: dict[str, WorkflowMachine] = {}


def _shared_for(workflow: Workflow) -> _Shared:
    with _cache_lock:
        shared = _shared.get(workflow.version_hash)
        if shared is None:
            shared = _shared[workflow.version_hash] = _Shared(workflow)
        return shared


Guards = Mapping[str, GuardFn] | Registry[GuardFn]


def _functions(guards: Guards) -> tuple[dict[str, GuardFn], dict[str, GuardFn]]:
    """(name -> guard when firing, name -> guard when offering) of a registry or a plain mapping."""
    if isinstance(guards, Registry):
        return dict(guards.functions), {**guards.functions, **guards.offers}
    return dict(guards), dict(guards)


class WorkflowMachine:
    """A workflow version with the guard functions that decide its conditions.

    `guards` is the registry (fondsengine.workflow.registry.GUARDS) or, in tests, a plain
    name -> function mapping. A registered guard that needs an input of the step (an amount)
    answers with its offer function while a step is only offered (`check`, `available`) and
    the input is not known; `fire` always asks the guard itself."""

    def __init__(self, workflow: Workflow, guards: Guards) -> None:
        firing, offering = _functions(guards)
        used = {name for t in workflow.transitions for name in t.guards}
        missing = sorted(used - set(firing))
        if missing:
            raise ValueError(
                f"workflow {workflow.id!r} needs guard functions for: {', '.join(missing)}"
            )
        self.workflow = workflow
        self.guards: Mapping[str, GuardFn] = firing
        self.offering: Mapping[str, GuardFn] = offering
        self._state_ids = frozenset(s.id for s in workflow.states)
        self._shared = _shared_for(workflow)

    @property
    def machine(self) -> Any:
        """The shared transitions.Machine of this workflow version."""
        return self._shared.machine

    def transitions(self, state: str, trigger: str) -> list[Transition]:
        """The transitions of a trigger from a state, in file order (transitions' lookup)."""
        if trigger not in self.machine.events:
            return []
        return self._shared.transitions(state, trigger)

    def triggers(self, state: str) -> list[str]:
        """The triggers that may start in a state (transitions' lookup)."""
        return self._shared.triggers(state)

    def serving(
        self, state: str, use_case: str, roles: frozenset[str], *, jury_outcome: str | None = None
    ) -> str:
        """The trigger of the step that serves a use case from a state (asked of `transitions`).

        Of the transitions from the state that declare `use_case` (and, when given, `jury_outcome`),
        the first in file order whose roles the actor has, else the first (firing it then says who may);
        outside its states the workflow's first step serving it (firing it says why not now).
        Which transition of that trigger runs is decided when it is fired: the first whose guards pass.
        TransitionNotAllowed when the workflow has no step for the use case."""

        def serves(t: Transition) -> bool:
            return t.use_case == use_case and (jury_outcome is None or t.jury_outcome == jury_outcome)

        here = sorted(
            (t for trigger in self.triggers(state) for t in self.transitions(state, trigger) if serves(t)),
            key=lambda t: self._shared.position[id(t)],
        )
        found = [t for t in here if t.roles & roles] or here or [t for t in self.workflow.transitions if serves(t)]
        if not found:
            raise TransitionNotAllowed(_no_such_step(use_case))
        return found[0].trigger

    def _label(self, trigger: str) -> str:
        return next((t.label for t in self.workflow.steps(trigger)), trigger)

    def _decide(
        self, state: str, trigger: str, roles: frozenset[str], context: Any, *, offering: bool = False
    ) -> Verdict:
        if state not in self._state_ids:
            raise ValueError(f"state {state!r} is not defined in workflow {self.workflow.id!r}")
        label = self._label(trigger)
        candidates = self.transitions(state, trigger)
        if not candidates:
            if trigger not in self.machine.events:
                message = _no_such_step(label)
            else:
                state_label = self.workflow.state(state).label
                message = f"Der Schritt „{label}“ ist im Zustand „{state_label}“ nicht möglich."
            return Verdict(False, None, (message,))
        attempt = _Attempt(self.offering if offering else self.guards, frozenset(roles), context)
        if self._shared.run(state, trigger, attempt):
            return Verdict(True, attempt.taken)
        if not attempt.role_ok:
            allowed = sorted({ROLES[r] for t in candidates for r in t.roles})
            message = (
                f"Sie dürfen den Schritt „{label}“ nicht ausführen. "
                f"Das dürfen: {', '.join(allowed)}."
            )
            return Verdict(False, candidates[0], (message,))
        reasons = tuple(dict.fromkeys(f.message for f in attempt.failures))
        clause = next((f.clause for f in attempt.failures if f.clause), None)
        return Verdict(False, attempt.role_ok[0], reasons, clause)

    def fire(self, state: str, trigger: str, roles: frozenset[str], context: Any) -> Transition:
        """Take the step; return the Transition taken (its target is the new state)."""
        verdict = self._decide(state, trigger, roles, context)
        if verdict.allowed and verdict.transition is not None:
            return verdict.transition
        if verdict.transition is None:
            raise TransitionNotAllowed(verdict.reasons[0])
        if not verdict.transition.roles & roles:
            raise PermissionDenied(verdict.reasons[0])
        label = verdict.transition.label
        message = f"Der Schritt „{label}“ ist im Moment nicht möglich: {' '.join(verdict.reasons)}"
        raise GuardFailed(message, clause=verdict.clause, reasons=verdict.reasons)

    def check(self, state: str, trigger: str, roles: frozenset[str], context: Any) -> Verdict:
        """Would the step be offered now? Evaluates roles and guards, changes nothing."""
        return self._decide(state, trigger, roles, context, offering=True)

    def possible(self, state: str, roles: frozenset[str]) -> list[Transition]:
        """The steps this actor's roles allow from a state, ignoring guards (one per trigger)."""
        found = []
        for trigger in self._shared.triggers(state):
            allowed = [t for t in self._shared.transitions(state, trigger) if t.roles & roles]
            if allowed:
                found.append(allowed[0])
        return sorted(found, key=lambda t: self._shared.position[id(t)])

    def available(self, state: str, roles: frozenset[str], context: Any) -> list[Transition]:
        """The steps this actor may take now (roles and guards pass), one per trigger."""
        result = []
        for t in self.possible(state, roles):
            verdict = self._decide(state, t.trigger, roles, context, offering=True)
            if verdict.allowed and verdict.transition is not None:
                result.append(verdict.transition)
        return result


def machine_for(workflow: Workflow, guards: Guards) -> WorkflowMachine:
    """The WorkflowMachine of a workflow version, cached per version_hash."""
    firing, offering = _functions(guards)
    with _cache_lock:
        cached = _machines.get(workflow.version_hash)
        if (
            cached is not None
            and cached.workflow == workflow
            and cached.guards == firing
            and cached.offering == offering
        ):
            return cached
    machine = WorkflowMachine(workflow, guards)
    with _cache_lock:
        _machines[workflow.version_hash] = machine
    return machine
