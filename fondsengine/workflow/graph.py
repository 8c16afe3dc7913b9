"""Graph checks of a workflow: reachability, dead ends, terminal states without exits."""

from __future__ import annotations

from collections import deque

from fondsengine.workflow.model import State, Transition

Located = list[tuple[str, int]]  # (state id, line in the file)


def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(start)
    queue = deque(start)
    while queue:
        for nxt in edges.get(queue.popleft(), set()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def graph_problems(
    states: list[tuple[State, int]], transitions: list[tuple[Transition, Located]]
) -> list[tuple[int, str]]:
    """(line, German message) for every structural problem; states must all be known."""
    problems: list[tuple[int, str]] = []
    forward: dict[str, set[str]] = {}
    backward: dict[str, set[str]] = {}
    terminal = {s.id for s, _ in states if s.terminal}
    for transition, sources in transitions:
        for source, line in sources:
            if source in terminal:
                problems.append(
                    (
                        line,
                        f"Endzustand '{source}' darf keine ausgehenden Übergänge haben "
                        f"(Schritt '{transition.trigger}')",
                    )
                )
                continue
            forward.setdefault(source, set()).add(transition.target)
            backward.setdefault(transition.target, set()).add(source)
    initial = next(s.id for s, _ in states if s.initial)
    reachable = _closure({initial}, forward)
    can_finish = _closure(terminal, backward)
    reported: set[str] = set()
    for state, line in states:
        if state.id in reported:
            continue
        reported.add(state.id)
        if state.id not in reachable:
            problems.append(
                (
                    line,
                    f"Zustand '{state.id}' ist vom Anfangszustand '{initial}' aus nicht erreichbar",
                )
            )
        elif state.terminal:
            continue
        elif not forward.get(state.id):
            problems.append(
                (
                    line,
                    f"Zustand '{state.id}' ist kein Endzustand, hat aber keinen Ausgang "
                    "(terminal: true setzen oder einen Übergang ergänzen)",
                )
            )
        elif state.id not in can_finish:
            problems.append((line, f"Von Zustand '{state.id}' aus ist kein Endzustand erreichbar"))
    return problems
