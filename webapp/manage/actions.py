"""The office's steps on one application: one-button steps, form steps, checklist, receipts.

The views only shape input; every rule (amounts, budget, roles, states) is the engine's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField

from fondsengine.applications import decisions, steps
from fondsengine.applications import service as applications
from fondsengine.applications.queries import Action, available_actions
from fondsengine.applications.steps import StepInput
from fondsengine.errors import FondsError
from fondsengine.inputs import MAX_TEXT
from fondsengine.jury.planning import upcoming_sessions
from fondsengine.payments import proofs
from fondsengine.payments.orders import requested_payments
from fondsengine.workflow.machine import machine_for
from fondsengine.workflow.registry import GUARDS
from fondsengine.workflow.use_cases import office_step
from webapp import fields
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import EuroField, GermanDateField, SafeText
from webapp.filters import euro_input
from webapp.form_errors import engine_errors, summary_errors
from webapp.labels import PAYMENT_KINDS
from webapp.manage import bp
from webapp.manage.application import OfficeView, load_for_office, money_and_proof, render_application
from webapp.manage.common import Errors, error_list, today
from webapp.manage.paper_votes import paper_context, paper_record
from webapp.manage.step_form import StepForm, is_required, step_form


def conditions_from(form: StepForm, view: OfficeView) -> list[str]:
    """Ticked standard conditions of the guideline plus free-text ones (one per line)."""
    ticked = set(form.value("condition") or ())
    texts = [c.text for c in view.guideline.conditions if c.id in ticked]
    texts += [line.strip() for line in form.text("conditions_extra").splitlines() if line.strip()]
    return texts


CHECKLIST_GUARD = "review_complete"  # the step guarded by it completes the formal review
STEP_GONE = (
    "Dieser Schritt ist im jetzigen Stand des Antrags nicht mehr möglich – vermutlich hat ihn gerade "
    "jemand anderes ausgeführt. Es wurde nichts gespeichert; unten sehen Sie den aktuellen Stand."
)
CONSULTATION_DAY = "Bitte geben Sie das Datum des Gesprächs an."


def _given(view: OfficeView, step: Action, form: StepForm) -> StepInput:
    """The checked values of the step's form for the engine (what the step does not ask stays empty)."""
    return StepInput(
        amount_cents=form.value("amount"),
        reason=form.text("reason") or None,
        conditions=conditions_from(form, view) if "conditions" in step.asks else (),
        session_id=form.value("session_id"),
        day=form.value("granted_on"),
        file_number=form.text("grant_file_number"),
        payment_id=form.value("payment_id"),
        kind=form.text("kind"),
        paper=paper_record(form.shown(), form.value("protocol")) if "paper_record" in step.asks else None,
    )


def _office_step(view: OfficeView, trigger: str, *, with_form: bool) -> bool:
    """Whether the office takes this step on its pages: the workflow declares an office use case for it
    (`UseCase.office`; a form when the step asks for something, else one button)."""
    return any(office_step(t.use_case) and bool(t.asks) == with_form for t in view.workflow.steps(trigger))


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
    if not _office_step(view, trigger, with_form=False):
        abort(404)
    if csrf_failed():
        return render_application(application_id, [(None, CSRF_MESSAGE)], 400)
    if form.from_state.data and form.from_state.data != view.app.state:
        flash("Dieser Schritt ist schon erledigt.", "info")
        return _back(application_id)
    done = _done(view, trigger)
    try:
        steps.take_step(fonds(), actor(), application_id, trigger, StepInput())
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
        fields=form.page_fields(),
        required=is_required,
        defaults={
            "amount": euro_input(view.app.requested_cents) if "conditions" in step.asks else None,
            "granted_on": today().isoformat(),
        },
        sessions=upcoming_sessions(fonds(), actor(), view.app.fund_id) if "session" in step.asks else [],
        requests=requests,
        payment_kinds=PAYMENT_KINDS,
        extra=money_and_proof(view.app.id) if "amount" in step.asks else {},
        paper=paper_context(view) if "paper_record" in step.asks else {},
        today=today(),
    ), 400 if errors else 200


@bp.route("/antraege/<int:application_id>/aktion/<trigger>", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def action(application_id: int, trigger: str) -> ResponseReturnValue:
    """A step that needs input: show its form, then hand the values to the engine."""
    view = load_for_office(application_id)
    if not _office_step(view, trigger, with_form=True):
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
    if "paper_record" in offered_step.asks and not offered_step.enabled:
        # the engine picks the jury's step from the tier; a blocked one is not silently another
        errors: Errors = [(None, r) for r in offered_step.reasons] or [(None, STEP_GONE)]
        return _action_page(view, offered_step, errors, form)
    if not form.validate():
        return _action_page(view, offered_step, summary_errors(form), form)
    try:
        steps.take_step(fonds(), actor(), application_id, trigger, _given(view, offered_step, form))
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
