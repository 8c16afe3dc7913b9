"""Mermaid state diagrams of workflows (for `fondsengine diagram` and docs/workflows.md)."""

from __future__ import annotations

from fondsengine.workflow.model import Workflow

_ESCAPES = ((";", "#59;"), (":", "#58;"), ('"', "#quot;"))


def _escape(text: str) -> str:
    for char, code in _ESCAPES:
        text = text.replace(char, code)
    return text


def mermaid(workflow: Workflow) -> str:
    """A Mermaid stateDiagram-v2 with German labels; terminal states lead to [*]."""
    lines = ["stateDiagram-v2", f"    %% {_escape(workflow.label)} ({workflow.id})"]
    for state in workflow.states:
        lines.append(f'    state "{_escape(state.label)}" as {state.id}')
    lines.append(f"    [*] --> {workflow.initial.id}")
    for transition in workflow.transitions:
        for source in transition.sources:
            label = _escape(transition.label)
            lines.append(f"    {source} --> {transition.target}: {label}")
    terminal = [s.id for s in workflow.states if s.terminal]
    for state_id in terminal:
        lines.append(f"    {state_id} --> [*]")
    if terminal:
        lines.append("    classDef terminal font-weight:bold,stroke-width:3px")
        lines.append(f"    class {','.join(terminal)} terminal")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def transition_table(workflow: Workflow) -> str:
    """The workflow's steps as a Markdown table (docs/workflows.md shows one per shipped workflow): trigger,
    button, states from and to, roles, guards and effects as the file declares them."""
    lines = ["| trigger | button | from → to | roles | guards | effects |", "|---|---|---|---|---|---|"]
    for t in workflow.transitions:
        cells = (
            f"`{t.trigger}`",
            _cell(t.label),
            f"{', '.join(t.sources)} → {t.target}",
            ", ".join(sorted(t.roles)),
            ", ".join(t.guards) or "–",
            ", ".join(t.effects) or "–",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
