"""Building a ready web app on a fresh SQLite file, people and applications (web and e2e tests)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flask import Flask

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.bootstrap import build_fonds
from fondsengine.clock import FixedClock
from fondsengine.config import load_settings
from fondsengine.engine import Actor, Engine
from fondsengine.funds.loading import load_funds
from fondsengine.migrate import upgrade
from fondsengine.model import Application
from fondsengine.notify import FakeMailer
from tests.support.factories import quartiersfonds_input, with_bank_account
from tests.support.jury import decide_on_paper
from tests.support.templates import share_compiled_templates
from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]
QF = "witten-quartiersfonds"
PASSWORD = "sicheres-passwort-1"
START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@dataclass
class World:
    """An app with its engine, clock, mailer and three people."""

    app: Flask
    fonds: Engine
    clock: FixedClock
    mailer: FakeMailer
    anna: int  # resident
    bert: int  # another resident
    office: int  # manager of the Quartiersfonds
    upload_dir: Path


def migrated_template(directory: Path) -> Path:
    """A migrated SQLite file with the Witten funds loaded (copied for every test)."""
    db = directory / "template.db"
    settings = load_settings(environ={}, instance_path=str(directory), database_url=f"sqlite:///{db}")
    upgrade(settings.effective_database_url)
    f = build_fonds(settings, clock=FixedClock(START))
    load_funds(f, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")
    f.db.dispose()
    return db


def build_world(template: Path, tmp: Path, **overrides: object) -> World:
    """Copy the template database and build the app around it with a fixed clock."""
    db = tmp / "fonds.db"
    shutil.copy(template, db)
    settings = load_settings(
        environ={},
        instance_path=str(tmp),
        database_url=f"sqlite:///{db}",
        secret_key="test-secret-key-0123456789abcdef-32+",
        secure_cookies=False,
        mail_backend="console",
        richtlinien_dir=str(ROOT / "richtlinien"),
        workflows_dir=str(ROOT / "workflows"),
        **overrides,
    )
    clock = FixedClock(START)
    f = build_fonds(settings, clock=clock)
    mailer = FakeMailer()
    app = create_app(settings, fonds=f, mailer=mailer)
    share_compiled_templates(app)  # the templates compiled once per test process, not once per test
    anna = create_user(f, name="Anna Beispiel", email="anna@example.org", password=PASSWORD, confirmed=True)
    bert = create_user(f, name="Bert Nachbar", email="bert@example.org", password=PASSWORD, confirmed=True)
    office = create_user(f, name="Innenstadt-Büro", email="buero@example.org", password=PASSWORD, confirmed=True)
    grant_role(f, Actor.scheduler(), user_id=office, fund_id=QF, role="manager")
    return World(app, f, clock, mailer, anna, bert, office, settings.effective_upload_dir)


# What the web scene changes in the one factory (tests/support/factories.quartiersfonds_input): the
# web world's clock starts in January 2026 (START), so the project is in May 2026 with the consultation
# before START; the pages' tests look for a resident's street festival of 800 € in two cost lines, for
# 120 expected participants (the monitoring page's planned reach).
WEB_SCENE: dict[str, object] = {
    "title": "Nachbarschaftsfest Ruhrstraße",
    "applicant_kind": "resident",
    "organisation": None,
    "requested_cents": 80_000,
    "cost_items": (
        apps.CostItemInput("rental", "Bühne und Zelt", 60_000),
        apps.CostItemInput("material", "Deko", 20_000),
    ),
    "project_start": date(2026, 5, 1),
    "project_end": date(2026, 5, 2),
    "prior_consultation_on": date(2026, 1, 5),
    "participants_expected": 120,
    "extra": {**quartiersfonds_input().extra, "participants_expected": "120"},
}


def good_input(**changes: object) -> apps.ApplicationInput:
    """A complete, eligible application for the Quartiersfonds: the one factory's, in the web scene."""
    return quartiersfonds_input(**{**WEB_SCENE, **changes})


def draft_for(world: World, user_id: int, **changes: object) -> int:
    """A draft of the good application owned by a user."""
    return apps.create_draft(world.fonds, Actor(user_id), QF, good_input(**changes))


def reviewed_in(world: World, fund: str, data: apps.ApplicationInput) -> int:
    """Anna's application in a fund, submitted and through the formal review (every item fulfilled)."""
    f, office = world.fonds, Actor(world.office)
    app_id = apps.create_draft(f, Actor(world.anna), fund, data)
    apps.submit(f, Actor(world.anna), app_id)
    decisions.start_review(f, office, app_id)
    with f.db.read() as s:
        checklist = f.catalog.current(s, fund)[2].review_checklist
    decisions.record_review(f, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(f, office, app_id)
    return app_id


def app_of(world: World, app_id: int) -> Application:
    """The application as stored now (detached)."""
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        s.expunge(app)
        return app


def approved_for(world: World, user_id: int, **changes: object) -> int:
    """An application of a user approved by the jury (submitted, reviewed, scheduled, approved)."""
    f, office = world.fonds, Actor(world.office)
    app_id = draft_for(world, user_id, **changes)
    apps.submit(f, Actor(user_id), app_id)
    decisions.start_review(f, office, app_id)
    with f.db.read() as s:
        checklist = f.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(f, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(f, office, app_id)
    session = decisions.create_session(f, office, QF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus")
    decisions.schedule(f, office, app_id, session)
    world.clock.set(datetime(2026, 3, 11, 18, tzinfo=UTC))
    decide_on_paper(f, office, app_id, "approve")
    with_bank_account(f, office, app_id)
    return app_id


def seated_jury(world: World, session_id: int, members: int = 9) -> list[int]:
    """Appoint `members` jury members of the Quartiersfonds and open the session with all present."""
    from fondsengine.jury import sessions as jury_sessions

    ids = []
    for i in range(members):
        uid = create_user(world.fonds, name=f"Jurymitglied {i + 1:02d}", email=f"jury{i + 1}@example.org")
        grant_role(world.fonds, Actor.scheduler(), user_id=uid, fund_id=QF, role="jury_member", group="resident")
        ids.append(uid)
    jury_sessions.open_session(world.fonds, Actor(world.office), session_id, ids, ids[0])
    return ids
