"""Own applications, the status page with timeline and actions, withdrawal, files and letters."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from fondsengine.applications import service as applications
from fondsengine.applications.records import add_attachment, applications_of, attachment_content
from fondsengine.applications.views import applicant_application_view
from fondsengine.errors import FondsError
from fondsengine.letters.access import letter_page_of, letter_pdf
from fondsengine.workflow.model import Workflow
from webapp.applicant import bp
from webapp.applicant.common import error_list, load, split_findings
from webapp.applicant.page_forms import AttachmentForm, StepForm, WithdrawForm
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.form_errors import summary_errors
from webapp.labels import APPLICANT, timeline_lines
from webapp.uploads import as_input, check, send_attachment

# the applicant's pages a step may declare (`applicant_page`, fondsengine.workflow.loader.APPLICANT_PAGES)
PAGES = {"withdrawal": "applicant.withdraw", "proof": "applicant.proof"}


def posted_steps(workflow: Workflow) -> dict[str, bool]:
    """The applicant's one-button steps (no `asks` in the workflow) -> whether they start from the
    initial state (the first submission, which gives the file number) or later (a resubmission)."""
    return {
        t.trigger: any(workflow.state(s).initial for s in t.sources)
        for t in workflow.transitions
        if not t.asks and "applicant" in t.roles
    }


@bp.route("/antraege")
@login_required
def overview() -> ResponseReturnValue:
    """The logged-in person's applications."""
    return render_template("applicant/overview.html", applications=applications_of(fonds(), actor()))


@bp.route("/antraege/<int:application_id>")
@login_required
def detail(application_id: int) -> ResponseReturnValue:
    """Status page: where the application stands, what happens next, what can be done."""
    view = applicant_application_view(fonds(), actor(), application_id)
    blocking, warnings, info = split_findings(list(view.findings))
    return render_template(
        "applicant/detail.html",
        app=view.app,
        g_=view.guideline,
        state=view.state,
        editable=view.state.editable,
        blocking=blocking,
        warnings=warnings,
        info=info,
        actions=list(view.actions),
        pages=PAGES,
        posted=posted_steps(view.workflow),
        timeline=timeline_lines(view.timeline, view.workflow, APPLICANT),
        letters=list(view.letters),
        attachments=list(view.attachments),
        payments=list(view.payments),
        lapse=view.lapse,
        changes=view.changes_requested,
        organisation=view.organisation,
        my_organisations=list(view.my_organisations),
        page_messages=list(view.messages),
    )


@bp.route("/antraege/<int:application_id>/schritt", methods=["POST"])
@login_required
def step(application_id: int) -> ResponseReturnValue:
    """Take a workflow step offered on the status page (submit, resubmit)."""
    loaded = load(application_id)
    form = StepForm()
    trigger = form.trigger.data or ""
    with fonds().db.read() as s:
        posted = posted_steps(fonds().catalog.workflow(s, loaded.app.workflow_version_id))
    if trigger not in posted:
        abort(404)
    if form.from_state.data and form.from_state.data != loaded.app.state:
        flash(_("Dieser Schritt ist schon erledigt."), "info")  # e.g. a double-clicked button
        return redirect(url_for("applicant.detail", application_id=application_id))
    try:
        if posted[trigger]:
            number = applications.submit(fonds(), actor(), application_id)
            flash(_("Ihr Antrag ist eingereicht. Ihr Aktenzeichen: %(number)s.", number=number), "success")
        else:
            applications.resubmit(fonds(), actor(), application_id, answer=form.answer.data)
            flash(_("Ihr geänderter Antrag ist wieder eingereicht."), "success")
    except FondsError as exc:
        for _field, message in error_list(exc):
            flash(message, "error")
    return redirect(url_for("applicant.detail", application_id=application_id))


@bp.route("/antraege/<int:application_id>/zurueckziehen", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def withdraw(application_id: int) -> ResponseReturnValue:
    """Withdraw an application after a confirmation page."""
    loaded = load(application_id)
    errors: list[tuple[str | None, str]] = []
    form = WithdrawForm()
    reason = form.reason.data or ""
    if request.method == "POST" and csrf_failed():
        errors.append((None, CSRF_MESSAGE))
    elif request.method == "POST" and not form.validate():
        errors = summary_errors(form)
    elif request.method == "POST":
        try:
            applications.withdraw(fonds(), actor(), application_id, reason=reason.strip() or None)
        except FondsError as exc:
            errors = error_list(exc)
        else:
            flash(_("Ihr Antrag ist zurückgezogen."), "success")
            return redirect(url_for("applicant.detail", application_id=application_id))
    return render_template(
        "applicant/withdraw.html", app=loaded.app, errors=errors, reason=reason
    ), 400 if errors else 200


@bp.route("/antraege/<int:application_id>/anhaenge", methods=["POST"])
@login_required
@rerender_on_csrf
def upload(application_id: int) -> ResponseReturnValue:
    """Attach a cost estimate or another document (PDF, JPEG, PNG)."""
    loaded = load(application_id)
    if csrf_failed():
        flash(CSRF_MESSAGE, "error")
        return redirect(url_for("applicant.edit", application_id=application_id, _anchor="anhaenge"))
    if not loaded.editable:
        abort(404)
    files = AttachmentForm().file.data
    if not files:
        flash(_("Bitte wählen Sie eine Datei aus."), "error")
    settings = fonds().settings
    for fs in files:
        try:
            stored = check(fs, settings)
            add_attachment(fonds(), actor(), application_id, as_input(stored, "cost_estimate"))
        except FondsError as exc:
            flash(exc.message, "error")
        else:
            flash(_("„%(name)s“ ist hochgeladen.", name=stored.original_name), "success")
    return redirect(url_for("applicant.edit", application_id=application_id, _anchor="anhaenge"))


@bp.route("/antraege/<int:application_id>/anhaenge/<int:attachment_id>")
@login_required
def attachment(application_id: int, attachment_id: int) -> ResponseReturnValue:
    """Download an uploaded file of a visible application."""
    return send_attachment(lambda: attachment_content(fonds(), actor(), application_id, attachment_id))


@bp.route("/antraege/<int:application_id>/dokumente/<int:letter_id>")
@login_required
def letter(application_id: int, letter_id: int) -> ResponseReturnValue:
    """Download a letter (PDF) of a visible application."""
    info, pdf = letter_pdf(fonds(), actor(), letter_id)
    if info.application_id != application_id:
        abort(404)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=info.filename)


@bp.route("/antraege/<int:application_id>/dokumente/<int:letter_id>/ansehen")
@login_required
def letter_page(application_id: int, letter_id: int) -> ResponseReturnValue:
    """A letter as an accessible HTML page (the same content as its PDF)."""
    info, page = letter_page_of(fonds(), actor(), letter_id)
    if info.application_id != application_id:
        abort(404)
    return render_template("applicant/letter.html", info=info, page=page, application_id=application_id)
