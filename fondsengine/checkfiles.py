"""Validating guideline and workflow files for `fondsengine check`."""

from __future__ import annotations

from pathlib import Path

from fondsengine.guidelines.loader import GuidelineError, load_guideline
from fondsengine.guidelines.model import Guideline
from fondsengine.guidelines.tiers import unreachable_tiers
from fondsengine.problems import Problem
from fondsengine.workflow.loader import WorkflowError, load_workflow
from fondsengine.workflow.model import Workflow


def _is_workflow(path: Path) -> bool:
    if path.parent.name == "workflows":
        return True
    if path.parent.name == "richtlinien":
        return False
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    return "\nstates:" in "\n" + head and "\ntransitions:" in "\n" + head


def check_paths(paths: list[Path]) -> tuple[list[Problem], int]:
    """Check files and folders; returns all problems and the number of files checked."""
    files: list[Path] = []
    for p in paths:
        # subfolders too: richtlinien/examples/ is checked with richtlinien/
        files.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    workflow_ids = {f.stem for f in files if f.exists() and _is_workflow(f)}
    default_wf_dir = Path("workflows")
    if default_wf_dir.is_dir():
        workflow_ids |= {f.stem for f in default_wf_dir.glob("*.yaml")}
    problems: list[Problem] = []
    guidelines: list[Guideline] = []
    workflows: dict[str, Workflow] = {}
    for f in files:
        if not f.exists():
            problems.append(Problem(str(f), 0, "Datei nicht gefunden."))
            continue
        try:
            if _is_workflow(f):
                workflows[f.stem] = load_workflow(f)
            else:
                guidelines.append(load_guideline(f, known_workflows=workflow_ids))
        except (GuidelineError, WorkflowError) as exc:
            problems.extend(exc.problems)
    for g in guidelines:  # every tier needs a step in the workflow the guideline names
        wf = workflows.get(g.workflow) or _default_workflow(default_wf_dir, g.workflow)
        if wf is not None:
            problems.extend(unreachable_tiers(g, wf))
    return problems, len(files)


def _default_workflow(folder: Path, workflow_id: str) -> Workflow | None:
    path = folder / f"{workflow_id}.yaml"
    try:
        return load_workflow(path) if path.is_file() else None
    except WorkflowError:
        return None  # reported when that file itself is checked
