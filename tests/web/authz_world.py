"""One world for the authorization table: ten roles and one application in each of five states.

Roles: anonymous, another resident, the owner, a co-applicant (a member of the owner's
organisation, which every application is made for), a jury member of the fund (whose agendas hold the
applications from `on_agenda` on), a jury member of another fund, the fund's manager, another
fund's manager, the fund's city approver and its auditor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select

from fondsengine.accounts import organisations
from fondsengine.accounts.erasure import request_erasure
from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.message_sharing import share_message_with_jury
from fondsengine.applications.messages import send_message
from fondsengine.applications.records import AttachmentInput, add_attachment
from fondsengine.engine import Actor
from fondsengine.funds import drafts as guideline_drafts
from fondsengine.jury.closing import close_session
from fondsengine.jury.members import draw_members, register_volunteer
from fondsengine.model import AgendaItem, Application, GuidelineAdoption, Letter
from fondsengine.model.base import Base
from fondsengine.payments.service import record_payment
from tests.support.factories import with_bank_account
from tests.support.jury import decide_on_paper
from tests.web.builders import PASSWORD, QF, ROOT, World, build_world, draft_for
from tests.web.conftest import login

CF = "witten-cityfonds"
ROLES = (
    "anonymous",
    "resident",
    "owner",
    "co_applicant",
    "jury_on",
    "jury_off",
    "manager",
    "manager_other",
    "city_approver",
    "auditor",
)
STATES = ("draft", "in_review", "on_agenda", "approved", "paid")
EMAILS = {
    "resident": "bert@example.org",
    "owner": "anna@example.org",
    "co_applicant": "carla@example.org",
    "jury_on": "jury@example.org",
    "jury_off": "jury-cf@example.org",
    "manager": "buero@example.org",
    "manager_other": "city-buero@example.org",
    "city_approver": "stadt@example.org",
    "auditor": "pruefung@example.org",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class AuthzWorld:
    """The world, the application of each state and its attachment, letter and agenda item."""

    world: World
    app: dict[str, int] = field(default_factory=dict)
    attachment: dict[str, int] = field(default_factory=dict)
    message: dict[str, int] = field(default_factory=dict)  # the owner's message with a file, shared with the jury
    letter: dict[str, int] = field(default_factory=dict)
    session_planned: int = 0  # holds the application in state on_agenda
    session_past: int = 0  # decided the approved and paid applications
    item: int = 0  # the agenda item of the planned session
    guideline_version: int = 0  # the Quartiersfonds' current guideline version (adopted in the browser)
    guideline_adoption: int = 0  # its council decision
    guideline_draft: int = 0  # an open draft of the next version
    organisation: int = 0  # the owner's organisation (the co-applicant is a member)
    users: dict[str, int] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)


def _reviewed(w: World, app_id: int) -> None:
    f, office = w.fonds, Actor(w.office)
    apps.submit(f, Actor(w.anna), app_id)
    decisions.start_review(f, office, app_id)
    with f.db.read() as s:
        checklist = f.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(f, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(f, office, app_id)


def build(template: Path, tmp: Path) -> AuthzWorld:
    """Build the world (about 30 use cases) and log every role in with its own client."""
    w = build_world(template, tmp)
    w.app.config["WTF_CSRF_ENABLED"] = False
    f, office, system = w.fonds, Actor(w.office), Actor.scheduler()
    aw = AuthzWorld(w)
    aw.users = {"resident": w.bert, "owner": w.anna, "manager": w.office}
    for role, fund, membership in (
        ("jury_on", QF, "jury_member"),
        ("jury_off", CF, "jury_member"),
        ("manager_other", CF, "manager"),
        ("city_approver", QF, "city_approver"),
        ("auditor", QF, "auditor"),
    ):
        uid = create_user(f, name=f"Person {role}", email=EMAILS[role], password=PASSWORD, confirmed=True)
        grant_role(f, system, user_id=uid, fund_id=fund, role=membership, group="resident")
        aw.users[role] = uid
    aw.users["volunteer"] = create_user(f, name="Vera Freiwillig", email="vera@example.org")
    aw.users["co_applicant"] = create_user(
        f, name="Carla Mitantrag", email=EMAILS["co_applicant"], password=PASSWORD, confirmed=True
    )
    anna = Actor(w.anna)
    aw.organisation = organisations.create_organisation(f, anna, "Nachbarschaftsverein Wiesenviertel", "association")
    organisations.add_organisation_member(f, anna, aw.organisation, EMAILS["co_applicant"])
    lotta = create_user(f, name="Lotta Los", email="lotta@example.org")
    register_volunteer(f, office, QF, lotta, "resident")
    draw_members(f, office, QF, 1, "authz-welt", term_from=datetime(2026, 1, 1, tzinfo=UTC).date())

    past = decisions.create_session(f, office, QF, datetime(2026, 2, 11, 16, tzinfo=UTC), "Rathaus")
    planned = decisions.create_session(f, office, QF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus")
    aw.session_past, aw.session_planned = past, planned
    for state in STATES:
        aw.app[state] = draft_for(w, w.anna, title=f"Projekt im Stand {state}")
        organisations.link_organisation(f, anna, aw.app[state], aw.organisation)
    decisions.start_review(f, office, _submitted(w, aw.app["in_review"]))
    _reviewed(w, aw.app["on_agenda"])
    decisions.schedule(f, office, aw.app["on_agenda"], planned)
    for state in ("approved", "paid"):
        _reviewed(w, aw.app[state])
        decisions.schedule(f, office, aw.app[state], past)
    w.clock.set(datetime(2026, 2, 11, 18, tzinfo=UTC))
    for state in ("approved", "paid"):
        decide_on_paper(f, office, aw.app[state], "approve")
    close_session(f, office, past)
    with_bank_account(f, office, aw.app["paid"])
    record_payment(f, office, aw.app["paid"], amount_cents=20_000, kind="advance")
    w.clock.set(datetime(2026, 2, 20, 9, tzinfo=UTC))
    with f.db.read() as s:
        aw.item = int(s.scalar(select(AgendaItem.id).where(AgendaItem.session_id == planned)) or 0)
        for state in STATES:
            letter = s.scalar(select(Letter.id).where(Letter.application_id == aw.app[state]).order_by(Letter.id))
            if letter is not None:
                aw.letter[state] = int(letter)
    _guideline_drafts(aw)
    for state in STATES:
        data = AttachmentInput("cost_estimate", "Angebot.pdf", "application/pdf", PDF)
        aw.attachment[state] = add_attachment(f, office, aw.app[state], data)
        file = AttachmentInput("other", "Nachtrag.pdf", "application/pdf", PDF)
        aw.message[state] = send_message(f, Actor(w.anna), aw.app[state], "Ein Nachtrag für die Jury.", file)
        share_message_with_jury(f, office, aw.app[state], aw.message[state])
    request_erasure(f, Actor(w.anna), "")  # one open erasure request for the office's use cases
    for role, email in EMAILS.items():
        client = w.app.test_client()
        login(client, email)
        aw.clients[role] = client
    aw.clients["anonymous"] = w.app.test_client()
    return aw


def _guideline_drafts(aw: AuthzWorld) -> None:
    """The Quartiersfonds' guideline once adopted in the browser, and an open draft after it."""
    w, office = aw.world, Actor(aw.world.office)
    text = (ROOT / "richtlinien" / f"{QF}.yaml").read_text(encoding="utf-8")
    first = guideline_drafts.save_draft(w.fonds, office, QF, text + "# Fassung der Prüftabelle\n")
    decision = guideline_drafts.DecisionFile("Beschluss.pdf", "application/pdf", PDF)
    adopted = guideline_drafts.adopt_draft(
        w.fonds, office, first.id, council_date=date(2026, 2, 1), council_reference="DS 1/2026", decision=decision
    )
    aw.guideline_version = adopted.version_id
    with w.fonds.db.read() as s:
        aw.guideline_adoption = int(
            s.scalar(select(GuidelineAdoption.id).where(GuidelineAdoption.version_id == adopted.version_id)) or 0
        )
    aw.guideline_draft = guideline_drafts.save_draft(w.fonds, office, QF, text + "# nächste Fassung\n").id


def _submitted(w: World, app_id: int) -> int:
    apps.submit(w.fonds, Actor(w.anna), app_id)
    return app_id


def fingerprint(aw: AuthzWorld) -> tuple[object, ...]:
    """Everything a refused request must leave as it was: the rows of every table (counted) and
    each application's state and version."""
    with aw.world.fonds.db.read() as s:
        counts = tuple((t.name, s.scalar(select(func.count()).select_from(t))) for t in Base.metadata.sorted_tables)
        rows = tuple(
            s.execute(select(Application.id, Application.state, Application.row_version).order_by(Application.id))
        )
    return counts, tuple(tuple(r) for r in rows)
