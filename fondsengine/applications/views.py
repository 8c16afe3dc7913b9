"""Read models of the two application pages (issues 11 and 19): everything a page shows, read in one
read-only session, the application loaded and authorised once.

`office_application_view` is the office's page (managers of the application's fund),
`applicant_application_view` the status page of those who may read the application's record (its
owner and co-applicants, the office, the city's approvers, the auditors). Each reuses the helpers of
the single reads (`*_in` functions that take the open session and the loaded application, and the
single reads' own statements, `*_statement`), so a rule lives in one place; the page's lists come in
one statement (`json_reads.read_together`, built once per page and workflow version, the
application id a bound parameter); the statement budgets are held by
`tests/web/test_statement_budgets.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, Integer, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from fondsengine.accounts.organisations import OrganisationView, organisations_in
from fondsengine.applications.limits import RuleExceptions, exceptions_of
from fondsengine.applications.messages import MessageView, messages_from_rows, messages_statement
from fondsengine.applications.notes import NoteView, notes_from_rows, notes_statement
from fondsengine.applications.queries import (
    Action,
    TimelineEvent,
    actions_in,
    findings_in,
    last_request_in,
    timeline_from_rows,
    timeline_statement,
)
from fondsengine.applications.records import attachments_statement
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.guidelines.findings import Finding
from fondsengine.guidelines.model import Guideline
from fondsengine.json_reads import Id, Read, read_together
from fondsengine.letters.access import LetterInfo, letters_from_rows, letters_statement, require_letter_reader
from fondsengine.lifecycle import authz
from fondsengine.model import (
    AgendaItem,
    Application,
    ApplicationOrganisation,
    ApplicationRevision,
    Attachment,
    JurySession,
    Organisation,
    Payment,
    ProofOfUse,
    Receipt,
    Refund,
    ReviewItem,
)
from fondsengine.payments.proofs import findings_of_receipts
from fondsengine.payments.receipt_checks import ReceiptFinding
from fondsengine.payments.service import PAYMENT_READERS, LapseNotice, lapse_notice_in, payments_statement
from fondsengine.workflow.model import State, Workflow


@dataclass(frozen=True)
class AgendaLine:
    """A jury session the application is (or was) on the agenda of."""

    id: int
    starts_at: datetime
    place: str | None
    status: str
    outcome: str | None


@dataclass(frozen=True)
class ProofSection:
    """The office's review answers, the latest proof of use with its receipts, refunds and the agenda."""

    review: dict[str, ReviewItem]  # checklist item id -> the office's answer
    proof: ProofOfUse | None  # the latest proof of use
    receipts: tuple[Receipt, ...]  # of the latest proof, by position
    receipt_findings: dict[int, list[ReceiptFinding]]  # receipt position -> the engine's findings
    eligible_cents: int  # the accepted receipts (as recognised)
    refunds: tuple[Refund, ...]
    agenda: tuple[AgendaLine, ...]


@dataclass(frozen=True)
class OfficeApplicationView:
    """The office's application page (rows are detached: loaded, never refreshed)."""

    app: Application  # with its cost items
    guideline: Guideline
    workflow: Workflow
    state: State
    findings: tuple[Finding, ...]
    actions: tuple[Action, ...]
    timeline: tuple[TimelineEvent, ...]
    letters: tuple[LetterInfo, ...]
    attachments: tuple[Attachment, ...]
    payments: tuple[Payment, ...]
    notes: tuple[NoteView, ...]
    messages: tuple[MessageView, ...]
    revisions: tuple[tuple[int, dict[str, Any]], ...]  # the two latest snapshots, newest first
    rules: RuleExceptions
    money: ProofSection


@dataclass(frozen=True)
class ApplicantApplicationView:
    """The status page of an application for those who may read its record."""

    app: Application  # with its cost items
    guideline: Guideline
    workflow: Workflow
    state: State
    organisation: str | None  # the organisation the application is made for (its members are co-applicants)
    findings: tuple[Finding, ...]  # only while the form is editable
    actions: tuple[Action, ...]
    timeline: tuple[TimelineEvent, ...]
    letters: tuple[LetterInfo, ...]
    attachments: tuple[Attachment, ...]
    payments: tuple[Payment, ...]
    lapse: LapseNotice | None
    messages: tuple[MessageView, ...]
    changes_requested: tuple[str, datetime] | None  # what the office asked for when it sent the form back
    my_organisations: tuple[OrganisationView, ...]  # to choose from while a draft is the owner's own


@dataclass(frozen=True)
class _Loaded:
    app: Application
    roles: frozenset[str]
    organisation: str | None  # the organisation the application is made for


def _load(s: Session, actor: Actor, application_id: int, today: date) -> _Loaded:
    """The application whose record the actor may read, authorised: the application with its cost
    items, the name of its organisation and the actor's roles in its fund in one query."""
    statement = (
        select(Application, Organisation.name)
        .outerjoin(ApplicationOrganisation, ApplicationOrganisation.application_id == Application.id)
        .outerjoin(Organisation, Organisation.id == ApplicationOrganisation.organisation_id)
        .where(Application.id == application_id)
        .options(joinedload(Application.cost_items))
    )
    rows = s.execute(authz.with_roles(statement, actor, Application.fund_id, today)).unique().all()
    if rows:
        authz.remember_roles(s, actor, rows[0][0].fund_id, today, [(r[2], r[3]) for r in rows if len(r) > 2])
    app, roles = authz.load_application_record(s, actor, application_id, today)  # from the identity map
    assert app is rows[0][0]  # held until here: the identity map keeps only referenced rows
    return _Loaded(app, roles, rows[0][1])


def _require_manager(s: Session, actor: Actor, app: Application, today: date) -> None:
    if "manager" not in authz.fund_roles(s, actor, app.fund_id, today):
        raise PermissionDenied("Dafür fehlt Ihnen die Berechtigung in diesem Fonds.")


APPLICATION: BindParameter[int] = bindparam("application_id", type_=Integer)  # of the prepared reads


def _proof_reads(application_id: Id = APPLICATION) -> dict[str, Read]:
    """The statements of a `ProofSection` (read together, with the page's other parts)."""
    latest_proof = select(func.max(ProofOfUse.id)).where(ProofOfUse.application_id == application_id)
    return {
        "review": select(ReviewItem).where(ReviewItem.application_id == application_id),
        "proof": select(ProofOfUse).where(ProofOfUse.id == latest_proof.scalar_subquery()),
        "receipts": select(Receipt)
        .where(Receipt.proof_id == latest_proof.scalar_subquery())
        .order_by(Receipt.position),
        "agenda": select(
            JurySession.id, JurySession.starts_at, JurySession.place, AgendaItem.status, AgendaItem.outcome
        )
        .join(AgendaItem, AgendaItem.session_id == JurySession.id)
        .where(AgendaItem.application_id == application_id)
        .order_by(JurySession.starts_at),
        "refunds": select(Refund).where(Refund.application_id == application_id).order_by(Refund.id),
    }


def _proof_section(app: Application, guideline: Guideline, rows: dict[str, list[Any]], today: date) -> ProofSection:
    """The `ProofSection` from the rows of `_proof_reads`."""
    proof: ProofOfUse | None = rows["proof"][0][0] if rows["proof"] else None
    receipts: list[Receipt] = [r[0] for r in rows["receipts"]]
    findings: dict[int, list[ReceiptFinding]] = {}
    if proof is not None:
        for finding in findings_of_receipts(app, guideline, proof, receipts, today):
            findings.setdefault(finding.position, []).append(finding)
    return ProofSection(
        review={r[0].item_id: r[0] for r in rows["review"]},
        proof=proof,
        receipts=tuple(receipts),
        receipt_findings=findings,
        eligible_cents=sum(
            r.amount_cents if r.accepted_cents is None else r.accepted_cents for r in receipts if r.status == "accepted"
        ),
        refunds=tuple(r[0] for r in rows["refunds"]),
        agenda=tuple(AgendaLine(*row) for row in rows["agenda"]),
    )


def proof_section_in(s: Session, app: Application, guideline: Guideline, today: date) -> ProofSection:
    """The `ProofSection` of an application already loaded in this session (for its office; one
    statement)."""
    rows = read_together(s, _proof_reads, key="proof section", params={"application_id": app.id})
    return _proof_section(app, guideline, rows, today)


def proof_section(fonds: Engine, actor: Actor, application_id: int) -> ProofSection:
    """The `ProofSection` of an application for its office (the form pages of money steps)."""
    with fonds.db.read() as s:
        today = local_date(fonds.clock.now())
        app = _load(s, actor, application_id, today).app
        _require_manager(s, actor, app, today)
        return proof_section_in(s, app, fonds.catalog.guideline(s, app.guideline_version_id), today)


def office_reads(workflow: Workflow, application_id: Id = APPLICATION) -> dict[str, Read]:
    """The statements of the office page's lists, read together (`json_reads.read_together`; they
    depend on the application's workflow version)."""
    return {
        "timeline": timeline_statement(application_id),
        "letters": letters_statement(application_id),
        "attachments": attachments_statement(application_id),
        "payments": payments_statement(application_id),
        "notes": notes_statement(application_id),
        "messages": messages_statement(application_id, workflow),
        "revisions": select(ApplicationRevision.number, ApplicationRevision.snapshot)
        .where(ApplicationRevision.application_id == application_id)
        .order_by(ApplicationRevision.number.desc())
        .limit(2),
        **_proof_reads(application_id),
    }


def office_application_view(fonds: Engine, actor: Actor, application_id: int) -> OfficeApplicationView:
    """Everything the office's application page shows (NotFound when the actor may not read the
    record, PermissionDenied unless they manage the application's fund)."""
    with fonds.db.read() as s:
        now = fonds.clock.now()
        today = local_date(now)
        loaded = _load(s, actor, application_id, today)
        app, roles = loaded.app, loaded.roles
        _require_manager(s, actor, app, today)
        guideline = fonds.catalog.guideline(s, app.guideline_version_id)
        workflow = fonds.catalog.workflow(s, app.workflow_version_id)
        rows = read_together(
            s,
            lambda: office_reads(workflow),
            key=("office page", app.workflow_version_id),
            params={"application_id": app.id},
        )
        return OfficeApplicationView(
            app=app,
            guideline=guideline,
            workflow=workflow,
            state=workflow.state(app.state),
            findings=tuple(findings_in(fonds, s, app, now)),
            actions=tuple(actions_in(fonds, s, app, roles, now)),
            timeline=tuple(timeline_from_rows(rows["timeline"])),
            letters=tuple(letters_from_rows(rows["letters"])),
            attachments=tuple(r[0] for r in rows["attachments"]),
            payments=tuple(r[0] for r in rows["payments"]),
            notes=tuple(notes_from_rows(rows["notes"])),
            messages=tuple(messages_from_rows(rows["messages"])),
            revisions=tuple((r.number, r.snapshot) for r in rows["revisions"]),
            rules=exceptions_of(app, guideline),
            money=_proof_section(app, guideline, rows, today),
        )


def _applicant_reads(workflow: Workflow) -> dict[str, Read]:
    """The statements of the status page's lists, read together."""
    return {
        "timeline": timeline_statement(APPLICATION),
        "payments": payments_statement(APPLICATION),
        "letters": letters_statement(APPLICATION),
        "attachments": attachments_statement(APPLICATION),
        "messages": messages_statement(APPLICATION, workflow),
    }


def applicant_application_view(fonds: Engine, actor: Actor, application_id: int) -> ApplicantApplicationView:
    """Everything the status page of an application shows (NotFound when the actor may not read its
    record)."""
    with fonds.db.read() as s:
        now = fonds.clock.now()
        today = local_date(now)
        loaded = _load(s, actor, application_id, today)
        app, roles, organisation = loaded.app, loaded.roles, loaded.organisation
        if not roles & PAYMENT_READERS:  # the record's readers, the system aside
            raise NotFound("Diesen Antrag gibt es nicht.")
        guideline = fonds.catalog.guideline(s, app.guideline_version_id)
        workflow = fonds.catalog.workflow(s, app.workflow_version_id)
        state = workflow.state(app.state)
        require_letter_reader(s, app, roles)
        rows = read_together(
            s,
            lambda: _applicant_reads(workflow),
            key=("applicant page", app.workflow_version_id),
            params={"application_id": app.id},
        )
        timeline = timeline_from_rows(rows["timeline"])
        payments: list[Payment] = [r[0] for r in rows["payments"]]
        own_draft = state.initial and organisation is None and actor.user_id == app.applicant_id
        return ApplicantApplicationView(
            app=app,
            guideline=guideline,
            workflow=workflow,
            state=state,
            organisation=organisation,
            findings=tuple(findings_in(fonds, s, app, now)) if state.editable else (),
            actions=tuple(actions_in(fonds, s, app, roles, now)),
            timeline=tuple(timeline),
            letters=tuple(letters_from_rows(rows["letters"])),
            attachments=tuple(r[0] for r in rows["attachments"]),
            payments=tuple(payments),
            lapse=lapse_notice_in(fonds, s, app, payments, today),
            messages=tuple(messages_from_rows(rows["messages"])),
            changes_requested=last_request_in(workflow, [e.event for e in timeline])
            if state.editable and not state.initial
            else None,
            my_organisations=tuple(organisations_in(s, app.applicant_id)) if own_draft else (),
        )
