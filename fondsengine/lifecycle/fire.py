"""The one place where an application changes state: role check, guards, effects, audit."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.orm.attributes import set_committed_value

from fondsengine.applications import counts
from fondsengine.clock import local_date
from fondsengine.engine import Actor, UnitOfWork
from fondsengine.errors import APPLICATION_CHANGED, ConcurrentChange, InvalidInput
from fondsengine.guidelines.model import Guideline
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import StepRows, event_row
from fondsengine.lifecycle.effects import EffectContext
from fondsengine.lifecycle.guards import GuardContext, Known
from fondsengine.model import Application
from fondsengine.workflow.machine import WorkflowMachine
from fondsengine.workflow.model import Transition, Workflow
from fondsengine.workflow.registry import EFFECTS, GUARDS
from fondsengine.workflow.use_cases import UseCase


def guideline_of(uow: UnitOfWork, app: Application) -> Guideline:
    """The guideline version the application is bound to."""
    return uow.fonds.catalog.guideline(uow.session, app.guideline_version_id)


def workflow_of(uow: UnitOfWork, app: Application) -> Workflow:
    """The workflow version the application is bound to."""
    return uow.fonds.catalog.workflow(uow.session, app.workflow_version_id)


def machine_of(uow: UnitOfWork, app: Application) -> WorkflowMachine:
    """The shared state machine of the application's workflow version."""
    return uow.fonds.catalog.machine(uow.session, app.workflow_version_id, GUARDS)


_APPLICATIONS = cast(Table, Application.__table__)


def _move_state(uow: UnitOfWork, app: Application, from_state: str, to_state: str, now: datetime) -> None:
    """Write the step's new state with one guarded Core UPDATE (no ORM flush of the application).

    The row changes only while it still has the state and version this step read; any other outcome
    (a concurrent change the row lock did not keep out) stops the step with `ConcurrentChange`. The
    loaded object is given the written values as committed state (not dirty, so the next flush does
    not write them again), and the counter table's move is recorded explicitly (`counts.moved`),
    because the ORM hooks that keep it see no change of `state`."""
    session = uow.session
    session.flush()  # the application's pending edits (and everything before the step) are written first
    version = app.row_version
    old_key, requested = counts.key_now(app)
    t = _APPLICATIONS
    result = session.execute(
        update(t)
        .where(t.c.id == app.id, t.c.state == from_state, t.c.row_version == version)
        .values(state=to_state, row_version=version + 1, updated_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrentChange(APPLICATION_CHANGED)
    set_committed_value(app, "state", to_state)
    set_committed_value(app, "row_version", version + 1)
    set_committed_value(app, "updated_at", now)
    counts.moved(session, old_key, counts.key_now(app)[0], requested)


def fire(
    uow: UnitOfWork,
    actor: Actor,
    app: Application,
    use_case: UseCase,
    *,
    jury_outcome: str | None = None,
    reason: str | None = None,
    amount_cents: int | None = None,
    payment_kind: str | None = None,
    payment_id: int | None = None,
    now: datetime | None = None,
    extra: dict[str, object] | None = None,
    known: Known | None = None,
) -> Transition:
    """Take the workflow step that serves `use_case` on an application inside the caller's unit of work.

    The application's workflow answers which transition from its current state serves the use case
    (`WorkflowMachine.serving`; `jury_outcome` picks the jury's step of that decision); its trigger
    names the step in the audit trail.

    `known`: facts the use case has already read (the proof of use, its receipts, the balance), which
    the step's guards and letters then take instead of reading them again. The step's append-only rows
    (audit event, ledger entries, letters, mails) are collected and written at its end (`StepRows`)."""
    session = uow.session
    now = now or uow.fonds.clock.now()
    roles = authz.application_roles(session, actor, app, local_date(now))
    guideline = guideline_of(uow, app)
    gctx = GuardContext(
        session,
        app,
        guideline,
        now,
        amount_cents=amount_cents,
        payment_kind=payment_kind,
        catalog=uow.fonds.catalog,
        known=known,
    )
    machine = machine_of(uow, app)
    trigger = machine.serving(app.state, use_case.name, roles, jury_outcome=jury_outcome)
    transition = machine.fire(app.state, trigger, roles, gctx)
    if transition.needs_reason and not (reason and reason.strip()):
        raise InvalidInput("Bitte geben Sie eine Begründung an.", field="reason")
    from_state = app.state
    _move_state(uow, app, from_state, transition.target, now)
    allowed = transition.roles & roles
    rows = StepRows()  # the step's append-only rows, written once at its end
    rows.audit.append(
        event_row(
            actor=actor,
            role=authz.primary_role(frozenset(allowed)),
            action=trigger,
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            from_state=from_state,
            to_state=transition.target,
            reason=reason,
            guideline_hash=guideline.version_hash,
            data={k: v for k, v in {"amount_cents": amount_cents, **(extra or {})}.items() if v is not None},
        )
    )
    ectx = EffectContext(
        session,
        app,
        guideline,
        actor,
        now,
        transition,
        from_state,
        facts=gctx,
        rows=rows,
        reason=reason,
        extra=dict(extra or {}),
        amount_cents=amount_cents,
        payment_kind=payment_kind,
        payment_id=payment_id,
    )
    for name in transition.effects:
        EFFECTS.functions[name](ectx)
    if workflow_of(uow, app).state(transition.target).terminal:
        app.closed_at = now
    session.flush()
    rows.write(session, uow.created)  # one Core INSERT per table; ledger and audit sealed into their chains at commit
    return transition
