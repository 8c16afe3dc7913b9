"""One application on one page for the office: data, costs, findings, review, money, proof, timeline."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.queries import get_application
from fondsengine.applications.service import correctable
from fondsengine.applications.views import ProofSection, office_application_view, proof_section
from fondsengine.errors import PermissionDenied
from fondsengine.guidelines.model import Guideline
from fondsengine.model import Application
from fondsengine.workflow.model import Workflow
from webapp.extensions import actor, fonds
from webapp.labels import FINANCING_SOURCES, OFFICE, PAYMENT_KINDS, PAYMENT_STATUS, REVIEW_RESULTS, timeline_lines
from webapp.manage import bp
from webapp.manage.common import Errors, require_fund
from webapp.manage.proof_view import numerical_proof
from webapp.manage.revisions import last_changes

# A step without `asks` in the workflow is taken with one button; the others open their form page
# (actions.py). The office pages take the steps whose transition declares a `use_case`; a step
# without one (the proof of use, which the applicant uploads) is shown with ELSEWHERE's hint.
ELSEWHERE = "das macht die Antragstellerin / der Antragsteller auf den eigenen Seiten."


@dataclass(frozen=True)
class OfficeView:
    """An application the office may work on, with its rules."""

    app: Application
    guideline: Guideline
    workflow: Workflow


def load_for_office(application_id: int) -> OfficeView:
    """Load an application (404 if not visible) and require the manager role in its fund (403)."""
    f = fonds()
    app = get_application(f, actor(), application_id)
    require_fund(app.fund_id)
    with f.db.read() as s:
        guideline = f.catalog.guideline(s, app.guideline_version_id)
        workflow = f.catalog.workflow(s, app.workflow_version_id)
    return OfficeView(app, guideline, workflow)


def money_and_proof(application_id: int) -> ProofSection:
    """Review answers, the latest proof with its receipts, refunds and the agenda (the engine's read)."""
    return proof_section(fonds(), actor(), application_id)


def render_application(application_id: int, errors: Errors | None = None, status: int = 200) -> ResponseReturnValue:
    """Render the office's application page (also after a failed step, with the error summary)."""
    try:
        view = office_application_view(fonds(), actor(), application_id)
    except PermissionDenied:
        abort(403)
    money = view.money
    return render_template(
        "manage/application.html",
        app=view.app,
        g_=view.guideline,
        state=view.state,
        checklist_open=view.app.state in view.workflow.state_ids(guarded_by="review_complete"),
        findings=list(view.findings),
        actions=list(view.actions),
        elsewhere=ELSEWHERE,
        timeline=timeline_lines(view.timeline, view.workflow, OFFICE),
        letters=list(view.letters),
        attachments=list(view.attachments),
        payments=list(view.payments),
        payment_kinds=PAYMENT_KINDS,
        payment_status=PAYMENT_STATUS,
        review_results=REVIEW_RESULTS,
        categories={c.id: c.label for c in view.guideline.costs.categories},
        kinds={k.id: k.label for k in view.guideline.applicants.kinds},
        errors=errors or [],
        changes=last_changes(view.revisions, view.guideline),
        notes=list(view.notes),
        page_messages=list(view.messages),
        rules=view.rules,
        review=money.review,
        proof=money.proof,
        receipts=list(money.receipts),
        refunds=list(money.refunds),
        agenda=list(money.agenda),
        receipt_findings=money.receipt_findings,
        eligible_cents=money.eligible_cents,
        correctable=correctable(view.workflow, view.app.state),
        numerical=numerical_proof(view.app, money.proof, money.receipts),
        financing_sources=FINANCING_SOURCES,
    ), status


@bp.route("/antraege/<int:application_id>")
@login_required
def application(application_id: int) -> ResponseReturnValue:
    """Everything about one application, and the steps the engine offers now."""
    return render_application(application_id)
