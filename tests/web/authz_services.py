"""The engine's half of the authorization table: every public use case that takes an actor.

One row per function (`module.name`): whether it reads or writes, which role may call it in
which state (same notation as tests/web/authz_table.py; roles are the eight logged-in roles, an
anonymous visitor has no actor), and how to call it for one state. The test calls reads as every
role and writes as every refused role (they must refuse and change nothing); a role that may not
see the application at all must get NotFound, never a hint that it exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from fondsengine.accounts import (
    erasure,
    login,
    notifications,
    organisations,
    profile,
    second_factor,
    subject_access,
    users,
)
from fondsengine.accounts import service as accounts
from fondsengine.applications import (
    decisions,
    granting,
    limits,
    message_sharing,
    messages,
    notes,
    publication,
    queries,
    queue,
    records,
    repeats,
    steps,
    todo,
    views,
)
from fondsengine.applications import service as applications
from fondsengine.clock import local_date
from fondsengine.engine import Actor
from fondsengine.errors import NotFound
from fondsengine.funds import cofinancing
from fondsengine.funds import drafts as guideline_drafts
from fondsengine.funds import loading as funds
from fondsengine.integrity import audit_view
from fondsengine.integrity.audit_view import AuditFilter
from fondsengine.jury import circulation as jury_circulation
from fondsengine.jury import closing as jury_closing
from fondsengine.jury import common as jury_common
from fondsengine.jury import draw_records as jury_draw_records
from fondsengine.jury import members as jury_members
from fondsengine.jury import minutes as jury_minutes
from fondsengine.jury import notes as jury_notes
from fondsengine.jury import paper as jury_paper
from fondsengine.jury import papers_files as jury_files
from fondsengine.jury import papers_read as jury_papers_read
from fondsengine.jury import planning
from fondsengine.jury import pool as jury_pool
from fondsengine.jury import reads as jury_reads
from fondsengine.jury import sessions as jury_sessions
from fondsengine.jury import voting as jury_voting
from fondsengine.letters import access as letters_access
from fondsengine.lifecycle import authz
from fondsengine.payments import bookings, orders, proofs
from fondsengine.payments import service as payments
from fondsengine.reports import dashboard as reports_dashboard
from fondsengine.reports import data as reports_data
from fondsengine.reports import monitoring
from tests.support.factories import CF
from tests.web.authz_table import (
    ALL,
    ANY_OFFICE,
    APPLICANT_SIDE,
    OFFICE,
    ON_AGENDA,
    RECORD,
    SUBMITTED,
    WITH_LETTER,
    roles,
)
from tests.web.authz_world import PDF, ROLES, AuthzWorld
from tests.web.builders import QF, ROOT, good_input

USER_ROLES = tuple(r for r in ROLES if r != "anonymous")
# who may see an application at all: its record's readers, and the jury while it is on an agenda
VISIBLE = {**RECORD, "jury_on": ON_AGENDA}
JURY_PAPERS = {**OFFICE, "jury_on": ON_AGENDA}  # the jury's papers of an application (and the office)
SELF = roles(*USER_ROLES)  # acts on the caller's own account only
Call = Callable[[AuthzWorld, Actor, str], Any]


@dataclass(frozen=True)
class Use:
    """One use case in the table."""

    scope: str  # "application" or "fund"
    writes: bool
    allowed: dict[str, frozenset[str]]
    call: Call
    states: frozenset[str] = ALL

    def may(self, role: str, state: str) -> bool:
        """True when the role may call the use case in this state."""
        return state in self.allowed.get(role, frozenset()) or (state == "-" and role in self.allowed)


def read(allowed: dict[str, frozenset[str]], call: Call, *, states: frozenset[str] = ALL) -> Use:
    """A use case about one application that changes nothing."""
    return Use("application", False, allowed, call, states)


def write(allowed: dict[str, frozenset[str]], call: Call, *, states: frozenset[str] = ALL) -> Use:
    """A use case about one application that changes data."""
    return Use("application", True, allowed, call, states)


def fund_read(allowed: dict[str, frozenset[str]], call: Call) -> Use:
    """A use case about a fund, a session or the caller that changes nothing."""
    return Use("fund", False, allowed, call)


def fund_write(allowed: dict[str, frozenset[str]], call: Call) -> Use:
    """A use case about a fund, a session or the caller that changes data."""
    return Use("fund", True, allowed, call)


def _erasure_request(aw: AuthzWorld) -> int:
    """The owner's open erasure request of the world (the owner applied to the Quartiersfonds only)."""
    return erasure.erasure_requests(aw.world.fonds, Actor(aw.users["manager"]))[0].id


def _file_number(aw: AuthzWorld, state: str) -> str:
    with aw.world.fonds.db.read() as s:
        from fondsengine.model import Application

        app = s.get(Application, aw.app[state])
        assert app is not None and app.file_number is not None
        return app.file_number


def _info(aw: AuthzWorld, a: Actor) -> jury_reads.SessionInfo:
    info = jury_reads.session_info(aw.world.fonds, a, aw.session_planned)
    if info is None:
        raise NotFound("Diese Jurysitzung gibt es nicht.")
    return info


def _agenda_items_in(aw: AuthzWorld, a: Actor) -> list[jury_reads.ItemView]:
    """`agenda_items_in` in a read session of its own, with the SessionInfo `session_info` authorised."""
    info, fonds = _info(aw, a), aw.world.fonds
    with fonds.db.read() as s:
        rows = jury_common.agenda_with_applications(s, info.id)
        members = jury_common.jury_members(s, info.fund_id, local_date(info.starts_at), info.rules)
        return jury_reads.agenda_items_in(fonds, s, a, info, rows, members)


def _notes_in(aw: AuthzWorld, a: Actor) -> dict[int, jury_notes.ItemNotes]:
    """`notes_in` in a read session of its own."""
    fonds = aw.world.fonds
    with fonds.db.read() as s:
        js = jury_common.load_session(s, aw.session_planned)
        return jury_notes.notes_in(fonds, s, a, js, jury_common.agenda_with_applications(s, js.id), fonds.clock.now())


def _dashboard(aw: AuthzWorld, a: Actor) -> reports_dashboard.Dashboard:
    """The Quartiersfonds's dashboard in a read session of its own (a manager of another fund is refused)."""
    fonds = aw.world.fonds
    with fonds.db.read() as s:
        return reports_dashboard.dashboard(fonds, s, a, QF)


def _attachment(aw: AuthzWorld) -> records.AttachmentInput:
    return records.AttachmentInput("cost_estimate", "x.pdf", "application/pdf", PDF)


LATER = datetime(2026, 4, 1, 16, tzinfo=UTC)
REPORT_READERS = roles("manager", "city_approver", "auditor")
MINUTES_READERS = roles("jury_on", "manager", "city_approver", "auditor")


SERVICES: dict[str, Use] = {
    # issue 17: a vote by circulation started in the web, the jury's notes, the draw page, organisations
    "fondsengine.jury.circulation.start_circulation": fund_write(
        OFFICE,
        lambda aw, a, st: jury_circulation.start_circulation(
            aw.world.fonds, a, QF, [aw.app["in_review"]], datetime(2026, 3, 1, 17, tzinfo=UTC)
        ),
    ),
    "fondsengine.jury.notes.comment_on_item": fund_write(
        roles("jury_on", "manager"), lambda aw, a, st: jury_notes.comment_on_item(aw.world.fonds, a, aw.item, "Gut")
    ),
    "fondsengine.jury.notes.score_item": fund_write(
        roles("jury_on"), lambda aw, a, st: jury_notes.score_item(aw.world.fonds, a, aw.item, {"nutzen": 3})
    ),
    "fondsengine.jury.notes.notes_of_session": fund_read(
        roles("jury_on", "manager"),
        lambda aw, a, st: jury_notes.notes_of_session(aw.world.fonds, a, aw.session_planned),
    ),
    "fondsengine.jury.notes.notes_in": fund_read(roles("jury_on", "manager"), lambda aw, a, st: _notes_in(aw, a)),
    "fondsengine.jury.draw_records.office_draws": fund_read(
        OFFICE, lambda aw, a, st: jury_draw_records.office_draws(aw.world.fonds, a, QF)
    ),
    "fondsengine.accounts.organisations.create_organisation": fund_write(
        SELF, lambda aw, a, st: organisations.create_organisation(aw.world.fonds, a, "Verein", "association")
    ),
    "fondsengine.accounts.organisations.add_organisation_member": fund_write(
        roles("owner"),  # the representative
        lambda aw, a, st: organisations.add_organisation_member(aw.world.fonds, a, aw.organisation, "bert@example.org"),
    ),
    "fondsengine.accounts.organisations.remove_organisation_member": fund_write(
        roles("owner"),
        lambda aw, a, st: organisations.remove_organisation_member(
            aw.world.fonds, a, aw.organisation, aw.users["co_applicant"]
        ),
    ),
    "fondsengine.accounts.organisations.name_representative": fund_write(
        roles("owner"),
        lambda aw, a, st: organisations.name_representative(
            aw.world.fonds, a, aw.organisation, aw.users["co_applicant"]
        ),
    ),
    "fondsengine.accounts.organisations.link_organisation": write(
        roles("owner", "co_applicant", states=frozenset({"draft"})),
        lambda aw, a, st: organisations.link_organisation(aw.world.fonds, a, aw.app[st], aw.organisation),
    ),
    "fondsengine.accounts.organisations.organisations_of": fund_read(
        SELF, lambda aw, a, st: organisations.organisations_of(aw.world.fonds, a)
    ),
    "fondsengine.accounts.organisations.application_and_organisation": read(
        RECORD, lambda aw, a, st: organisations.application_and_organisation(aw.world.fonds, a, aw.app[st])
    ),
    # letters and reports
    "fondsengine.letters.access.letters_of": read(
        RECORD, lambda aw, a, st: letters_access.letters_of(aw.world.fonds, a, _file_number(aw, st)), states=SUBMITTED
    ),
    "fondsengine.letters.access.letters_of_application": read(
        RECORD, lambda aw, a, st: letters_access.letters_of_application(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.letters.access.letter_pdf": read(
        RECORD, lambda aw, a, st: letters_access.letter_pdf(aw.world.fonds, a, aw.letter[st]), states=WITH_LETTER
    ),
    "fondsengine.letters.access.letter_page_of": read(
        RECORD, lambda aw, a, st: letters_access.letter_page_of(aw.world.fonds, a, aw.letter[st]), states=WITH_LETTER
    ),
    "fondsengine.reports.data.annual_report_data": fund_read(
        REPORT_READERS, lambda aw, a, st: reports_data.annual_report_data(aw.world.fonds, a, QF, 2026)
    ),
    "fondsengine.reports.data.rollup_data": fund_read(
        REPORT_READERS, lambda aw, a, st: reports_data.rollup_data(aw.world.fonds, a, QF, 2026)
    ),
    # the applicant's use cases
    "fondsengine.applications.service.create_draft": fund_write(
        OFFICE,  # on behalf of another person; a draft of one's own is open to every account
        lambda aw, a, st: applications.create_draft(aw.world.fonds, a, QF, good_input(), on_behalf_of=aw.world.bert),
    ),
    "fondsengine.applications.service.enter_paper_application": fund_write(
        OFFICE,
        lambda aw, a, st: applications.enter_paper_application(
            aw.world.fonds, a, QF, good_input(), applications.PaperPerson("Erika Papier")
        ),
    ),
    "fondsengine.applications.service.update_draft": write(
        APPLICANT_SIDE, lambda aw, a, st: applications.update_draft(aw.world.fonds, a, aw.app[st], good_input())
    ),
    "fondsengine.applications.service.correct_application": write(
        OFFICE,
        lambda aw, a, st: applications.correct_application(
            aw.world.fonds, a, aw.app[st], good_input(title="Korrigiert"), reason="Tippfehler"
        ),
    ),
    "fondsengine.applications.service.submit": write(
        APPLICANT_SIDE, lambda aw, a, st: applications.submit(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.service.resubmit": write(
        APPLICANT_SIDE, lambda aw, a, st: applications.resubmit(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.service.withdraw": write(
        APPLICANT_SIDE, lambda aw, a, st: applications.withdraw(aw.world.fonds, a, aw.app[st], reason="Test")
    ),
    "fondsengine.applications.limits.lift_limit": write(
        OFFICE, lambda aw, a, st: limits.lift_limit(aw.world.fonds, a, aw.app[st], "normal_max", "Begründet")
    ),
    "fondsengine.applications.repeats.link_repeat": write(
        OFFICE, lambda aw, a, st: repeats.link_repeat(aw.world.fonds, a, aw.app[st], "WQ-2025-0001")
    ),
    "fondsengine.applications.service.delete_draft": write(
        APPLICANT_SIDE, lambda aw, a, st: applications.delete_draft(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.service.confirm_consultation": write(
        OFFICE, lambda aw, a, st: applications.confirm_consultation(aw.world.fonds, a, aw.app[st], date(2026, 1, 6))
    ),
    "fondsengine.applications.records.applications_of": fund_read(
        SELF, lambda aw, a, st: records.applications_of(aw.world.fonds, a)
    ),
    "fondsengine.applications.records.add_attachment": write(
        APPLICANT_SIDE, lambda aw, a, st: records.add_attachment(aw.world.fonds, a, aw.app[st], _attachment(aw))
    ),
    "fondsengine.applications.records.remove_attachment": write(
        APPLICANT_SIDE,
        lambda aw, a, st: records.remove_attachment(aw.world.fonds, a, aw.app[st], aw.attachment[st]),
    ),
    "fondsengine.applications.records.attachments_of": read(
        RECORD, lambda aw, a, st: records.attachments_of(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.records.attachment_file": read(
        RECORD, lambda aw, a, st: records.attachment_file(aw.world.fonds, a, aw.app[st], aw.attachment[st])
    ),
    "fondsengine.applications.records.attachment_content": read(
        RECORD, lambda aw, a, st: records.attachment_content(aw.world.fonds, a, aw.app[st], aw.attachment[st])
    ),
    "fondsengine.payments.service.payment_allowance": read(
        APPLICANT_SIDE, lambda aw, a, st: payments.payment_allowance(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.payments.service.lapse_notice": read(
        RECORD, lambda aw, a, st: payments.lapse_notice(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.payments.service.payments_of": read(
        RECORD, lambda aw, a, st: payments.payments_of(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.payments.service.request_payment": write(
        APPLICANT_SIDE,
        lambda aw, a, st: payments.request_payment(
            aw.world.fonds,
            a,
            aw.app[st],
            amount_cents=10_000,
            kind="advance",
            iban="DE89 3704 0044 0532 0130 00",
            account_holder="Anna Beispiel",
        ),
    ),
    "fondsengine.payments.proofs.receipt_findings": read(
        {**OFFICE, "auditor": SUBMITTED}, lambda aw, a, st: proofs.receipt_findings(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.todo.office_todo": fund_read(
        ANY_OFFICE, lambda aw, a, st: todo.office_todo(aw.world.fonds, a)
    ),
    "fondsengine.reports.dashboard.dashboard": fund_read(OFFICE, lambda aw, a, st: _dashboard(aw, a)),
    "fondsengine.applications.queue.office_queue": fund_read(
        ANY_OFFICE, lambda aw, a, st: queue.office_queue(aw.world.fonds, a, queue.QueueFilter())
    ),
    "fondsengine.applications.queue.queue_export": fund_read(
        ANY_OFFICE, lambda aw, a, st: queue.queue_export(aw.world.fonds, a, queue.QueueFilter())
    ),
    "fondsengine.payments.service.set_bank_account": write(
        APPLICANT_SIDE,
        lambda aw, a, st: payments.set_bank_account(
            aw.world.fonds, a, aw.app[st], iban="DE89 3704 0044 0532 0130 00", account_holder="Anna"
        ),
    ),
    "fondsengine.payments.service.record_payment": write(
        OFFICE,
        lambda aw, a, st: payments.record_payment(aw.world.fonds, a, aw.app[st], amount_cents=10_000, kind="advance"),
    ),
    "fondsengine.payments.proofs.submit_proof": write(
        APPLICANT_SIDE,
        lambda aw, a, st: proofs.submit_proof(
            aw.world.fonds,
            a,
            aw.app[st],
            report="Bericht",
            receipts=(proofs.ReceiptInput(date(2026, 5, 2), "Verleih", "Zelt", "rental", 20_000),),
            confirmed=True,
        ),
    ),
    "fondsengine.payments.proofs.review_receipt": fund_write(
        OFFICE, lambda aw, a, st: proofs.review_receipt(aw.world.fonds, a, 1, accepted=True)
    ),
    "fondsengine.payments.proofs.accept_proof": write(
        OFFICE, lambda aw, a, st: proofs.accept_proof(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.payments.proofs.return_proof": write(
        OFFICE, lambda aw, a, st: proofs.return_proof(aw.world.fonds, a, aw.app[st], "Bitte ergänzen.")
    ),
    "fondsengine.payments.proofs.claim_refund": write(
        OFFICE, lambda aw, a, st: proofs.claim_refund(aw.world.fonds, a, aw.app[st], amount_cents=100, reason="Test")
    ),
    "fondsengine.payments.proofs.record_refund": write(
        OFFICE, lambda aw, a, st: proofs.record_refund(aw.world.fonds, a, aw.app[st], amount_cents=100)
    ),
    "fondsengine.payments.proofs.close": write(OFFICE, lambda aw, a, st: proofs.close(aw.world.fonds, a, aw.app[st])),
    "fondsengine.payments.proofs.lapse": write(OFFICE, lambda aw, a, st: proofs.lapse(aw.world.fonds, a, aw.app[st])),
    # reads of one application
    "fondsengine.applications.queries.available_actions": read(
        VISIBLE, lambda aw, a, st: queries.available_actions(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.queries.findings_for": read(
        VISIBLE, lambda aw, a, st: queries.findings_for(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.queries.timeline": read(
        RECORD, lambda aw, a, st: queries.timeline(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.queries.get_application": read(
        RECORD, lambda aw, a, st: queries.get_application(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.queries.last_request_for_changes": read(
        RECORD, lambda aw, a, st: queries.last_request_for_changes(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.queries.may_act_for_applicant": read(
        RECORD, lambda aw, a, st: queries.may_act_for_applicant(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.jury.planning.sessions_page": fund_read(
        OFFICE, lambda aw, a, st: planning.sessions_page(aw.world.fonds, a, QF)
    ),
    "fondsengine.jury.planning.session_page": fund_read(
        OFFICE, lambda aw, a, st: planning.session_page(aw.world.fonds, a, aw.session_planned)
    ),
    "fondsengine.jury.planning.upcoming_sessions": fund_read(
        OFFICE, lambda aw, a, st: planning.upcoming_sessions(aw.world.fonds, a, QF)
    ),
    "fondsengine.payments.orders.requested_payments": read(
        OFFICE, lambda aw, a, st: orders.requested_payments(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.views.office_application_view": read(
        OFFICE, lambda aw, a, st: views.office_application_view(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.views.proof_section": read(
        OFFICE, lambda aw, a, st: views.proof_section(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.views.applicant_application_view": read(
        RECORD, lambda aw, a, st: views.applicant_application_view(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.notes.notes_of": read(
        {**OFFICE, "auditor": SUBMITTED}, lambda aw, a, st: notes.notes_of(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.notes.add_note": write(
        OFFICE, lambda aw, a, st: notes.add_note(aw.world.fonds, a, aw.app[st], "Notiz")
    ),
    "fondsengine.jury.papers_files.release_to_jury": write(
        OFFICE,
        lambda aw, a, st: jury_files.release_to_jury(aw.world.fonds, a, aw.app[st], aw.attachment[st], released=True),
    ),
    # no file of the world is released to the jury: nobody reads one through the jury's papers
    "fondsengine.jury.papers_files.jury_file": read(
        {}, lambda aw, a, st: jury_files.jury_file(aw.world.fonds, a, aw.app[st], aw.attachment[st])
    ),
    "fondsengine.jury.minutes.jury_view_of_application": read(
        roles("manager", "jury_on", states=ON_AGENDA),
        lambda aw, a, st: jury_minutes.jury_view_of_application(aw.world.fonds, a, aw.app[st]),
    ),
    # the office's decisions
    "fondsengine.applications.decisions.start_review": write(
        OFFICE, lambda aw, a, st: decisions.start_review(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.steps.take_step": write(
        OFFICE, lambda aw, a, st: steps.take_step(aw.world.fonds, a, aw.app[st], "start_review", steps.StepInput())
    ),
    "fondsengine.applications.decisions.record_review": write(
        OFFICE, lambda aw, a, st: decisions.record_review(aw.world.fonds, a, aw.app[st], {})
    ),
    "fondsengine.applications.decisions.request_changes": write(
        OFFICE, lambda aw, a, st: decisions.request_changes(aw.world.fonds, a, aw.app[st], "Bitte ergänzen.")
    ),
    "fondsengine.applications.decisions.complete_review": write(
        OFFICE, lambda aw, a, st: decisions.complete_review(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.decisions.decide_approve": write(
        OFFICE, lambda aw, a, st: decisions.decide_approve(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.decisions.decide_reject": write(
        OFFICE, lambda aw, a, st: decisions.decide_reject(aw.world.fonds, a, aw.app[st], "Nicht förderfähig.")
    ),
    "fondsengine.applications.decisions.schedule": write(
        OFFICE, lambda aw, a, st: decisions.schedule(aw.world.fonds, a, aw.app[st], aw.session_planned)
    ),
    "fondsengine.applications.decisions.unschedule": write(
        OFFICE, lambda aw, a, st: decisions.unschedule(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.decisions.jury_outcome_of": read(
        VISIBLE, lambda aw, a, st: decisions.jury_outcome_of(aw.world.fonds, a, aw.app[st], "jury_approve")
    ),
    "fondsengine.applications.decisions.record_jury_deferral": write(
        {**OFFICE, "jury_on": ON_AGENDA},  # the workflow lets the jury record its own deferral
        lambda aw, a, st: decisions.record_jury_deferral(aw.world.fonds, a, aw.app[st], reason="Vertagt."),
    ),
    "fondsengine.applications.decisions.record_city_grant": write(
        {"city_approver": SUBMITTED},
        lambda aw, a, st: decisions.record_city_grant(
            aw.world.fonds, a, aw.app[st], granted_on=date(2026, 2, 20), grant_file_number="STADT-1"
        ),
    ),
    "fondsengine.applications.decisions.external_approve": write(
        {"city_approver": SUBMITTED},
        lambda aw, a, st: decisions.external_approve(aw.world.fonds, a, aw.app[st]),
    ),
    "fondsengine.applications.decisions.external_reject": write(
        {"city_approver": SUBMITTED},
        lambda aw, a, st: decisions.external_reject(aw.world.fonds, a, aw.app[st], "Nein."),
    ),
    "fondsengine.applications.decisions.record_city_rejection": write(
        {"city_approver": SUBMITTED},
        lambda aw, a, st: decisions.record_city_rejection(aw.world.fonds, a, aw.app[st], "Nein."),
    ),
    "fondsengine.applications.decisions.create_session": fund_write(
        OFFICE, lambda aw, a, st: decisions.create_session(aw.world.fonds, a, QF, LATER, "Rathaus")
    ),
    "fondsengine.applications.decisions.require_manager": fund_read(
        OFFICE, lambda aw, a, st: decisions.require_manager(aw.world.fonds, a, QF)
    ),
    "fondsengine.payments.bookings.bookings": fund_read(
        REPORT_READERS, lambda aw, a, st: bookings.bookings(aw.world.fonds, a, QF, 2026)
    ),
    "fondsengine.payments.orders.open_payment_requests": fund_read(
        OFFICE, lambda aw, a, st: orders.open_payment_requests(aw.world.fonds, a, QF)
    ),
    "fondsengine.accounts.users.roles_of_fund": fund_read(
        OFFICE, lambda aw, a, st: users.roles_of_fund(aw.world.fonds, a, QF)
    ),
    "fondsengine.accounts.users.invite_to_role": fund_write(
        OFFICE,
        lambda aw, a, st: users.invite_to_role(
            aw.world.fonds, a, fund_id=QF, email="neu-rolle@example.org", name="Neu", role="auditor"
        ),
    ),
    "fondsengine.lifecycle.authz.funds_with_role": fund_read(
        SELF, lambda aw, a, st: authz.funds_with_role(aw.world.fonds, a, ("manager",))
    ),
    "fondsengine.funds.loading.load_funds": fund_write(
        {}, lambda aw, a, st: funds.load_funds(aw.world.fonds, a, ROOT / "richtlinien", ROOT / "workflows")
    ),
    # people and roles
    "fondsengine.accounts.users.grant_role": fund_write(
        OFFICE,
        lambda aw, a, st: users.grant_role(
            aw.world.fonds, a, user_id=aw.users["volunteer"], fund_id=QF, role="auditor"
        ),
    ),
    "fondsengine.accounts.users.revoke_role": fund_write(
        OFFICE,
        lambda aw, a, st: users.revoke_role(
            aw.world.fonds, a, user_id=aw.users["jury_on"], fund_id=QF, role="jury_member"
        ),
    ),
    "fondsengine.accounts.notifications.notification_choices": fund_read(
        SELF, lambda aw, a, st: notifications.notification_choices(aw.world.fonds, a)
    ),
    "fondsengine.accounts.notifications.set_notifications": fund_write(
        SELF, lambda aw, a, st: notifications.set_notifications(aw.world.fonds, a, set())
    ),
    # the caller's own account (issue 10: sessions, password, address, second factor)
    "fondsengine.accounts.service.check_email_change": fund_read(
        SELF,
        lambda aw, a, st: accounts.check_email_change(aw.world.fonds, a, new_email="neu@example.org", password="x"),
    ),
    "fondsengine.accounts.service.change_email": fund_write(
        SELF, lambda aw, a, st: accounts.change_email(aw.world.fonds, a, "neu@example.org")
    ),
    "fondsengine.accounts.login.end_sessions": fund_write(
        SELF, lambda aw, a, st: login.end_sessions(aw.world.fonds, a)
    ),
    "fondsengine.accounts.login.change_password": fund_write(
        SELF, lambda aw, a, st: login.change_password(aw.world.fonds, a, current="x", new="y")
    ),
    "fondsengine.accounts.second_factor.start_setup": fund_write(
        SELF, lambda aw, a, st: second_factor.start_setup(aw.world.fonds, a)
    ),
    "fondsengine.accounts.second_factor.confirm_setup": fund_write(
        SELF, lambda aw, a, st: second_factor.confirm_setup(aw.world.fonds, a, "000000")
    ),
    "fondsengine.accounts.second_factor.remove": fund_write(
        SELF, lambda aw, a, st: second_factor.remove(aw.world.fonds, a, password="x")
    ),
    # the jury
    "fondsengine.jury.members.appoint_member": fund_write(
        OFFICE,
        lambda aw, a, st: jury_members.appoint_member(
            aw.world.fonds, a, QF, aw.users["volunteer"], "resident", date(2026, 1, 1), None
        ),
    ),
    "fondsengine.jury.members.register_volunteer": fund_write(
        OFFICE,  # for another person (here: one who holds none of the roles)
        lambda aw, a, st: jury_members.register_volunteer(aw.world.fonds, a, QF, aw.users["volunteer"], "resident"),
    ),
    "fondsengine.jury.members.withdraw_volunteer": fund_write(
        OFFICE, lambda aw, a, st: jury_members.withdraw_volunteer(aw.world.fonds, a, QF, aw.users["volunteer"])
    ),
    "fondsengine.jury.members.draw_members": fund_write(
        OFFICE,
        lambda aw, a, st: jury_members.draw_members(aw.world.fonds, a, QF, 1, "seed", term_from=date(2026, 3, 1)),
    ),
    "fondsengine.jury.minutes.minutes": fund_read(
        MINUTES_READERS, lambda aw, a, st: jury_minutes.minutes(aw.world.fonds, a, aw.session_past)
    ),
    "fondsengine.jury.reads.my_sessions": fund_read(SELF, lambda aw, a, st: jury_reads.my_sessions(aw.world.fonds, a)),
    "fondsengine.jury.reads.session_info": fund_read(roles("jury_on", "manager"), lambda aw, a, st: _info(aw, a)),
    "fondsengine.jury.reads.agenda_items": fund_read(
        roles("jury_on", "manager"),  # takes the SessionInfo that session_info authorised
        lambda aw, a, st: jury_reads.agenda_items(aw.world.fonds, a, _info(aw, a)),
    ),
    "fondsengine.jury.reads.agenda_items_in": fund_read(
        roles("jury_on", "manager"),  # in the read session of the session page, like agenda_items
        lambda aw, a, st: _agenda_items_in(aw, a),
    ),
    "fondsengine.jury.papers_read.session_page": fund_read(
        roles("jury_on", "manager"),  # takes the SessionInfo that session_info authorised
        lambda aw, a, st: jury_papers_read.session_page(aw.world.fonds, a, _info(aw, a)),
    ),
    "fondsengine.jury.sessions.invite": fund_write(
        OFFICE, lambda aw, a, st: jury_sessions.invite(aw.world.fonds, a, aw.session_planned)
    ),
    "fondsengine.jury.sessions.confirm_attendance": fund_write(
        roles("jury_on", "manager"),
        lambda aw, a, st: jury_sessions.confirm_attendance(aw.world.fonds, a, aw.session_planned, True),
    ),
    "fondsengine.jury.sessions.open_session": fund_write(
        roles("jury_on", "manager"),  # the member named as chair opens it
        lambda aw, a, st: jury_sessions.open_session(
            aw.world.fonds, a, aw.session_planned, {aw.users["jury_on"]}, aw.users["jury_on"]
        ),
    ),
    "fondsengine.jury.sessions.declare_conflict": fund_write(
        roles("jury_on", "manager"),
        lambda aw, a, st: jury_sessions.declare_conflict(aw.world.fonds, a, aw.item, aw.users["jury_on"], "befangen"),
    ),
    "fondsengine.jury.sessions.declare_no_conflict": fund_write(
        roles("jury_on", "manager"),
        lambda aw, a, st: jury_sessions.declare_no_conflict(aw.world.fonds, a, aw.item, aw.users["jury_on"]),
    ),
    "fondsengine.jury.sessions.withdraw_conflict": fund_write(
        roles("jury_on", "manager"),
        lambda aw, a, st: jury_sessions.withdraw_conflict(aw.world.fonds, a, aw.item, aw.users["jury_on"]),
    ),
    "fondsengine.jury.voting.cast_vote": fund_write(
        roles("jury_on"), lambda aw, a, st: jury_voting.cast_vote(aw.world.fonds, a, aw.item, "yes", None)
    ),
    "fondsengine.jury.voting.enter_show_of_hands": fund_write(
        OFFICE, lambda aw, a, st: jury_voting.enter_show_of_hands(aw.world.fonds, a, aw.item, {})
    ),
    "fondsengine.jury.paper.close_item_on_paper": fund_write(
        OFFICE,
        lambda aw, a, st: jury_paper.close_item_on_paper(
            aw.world.fonds,
            a,
            aw.item,
            yes=1,
            no=0,
            abstain=0,
            protocol=records.AttachmentInput("other", "protokoll.pdf", "application/pdf", PDF),
        ),
    ),
    "fondsengine.jury.paper.paper_facts": read(
        OFFICE, lambda aw, a, st: jury_paper.paper_facts(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.granting.granting_queue": fund_read(
        SELF, lambda aw, a, st: granting.granting_queue(aw.world.fonds, a)
    ),
    "fondsengine.applications.granting.granting_view": read(
        roles("city_approver", states=SUBMITTED),
        lambda aw, a, st: granting.granting_view(aw.world.fonds, a, aw.app[st]),
    ),
    "fondsengine.jury.closing.close_item": fund_write(
        OFFICE, lambda aw, a, st: jury_closing.close_item(aw.world.fonds, a, aw.item)
    ),
    "fondsengine.jury.closing.close_circulation": fund_write(
        OFFICE, lambda aw, a, st: jury_closing.close_circulation(aw.world.fonds, a, aw.session_planned)
    ),
    "fondsengine.jury.closing.close_session": fund_write(
        OFFICE, lambda aw, a, st: jury_closing.close_session(aw.world.fonds, a, aw.session_planned)
    ),
    # the fund in public (issue 16): consent, listing, monitoring, Art. 15
    "fondsengine.applications.publication.record_consent": write(
        APPLICANT_SIDE,
        lambda aw, a, st: publication.record_consent(
            aw.world.fonds, a, aw.app[st], publication.ConsentInput(publish_title=True), stage="application"
        ),
    ),
    "fondsengine.applications.publication.consent_of": read(
        RECORD, lambda aw, a, st: publication.consent_of(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.publication.set_listing": write(
        OFFICE,
        lambda aw, a, st: publication.set_listing(
            aw.world.fonds, a, aw.app[st], publication.ListingInput(area_part="Nord")
        ),
    ),
    "fondsengine.applications.publication.listing_of": read(
        OFFICE, lambda aw, a, st: publication.listing_of(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.reports.monitoring.monitoring_figures": fund_read(
        roles("manager", "auditor"), lambda aw, a, st: monitoring.monitoring_figures(aw.world.fonds, a, QF, 2026)
    ),
    "fondsengine.accounts.subject_access.personal_data": fund_read(
        SELF, lambda aw, a, st: subject_access.personal_data(aw.world.fonds, a)
    ),
    # issue 17 (office): audit view, the account's own data, messages inside an application
    "fondsengine.integrity.audit_view.fund_trail": fund_read(
        roles("manager", "auditor"), lambda aw, a, st: audit_view.fund_trail(aw.world.fonds, a, QF, AuditFilter())
    ),
    "fondsengine.integrity.audit_view.integrity_for_fund": fund_read(
        roles("manager", "auditor"), lambda aw, a, st: audit_view.integrity_for_fund(aw.world.fonds, a, QF)
    ),
    "fondsengine.integrity.audit_view.application_trail": read(
        {**OFFICE, "auditor": SUBMITTED},
        lambda aw, a, st: audit_view.application_trail(aw.world.fonds, a, aw.app[st], AuditFilter()),
    ),
    "fondsengine.applications.limits.rule_exceptions": read(
        OFFICE, lambda aw, a, st: limits.rule_exceptions(aw.world.fonds, a, aw.app[st])
    ),
    # issue 14: fund-level co-financing (the Cityfonds; manager_other manages it)
    "fondsengine.funds.cofinancing.co_financing_status": fund_read(
        roles("manager_other"), lambda aw, a, st: cofinancing.co_financing_status(aw.world.fonds, a, CF, 2026)
    ),
    "fondsengine.funds.cofinancing.record_private_contribution": fund_write(
        roles("manager_other"),
        lambda aw, a, st: cofinancing.record_private_contribution(
            aw.world.fonds,
            a,
            CF,
            2026,
            contributor="Werbegemeinschaft",
            amount_cents=100_000,
            received_on=date(2026, 2, 1),
        ),
    ),
    # issue 16: the right to erasure
    "fondsengine.accounts.erasure.request_erasure": fund_write(
        SELF, lambda aw, a, st: erasure.request_erasure(aw.world.fonds, a, "")
    ),
    "fondsengine.accounts.erasure.erasure_preview": fund_read(
        SELF, lambda aw, a, st: erasure.erasure_preview(aw.world.fonds, a)
    ),
    "fondsengine.accounts.erasure.my_erasure_request": fund_read(
        SELF, lambda aw, a, st: erasure.my_erasure_request(aw.world.fonds, a)
    ),
    "fondsengine.accounts.erasure.erasure_requests": fund_read(
        ANY_OFFICE, lambda aw, a, st: erasure.erasure_requests(aw.world.fonds, a)
    ),
    "fondsengine.accounts.erasure.carry_out_erasure": fund_write(
        OFFICE, lambda aw, a, st: erasure.carry_out_erasure(aw.world.fonds, a, _erasure_request(aw))
    ),
    "fondsengine.accounts.profile.profile_of": fund_read(SELF, lambda aw, a, st: profile.profile_of(aw.world.fonds, a)),
    "fondsengine.accounts.profile.change_profile": fund_write(
        SELF,
        lambda aw, a, st: profile.change_profile(aw.world.fonds, a, name="Neu", street="", postcode="", city=""),
    ),
    "fondsengine.accounts.profile.set_language": fund_write(
        SELF, lambda aw, a, st: profile.set_language(aw.world.fonds, a, "en")
    ),
    "fondsengine.applications.messages.messages_of": read(
        RECORD, lambda aw, a, st: messages.messages_of(aw.world.fonds, a, aw.app[st])
    ),
    # the guideline in the browser (issue 17): drafts, preview, the council's adoption
    "fondsengine.funds.drafts.guideline_overview": fund_read(
        OFFICE, lambda aw, a, st: guideline_drafts.guideline_overview(aw.world.fonds, a, QF)
    ),
    "fondsengine.funds.drafts.version_text": fund_read(
        OFFICE, lambda aw, a, st: guideline_drafts.version_text(aw.world.fonds, a, aw.guideline_version)
    ),
    "fondsengine.funds.drafts.draft_of": fund_read(
        OFFICE, lambda aw, a, st: guideline_drafts.draft_of(aw.world.fonds, a, aw.guideline_draft)
    ),
    "fondsengine.funds.drafts.preview_draft": fund_read(
        OFFICE, lambda aw, a, st: guideline_drafts.preview_draft(aw.world.fonds, a, aw.guideline_draft)
    ),
    "fondsengine.funds.drafts.council_decision": fund_read(
        OFFICE, lambda aw, a, st: guideline_drafts.council_decision(aw.world.fonds, a, aw.guideline_adoption)
    ),
    "fondsengine.funds.drafts.save_draft": fund_write(
        OFFICE, lambda aw, a, st: guideline_drafts.save_draft(aw.world.fonds, a, QF, "name: x\n")
    ),
    "fondsengine.funds.drafts.adopt_draft": fund_write(
        OFFICE,
        lambda aw, a, st: guideline_drafts.adopt_draft(
            aw.world.fonds,
            a,
            aw.guideline_draft,
            council_date=date(2026, 2, 1),
            council_reference="DS 2/2026",
            decision=guideline_drafts.DecisionFile("Beschluss.pdf", "application/pdf", PDF),
        ),
    ),
    "fondsengine.applications.messages.send_message": write(
        APPLICANT_SIDE, lambda aw, a, st: messages.send_message(aw.world.fonds, a, aw.app[st], "Hallo")
    ),
    # messages shared with the jury's papers, guideline drafts deleted, the volunteer pool (issue 17)
    "fondsengine.applications.message_sharing.share_message_with_jury": write(
        OFFICE,
        lambda aw, a, st: message_sharing.share_message_with_jury(aw.world.fonds, a, aw.app[st], aw.message[st]),
    ),
    "fondsengine.applications.message_sharing.unshare_message_with_jury": write(
        OFFICE,
        lambda aw, a, st: message_sharing.unshare_message_with_jury(aw.world.fonds, a, aw.app[st], aw.message[st]),
    ),
    "fondsengine.applications.message_sharing.jury_messages": read(
        JURY_PAPERS, lambda aw, a, st: message_sharing.jury_messages(aw.world.fonds, a, aw.app[st])
    ),
    "fondsengine.applications.message_sharing.shared_attachment": read(
        JURY_PAPERS,
        lambda aw, a, st: message_sharing.shared_attachment(aw.world.fonds, a, aw.app[st], aw.message[st]),
    ),
    "fondsengine.funds.drafts.delete_draft": fund_write(
        OFFICE, lambda aw, a, st: guideline_drafts.delete_draft(aw.world.fonds, a, aw.guideline_draft)
    ),
    "fondsengine.jury.pool.my_pools": fund_read(SELF, lambda aw, a, st: jury_pool.my_pools(aw.world.fonds, a)),
}
