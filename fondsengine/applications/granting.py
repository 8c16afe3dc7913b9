"""Read models of the granting body (city approver): its queue and one recommended application.

In a two-step fund the jury only recommends; the granting body grants or refuses
(decisions.record_city_grant / record_city_rejection). Which applications wait for it follows
from the workflow: those in a source state of its grant step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound
from fondsengine.guidelines.model import DecidedBy, Guideline
from fondsengine.jury.minutes import Minutes, _minutes
from fondsengine.lifecycle import authz
from fondsengine.model import AgendaItem, Application, Fund, JurySession, Membership

# the meanings of the granting body's steps (`granting:` of a transition, workflow.loader.GRANTINGS)
AFTER_RECOMMENDATION = "after_recommendation"  # its grant after the jury's recommendation
ABOVE_JURY = "above_jury"  # an outside body's grant above the jury's limit
ROLE = "city_approver"


@dataclass(frozen=True)
class GrantingRow:
    """One application waiting for the granting body."""

    application_id: int
    fund_id: str
    fund_name: str
    file_number: str
    title: str
    applicant: str
    requested_cents: int
    recommended_cents: int | None
    recommended_on: date | None


@dataclass(frozen=True)
class GrantingView:
    """What the granting body sees of a recommended application."""

    row: GrantingRow
    description: str
    conditions: tuple[str, ...]  # conditions the jury recommended
    cost_lines: tuple[tuple[str, str, int], ...]  # category label, description, cents
    tally: dict[str, Any]  # the jury's counts (agenda item)
    minutes: Minutes | None
    authority_file_number: str  # default from the guideline's scheme
    granting_body: str
    waiting: bool  # the application is still waiting for the granting body
    step: str | None = None  # the trigger of the step it waits for (after a recommendation, or above the jury)
    above_jury: bool = False  # the step decides above the jury's limit (no recommendation before it)
    amount_label: str | None = None  # the step's label of the amount (its `amount_label` in the workflow)


def _waits_for(fonds: Engine, s: Session, app: Application, granting: str) -> str | None:
    """The trigger of the workflow's step with this `granting` meaning, if the application is in one
    of its source states."""
    wf = fonds.catalog.workflow(s, app.workflow_version_id)
    trigger = wf.step_with(granting=granting)
    sources = {src for t in wf.steps(trigger) for src in t.sources}
    return trigger if app.state in sources else None


def waiting_step(fonds: Engine, s: Session, app: Application) -> tuple[str, str] | None:
    """(trigger, meaning) of the granting body's step this application waits for: its grant after the
    jury's recommendation (`granting: after_recommendation`), an outside body's grant above the jury's
    limit (`granting: above_jury`, when the guideline's tier says so), or None."""
    trigger = _waits_for(fonds, s, app, AFTER_RECOMMENDATION)
    if trigger is not None:
        return trigger, AFTER_RECOMMENDATION
    trigger = _waits_for(fonds, s, app, ABOVE_JURY)
    if trigger is not None:
        g = fonds.catalog.guideline(s, app.guideline_version_id)
        if g.decision.tier_for(app.requested_cents).decided_by is DecidedBy.EXTERNAL:
            return trigger, ABOVE_JURY
    return None


def step_for(fonds: Engine, s: Session, app: Application) -> str | None:
    """The trigger of the granting body's step this application waits for, or None."""
    waiting = waiting_step(fonds, s, app)
    return waiting[0] if waiting is not None else None


def _row(s: Session, app: Application) -> GrantingRow:
    fund = s.get(Fund, app.fund_id)
    return GrantingRow(
        application_id=app.id,
        fund_id=app.fund_id,
        fund_name=fund.name if fund else app.fund_id,
        file_number=app.file_number or "",
        title=app.title,
        applicant=app.organisation or app.contact_name,
        requested_cents=app.requested_cents,
        recommended_cents=app.approved_cents,
        recommended_on=local_date(app.decided_at) if app.decided_at else None,
    )


def granting_queue(fonds: Engine, actor: Actor) -> list[GrantingRow]:
    """The recommended applications of every fund in which the actor is the granting body."""
    with fonds.db.read() as s:
        today = local_date(fonds.clock.now())
        funds = list(
            s.scalars(
                select(Membership.fund_id).where(
                    Membership.user_id == actor.user_id, Membership.role == ROLE, Membership.valid_on(today)
                )
            )
        )
        rows: list[GrantingRow] = []
        apps = s.scalars(
            select(Application).where(Application.fund_id.in_(funds)).order_by(Application.decided_at, Application.id)
        )
        for app in apps:
            if step_for(fonds, s, app) is not None:
                rows.append(_row(s, app))
        return rows


def _body(g: Guideline, requested_cents: int) -> str:
    tier = g.decision.tier_for(requested_cents)
    if tier.decided_by is DecidedBy.EXTERNAL and tier.body:
        return tier.body
    return g.decision.granting_body or (g.issuance.issuer.name if g.issuance else "")


def granting_view(fonds: Engine, actor: Actor, application_id: int) -> GrantingView:
    """One application for the granting body, with the jury's recommendation and minutes."""
    with fonds.db.read() as s:
        today = local_date(fonds.clock.now())
        app, roles = authz.load_visible_application(s, actor, application_id, today)
        if ROLE not in roles:
            raise NotFound("Diesen Antrag gibt es nicht.")
        g = fonds.catalog.guideline(s, app.guideline_version_id)
        item = s.scalar(
            select(AgendaItem)
            .where(AgendaItem.application_id == app.id, AgendaItem.status == "closed")
            .order_by(AgendaItem.closed_at.desc(), AgendaItem.id.desc())
            .limit(1)
        )
        minutes = None
        if item is not None:
            js = s.get(JurySession, item.session_id)
            minutes = _minutes(fonds, s, js) if js is not None else None
        labels = {c.id: c.label for c in g.costs.categories}
        number = g.issuance.authority_file_number(app.file_number or "") if g.issuance else ""
        waiting = waiting_step(fonds, s, app)
        step = waiting[0] if waiting is not None else None
        return GrantingView(
            row=_row(s, app),
            description=app.description,
            conditions=tuple(str(c) for c in app.conditions or []),
            cost_lines=tuple(
                (labels.get(c.category, c.category), c.description, c.amount_cents) for c in app.cost_items
            ),
            tally=dict(item.tally or {}) if item is not None else {},
            minutes=minutes,
            authority_file_number=number,
            granting_body=_body(g, app.requested_cents),
            waiting=step is not None,
            step=step,
            above_jury=waiting is not None and waiting[1] == ABOVE_JURY,
            amount_label=next(
                (
                    t.amount_label
                    for t in fonds.catalog.workflow(s, app.workflow_version_id).steps(step)
                    if t.amount_label
                ),
                None,
            ),
        )
