"""The office's steps on one application: one-button steps, form steps, checklist, receipts.

The views only shape input; every rule (amounts, budget, roles, states) is the engine's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField

from fondsengine.applications import decisions
from fondsengine.applications import service as applications
from fondsengine.applications.queries import Action, available_actions
from fondsengine.errors import FondsError
from fondsengine.inputs import MAX_TEXT
from fondsengine.jury.planning import upcoming_sessions
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.orders import requested_payments
from fondsengine.workflow.machine import machine_for
from fondsengine.workflow.registry import GUARDS
from webapp import fields
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import EuroField, GermanDateField, SafeText
from webapp.form_errors import engine_errors, summary_errors
from webapp.manage import bp
from webapp.manage.application import (
    OFFICE_STEPS,
    PAYMENT_KINDS,
    OfficeView,
    load_for_office,
    money_and_proof,
    render_application,
)
from webapp.manage.common import Errors, error_list, today
from webapp.manage.paper_votes import JURY_DECISIONS, paper_context, record_on_paper
from webapp.manage.step_form import StepForm, step_form


def conditions_from(form: StepForm, view: OfficeView) -> list[str]:
    """Ticked standard conditions of the guideline plus free-text ones (one per line)."""
    ticked = set(form.value("condition") or ())
    texts = [c.text for c in view.guideline.conditions if c.id in ticked]
    texts += [line.strip() for line in form.text("conditions_extra").splitlines() if line.strip()]
    return texts


def _approve(view: OfficeView, form: StepForm) -> None:
    decisions.decide_approve(
        fonds(),
        actor(),
        view.app.id,
        amount_cents=form.value("amount"),
        reason=form.text("reason") or None,
        conditions=conditions_from(form, view),
    )


def _jury(outcome: str) -> Callable[[OfficeView, StepForm], None]:
    def run(view: OfficeView, form: StepForm) -> None:
        with_amount = outcome in ("approve", "recommend")
        amount = form.value("amount") if with_amount else None
        if outcome != "defer":  # a decision of the jury needs its record (webapp/manage/paper_votes.py)
            record_on_paper(view, form.shown(), outcome, amount_cents=amount,
                            conditions=conditions_from(form, view) if with_amount else ())  # fmt: skip
            return
        decisions.record_jury_outcome(
            fonds(),
            actor(),
            view.app.id,
            outcome,
            amount_cents=amount,
            reason=form.text("reason") or None,
            conditions=conditions_from(form, view) if with_amount else (),
        )

    return run


def _payment(view: OfficeView, form: StepForm) -> None:
    payments.record_payment(
        fonds(),
        actor(),
        view.app.id,
        amount_cents=form.value("amount") or 0,
        kind=form.text("kind"),
        payment_id=form.value("payment_id"),
    )


def _city_grant(view: OfficeView, form: StepForm) -> None:
    decisions.record_city_grant(
        fonds(),
        actor(),
        view.app.id,
        granted_on=form.value("granted_on") or date.min,
        grant_file_number=form.text("grant_file_number"),
        amount_cents=form.value("amount"),
        reason=form.text("reason") or None,
    )


CHECKLIST_GUARD = "review_complete"  # the step guarded by it completes the formal review
REASON = "Bitte geben Sie eine Begründung an."
STEP_GONE = (
    "Dieser Schritt ist im jetzigen Stand des Antrags nicht mehr möglich – vermutlich hat ihn gerade "
    "jemand anderes ausgeführt. Es wurde nichts gespeichert; unten sehen Sie den aktuellen Stand."
)
CONSULTATION_DAY = "Bitte geben Sie das Datum des Gesprächs an."
# the steps with a form: the form's fields come from the transition's `asks` (webapp/manage/step_form.py)
RUN: dict[str, Callable[[OfficeView, StepForm], Any]] = {
    "request_changes": lambda v, f: decisions.request_changes(fonds(), actor(), v.app.id, f.text("reason")),
    "decide_approve": _approve,
    "decide_reject": lambda v, f: decisions.decide_reject(fonds(), actor(), v.app.id, f.text("reason")),
    "schedule": lambda v, f: decisions.schedule(fonds(), actor(), v.app.id, f.value("session_id") or 0),
    "record_payment": _payment,
    "record_final_payment": _payment,
    "return_proof": lambda v, f: proofs.return_proof(fonds(), actor(), v.app.id, f.text("reason")),
    "claim_refund": lambda v, f: proofs.claim_refund(
        fonds(), actor(), v.app.id, amount_cents=f.value("amount"), reason=f.text("reason")
    ),
    "record_refund": lambda v, f: proofs.record_refund(fonds(), actor(), v.app.id, amount_cents=f.value("amount") or 0),
    "city_grant": _city_grant,
    "city_reject": lambda v, f: decisions.record_city_rejection(fonds(), actor(), v.app.id, f.text("reason")),
    "jury_approve": _jury("approve"),
    "jury_recommend": _jury("recommend"),
    "jury_reject": _jury("reject"),
    "jury_defer": _jury("defer"),
    "withdraw": lambda v, f: applications.withdraw(fonds(), actor(), v.app.id, reason=f.text("reason") or None),
}
SIMPLE_RUN: dict[str, Callable[[int], Any]] = {
    "start_review": lambda i: decisions.start_review(fonds(), actor(), i),
    "complete_review": lambda i: decisions.complete_review(fonds(), actor(), i),
    "unschedule": lambda i: decisions.unschedule(fonds(), actor(), i),
    "close": lambda i: proofs.close(fonds(), actor(), i),
    "lapse": lambda i: proofs.lapse(fonds(), actor(), i),
    "accept_proof": lambda i: proofs.accept_proof(fonds(), actor(), i),
    "submit": lambda i: applications.submit(fonds(), actor(), i),
    "resubmit": lambda i: applications.resubmit(fonds(), actor(), i),
}
OFFICE_STEPS.update(RUN, SIMPLE_RUN)  # the application page offers these steps (one button or a form)


def _done(view: OfficeView, trigger: str) -> str:
    """The workflow's message after a step from the application's current state."""
    machine = machine_for(view.workflow, GUARDS)
    return next((t.done for t in machine.transitions(view.app.state, trigger)), "")


def _is_final(view: OfficeView, trigger: str) -> bool:
    """Whether the step ends the application (the final payment, for example)."""
    machine = machine_for(view.workflow, GUARDS)
    return any(view.workflow.state(t.target).terminal for t in machine.transitions(view.app.state, trigger))


def _back(application_id: int, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("manage.application", application_id=application_id, _anchor=anchor))


class SimpleStepForm(FlaskForm):
    """A one-button step: its trigger and the state the page showed (a second click is "already done")."""

    trigger = StringField("Schritt", filters=[fields.stripped])
    from_state = StringField("Stand", filters=[fields.stripped])


@bp.route("/antraege/<int:application_id>/schritt", methods=["POST"])
@login_required
@rerender_on_csrf
def step(application_id: int) -> ResponseReturnValue:
    """Take a one-button step (start/complete review, accept proof, close, ...)."""
    view = load_for_office(application_id)
    form = SimpleStepForm()
    trigger = form.trigger.data or ""
    if trigger not in SIMPLE_RUN:
        abort(404)
    if csrf_failed():
        return render_application(application_id, [(None, CSRF_MESSAGE)], 400)
    if form.from_state.data and form.from_state.data != view.app.state:
        flash("Dieser Schritt ist schon erledigt.", "info")
        return _back(application_id)
    done = _done(view, trigger)
    try:
        SIMPLE_RUN[trigger](application_id)
    except FondsError as exc:
        return render_application(application_id, error_list(exc), 400)
    flash(done, "success")
    return _back(application_id)


def _action_page(view: OfficeView, step: Action, errors: Errors, form: StepForm) -> ResponseReturnValue:
    """The form of a step, with the fields the workflow says it asks for."""
    requests = requested_payments(fonds(), actor(), view.app.id) if "payment" in step.asks else []
    values = form.shown()
    if not values and requests:
        first = requests[0]
        values = MultiDict(
            {
                "payment_id": str(first.id),
                "kind": first.kind,
                "amount": f"{first.amount_cents / 100:.2f}".replace(".", ","),
            }
        )
    return render_template(
        "manage/action.html",
        app=view.app,
        g_=view.guideline,
        trigger=step.trigger,
        label=step.label,
        step=step,
        final=_is_final(view, step.trigger),
        errors=errors,
        err={f: m for f, m in errors if f},
        form=values,
        sessions=upcoming_sessions(fonds(), actor(), view.app.fund_id) if "session" in step.asks else [],
        requests=requests,
        payment_kinds=PAYMENT_KINDS,
        extra=money_and_proof(view.app.id) if "amount" in step.asks else {},
        paper=paper_context(view, step.trigger),
        today=today(),
    ), 400 if errors else 200


@bp.route("/antraege/<int:application_id>/aktion/<trigger>", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def action(application_id: int, trigger: str) -> ResponseReturnValue:
    """A step that needs input: show its form, then hand the values to the engine."""
    view = load_for_office(application_id)
    if trigger not in RUN:
        abort(404)
    offered = {a.trigger: a for a in available_actions(fonds(), actor(), application_id)}
    if trigger not in offered:
        if request.method == "POST":  # e.g. someone else took the step a moment ago
            flash(STEP_GONE, "info")
            return _back(application_id)
        abort(404)
    offered_step = offered[trigger]
    form = step_form(offered_step)
    if request.method == "GET":
        return _action_page(view, offered_step, [], form)
    if csrf_failed():
        return _action_page(view, offered_step, [(None, CSRF_MESSAGE)], form)
    if trigger in JURY_DECISIONS and not offered_step.enabled:
        # the engine picks the jury's step from the tier; a blocked one is not silently another
        errors: Errors = [(None, r) for r in offered_step.reasons] or [(None, STEP_GONE)]
        return _action_page(view, offered_step, errors, form)
    if not form.validate():
        return _action_page(view, offered_step, summary_errors(form), form)
    try:
        RUN[trigger](view, form)
    except FondsError as exc:
        return _action_page(view, offered_step, engine_errors(form, exc), form)
    flash(offered_step.done, "success")
    return _back(application_id)


def _review_form(view: OfficeView) -> FlaskForm:
    """The formal checklist of the guideline: per item its result (r-ID) and note (n-ID)."""
    items: dict[str, Any] = {"abschliessen": StringField("Prüfung abschließen")}
    for item in view.guideline.review_checklist:
        items[f"r-{item.id}"] = StringField(item.id, filters=[fields.stripped])
        items[f"n-{item.id}"] = TextAreaField("Notiz")
    form: FlaskForm = type("ReviewForm", (FlaskForm,), items)()
    return form


@bp.route("/antraege/<int:application_id>/pruefung", methods=["POST"])
@login_required
@rerender_on_csrf
def review(application_id: int) -> ResponseReturnValue:
    """Save the formal checklist; with 'abschliessen' also complete the review."""
    view = load_for_office(application_id)
    if csrf_failed():
        return render_application(application_id, [(None, CSRF_MESSAGE)], 400)
    form = _review_form(view)
    answers: dict[str, tuple[str, str]] = {}
    for item in view.guideline.review_checklist:
        result = str(form[f"r-{item.id}"].data or "")
        if result:
            answers[item.id] = (result[:20], str(form[f"n-{item.id}"].data or ""))
    finish = bool(form["abschliessen"].data)
    try:
        for item_id, (_result, note) in answers.items():
            fields.clean(note, label="Notiz", max_len=MAX_TEXT, multiline=True, field=item_id)
        if answers:
            decisions.record_review(fonds(), actor(), application_id, answers)
        if finish:
            decisions.complete_review(fonds(), actor(), application_id)
    except FondsError as exc:
        return render_application(application_id, engine_errors(form, exc, rename=lambda f: f"r-{f}"), 400)
    completed = next((t.done for t in view.workflow.transitions if CHECKLIST_GUARD in t.guards), "")
    flash(completed if finish else "Die Prüfpunkte sind gespeichert.", "success")
    return _back(application_id, "pruefung")


class ReceiptForm(FlaskForm):
    """The office's decision about one receipt: accepted (with the amount it recognises) or not, and why."""

    decision = StringField("Entscheidung", filters=[fields.stripped])
    reason = TextAreaField("Begründung", validators=[SafeText(MAX_TEXT, multiline=True)], filters=[fields.stripped])
    accepted = EuroField("Anerkannter Betrag")


@bp.route("/antraege/<int:application_id>/belege/<int:receipt_id>", methods=["POST"])
@login_required
@rerender_on_csrf
def receipt(application_id: int, receipt_id: int) -> ResponseReturnValue:
    """Accept or reject one receipt of the proof of use."""
    load_for_office(application_id)
    if csrf_failed():
        return render_application(application_id, [(None, CSRF_MESSAGE)], 400)
    if receipt_id not in {r.id for r in money_and_proof(application_id).receipts}:
        abort(404)
    form = ReceiptForm()
    accepted = form.decision.data == "accept"
    if not accepted:
        form.accepted.process_errors, form.accepted.data = [], None  # a rejected receipt has no amount
    if not form.validate():  # the page shows the error at the receipt's reason
        return render_application(application_id, [(f"reason-{receipt_id}", m) for _f, m in summary_errors(form)], 400)
    try:
        proofs.review_receipt(
            fonds(),
            actor(),
            receipt_id,
            accepted=accepted,
            reason=form.reason.data or None,
            accepted_cents=form.accepted.data if accepted else None,
        )
    except FondsError as exc:
        errors = [((f"reason-{receipt_id}" if f else None), m) for f, m in error_list(exc)]
        return render_application(application_id, errors, 400)
    flash("Der Beleg ist anerkannt." if accepted else "Der Beleg ist nicht anerkannt.", "success")
    return _back(application_id, "nachweis")


class ConsultationForm(FlaskForm):
    """The day of the prior consultation."""

    on = GermanDateField("Datum des Gesprächs", required=CONSULTATION_DAY)


@bp.route("/antraege/<int:application_id>/beratung", methods=["POST"])
@login_required
def consultation(application_id: int) -> ResponseReturnValue:
    """Confirm that the prior consultation took place."""
    load_for_office(application_id)
    form = ConsultationForm()
    if not form.validate_on_submit():
        return render_application(application_id, summary_errors(form), 400)
    try:
        applications.confirm_consultation(fonds(), actor(), application_id, form.on.data or date.min)
    except FondsError as exc:
        return render_application(application_id, engine_errors(form, exc), 400)
    flash("Das Beratungsgespräch ist bestätigt.", "success")
    return _back(application_id)
