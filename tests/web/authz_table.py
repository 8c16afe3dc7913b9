"""THE authorization table: who may reach which page, in which state of the application.

One row per (endpoint, method) of the Flask url_map. `allowed` maps a role to the application
states in which it may use the route (for routes without an application the state is `-`);
every role missing from the mapping is refused in every state. A POST row with `posts=True`
changes data: the table test posts it as every refused role and checks the answer is 403/404
(or the login page for anonymous visitors) and that nothing in the database changed.
`test_authorization_table.py` walks every route of the url_map with every role and state and
fails on a route missing here. Roles and states: tests/web/authz_world.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.web.authz_world import ROLES, STATES

ALL = frozenset(STATES)
SUBMITTED = ALL - {"draft"}
ON_AGENDA = frozenset({"on_agenda", "approved", "paid"})
WITH_LETTER = SUBMITTED  # a draft has no letter yet
FORM_STEP = frozenset({"in_review", "approved", "paid"})  # states with a step that asks for input
NOWHERE = frozenset[str]()

Allowed = Mapping[str, frozenset[str]]


def roles(*names: str, states: frozenset[str] = ALL) -> dict[str, frozenset[str]]:
    """The same states for several roles."""
    return dict.fromkeys(names, states)


EVERYONE = roles(*ROLES)
LOGGED_IN = roles(*(r for r in ROLES if r != "anonymous"))
# who may read an application's whole record: the owner, its co-applicants (members of the
# organisation it is made for) and the office always, the city's approvers and the auditors once it
# is submitted; the jury never (it gets its own papers)
RECORD = {**roles("owner", "co_applicant", "manager"), **roles("city_approver", "auditor", states=SUBMITTED)}
# who may act for the applicant (the owner and co-applicants, the office for them)
APPLICANT_SIDE = roles("owner", "co_applicant", "manager")
JURY_AND_OFFICE = roles("jury_on", "manager")
JURY_ON_AGENDA_AND_OFFICE = {**roles("manager"), "jury_on": ON_AGENDA}  # the jury's papers of an application
OFFICE = roles("manager")
ANY_OFFICE = roles("manager", "manager_other")  # fund-wide pages: each manager sees their own fund


@dataclass(frozen=True)
class Row:
    """What the table says about one route and method."""

    scope: str  # "application" (one application per state), "fund" (no application: state "-")
    allowed: Allowed
    posts: bool = False  # a POST that changes data: refused roles are posted and checked
    states: frozenset[str] = ALL  # the states the route is checked in (application scope)
    why: str = ""  # when the row is not an authorization question (public auth flows)
    args: Mapping[str, str] = field(default_factory=dict)  # fixed URL arguments

    def may(self, role: str, state: str) -> bool:
        """True when the role may use the route in this state."""
        return state in self.allowed.get(role, NOWHERE) or (state == "-" and role in self.allowed)


def app_row(allowed: Allowed, *, posts: bool = False, states: frozenset[str] = ALL) -> Row:
    """A route about one application."""
    return Row("application", allowed, posts=posts, states=states)


def fund_row(allowed: Allowed, *, posts: bool = False, **args: str) -> Row:
    """A route without an application (a fund, a session, the account)."""
    return Row("fund", allowed, posts=posts, args=args)


def public(why: str) -> Row:
    """A public route of the login flows: any answer but a server error; posted elsewhere."""
    return Row("fund", EVERYONE, why=why)


TABLE: dict[tuple[str, str], Row] = {
    # public pages
    ("public.index", "GET"): fund_row(EVERYONE),
    ("public.accessibility", "GET"): fund_row(EVERYONE),
    ("static", "GET"): fund_row(EVERYONE, filename="style.css"),
    ("jury.public_minutes", "GET"): fund_row(EVERYONE, session="past"),
    # login flows (webapp/auth, tested with their limits in tests/web/test_auth*.py)
    ("auth.login", "GET"): public("the login page"),
    ("auth.login", "POST"): public("logs in: tests/web/test_forms_and_security.py"),
    ("auth.logout", "POST"): public("ends the client's session: tests/web/test_forms_and_security.py"),
    ("auth.register", "GET"): public("registration page"),
    ("auth.register", "POST"): public("registration: tests/web/test_forms_and_security.py"),
    ("auth.confirm", "GET"): public("signed link; a wrong token is refused by its signature"),
    ("auth.forgot", "GET"): public("reset page"),
    ("auth.forgot", "POST"): public("reset mail: tests/web/test_forms_and_security.py"),
    ("auth.reset", "GET"): public("signed link; a wrong token is refused by its signature"),
    ("auth.reset", "POST"): public("signed link; a wrong token is refused by its signature"),
    ("auth.second_step", "GET"): public("second login step, only after the password: tests/web/test_auth_totp.py"),
    ("auth.second_step", "POST"): public("second login step, only after the password: tests/web/test_auth_totp.py"),
    ("auth.confirm_email_change", "GET"): public("signed link; a wrong token is refused by its signature"),
    ("auth.change_password", "POST"): fund_row(LOGGED_IN, posts=True),
    ("auth.request_email_change", "POST"): fund_row(LOGGED_IN, posts=True),
    ("auth.second_factor_setup", "GET"): fund_row(LOGGED_IN),
    ("auth.second_factor_setup", "POST"): fund_row(LOGGED_IN, posts=True),
    ("auth.second_factor_remove", "POST"): fund_row(LOGGED_IN, posts=True),
    ("health.healthz", "GET"): fund_row(EVERYONE),
    ("health.readyz", "GET"): fund_row(EVERYONE),
    ("auth.account", "GET"): fund_row(LOGGED_IN),
    ("auth.account", "POST"): fund_row(LOGGED_IN, posts=True),
    # the applicant's pages
    ("applicant.overview", "GET"): fund_row(LOGGED_IN),
    ("applicant.new", "GET"): fund_row(LOGGED_IN, fund_id="witten-quartiersfonds"),
    ("applicant.new", "POST"): fund_row(LOGGED_IN, posts=True, fund_id="witten-quartiersfonds"),
    ("applicant.detail", "GET"): app_row(RECORD),
    ("applicant.edit", "GET"): app_row(RECORD),
    ("applicant.edit", "POST"): app_row(APPLICANT_SIDE, posts=True),
    ("applicant.delete_draft", "GET"): app_row(RECORD),
    ("applicant.delete_draft", "POST"): app_row(APPLICANT_SIDE, posts=True),
    ("applicant.withdraw", "GET"): app_row(RECORD),
    ("applicant.withdraw", "POST"): app_row(APPLICANT_SIDE, posts=True),
    ("applicant.step", "POST"): app_row(APPLICANT_SIDE, posts=True),
    ("applicant.upload", "POST"): app_row(APPLICANT_SIDE, posts=True),
    ("applicant.attachment", "GET"): app_row(RECORD),
    ("manage.release_attachment", "POST"): app_row(OFFICE, posts=True),
    # only files the office released to the jury; the world releases none, so nobody gets one here
    # (tests/web/test_jury_papers_financing.py reads a released file as a member)
    ("jury.attachment", "GET"): app_row({}),
    ("applicant.letter", "GET"): app_row(RECORD, states=WITH_LETTER),
    ("applicant.letter_page", "GET"): app_row(RECORD, states=WITH_LETTER),
    ("applicant.payment", "GET"): app_row(APPLICANT_SIDE),
    ("applicant.payment", "POST"): app_row(APPLICANT_SIDE, posts=True),
    ("applicant.proof", "GET"): app_row(RECORD),
    ("applicant.proof", "POST"): app_row(APPLICANT_SIDE, posts=True),
    # the jury's pages (sessions of the fund: its jury and its office)
    ("jury.index", "GET"): fund_row(roles("jury_on", "jury_off", "manager", "manager_other")),
    ("jury.session", "GET"): fund_row(roles("jury_on", "manager"), session="planned"),
    ("jury.open_session", "GET"): fund_row(roles("jury_on", "manager"), session="planned"),
    ("jury.open_session", "POST"): fund_row(roles("jury_on", "manager"), posts=True, session="planned"),
    ("jury.confirm", "POST"): fund_row(roles("jury_on", "manager"), posts=True, session="planned"),
    ("jury.close_session", "POST"): fund_row(roles("jury_on", "manager"), posts=True, session="planned"),
    ("jury.close_circulation", "POST"): fund_row(OFFICE, posts=True, session="planned"),
    ("jury.minutes", "GET"): fund_row(roles("jury_on", "manager"), session="past"),
    ("jury.minutes_pdf", "GET"): fund_row(roles("jury_on", "manager"), session="past"),
    # the office reaches the vote; whether it has one is the guideline's `management_votes` (a 400
    # with the clause), not a question of access
    ("jury.vote", "POST"): fund_row(roles("jury_on", "manager"), posts=True, item="planned"),
    ("jury.conflict", "POST"): fund_row(roles("jury_on", "manager"), posts=True, item="planned"),
    ("jury.no_conflict", "POST"): fund_row(roles("jury_on", "manager"), posts=True, item="planned"),
    ("jury.withdraw_conflict", "POST"): fund_row(roles("jury_on", "manager"), posts=True, item="planned"),
    ("jury.show_of_hands", "POST"): fund_row(roles("jury_on", "manager"), posts=True, item="planned"),
    ("jury.close_item", "POST"): fund_row(roles("jury_on", "manager"), posts=True, item="planned"),
    # the office (Geschäftsführung): fund-wide pages show each manager their own fund
    ("manage.index", "GET"): fund_row(ANY_OFFICE),
    ("manage.queue", "GET"): fund_row(ANY_OFFICE),
    ("manage.queue_csv", "GET"): fund_row(ANY_OFFICE),
    ("manage.queue_csv", "POST"): fund_row(OFFICE),  # the selection names this fund
    ("manage.queue_xlsx", "GET"): fund_row(ANY_OFFICE),
    ("manage.queue_xlsx", "POST"): fund_row(OFFICE),
    ("manage.schedule_selected", "POST"): fund_row(OFFICE, posts=True),
    ("manage.payment_orders", "GET"): fund_row(ANY_OFFICE),
    ("manage.payment_orders", "POST"): fund_row(OFFICE, posts=True),
    ("manage.payment_orders_csv", "GET"): fund_row(ANY_OFFICE),
    ("manage.payment_orders_xlsx", "GET"): fund_row(ANY_OFFICE),
    ("manage.ledger_page", "GET"): fund_row(ANY_OFFICE),
    ("manage.ledger_csv", "GET"): fund_row(ANY_OFFICE),
    ("manage.ledger_xlsx", "GET"): fund_row(ANY_OFFICE),
    ("manage.annual_report_pdf", "GET"): fund_row(ANY_OFFICE),
    ("manage.yearly", "GET"): fund_row(ANY_OFFICE),
    ("manage.yearly_csv", "GET"): fund_row(ANY_OFFICE),
    ("manage.yearly_xlsx", "GET"): fund_row(ANY_OFFICE),
    # the fund in public (issue 16, docs/public.md); a project is public only with the applicant's
    # consent, which none of the applications here has: their project and photo pages are refused to all
    ("public.fund", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds"),
    ("public.monitoring", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds"),
    ("public.guideline", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds"),
    ("public.easy_language", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds"),
    ("public.gallery", "GET"): fund_row(EVERYONE),
    ("public.project", "GET"): app_row({}),
    ("public.photo", "GET"): app_row({}),
    ("public.feed", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds"),
    ("public.imprint", "GET"): fund_row(EVERYONE),
    ("public.privacy", "GET"): fund_row(EVERYONE),
    ("api.funds", "GET"): fund_row(EVERYONE),
    ("api.fund", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds"),
    ("api.budget", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds", year="2026"),
    ("api.statistics", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds", year="2026"),
    ("api.projects", "GET"): fund_row(EVERYONE),
    ("api.project", "GET"): fund_row({}, project_id="1"),
    ("api.openapi", "GET"): fund_row(EVERYONE),
    ("applicant.publication", "GET"): app_row(RECORD),
    ("applicant.publication", "POST"): app_row(APPLICANT_SIDE, posts=True),
    ("applicant.my_data", "GET"): fund_row(LOGGED_IN),
    ("applicant.my_data_pdf", "GET"): fund_row(LOGGED_IN),
    ("auth.ask_for_erasure", "POST"): fund_row(LOGGED_IN, posts=True),
    ("manage.erasure_list", "GET"): fund_row(ANY_OFFICE),
    ("manage.record_contribution", "POST"): fund_row(ANY_OFFICE, posts=True),
    ("manage.erasure_carry_out", "POST"): fund_row(OFFICE, posts=True, request_id="1"),
    ("manage.publication", "GET"): app_row(OFFICE),
    ("manage.publication", "POST"): app_row(OFFICE, posts=True),
    ("manage.monitoring", "GET"): fund_row(roles("manager", "auditor"), fund_id="witten-quartiersfonds"),
    ("manage.monitoring_csv", "GET"): fund_row(roles("manager", "auditor"), fund_id="witten-quartiersfonds"),
    ("manage.monitoring_xlsx", "GET"): fund_row(roles("manager", "auditor"), fund_id="witten-quartiersfonds"),
    ("manage.rollup_csv_download", "GET"): fund_row(ANY_OFFICE),
    ("manage.rollup_pdf", "GET"): fund_row(ANY_OFFICE),
    ("manage.paper", "GET"): fund_row(ANY_OFFICE),
    ("manage.paper", "POST"): fund_row(OFFICE, posts=True),
    # the guideline in the browser (issue 17): the fund's office only; a draft or version of another
    # fund is not found
    ("manage.guidelines", "GET"): fund_row(ANY_OFFICE),
    ("manage.guideline_version", "GET"): fund_row(OFFICE),
    ("manage.guideline_new", "GET"): fund_row(ANY_OFFICE),
    ("manage.guideline_new", "POST"): fund_row(OFFICE, posts=True),  # the form names this fund
    ("manage.guideline_draft", "GET"): fund_row(OFFICE),
    ("manage.guideline_draft", "POST"): fund_row(OFFICE, posts=True),
    ("manage.guideline_preview", "GET"): fund_row(OFFICE),
    ("manage.guideline_preview", "POST"): fund_row(OFFICE, posts=True),
    ("manage.guideline_decision", "GET"): fund_row(OFFICE),
    ("manage.roles", "GET"): fund_row(ANY_OFFICE),
    ("manage.roles", "POST"): fund_row(OFFICE, posts=True),
    ("manage.revoke", "POST"): fund_row(OFFICE, posts=True),
    ("manage.sessions", "GET"): fund_row(ANY_OFFICE),
    ("manage.sessions", "POST"): fund_row(OFFICE, posts=True),
    ("manage.session", "GET"): fund_row(OFFICE, session="planned"),
    ("manage.session", "POST"): fund_row(OFFICE, posts=True, session="planned"),
    ("manage.invite", "POST"): fund_row(OFFICE, posts=True, session="planned"),
    ("manage.application", "GET"): app_row(OFFICE),
    ("manage.action", "GET"): app_row(OFFICE, states=FORM_STEP),
    ("manage.action", "POST"): app_row(OFFICE, posts=True, states=FORM_STEP),
    # the granting body (city approver) of two-step funds: its own queue and decisions
    ("granting.queue", "GET"): fund_row(LOGGED_IN),
    ("granting.application", "GET"): app_row(roles("city_approver", states=SUBMITTED)),
    ("granting.decide", "POST"): Row(
        "application", roles("city_approver", states=SUBMITTED), posts=True, args={"decision": "ablehnen"}
    ),
    ("manage.step", "POST"): app_row(OFFICE, posts=True),
    ("manage.review", "POST"): app_row(OFFICE, posts=True),
    ("manage.receipt", "POST"): app_row(OFFICE, posts=True),
    ("manage.consultation", "POST"): app_row(OFFICE, posts=True),
    ("manage.note", "POST"): app_row(OFFICE, posts=True),
    ("manage.lift_soft_limit", "POST"): app_row(OFFICE, posts=True),
    ("manage.link_earlier_project", "POST"): app_row(OFFICE, posts=True),
    ("manage.correct", "GET"): app_row(OFFICE),
    ("manage.correct", "POST"): app_row(OFFICE, posts=True),
    # issue 17 (office): audit view, messages, the account's own data
    ("manage.audit_fund", "GET"): fund_row(roles("manager", "manager_other", "auditor")),
    ("manage.audit_fund_csv", "GET"): fund_row(roles("manager", "manager_other", "auditor")),
    ("manage.audit_application", "GET"): app_row({**OFFICE, "auditor": SUBMITTED}),
    ("manage.audit_application_csv", "GET"): app_row({**OFFICE, "auditor": SUBMITTED}),
    ("manage.office_message", "POST"): app_row(OFFICE, posts=True),
    ("applicant.message", "POST"): app_row(APPLICANT_SIDE, posts=True),
    # the office shares a message with the jury's papers; the jury opens only a shared message's file
    ("manage.share_message", "POST"): app_row(OFFICE, posts=True),
    ("jury.shared_attachment_file", "GET"): app_row(JURY_ON_AGENDA_AND_OFFICE),
    ("manage.guideline_delete", "GET"): fund_row(OFFICE),
    ("manage.guideline_delete", "POST"): fund_row(OFFICE, posts=True),
    ("auth.jury_pool", "GET"): fund_row(LOGGED_IN),
    ("auth.jury_pool", "POST"): fund_row(LOGGED_IN, posts=True),
    ("auth.change_profile_data", "POST"): fund_row(LOGGED_IN, posts=True),
    # the language switch (a cookie for everybody, the account's language when logged in)
    ("language", "POST"): public("sets the page language: tests/web/test_language.py"),
    # issue 17 (jury in the web, organisations): circulation, draw by lot, the jury's notes
    ("manage.start_circulation", "POST"): fund_row(OFFICE, posts=True),
    ("manage.draws", "GET"): fund_row(ANY_OFFICE),
    ("manage.draws", "POST"): fund_row(OFFICE, posts=True),
    ("jury.public_draws", "GET"): fund_row(EVERYONE, fund_id="witten-quartiersfonds"),
    ("jury.public_draw", "GET"): fund_row(EVERYONE, draw_id="1"),
    # comments are for the jury and the office (never the applicant, whose application is the item)
    ("jury.comment", "POST"): fund_row(JURY_AND_OFFICE, posts=True, item="planned"),
    ("jury.score", "POST"): fund_row(JURY_AND_OFFICE, posts=True, item="planned"),
    ("applicant.organisations", "GET"): fund_row(LOGGED_IN),
    ("applicant.organisations", "POST"): fund_row(LOGGED_IN, posts=True),
    # only the representative (the owner) manages the members; the co-applicant is a member
    ("applicant.organisation_member", "POST"): fund_row(roles("owner"), posts=True, organisation_id="1"),
    ("applicant.organisation_remove", "POST"): fund_row(roles("owner"), posts=True, organisation_id="1"),
    ("applicant.organisation_representative", "POST"): fund_row(roles("owner"), posts=True, organisation_id="1"),
    # every application of the world already belongs to the organisation: linking again is refused
    ("applicant.link_organisation", "POST"): app_row(roles("owner", "co_applicant", states=NOWHERE), posts=True),
}
