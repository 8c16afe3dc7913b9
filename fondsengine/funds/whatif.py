"""Replaying the eligibility checks and the grant limits of a fund's applications under a proposed guideline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.engine import Engine
from fondsengine.guidelines.calc import max_grant_cents
from fondsengine.guidelines.loader import load_guideline_text
from fondsengine.guidelines.model import Guideline
from fondsengine.guidelines.rules import check
from fondsengine.lifecycle.views import application_data, check_context, pending_states
from fondsengine.model import Application


@dataclass(frozen=True)
class Change:
    """How one application's findings and grantable amount differ under the proposed guideline."""

    application_id: int
    file_number: str | None
    title: str
    blocking_before: bool
    blocking_after: bool
    added: tuple[str, ...]  # findings only under the new guideline (cited)
    removed: tuple[str, ...]  # findings only under the old guideline
    pending: bool = False  # not decided yet (the new rules could still apply to the decision)
    grant_before_cents: int = 0  # what its own guideline grants or allows
    grant_after_cents: int = 0  # what the proposed guideline would allow

    @property
    def delta_cents(self) -> int:
        """How much more (positive) or less (negative) the proposed guideline would grant."""
        return self.grant_after_cents - self.grant_before_cents


@dataclass(frozen=True)
class Totals:
    """Money granted or grantable before and after, for one group of applications."""

    count: int
    before_cents: int
    after_cents: int

    @property
    def delta_cents(self) -> int:
        """More (positive) or less (negative) under the proposed guideline."""
        return self.after_cents - self.before_cents


@dataclass(frozen=True)
class WhatIf:
    """The what-if of a proposed guideline: the changed applications and the money totals."""

    changes: tuple[Change, ...]
    past: Totals  # decided applications (approved, rejected, paid, ...)
    pending: Totals  # submitted, not decided yet


def grant_cents(app: Application, *, pending: bool, blocking: bool, limit_cents: int) -> int:
    """What a guideline grants an application: nothing when a rule blocks it or it was decided
    without a grant (rejected, withdrawn); else the approved (undecided: the requested) amount
    within the guideline's limit."""
    if blocking or (not pending and app.approved_cents is None):
        return 0
    asked = app.approved_cents if app.approved_cents is not None else app.requested_cents
    return min(asked, limit_cents)


def whatif(fonds: Engine, fund_id: str, proposal: str | Path) -> list[Change]:
    """Every submitted application whose outcome, findings or amount would change under `proposal`."""
    path = Path(proposal)
    return list(whatif_text(fonds, fund_id, path.read_text(encoding="utf-8"), source=str(path)).changes)


def whatif_text(fonds: Engine, fund_id: str, text: str, *, source: str) -> WhatIf:
    """The what-if of a proposed guideline text (raises GuidelineError when it does not load)."""
    new = load_guideline_text(text, source=source, fund_id=fund_id)
    with fonds.db.read() as s:
        return compare(fonds, s, fund_id, new)


def compare(fonds: Engine, s: Session, fund_id: str, new: Guideline) -> WhatIf:
    """Each submitted application of the fund under its own guideline and under `new`."""
    apps = s.scalars(
        select(Application)
        .where(Application.fund_id == fund_id, Application.submitted_at.is_not(None))
        .order_by(Application.id)
    ).all()
    pending = pending_states(fonds.catalog, s)
    changes: list[Change] = []
    sums = {True: [0, 0, 0], False: [0, 0, 0]}  # pending?: [count, before, after]
    for app in apps:
        old = fonds.catalog.guideline(s, app.guideline_version_id)
        assert app.submitted_at is not None
        day = local_date(app.submitted_at)
        free = ledger.balance(s, app.fund_id, app.budget_year).free
        ctx = check_context(s, app, now_date=day, budget_free=free, pending_states=pending)
        data = application_data(app)
        before_findings = check(data, old, ctx)
        after_findings = check(data, new, ctx)
        before = {(f.code, f.cited()) for f in before_findings}
        after = {(f.code, f.cited()) for f in after_findings}
        blocking_before = any(f.blocking for f in before_findings)
        blocking_after = any(f.blocking for f in after_findings)
        is_pending = app.state in pending
        grant_before = grant_cents(
            app, pending=is_pending, blocking=blocking_before, limit_cents=max_grant_cents(data, old, ctx)
        )
        grant_after = grant_cents(
            app, pending=is_pending, blocking=blocking_after, limit_cents=max_grant_cents(data, new, ctx)
        )
        group = sums[is_pending]
        group[0] += 1
        group[1] += grant_before
        group[2] += grant_after
        if before != after or blocking_before != blocking_after or grant_before != grant_after:
            changes.append(
                Change(
                    app.id,
                    app.file_number,
                    app.title,
                    blocking_before,
                    blocking_after,
                    tuple(sorted(m for _, m in after - before)),
                    tuple(sorted(m for _, m in before - after)),
                    pending=is_pending,
                    grant_before_cents=grant_before,
                    grant_after_cents=grant_after,
                )
            )
    return WhatIf(tuple(changes), Totals(*sums[False]), Totals(*sums[True]))
