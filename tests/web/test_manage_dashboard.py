"""The office dashboard: figures equal the ledger, attention lists, fund and year switch."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from sqlalchemy import update

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.queries import fund_balance
from fondsengine.engine import Actor
from fondsengine.ledger import Balance
from fondsengine.model import Application
from fondsengine.payments import service as payments
from fondsengine.reports.months import Month, monthly
from tests.web.builders import QF, World, approved_for, draft_for
from tests.web.conftest import login
from webapp.filters import euro
from webapp.manage.chart import months_to_draw, year_chart
from webapp.manage.dashboard import bar_segments


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', html))


def test_the_dashboard_figures_equal_the_fund_balance(world: World, client: FlaskClient) -> None:
    approved = approved_for(world, world.anna)
    payments.record_payment(world.fonds, Actor(world.office), approved, amount_cents=30_000, kind="advance")
    waiting = draft_for(world, world.bert, requested_cents=50_000, own_funds_cents=30_000)
    apps.submit(world.fonds, Actor(world.bert), waiting)
    login(client, "buero@example.org")

    html = client.get(f"/verwaltung/?fonds={QF}&jahr=2026").get_data(as_text=True)

    balance = fund_balance(world.fonds, QF, 2026)
    figures = _figures(html)
    assert figures["allocated"] == euro(balance.allocated)
    assert figures["committed"] == euro(balance.committed) == euro(80_000)
    assert figures["paid"] == euro(balance.paid) == euro(30_000)
    assert figures["refunded"] == euro(balance.refunded)
    assert figures["free"] == euro(balance.free)
    assert figures["pipeline"] == euro(50_000)


def test_the_dashboard_lists_what_waits_for_review_and_the_next_session(world: World, client: FlaskClient) -> None:
    waiting = draft_for(world, world.bert, title="Repair-Café im Keller")
    apps.submit(world.fonds, Actor(world.bert), waiting)
    decisions.create_session(world.fonds, Actor(world.office), QF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus")
    world.clock.set(datetime(2026, 1, 17, 9, tzinfo=UTC))
    login(client, "buero@example.org")

    html = client.get("/verwaltung/").get_data(as_text=True)

    assert "Formale Prüfung (1)" in html
    assert "</a> Repair-Café im Keller · 2026 · 800,00 € · 10.01.2026</li>" in html
    assert "Rathaus" in html and "0 Anträge auf der Tagesordnung" in html


def test_the_dashboard_shows_overdue_proofs_lapsing_approvals_and_payment_requests(
    world: World, client: FlaskClient
) -> None:
    overdue = approved_for(world, world.anna)
    with world.fonds.unit_of_work() as uow:
        uow.session.execute(
            update(Application)
            .where(Application.id == overdue)
            .values(proof_due_on=date(2026, 3, 1), lapse_due_on=date(2026, 4, 1))
        )
        uow.commit()
    payments.request_payment(
        world.fonds,
        Actor(world.anna),
        overdue,
        amount_cents=40_000,
        kind="advance",
        iban="DE02120300000000202051",
        account_holder="Anna Beispiel",
    )
    world.clock.set(datetime(2026, 3, 20, 9, tzinfo=UTC))
    login(client, "buero@example.org")

    html = client.get("/verwaltung/").get_data(as_text=True)

    assert "erlischt am 01.04.2026" in html
    assert "Überfällige Verwendungsnachweise (1)" in html and "fällig seit 01.03.2026" in html
    assert "Auszahlungsanforderungen (1)" in html
    assert f"· {euro(40_000)} · 11.03.2026" in html


def test_a_year_without_budget_shows_zero_figures(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    html = client.get("/verwaltung/?jahr=2031").get_data(as_text=True)
    assert _figures(html)["allocated"] == euro(0)
    assert "Haushaltsjahr 2031" in html


def test_the_budget_bar_splits_the_pot_into_paid_outstanding_and_free() -> None:
    segments = bar_segments(Balance(allocated=100_000, committed=60_000, paid=20_000), width=100)
    assert [(s.key, s.cents, s.width) for s in segments] == [
        ("paid", 20_000, 20.0),
        ("outstanding", 40_000, 40.0),
        ("free", 40_000, 40.0),
    ]
    assert [s.x for s in segments] == [0.0, 20.0, 60.0]


def test_an_empty_pot_draws_no_bar() -> None:
    assert all(s.width == 0 for s in bar_segments(Balance()))


def test_the_year_chart_sums_commitments_and_payments_month_by_month(world: World) -> None:
    app_id = approved_for(world, world.anna)  # approved on 11 March
    world.clock.set(datetime(2026, 5, 4, 9, tzinfo=UTC))
    payments.record_payment(world.fonds, Actor(world.office), app_id, amount_cents=30_000, kind="advance")
    with world.fonds.db.read() as s:
        months = monthly(s, QF, 2026)
    assert [(m.label, m.committed, m.paid) for m in months[1:5]] == [
        ("Feb", 0, 0),
        ("Mär", 80_000, 0),
        ("Apr", 80_000, 0),
        ("Mai", 80_000, 30_000),
    ]
    assert months[-1].committed == 80_000


def test_the_year_chart_draws_no_months_that_have_not_come_and_labels_its_amounts(
    world: World, client: FlaskClient
) -> None:
    assert months_to_draw(2025, date(2026, 12, 2)) == 12
    assert months_to_draw(2026, date(2026, 5, 4)) == 5
    assert months_to_draw(2027, date(2026, 12, 2)) == 1  # December bookings for next year: January only
    months = [Month(f"M{i}", committed=500, paid=0) for i in range(12)]
    chart = year_chart(months, available=1_000, width=110, height=100, drawn=5)
    assert len(chart.committed_points.split()) == 5
    login(client, "buero@example.org")
    page = client.get("/verwaltung/").get_data(as_text=True)
    assert f"Budget {euro(2_000_000)}</text>" in page and ">0 €</text>" in page


def test_the_year_chart_scales_to_the_pot() -> None:
    months = [Month(f"M{i}", committed=i * 100, paid=0) for i in range(12)]
    chart = year_chart(months, available=2_200, width=110, height=100)
    assert chart.available_y == 0.0
    assert chart.committed_points.split()[0] == "0.0,100.0"
    assert chart.committed_points.split()[-1] == "110.0,50.0"


def test_the_dashboard_shows_the_monthly_table(world: World, client: FlaskClient) -> None:
    approved_for(world, world.anna)
    login(client, "buero@example.org")
    html = client.get("/verwaltung/").get_data(as_text=True)
    assert f'<th scope="row">Mär</th><td>{euro(80_000)}</td>' in html


def test_the_dashboard_lists_undeliverable_mails(world: World, client: FlaskClient) -> None:
    from datetime import timedelta

    from fondsengine.applications import service as apps
    from fondsengine.engine import Actor
    from fondsengine.notify.outbox import dispatch
    from tests.support.factories import quartiersfonds_input

    anna = Actor(world.anna)
    app_id = apps.create_draft(world.fonds, anna, QF, quartiersfonds_input(contact_email="anna@example.org"))
    world.mailer.fail_next(5, temporary=False)  # the receipt letter is refused for good (550)
    apps.submit(world.fonds, anna, app_id)
    dispatch(world.fonds, world.mailer, now=world.clock.now() + timedelta(minutes=5))
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/?fonds={QF}").get_data(as_text=True)
    from fondsengine.notify.outbox import undeliverable

    dead = undeliverable(world.fonds, QF)
    assert [m.recipient_email for m in dead if m.topic == "letter_receipt"] == ["anna@example.org"]
    assert f"Nicht zustellbare E-Mails ({len(dead)})" in page
    assert "an anna@example.org" in page


def test_in_december_the_dashboard_opens_the_coming_year_once_its_applications_wait(
    world: World, client: FlaskClient
) -> None:
    login(client, "buero@example.org")
    world.clock.set(datetime(2026, 12, 2, 9, tzinfo=UTC))
    assert "Haushaltsjahr 2026</h1>" in client.get(f"/verwaltung/?fonds={QF}").get_data(as_text=True)  # nothing waits
    waiting = draft_for(world, world.bert, project_start=date(2027, 2, 1), project_end=date(2027, 2, 2))
    apps.submit(world.fonds, Actor(world.bert), waiting)

    december = client.get(f"/verwaltung/?fonds={QF}").get_data(as_text=True)

    assert "Haushaltsjahr 2027</h1>" in december and _figures(december)["pipeline"] == euro(80_000)
    assert "Haushaltsjahr 2026</h1>" in client.get(f"/verwaltung/?fonds={QF}&jahr=2026").get_data(as_text=True)
    world.clock.set(datetime(2026, 11, 30, 9, tzinfo=UTC))  # before December the running year stays
    assert "Haushaltsjahr 2026</h1>" in client.get(f"/verwaltung/?fonds={QF}").get_data(as_text=True)
