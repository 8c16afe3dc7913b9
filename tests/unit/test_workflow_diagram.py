"""Mermaid diagrams of workflows and the diagrams shown in docs/workflows.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from fondsengine.workflow.diagram import mermaid, transition_table
from fondsengine.workflow.loader import load_workflow, load_workflow_text

ROOT = Path(__file__).resolve().parents[2]


def test_the_diagram_starts_at_the_initial_state_and_ends_at_terminal_states() -> None:
    lines = mermaid(load_workflow(ROOT / "workflows" / "bewohnerfonds.yaml")).splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert "    [*] --> draft" in lines
    ends = sorted(line.strip() for line in lines if line.endswith("--> [*]"))
    assert ends == [
        "documented --> [*]",
        "lapsed --> [*]",
        "rejected --> [*]",
        "withdrawn --> [*]",
    ]
    assert "    class rejected,withdrawn,documented,lapsed terminal" in lines


def test_every_state_and_every_step_from_every_source_is_drawn_with_its_german_label() -> None:
    workflow = load_workflow(ROOT / "workflows" / "zweistufig.yaml")
    lines = mermaid(workflow).splitlines()
    assert '    state "Von der Jury empfohlen" as recommended' in lines
    assert "    recommended --> approved: Bewilligung durch die Stadt eintragen" in lines
    assert "    recommended --> withdrawn: Antrag zurückziehen" in lines
    edges = [line for line in lines if "--> " in line and "[*]" not in line]
    assert len(edges) == sum(len(t.sources) for t in workflow.transitions)


def test_colons_and_quotes_in_labels_are_escaped_for_mermaid() -> None:
    text = """\
label: 'Ablauf: "kurz"'
states:
  - id: draft
    label: 'Entwurf "neu"'
    initial: true
  - id: done
    label: Erledigt
    terminal: true
    outcome: completed
transitions:
  - trigger: finish
    label: "Beschluss: fertig; Ende"
    source: draft
    target: done
    roles: [manager]
"""
    lines = mermaid(load_workflow_text(text, source="x.yaml", workflow_id="x")).splitlines()
    assert '    state "Entwurf #quot;neu#quot;" as draft' in lines
    assert "    draft --> done: Beschluss#58; fertig#59; Ende" in lines
    assert lines[1] == "    %% Ablauf#58; #quot;kurz#quot; (x)"


@pytest.mark.parametrize("name", ["bewohnerfonds", "zweistufig"])
def test_the_docs_show_the_current_diagram_of_each_shipped_workflow(name: str) -> None:
    docs = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    diagram = mermaid(load_workflow(ROOT / "workflows" / f"{name}.yaml"))
    assert f"```mermaid\n{diagram}```" in docs


@pytest.mark.parametrize("name", ["bewohnerfonds", "zweistufig"])
def test_the_docs_show_the_current_step_table_of_each_shipped_workflow(name: str) -> None:
    docs = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    workflow = load_workflow(ROOT / "workflows" / f"{name}.yaml")
    table = transition_table(workflow)
    assert f"### `{name}`" in docs and f"\n{table}\n" in docs
    rows = table.splitlines()[2:]
    assert len(rows) == len(workflow.transitions)
    assert all(
        f"`{t.trigger}`" in row and ", ".join(t.effects or ("–",)) in row
        for t, row in zip(workflow.transitions, rows, strict=True)
    )
