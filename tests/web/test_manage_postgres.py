"""The office's read queries on PostgreSQL: dashboard, year chart, queue search and filters, overview."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import service as apps
from fondsengine.applications.queries import fund_balance
from fondsengine.bootstrap import build_fonds
from fondsengine.clock import FixedClock
from fondsengine.config import load_settings
from fondsengine.engine import Actor
from fondsengine.funds.loading import load_funds
from fondsengine.migrate import upgrade
from fondsengine.notify import FakeMailer
from fondsengine.payments import service as payments
from tests.web.builders import PASSWORD, QF, ROOT, START, World, approved_for, draft_for
from tests.web.conftest import login
from webapp import create_app
from webapp.filters import euro

pytestmark = pytest.mark.postgres


@pytest.fixture()
def pg_world(pg_url: str, tmp_path: Path) -> Iterator[World]:
    upgrade(pg_url)
    settings = load_settings(
        environ={},
        instance_path=str(tmp_path),
        database_url=pg_url,
        secret_key="test-secret-key-0123456789abcdef-32+",
        secure_cookies=False,
        mail_backend="console",
        richtlinien_dir=str(ROOT / "richtlinien"),
        workflows_dir=str(ROOT / "workflows"),
    )
    clock = FixedClock(START)
    f = build_fonds(settings, clock=clock)
    load_funds(f, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")
    app = create_app(settings, fonds=f, mailer=FakeMailer())
    app.config["WTF_CSRF_ENABLED"] = False
    people = [
        create_user(f, name=n, email=e, password=PASSWORD, confirmed=True)
        for n, e in (
            ("Anna Beispiel", "anna@example.org"),
            ("Bert Nachbar", "bert@example.org"),
            ("Innenstadt-Büro", "buero@example.org"),
        )
    ]
    grant_role(f, Actor.scheduler(), user_id=people[2], fund_id=QF, role="manager")
    yield World(app, f, clock, FakeMailer(), *people, settings.effective_upload_dir)
    f.db.dispose()


def test_the_office_pages_work_on_postgresql(pg_world: World) -> None:
    w = pg_world
    approved = approved_for(w, w.anna)
    payments.record_payment(w.fonds, Actor(w.office), approved, amount_cents=30_000, kind="advance")
    waiting = draft_for(w, w.bert, title="Kinder_Flohmarkt 100%")
    apps.submit(w.fonds, Actor(w.bert), waiting)
    client: FlaskClient = w.app.test_client()
    login(client, "buero@example.org")

    dashboard = client.get(f"/verwaltung/?fonds={QF}&jahr=2026").get_data(as_text=True)
    searched = client.get("/verwaltung/antraege?q=flohmarkt%20100%25&min=100&kategorie=rental").get_data(as_text=True)
    underscore = client.get("/verwaltung/antraege?q=e_t").get_data(as_text=True)  # "_" is no wildcard: no "Fest"
    overview = client.get(f"/verwaltung/jahresuebersicht?fonds={QF}&jahr=2026")
    page = client.get(f"/verwaltung/antraege/{approved}")

    balance = fund_balance(w.fonds, QF, 2026)
    assert f'data-figure="paid">{euro(balance.paid)}<' in dashboard and balance.paid == 30_000
    assert f'<th scope="row">Mär</th><td>{euro(80_000)}</td><td>{euro(30_000)}</td>' in dashboard
    assert "1 Antrag gefunden" in searched and "Kinder_Flohmarkt 100%" in searched
    assert "Keine Anträge zu diesem Filter" in underscore
    assert overview.status_code == 200 and page.status_code == 200
    assert client.get("/verwaltung/antraege.xlsx").status_code == 200
