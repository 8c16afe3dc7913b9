"""Monitoring figures for the evaluation: counts, amounts, time to decision and payment (median, p90), CSV."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.errors import PermissionDenied
from fondsengine.model import Application, Receipt
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.reports.monitoring import Reach, monitoring_figures, public_monitoring_figures, quantile
from tests.support.factories import CF
from tests.web.builders import QF, World, approved_for, draft_for
from tests.web.conftest import login


def test_quantiles_interpolate_between_order_statistics() -> None:
    assert quantile([], 0.5) is None
    assert quantile([4.0], 0.9) == 4.0
    assert quantile([0.0, 10.0], 0.5) == 5.0
    assert quantile([3.0, 1.0, 2.0, 4.0, 5.0], 0.5) == 3.0
    assert quantile(list(map(float, range(11))), 0.9) == 9.0


def test_the_office_sees_counts_amounts_and_durations_and_downloads_them_as_csv(world: World) -> None:
    first = approved_for(world, world.anna)  # submitted 10.01. 09:00 UTC, decided 11.03. 18:00 UTC
    approved_for(world, world.bert)  # submitted and decided 11.03. 18:00 UTC
    world.clock.set(datetime(2026, 3, 21, 18, tzinfo=UTC))
    payments.record_payment(world.fonds, Actor(world.office), first, amount_cents=50_000, kind="advance")
    client = world.app.test_client()
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/fonds/{QF}/monitoring?jahr=2026").get_data(as_text=True)
    assert "<caption>Anträge 2026</caption>" in page and "<th scope=\"row\">eingegangen</th><td>2</td>" in page
    assert "<th scope=\"row\">bewilligt</th><td>2</td>" in page
    # days to decision: 60.375 and 0 -> median 30.2, p90 54.3; to the first payment: 70.375 (one payment)
    assert "Median</th><td>30,2</td>" in page and "90 %-Quantil</th><td>54,3</td>" in page
    assert "Tage bis zur ersten Auszahlung, Median</th><td>70,4</td>" in page
    assert "<svg" in page and "<desc" in page
    csv = client.get(f"/verwaltung/fonds/{QF}/monitoring.csv?jahr=2026")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Fonds;Jahr;Bereich;Kennzahl;Wert"
    assert f"{QF};2026;Anträge;eingegangen;2" in lines
    assert f"{QF};2026;Bearbeitungszeit;Tage bis zur Entscheidung, Median;30,2" in lines


def test_a_resident_does_not_see_the_monitoring_figures(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    assert client.get(f"/verwaltung/fonds/{QF}/monitoring").status_code == 403
    assert client.get(f"/verwaltung/fonds/{QF}/monitoring.csv").status_code == 403


def _history(world: World) -> tuple[int, int]:
    """Anna: funded, paid, proof with two receipts accepted, 95 participants. Bert: applied in 2025
    already, funded in 2026 with 10 volunteer hours (a repeat applicant)."""
    f, office = world.fonds, Actor(world.office)
    earlier = draft_for(world, world.bert, title="Lesecafé 2025")
    apps.submit(f, Actor(world.bert), earlier)
    with f.db.engine.begin() as conn:  # as if it had been submitted for the 2025 budget
        conn.execute(update(Application).where(Application.id == earlier).values(budget_year=2025))
    anna = approved_for(world, world.anna)
    bert = approved_for(  # 10 hours at 15 € finance 150 € of the 800 € plan
        world, world.bert, volunteer_hours=Decimal(10), requested_cents=65_000, title="Lesecafé 2026"
    )
    payments.record_payment(f, office, anna, amount_cents=64_000, kind="advance")
    world.clock.set(datetime(2026, 5, 10, 9, tzinfo=UTC))
    proofs.submit_proof(
        f,
        Actor(world.anna),
        anna,
        report="Das Fest war schön.",
        participants_reached=95,
        receipts=[
            proofs.ReceiptInput(date(2026, 5, 1), "Zeltverleih", "Zelt", "rental", 55_000),
            proofs.ReceiptInput(date(2026, 5, 1), "Bastelladen", "Deko", "material", 20_000),
        ],
        confirmed=True,
    )
    with f.db.read() as s:
        receipts = [r.id for r in s.scalars(select(Receipt).order_by(Receipt.position))]
    for rid in receipts:
        proofs.review_receipt(f, office, rid, accepted=True)
    proofs.accept_proof(f, office, anna)
    return anna, bert


def test_monitoring_counts_cost_categories_reach_and_repeat_applicants(world: World) -> None:
    _history(world)
    m = monitoring_figures(world.fonds, Actor(world.office), QF, 2026)
    cats = {c.category: c for c in m.categories}
    # both funded plans: rental 600 + 600, material 200 + 200; accepted receipts only from Anna's proof
    assert (cats["rental"].applications, cats["rental"].planned_cents, cats["rental"].accepted_cents) == (
        2, 120_000, 55_000,
    )  # fmt: skip
    assert (cats["material"].planned_cents, cats["material"].accepted_cents) == (40_000, 20_000)
    assert [c.category for c in m.categories] == ["rental", "material"]  # largest planned first
    assert cats["rental"].label != "rental"  # the guideline's label
    assert m.reach == Reach(
        funded=2, participants_expected=240, participants_reached=95, reporting=1, volunteer_hours=Decimal("10.00")
    )
    assert (m.applicants.first_time, m.applicants.repeat) == (1, 1)
    earlier = monitoring_figures(world.fonds, Actor(world.office), QF, 2025)
    assert (earlier.applicants.first_time, earlier.applicants.repeat, earlier.reach.funded) == (1, 0, 0)


def test_monitoring_downloads_as_xlsx_with_numbers(world: World) -> None:
    _history(world)
    client = world.app.test_client()
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/fonds/{QF}/monitoring?jahr=2026").get_data(as_text=True)
    assert "<caption>Erreicht 2026</caption>" in page
    assert "Teilnehmende laut Verwendungsnachweis</th><td>95</td>" in page
    assert "wiederholt</th><td>1</td>" in page and "Kostenart:" in page
    got = client.get(f"/verwaltung/fonds/{QF}/monitoring.xlsx?jahr=2026")
    assert got.status_code == 200 and got.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(got.data)).active
    assert sheet is not None
    values = {(r[2], r[3]): r[4] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("Anträge", "eingegangen")] == 3 - 1  # the 2025 application counts in 2025
    assert values[("Beträge", "Bewilligt")] == 1_450.0
    assert values[("Erreicht", "ehrenamtliche Stunden (Eigenleistung)")] == 10.0
    csv = client.get(f"/verwaltung/fonds/{QF}/monitoring.csv?jahr=2026").get_data(as_text=True)
    assert f"{QF};2026;Erreicht;Teilnehmende geplant;240" in csv.splitlines()
    resident = world.app.test_client()
    login(resident, "anna@example.org")
    assert resident.get(f"/verwaltung/fonds/{QF}/monitoring.xlsx").status_code == 403


def test_the_public_summary_is_published_only_where_the_guideline_says_so(world: World) -> None:
    _history(world)
    client = world.app.test_client()
    fund_page = client.get(f"/fonds/{QF}").get_data(as_text=True)
    assert f"/fonds/{QF}/kennzahlen?jahr=" in fund_page
    page = client.get(f"/fonds/{QF}/kennzahlen?jahr=2026")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Teilnehmende laut Verwendungsnachweis</th><td>95</td>" in text
    for private in ("Anna", "Beispiel", "Lesecafé", "Nachbarschaftsfest", "Zeltverleih"):
        assert private not in text
    assert client.get(f"/fonds/{CF}/kennzahlen").status_code == 404  # the Cityfonds publishes no monitoring
    assert f"/fonds/{CF}/kennzahlen" not in client.get(f"/fonds/{CF}").get_data(as_text=True)
    with pytest.raises(PermissionDenied):
        public_monitoring_figures(world.fonds, CF, 2026)
