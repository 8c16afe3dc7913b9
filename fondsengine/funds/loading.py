"""Loading guideline and workflow files into stored versions; budget allocations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.funds.catalog import forget_version_ids
from fondsengine.guidelines.loader import GuidelineError, load_guideline
from fondsengine.guidelines.model import Guideline
from fondsengine.guidelines.tiers import unreachable_tiers
from fondsengine.lifecycle.audit import record
from fondsengine.model import BudgetYear, Fund, GuidelineAdoption, GuidelineVersion, WorkflowVersion
from fondsengine.workflow.loader import load_workflows


@dataclass(frozen=True)
class LoadReport:
    """What `funds load` did for one fund."""

    fund_id: str
    version_hash: str
    new_version: bool
    allocations: tuple[tuple[int, int], ...]  # (year, booked delta in cents)
    kept_adopted: bool = False  # the file was not applied: the council adopted the fund's guideline in the browser


def load_funds(fonds: Engine, actor: Actor, richtlinien_dir: str | Path, workflows_dir: str | Path) -> list[LoadReport]:
    """Store new versions of every guideline and workflow file, create budget years and book allocations.

    Idempotent: unchanged files change nothing; a changed file becomes a new version that
    applies to new submissions only; a changed yearly budget is booked as a correction.
    Only the system loads them (the `fondsengine funds load` command). A fund whose guideline the
    council adopted in the browser (fondsengine.funds.drafts) is left as it is: from then on its
    versions are made there (the report says `kept_adopted`)."""
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
            if _adopted_in_browser(s, g.fund_id):
                # from its first adoption in the browser on, the fund's guideline is kept there:
                # a file (an old one, or a changed copy in a new release) never replaces it
                reports.append(LoadReport(g.fund_id, g.version_hash, False, (), kept_adopted=True))
                continue
            content = Path(g.source).read_text(encoding="utf-8")
            row, new = store_version(s, g, content, wf_rows[g.workflow].id, now)
            allocations = activate_version(s, actor, g, row, now, new_version=new)
            reports.append(LoadReport(g.fund_id, g.version_hash, new, tuple(allocations)))
        uow.commit()
    return reports


def _adopted_in_browser(s: Session, fund_id: str) -> bool:
    """True when the council adopted a version of this fund's guideline in the browser."""
    return s.scalar(select(GuidelineAdoption.id).where(GuidelineAdoption.fund_id == fund_id).limit(1)) is not None


def store_version(
    s: Session, g: Guideline, content: str, workflow_version_id: int, now: datetime
) -> tuple[GuidelineVersion, bool]:
    """The stored version of a checked guideline text (created if new), and whether it is new.

    The one path by which a guideline version enters the database: `funds load` from a file and
    the adoption of a draft in the browser (fondsengine.funds.drafts)."""
    fund = s.get(Fund, g.fund_id)
    if fund is None:
        s.add(Fund(id=g.fund_id, name=g.name, active=True, created_at=now))
        s.flush()
    row = s.scalar(
        select(GuidelineVersion).where(
            GuidelineVersion.fund_id == g.fund_id,
            GuidelineVersion.version_hash == g.version_hash,
        )
    )
    if row is not None:
        return row, False
    row = GuidelineVersion(
        fund_id=g.fund_id,
        version_hash=g.version_hash,
        content=content,
        source=g.source,
        workflow_version_id=workflow_version_id,
        loaded_at=now,
    )
    s.add(row)
    s.flush()
    return row, True


def activate_version(
    s: Session,
    actor: Actor,
    g: Guideline,
    row: GuidelineVersion,
    now: datetime,
    *,
    new_version: bool,
    data: dict[str, Any] | None = None,
) -> list[tuple[int, int]]:
    """Make a stored version the fund's current one: new submissions are bound to it; its budget
    years are created and their allocations booked (a changed amount as a correction). Audited
    when anything changed. Returns the (year, booked delta) pairs."""
    fund = s.get(Fund, g.fund_id)
    assert fund is not None
    changed = fund.current_guideline_id != row.id
    fund.current_guideline_id = row.id
    fund.name = g.name
    allocations: list[tuple[int, int]] = []
    for by in g.budget.years:
        year_row = s.scalar(select(BudgetYear).where(BudgetYear.fund_id == g.fund_id, BudgetYear.year == by.year))
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
            data={"new_version": new_version, "allocations": allocations, **(data or {})},
        )
    return allocations
