"""Read-only questions the UI and the CLI ask the engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound
from fondsengine.guidelines.findings import CheckContext, Finding
from fondsengine.guidelines.rules import check
from fondsengine.json_reads import Id
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.guards import GuardContext
from fondsengine.lifecycle.views import application_data, check_context, check_contexts, pending_states
from fondsengine.model import Application, AuditEvent, Fund, User
from fondsengine.workflow.model import Workflow
from fondsengine.workflow.registry import GUARDS
from fondsengine.workflow.use_cases import office_step


@dataclass(frozen=True)
class Action:
    """A step the actor may take now (or could take, with the reasons why not)."""

    trigger: str
    label: str
    enabled: bool
    reasons: tuple[str, ...] = ()
    needs_reason: bool = False
    asks: tuple[str, ...] = ()  # what the step's form asks for (from the workflow); () = one button
    style: str = "default"  # default | danger
    done: str = ""  # German message after the step
    # the office's use case behind the step (fondsengine.applications.steps); None: taken on its own pages
    use_case: str | None = None
    applicant_page: str | None = None  # the applicant's own page of the step (workflow `applicant_page`)
    # the step's German words for its form's fields (None: the field's general label)
    reason_label: str | None = None
    reason_hint: str | None = None
    reason_required: str | None = None
    amount_label: str | None = None
    amount_hint: str | None = None
    date_label: str | None = None


def available_actions(fonds: Engine, actor: Actor, application_id: int) -> list[Action]:
    """Which workflow steps this actor may take on this application now (and which are blocked, why)."""
    with fonds.db.read() as s:
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        return actions_in(fonds, s, app, roles, now)


def actions_in(fonds: Engine, s: Session, app: Application, roles: frozenset[str], now: datetime) -> list[Action]:
    """`available_actions` of an application already loaded (and authorised) in this session."""
    guideline = fonds.catalog.guideline(s, app.guideline_version_id)
    machine = fonds.catalog.machine(s, app.workflow_version_id, GUARDS)
    gctx = GuardContext(s, app, guideline, now, catalog=fonds.catalog)
    out: list[Action] = []
    seen: set[str] = set()
    for t in machine.possible(app.state, roles):
        if t.trigger in seen:
            continue
        seen.add(t.trigger)
        verdict = machine.check(app.state, t.trigger, roles, gctx)
        out.append(
            Action(
                t.trigger,
                t.label,
                verdict.allowed,
                tuple(verdict.reasons),
                t.needs_reason,
                asks=t.asks,
                style=t.style,
                done=t.done,
                use_case=t.use_case if office_step(t.use_case) else None,
                applicant_page=t.applicant_page,
                reason_label=t.reason_label,
                reason_hint=t.reason_hint,
                reason_required=t.reason_required,
                amount_label=t.amount_label,
                amount_hint=t.amount_hint,
                date_label=t.date_label,
            )
        )
    return out


def may_act_for_applicant(fonds: Engine, actor: Actor, application_id: int) -> bool:
    """True when the actor may take the applicant's steps on this application (its owner, or the
    fund's office for them); False for those who may only read it; NotFound for everyone else."""
    with fonds.db.read() as s:
        _, roles = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        return bool(roles & {"applicant", "manager"})


def findings_for(fonds: Engine, actor: Actor, application_id: int) -> list[Finding]:
    """The eligibility findings of an application under its guideline, now (to those who may read
    its record, and to the jury while it is on an agenda they sit on)."""
    with fonds.db.read() as s:
        now = fonds.clock.now()
        app, _ = authz.load_visible_application(s, actor, application_id, local_date(now))
        return findings_in(fonds, s, app, now)


def findings_in(fonds: Engine, s: Session, app: Application, now: datetime) -> list[Finding]:
    """`findings_for` of an application already loaded (and authorised) in this session."""
    free = ledger.balance(s, app.fund_id, app.budget_year).free
    day = local_date(app.submitted_at or now)
    ctx = check_context(s, app, now_date=day, budget_free=free, pending_states=pending_states(fonds.catalog, s))
    return _findings(fonds, s, app, ctx)


def findings_of(fonds: Engine, s: Session, apps: Sequence[Application], now: datetime) -> dict[int, list[Finding]]:
    """`findings_in` of several applications already loaded (and authorised) in this session, in a
    few statements for all: application id -> findings. The budget year's balance is read once per
    fund and year, the other grants of all applicants in one statement (`check_contexts`)."""
    free: dict[tuple[str, int], int] = {}
    for app in apps:
        key = (app.fund_id, app.budget_year)
        if key not in free:
            free[key] = ledger.balance(s, app.fund_id, app.budget_year).free
    contexts = check_contexts(
        s,
        apps,
        now_dates={a.id: local_date(a.submitted_at or now) for a in apps},
        budget_free={a.id: free[(a.fund_id, a.budget_year)] for a in apps},
        pending_states=pending_states(fonds.catalog, s) if apps else (),
    )
    return {a.id: _findings(fonds, s, a, contexts[a.id]) for a in apps}


def _findings(fonds: Engine, s: Session, app: Application, ctx: CheckContext) -> list[Finding]:
    return check(application_data(app), fonds.catalog.guideline(s, app.guideline_version_id), ctx)


@dataclass(frozen=True)
class TimelineEvent:
    """An audit event of an application with the names of who acted (and for whom)."""

    event: AuditEvent
    actor_name: str | None
    on_behalf_of_name: str | None


def timeline(fonds: Engine, actor: Actor, application_id: int) -> list[AuditEvent]:
    """The audit events of an application, oldest first."""
    with fonds.db.read() as s:
        app, _ = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        return [e.event for e in timeline_in(s, app)]


def timeline_in(s: Session, app: Application) -> list[TimelineEvent]:
    """The audit events of an application already loaded (and authorised) in this session, oldest
    first, with the names of the actors (one query)."""
    return timeline_from_rows(s.execute(timeline_statement(app.id)).all())


def timeline_statement(application_id: Id) -> Select[AuditEvent, str | None, str | None]:
    """The statement of `timeline_in` (also read together with others, `json_reads`)."""
    by, behalf = aliased(User), aliased(User)
    return (
        select(AuditEvent, by.name, behalf.name)
        .outerjoin(by, by.id == AuditEvent.actor_id)
        .outerjoin(behalf, behalf.id == AuditEvent.on_behalf_of_id)
        .where(AuditEvent.application_id == application_id)
        .order_by(AuditEvent.id)
    )


def timeline_from_rows(rows: Sequence[Any]) -> list[TimelineEvent]:
    """The rows of `timeline_statement` as events."""
    return [TimelineEvent(e, name, for_name) for e, name, for_name in rows]


def fund_balance(fonds: Engine, fund_id: str, year: int) -> ledger.Balance:
    """Balances of a fund's budget year (public figures)."""
    with fonds.db.read() as s:
        if s.get(Fund, fund_id) is None:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        return ledger.balance(s, fund_id, year)


def get_application(fonds: Engine, actor: Actor, application_id: int) -> Application:
    """Load an application the actor may see (detached, with its cost items)."""
    with fonds.db.read() as s:
        app, _ = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        _ = list(app.cost_items)
        s.expunge_all()
        return app


def last_request_for_changes(fonds: Engine, actor: Actor, application_id: int) -> tuple[str, datetime] | None:
    """What the office asked for most recently (message and time), if it asked: the last step that
    sent the application back into an editable state (not the draft)."""
    with fonds.db.read() as s:
        app, _ = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        events = [e.event for e in timeline_in(s, app)]
        return last_request_in(fonds.catalog.workflow(s, app.workflow_version_id), events)


def last_request_in(workflow: Workflow, events: list[AuditEvent]) -> tuple[str, datetime] | None:
    """`last_request_for_changes` from the application's audit events, oldest first (pure)."""
    editable = workflow.state_ids(editable=True)
    sent_back = workflow.state_ids(editable=True, initial=False)
    for event in reversed(events):
        if event.to_state in sent_back and event.from_state is not None and event.from_state not in editable:
            return event.reason or "", event.at
    return None
