"""Loading guideline and workflow files into stored versions; budget allocations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from fondsengine import ledger
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.funds.catalog import forget_version_ids
from fondsengine.guidelines.loader import GuidelineError, load_guideline
from fondsengine.guidelines.tiers import unreachable_tiers
from fondsengine.lifecycle.audit import record
from fondsengine.model import BudgetYear, Fund, GuidelineVersion, WorkflowVersion
from fondsengine.workflow.loader import load_workflows


@dataclass(frozen=True)
class LoadReport:
    """What `funds load` did for one fund."""

    fund_id: str
    version_hash: str
    new_version: bool
    allocations: tuple[tuple[int, int], ...]  # (year, booked delta in cents)


def load_funds(fonds: Engine, actor: Actor, richtlinien_dir: str | Path, workflows_dir: str | Path) -> list[LoadReport]:
    """Store new versions of every guideline and workflow file, create budget years and book allocations.

    Idempotent: unchanged files change nothing; a changed file becomes a new version that
    applies to new submissions only; a changed yearly budget is booked as a correction.
    Only the system loads them (the `fondsengine funds load` command, the web app's start)."""
    if not actor.system:
        raise PermissionDenied("Richtlinien und Abläufe lädt nur der Betrieb (fondsengine funds load).")
    workflows = load_workflows(workflows_dir)
    reports: list[LoadReport] = []
    paths = sorted(Path(richtlinien_dir).glob("*.yaml"))
    guidelines = [load_guideline(p, known_workflows=set(workflows)) for p in paths]
    unreachable = [p for g in guidelines for p in unreachable_tiers(g, workflows[g.workflow])]
    if unreachable:
        raise GuidelineError(unreachable)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        wf_rows: dict[str, WorkflowVersion] = {}
        for wf_id, wf in workflows.items():
            wf_row = s.scalar(
                select(WorkflowVersion).where(
                    WorkflowVersion.workflow_id == wf_id,
                    WorkflowVersion.version_hash == wf.version_hash,
                )
            )
            if wf_row is None:
                content = Path(wf.source).read_text(encoding="utf-8")
                wf_row = WorkflowVersion(
                    workflow_id=wf_id,
                    version_hash=wf.version_hash,
                    content=content,
                    source=wf.source,
                    loaded_at=now,
                )
                s.add(wf_row)
                s.flush()
                forget_version_ids(s)
            wf_rows[wf_id] = wf_row
        for g in guidelines:
            fund = s.get(Fund, g.fund_id)
            if fund is None:
                fund = Fund(id=g.fund_id, name=g.name, active=True, created_at=now)
                s.add(fund)
                s.flush()
            row = s.scalar(
                select(GuidelineVersion).where(
                    GuidelineVersion.fund_id == g.fund_id,
                    GuidelineVersion.version_hash == g.version_hash,
                )
            )
            new = row is None
            if row is None:
                row = GuidelineVersion(
                    fund_id=g.fund_id,
                    version_hash=g.version_hash,
                    content=Path(g.source).read_text(encoding="utf-8"),
                    source=g.source,
                    workflow_version_id=wf_rows[g.workflow].id,
                    loaded_at=now,
                )
                s.add(row)
                s.flush()
            changed = fund.current_guideline_id != row.id
            fund.current_guideline_id = row.id
            fund.name = g.name
            allocations: list[tuple[int, int]] = []
            for by in g.budget.years:
                year_row = s.scalar(
                    select(BudgetYear).where(BudgetYear.fund_id == g.fund_id, BudgetYear.year == by.year)
                )
                if year_row is None:
                    s.add(BudgetYear(fund_id=g.fund_id, year=by.year, lock_version=0))
                    s.flush()
                # the lock, then the allocations booked so far (the year's totals, read under the lock)
                booked = ledger.lock_year(s, g.fund_id, by.year).balance.allocated
                delta = by.amount_cents - booked
                if delta:
                    ledger.book(
                        s,
                        fund_id=g.fund_id,
                        year=by.year,
                        kind="allocation",
                        amount_cents=delta,
                        at=now,
                        actor_id=actor.user_id,
                        note=f"Budget laut Richtlinie {g.version_hash[:12]}" + (" (Korrektur)" if booked else ""),
                    )
                    allocations.append((by.year, delta))
            if changed or allocations:
                record(
                    s,
                    actor=actor,
                    role="system" if actor.system else "manager",
                    action="load_guideline",
                    at=now,
                    fund_id=g.fund_id,
                    guideline_hash=g.version_hash,
                    data={"new_version": new, "allocations": allocations},
                )
            reports.append(LoadReport(g.fund_id, g.version_hash, new, tuple(allocations)))
        uow.commit()
    return reports
