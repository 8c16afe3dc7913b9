"""One application on one page for the office: data, costs, findings, review, money, proof, timeline."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy import select

from fondsengine.applications.notes import notes_of
from fondsengine.applications.queries import available_actions, findings_for, get_application
from fondsengine.applications.records import attachments_of
from fondsengine.guidelines.model import Guideline
from fondsengine.letters.access import letters_of_application
from fondsengine.model import (
    AgendaItem,
    Application,
    AuditEvent,
    JurySession,
    Payment,
    ProofOfUse,
    Receipt,
    Refund,
    ReviewItem,
    User,
)
from fondsengine.payments import proofs
from fondsengine.workflow.model import Workflow
from webapp.extensions import actor, fonds
from webapp.labels import event_text
from webapp.manage import bp
from webapp.manage.common import Errors, require_fund
from webapp.manage.revisions import last_changes
from webapp.manage.rules import exceptions_for

# A step without `asks` in the workflow is taken with one button; the others open their form page
# (actions.py). The office pages take the steps actions.py registers here; a step they cannot take
# (the proof of use, which the applicant uploads) is shown with ELSEWHERE's hint.
OFFICE_STEPS: set[str] = set()
ELSEWHERE = "das macht die Antragstellerin / der Antragsteller auf den eigenen Seiten."
REVIEW_RESULTS = {
    "fulfilled": "erfüllt",
    "not_fulfilled": "nicht erfüllt",
    "not_applicable": "entfällt",
}
PAYMENT_KINDS = {
    "advance": "Abschlag",
    "instalment": "Rate",
    "final": "Schlusszahlung",
    "reimbursement": "Erstattung",
}
PAYMENT_STATUS = {
    "requested": "angefordert",
    "ordered": "angewiesen",
    "paid": "ausgezahlt",
    "cancelled": "storniert",
}


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


def _plain(rows: Any) -> list[dict[str, Any]]:
    return [{c.key: getattr(r, c.key) for c in r.__table__.columns} for r in rows]


def events_of(application_id: int) -> list[dict[str, Any]]:
    """The audit events of an application, oldest first (call after load_for_office)."""
    with fonds().db.read() as s:
        return _plain(
            s.scalars(select(AuditEvent).where(AuditEvent.application_id == application_id).order_by(AuditEvent.id))
        )


def payments_of(application_id: int) -> list[dict[str, Any]]:
    """The payments of an application (call after load_for_office)."""
    with fonds().db.read() as s:
        return _plain(s.scalars(select(Payment).where(Payment.application_id == application_id).order_by(Payment.id)))


def money_and_proof(application_id: int) -> dict[str, Any]:
    """Review answers, the latest proof with its receipts, refunds and the agenda (plain values)."""
    with fonds().db.read() as s:
        review = {
            r["item_id"]: r
            for r in _plain(s.scalars(select(ReviewItem).where(ReviewItem.application_id == application_id)))
        }
        proof = s.scalar(
            select(ProofOfUse)
            .where(ProofOfUse.application_id == application_id)
            .order_by(ProofOfUse.id.desc())
            .limit(1)
        )
        proof_row = _plain([proof])[0] if proof is not None else None
        receipts = (
            _plain(s.scalars(select(Receipt).where(Receipt.proof_id == proof.id).order_by(Receipt.position)))
            if proof is not None
            else []
        )
        refunds = _plain(s.scalars(select(Refund).where(Refund.application_id == application_id).order_by(Refund.id)))
        agenda = s.execute(
            select(JurySession.id, JurySession.starts_at, JurySession.place, AgendaItem.status, AgendaItem.outcome)
            .join(AgendaItem, AgendaItem.session_id == JurySession.id)
            .where(AgendaItem.application_id == application_id)
            .order_by(JurySession.starts_at)
        ).all()
    findings: dict[int, list[Any]] = {}
    if proof is not None:
        for finding in proofs.receipt_findings(fonds(), actor(), application_id):
            findings.setdefault(finding.position, []).append(finding)
    return {
        "review": review,
        "proof": proof_row,
        "receipts": receipts,
        "refunds": refunds,
        "agenda": agenda,
        "receipt_findings": findings,
        "eligible_cents": sum(
            r["amount_cents"] if r.get("accepted_cents") is None else r["accepted_cents"]
            for r in receipts
            if r["status"] == "accepted"
        ),
    }


def timeline_for(view: OfficeView) -> list[dict[str, Any]]:
    """The audit trail in German, with who acted (and for whom, for paper applications)."""
    f = fonds()
    events = events_of(view.app.id)
    labels = {t.trigger: t.label for t in view.workflow.transitions}
    ids = {e["actor_id"] for e in events if e["actor_id"]} | {
        e["on_behalf_of_id"] for e in events if e["on_behalf_of_id"]
    }
    with f.db.read() as s:
        names = dict(s.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    out = []
    for e in events:
        text = event_text(e["action"], labels)
        if e["to_state"] and e["to_state"] != e["from_state"] and e["action"] != "create_draft":
            with contextlib.suppress(KeyError):
                text = f"{text} – neuer Stand: {view.workflow.state(e['to_state']).label}"
        who = names.get(e["actor_id"], "System") if e["actor_id"] else "System"
        if e["on_behalf_of_id"]:
            who = f"{who} für {names.get(e['on_behalf_of_id'], 'eine Person')}"
        out.append({"at": e["at"], "text": text, "reason": e["reason"], "who": who})
    return out


def render_application(application_id: int, errors: Errors | None = None, status: int = 200) -> ResponseReturnValue:
    """Render the office's application page (also after a failed step, with the error summary)."""
    view = load_for_office(application_id)
    f, a = fonds(), actor()
    findings = findings_for(f, a, application_id)
    extra = money_and_proof(application_id)
    return render_template(
        "manage/application.html",
        app=view.app,
        g_=view.guideline,
        state=view.workflow.state(view.app.state),
        checklist_open=view.app.state in view.workflow.state_ids(guarded_by="review_complete"),
        findings=findings,
        actions=available_actions(f, a, application_id),
        office_steps=OFFICE_STEPS,
        elsewhere=ELSEWHERE,
        timeline=timeline_for(view),
        letters=letters_of_application(f, a, application_id),
        attachments=attachments_of(f, a, application_id),
        payments=payments_of(application_id),
        payment_kinds=PAYMENT_KINDS,
        payment_status=PAYMENT_STATUS,
        review_results=REVIEW_RESULTS,
        categories={c.id: c.label for c in view.guideline.costs.categories},
        kinds={k.id: k.label for k in view.guideline.applicants.kinds},
        errors=errors or [],
        changes=last_changes(application_id, view.guideline),
        notes=notes_of(f, a, application_id),
        rules=exceptions_for(view.app, view.guideline),
        **extra,
    ), status


@bp.route("/antraege/<int:application_id>")
@login_required
def application(application_id: int) -> ResponseReturnValue:
    """Everything about one application, and the steps the engine offers now."""
    return render_application(application_id)
