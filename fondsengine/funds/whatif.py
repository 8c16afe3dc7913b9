"""Replaying the eligibility checks of a fund's past applications under a proposed guideline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.engine import Engine
from fondsengine.guidelines.loader import load_guideline_text
from fondsengine.guidelines.rules import check
from fondsengine.lifecycle.views import application_data, check_context, pending_states
from fondsengine.model import Application


@dataclass(frozen=True)
class Change:
    """How one application's findings differ under the proposed guideline."""

    application_id: int
    file_number: str | None
    title: str
    blocking_before: bool
    blocking_after: bool
    added: tuple[str, ...]  # findings only under the new guideline (cited)
    removed: tuple[str, ...]  # findings only under the old guideline


def whatif(fonds: Engine, fund_id: str, proposal: str | Path) -> list[Change]:
    """Every submitted application whose outcome or findings would change under `proposal`."""
    path = Path(proposal)
    new = load_guideline_text(path.read_text(encoding="utf-8"), source=str(path), fund_id=fund_id)
    changes: list[Change] = []
    with fonds.db.read() as s:
        apps = s.scalars(
            select(Application)
            .where(Application.fund_id == fund_id, Application.submitted_at.is_not(None))
            .order_by(Application.id)
        ).all()
        pending = pending_states(fonds.catalog, s)
        for app in apps:
            old = fonds.catalog.guideline(s, app.guideline_version_id)
            assert app.submitted_at is not None
            day = local_date(app.submitted_at)
            free = ledger.balance(s, app.fund_id, app.budget_year).free
            ctx = check_context(s, app, now_date=day, budget_free=free, pending_states=pending)
            data = application_data(app)
            before = {(f.code, f.cited()) for f in check(data, old, ctx)}
            after_findings = check(data, new, ctx)
            after = {(f.code, f.cited()) for f in after_findings}
            blocking_before = any(f.blocking for f in check(data, old, ctx))
            blocking_after = any(f.blocking for f in after_findings)
            if before != after or blocking_before != blocking_after:
                changes.append(
                    Change(
                        app.id,
                        app.file_number,
                        app.title,
                        blocking_before,
                        blocking_after,
                        tuple(sorted(m for _, m in after - before)),
                        tuple(sorted(m for _, m in before - after)),
                    )
                )
    return changes
