"""Use cases of the office and the deciding bodies: review, decisions, jury agenda."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import func, select

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine, UnitOfWork
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.calc import changes_due_date, lapse_date, max_grant_limit, proof_due_date
from fondsengine.guidelines.rules import start_before_approval
from fondsengine.guidelines.rules_money import lifted_limits_text, soft_limits, unlifted_soft_limit
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.fire import fire, guideline_of, workflow_of
from fondsengine.lifecycle.views import application_data, check_context, pending_states
from fondsengine.model import AgendaItem, Application, JurySession, ReviewItem
from fondsengine.money import format_euro
from fondsengine.workflow.use_cases import (
    CITY_GRANT,
    CITY_REJECT,
    COMPLETE_REVIEW,
    DECIDE_APPROVE,
    DECIDE_REJECT,
    EXTERNAL_APPROVE,
    EXTERNAL_REJECT,
    JURY_DECISION,
    REQUEST_CHANGES,
    SCHEDULE,
    START_REVIEW,
    UNSCHEDULE,
    UseCase,
)

REVIEW_RESULTS = ("fulfilled", "not_fulfilled", "not_applicable")


def _load(uow: UnitOfWork, actor: Actor, application_id: int) -> Application:
    app, _ = authz.load_visible_application(uow.session, actor, application_id, local_date(uow.fonds.clock.now()))
    return app


def _step(fonds: Engine, actor: Actor, application_id: int, use_case: UseCase, reason: str | None = None) -> None:
    with fonds.unit_of_work() as uow:
        fire(uow, actor, _load(uow, actor, application_id), use_case, reason=reason)
        uow.commit()


def start_review(fonds: Engine, actor: Actor, application_id: int) -> None:
    """The office starts the formal check."""
    _step(fonds, actor, application_id, START_REVIEW)


def record_review(fonds: Engine, actor: Actor, application_id: int, answers: dict[str, tuple[str, str]]) -> None:
    """Record checklist answers: item id -> (fulfilled | not_fulfilled | not_applicable, note)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app = _load(uow, actor, application_id)
        authz.require_fund_role(s, actor, app.fund_id, local_date(now), "manager")
        if app.state not in workflow_of(uow, app).state_ids(guarded_by="review_complete"):
            raise InvalidInput("Die Checkliste kann nur während der formalen Prüfung ausgefüllt werden.")
        known = {i.id for i in guideline_of(uow, app).review_checklist}
        existing = {r.item_id: r for r in s.scalars(select(ReviewItem).where(ReviewItem.application_id == app.id))}
        for item_id, (result, note) in answers.items():
            if item_id not in known:
                raise InvalidInput(f"Unbekannter Prüfpunkt „{item_id}“.")
            if result not in REVIEW_RESULTS:
                raise InvalidInput(f"Ungültiges Prüfergebnis „{result}“.")
            if result == "not_fulfilled" and not note.strip():
                raise InvalidInput("Bitte begründen Sie, warum ein Punkt nicht erfüllt ist.", field=item_id)
            row = existing.get(item_id)
            if row is not None and row.result == "not_fulfilled" != result and note.strip() == row.note:
                note = ""  # the reason why it was not fulfilled does not outlive the switch (issue 18)
            if row is None:
                row = ReviewItem(
                    application_id=app.id,
                    item_id=item_id,
                    reviewer_id=actor.user_id or 0,
                    reviewed_at=now,
                )
                s.add(row)
            row.result, row.note, row.reviewer_id, row.reviewed_at = (
                result,
                note.strip(),
                actor.user_id or 0,
                now,
            )
        record(
            s,
            actor=actor,
            role="manager",
            action="record_review",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={k: v[0] for k, v in answers.items()},
        )
        uow.commit()


def request_changes(fonds: Engine, actor: Actor, application_id: int, message: str) -> None:
    """Ask the applicant for changes (Nachforderung), to be answered by the guideline's deadline
    (`changes_due_on`: the date the letter names; past it the office's to-do list shows it)."""
    with fonds.unit_of_work() as uow:
        now = fonds.clock.now()
        app = _load(uow, actor, application_id)
        fire(uow, actor, app, REQUEST_CHANGES, reason=message, now=now)
        app.changes_due_on = changes_due_date(guideline_of(uow, app), local_date(now))
        uow.commit()


def complete_review(fonds: Engine, actor: Actor, application_id: int) -> None:
    """Finish the formal check: the application is ready for a decision."""
    _step(fonds, actor, application_id, COMPLETE_REVIEW)


def _set_approval(
    uow: UnitOfWork,
    app: Application,
    amount_cents: int | None,
    reason: str | None,
    conditions: Sequence[str],
    now: datetime,
) -> int:
    guideline = guideline_of(uow, app)
    amount = app.requested_cents if amount_cents is None else amount_cents
    if amount <= 0:
        raise InvalidInput("Der Bewilligungsbetrag muss größer als 0,00 € sein.", field="amount")
    if amount > app.requested_cents:
        raise InvalidInput(
            f"Es kann höchstens der beantragte Betrag ({format_euro(app.requested_cents)}) bewilligt werden.",
            field="amount",
        )
    if amount < app.requested_cents and not (reason and reason.strip()):
        raise InvalidInput("Bitte begründen Sie, warum weniger als beantragt bewilligt wird.", field="reason")
    today = local_date(now)
    early = start_before_approval(guideline, app.project_start, today)
    if early is not None:
        raise InvalidInput(early.message, field="project_start", clause=early.clause)
    # soft limits apply to the amount granted: approving within them needs no reason
    soft = unlifted_soft_limit(replace(application_data(app), requested_cents=amount), guideline)
    if soft is not None:
        raise InvalidInput(soft.message, field="amount", clause=soft.clause)
    pending = pending_states(uow.fonds.catalog, uow.session)
    ctx = check_context(uow.session, app, now_date=today, budget_free=None, pending_states=pending)
    limit, limit_clause = max_grant_limit(application_data(app), guideline, ctx)
    if amount > limit:
        raise InvalidInput(
            f"Nach der Förderrichtlinie sind höchstens {format_euro(limit)} möglich.",
            field="amount",
            clause=limit_clause,
        )
    app.approved_cents = amount
    app.approval_reason = reason.strip() if reason else None
    lifted = {str(k): str(v) for k, v in (app.lifted_limits or {}).items()}
    if lifted:  # the decision cites the soft limits lifted and their accepted reasons
        a = guideline.amounts
        limits = dict(soft_limits(application_data(app), guideline))
        cited = lifted_limits_text(a.soft_clause or a.share_clause or a.clause, lifted, limits)
        if cited:
            app.approval_reason = f"{app.approval_reason} {cited}" if app.approval_reason else cited
    app.conditions = [c.strip() for c in conditions if c.strip()]
    app.decided_at = now
    if app.project_end is not None:
        app.proof_due_on = proof_due_date(guideline, app.project_end)
    app.lapse_due_on = lapse_date(guideline, today, project_end=app.project_end, proof_due_on=app.proof_due_on)
    return amount


def decide_approve(
    fonds: Engine,
    actor: Actor,
    application_id: int,
    *,
    amount_cents: int | None = None,
    reason: str | None = None,
    conditions: Sequence[str] = (),
) -> None:
    """The office approves within its own tier (amount may be lower than requested)."""
    with fonds.unit_of_work() as uow:
        now = fonds.clock.now()
        app = _load(uow, actor, application_id)
        amount = _set_approval(uow, app, amount_cents, reason, conditions, now)
        fire(uow, actor, app, DECIDE_APPROVE, amount_cents=amount, reason=reason, now=now)
        uow.commit()


def external_approve(
    fonds: Engine,
    actor: Actor,
    application_id: int,
    *,
    amount_cents: int | None = None,
    reason: str | None = None,
    conditions: Sequence[str] = (),
) -> None:
    """An outside body (district council, city) approves an amount above the jury's limit."""
    with fonds.unit_of_work() as uow:
        now = fonds.clock.now()
        app = _load(uow, actor, application_id)
        amount = _set_approval(uow, app, amount_cents, reason, conditions, now)
        issuance = guideline_of(uow, app).issuance
        if issuance is not None and app.file_number:
            app.grant_file_number = issuance.authority_file_number(app.file_number)
        fire(uow, actor, app, EXTERNAL_APPROVE, amount_cents=amount, reason=reason, now=now)
        uow.commit()


def external_reject(fonds: Engine, actor: Actor, application_id: int, reason: str) -> None:
    """An outside body refuses an amount above the jury's limit."""
    _step(fonds, actor, application_id, EXTERNAL_REJECT, reason=reason)


def decide_reject(fonds: Engine, actor: Actor, application_id: int, reason: str) -> None:
    """The office rejects (formal criteria not met, or within its tier)."""
    _step(fonds, actor, application_id, DECIDE_REJECT, reason=reason)


def create_session(
    fonds: Engine,
    actor: Actor,
    fund_id: str,
    starts_at: datetime,
    place: str,
    *,
    circulation: bool = False,
    vote_deadline: datetime | None = None,
) -> int:
    """Plan a jury session (or a vote by circulation)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        authz.require_fund_role(s, actor, fund_id, local_date(now), "manager")
        fonds.catalog.current(s, fund_id)
        if starts_at.tzinfo is None:
            raise InvalidInput("Sitzungsbeginn ohne Zeitzone.")
        js = JurySession(
            fund_id=fund_id,
            starts_at=starts_at,
            place=place.strip(),
            status="planned",
            circulation=circulation,
            vote_deadline=vote_deadline,
            created_at=now,
        )
        s.add(js)
        s.flush()
        record(
            s,
            actor=actor,
            role="manager",
            action="create_session",
            at=now,
            fund_id=fund_id,
            data={"session_id": js.id, "starts_at": starts_at.isoformat(), "place": place},
        )
        uow.commit()
        return js.id


def schedule(fonds: Engine, actor: Actor, application_id: int, session_id: int) -> None:
    """Put a reviewed application on a jury session's agenda."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        app = _load(uow, actor, application_id)
        js = s.get(JurySession, session_id)
        if js is None or js.fund_id != app.fund_id:
            raise NotFound("Diese Jurysitzung gibt es in diesem Fonds nicht.")
        put_on_agenda(uow, actor, app, js)
        uow.commit()


def put_on_agenda(uow: UnitOfWork, actor: Actor, app: Application, js: JurySession) -> None:
    """Fire `schedule` and add (or reopen) the application's item on the session's agenda (caller's unit of work)."""
    s = uow.session
    if js.status == "closed":
        raise InvalidInput("Die Sitzung ist bereits geschlossen.")
    if local_date(js.starts_at) < local_date(uow.fonds.clock.now()):
        raise InvalidInput(
            "Der Tag dieser Sitzung ist vorbei. Bitte wählen Sie eine kommende Sitzung.", field="session_id"
        )
    fire(uow, actor, app, SCHEDULE, extra={"session_id": js.id})
    position = (s.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.session_id == js.id)) or 0) + 1
    existing = s.scalar(select(AgendaItem).where(AgendaItem.session_id == js.id, AgendaItem.application_id == app.id))
    if existing is not None:
        existing.status, existing.outcome, existing.closed_at = "open", None, None
    else:
        s.add(AgendaItem(session_id=js.id, application_id=app.id, position=position, status="open"))
    s.flush()


def unschedule(fonds: Engine, actor: Actor, application_id: int) -> None:
    """Take an application off the agenda again."""
    with fonds.unit_of_work() as uow:
        app = _load(uow, actor, application_id)
        fire(uow, actor, app, UNSCHEDULE)
        for item in uow.session.scalars(
            select(AgendaItem).where(AgendaItem.application_id == app.id, AgendaItem.status == "open")
        ):
            uow.session.delete(item)
        uow.commit()


# the outcome a jury may decide without a vote: the item goes back to the office (Vertagung)
DEFER = "defer"
VOTES_MISSING = (
    "Ein Beschluss der Jury (bewilligt, abgelehnt oder empfohlen) gilt nur mit dem Abstimmungsergebnis "
    "der Sitzung: Bitte lassen Sie die Jury in ihrer Sitzung abstimmen oder tragen Sie die Stimmen aus dem "
    "Protokoll auf Papier ein (Ja, Nein, Enthaltung und das unterschriebene Protokoll)."
)
VOTE_COUNTS = ("yes", "no", "abstain")


def has_vote_record(tally: dict[str, object] | None) -> bool:
    """Whether a tally is a vote record: the yes, no and abstain counts of the item (whole numbers)."""
    return tally is not None and all(
        isinstance(tally.get(k), int) and not isinstance(tally.get(k), bool) for k in VOTE_COUNTS
    )


def apply_jury_outcome(
    uow: UnitOfWork,
    actor: Actor,
    app: Application,
    outcome: str,
    *,
    amount_cents: int | None = None,
    reason: str | None = None,
    conditions: Sequence[str] = (),
    tally: dict[str, object] | None = None,
) -> None:
    """Apply a jury result to an application inside the caller's unit of work (closes the agenda item).

    Approve, reject and recommend are refused without their vote record (`tally` with the yes, no
    and abstain counts: the votes of the jury's session, fondsengine.jury.closing, or the counts of
    the paper protocol, fondsengine.jury.paper); only a deferral may come without one."""
    trigger = workflow_of(uow, app).step_with(jury_outcome=outcome)  # the step declaring `jury_outcome`
    if trigger is None:
        raise InvalidInput(f"Unbekanntes Ergebnis „{outcome}“.")
    if outcome != DEFER and not has_vote_record(tally):
        raise InvalidInput(VOTES_MISSING, field="yes")
    now = uow.fonds.clock.now()
    amount = None
    if outcome in ("approve", "recommend"):
        amount = _set_approval(uow, app, amount_cents, reason, conditions, now)
    fire(
        uow,
        actor,
        app,
        JURY_DECISION,
        jury_outcome=outcome,
        amount_cents=amount,
        reason=reason,
        now=now,
        extra={"tally": tally} if tally else None,
    )
    item = uow.session.scalar(
        select(AgendaItem).where(AgendaItem.application_id == app.id, AgendaItem.status == "open")
    )
    if item is not None:
        item.status, item.outcome, item.decided_cents, item.closed_at = (
            "closed",
            outcome,
            amount,
            now,
        )
        item.tally = tally


def jury_outcome_of(fonds: Engine, actor: Actor, application_id: int, trigger: str) -> str | None:
    """The jury's decision the step `trigger` records on this application (its `jury_outcome` in the
    workflow: approve, reject, recommend, defer), None for a step that records none."""
    with fonds.db.read() as s:
        app, _ = authz.load_visible_application(s, actor, application_id, local_date(fonds.clock.now()))
        workflow = fonds.catalog.workflow(s, app.workflow_version_id)
    return next((t.jury_outcome for t in workflow.steps(trigger) if t.jury_outcome), None)


def record_jury_deferral(fonds: Engine, actor: Actor, application_id: int, reason: str | None = None) -> None:
    """The jury defers (Vertagung): the application goes back to the office, its agenda item is closed.

    A deferral decides nothing about the application, so it needs no vote record; approving,
    rejecting and recommending go through the session's votes or the paper protocol."""
    with fonds.unit_of_work() as uow:
        app = _load(uow, actor, application_id)
        apply_jury_outcome(uow, actor, app, DEFER, reason=reason)
        uow.commit()


def record_city_grant(
    fonds: Engine,
    actor: Actor,
    application_id: int,
    *,
    granted_on: date,
    grant_file_number: str,
    amount_cents: int | None = None,
    reason: str | None = None,
    conditions: Sequence[str] | None = None,
) -> None:
    """Two-step funds: record the city's formal grant after the jury's recommendation.

    `conditions` replaces the recommended conditions (None keeps them)."""
    with fonds.unit_of_work() as uow:
        now = fonds.clock.now()
        app = _load(uow, actor, application_id)
        issuance = guideline_of(uow, app).issuance
        if not grant_file_number.strip() and issuance is not None and app.file_number:
            grant_file_number = issuance.authority_file_number(app.file_number)  # the guideline's scheme
        if not grant_file_number.strip():
            raise InvalidInput("Bitte geben Sie das Aktenzeichen der Stadt an.", field="grant_file_number")
        amount = app.approved_cents if amount_cents is None else amount_cents
        if amount is None or (app.approved_cents is not None and amount > app.approved_cents):
            raise InvalidInput("Die Stadt kann höchstens den empfohlenen Betrag bewilligen.", field="amount")
        if amount != app.approved_cents:
            _set_approval(
                uow,
                app,
                amount,
                reason or "Bewilligung der Stadt mit geringerem Betrag",
                app.conditions if conditions is None else conditions,
                now,
            )
        elif conditions is not None:
            app.conditions = [c.strip() for c in conditions if c.strip()]
        app.grant_file_number = grant_file_number.strip()
        fire(
            uow,
            actor,
            app,
            CITY_GRANT,
            amount_cents=amount,
            reason=reason,
            now=now,
            extra={
                "granted_on": granted_on.isoformat(),
                "grant_file_number": grant_file_number.strip(),
            },
        )
        uow.commit()


def record_city_rejection(fonds: Engine, actor: Actor, application_id: int, reason: str) -> None:
    """Two-step funds: the city does not grant."""
    _step(fonds, actor, application_id, CITY_REJECT, reason=reason)


def require_manager(fonds: Engine, actor: Actor, fund_id: str) -> None:
    """Raise unless the actor manages the fund (for read-only office pages)."""
    with fonds.db.read() as s:
        if "manager" not in authz.fund_roles(s, actor, fund_id, local_date(fonds.clock.now())):
            raise PermissionDenied("Dafür fehlt Ihnen die Berechtigung in diesem Fonds.")
