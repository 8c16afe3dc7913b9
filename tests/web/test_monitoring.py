"""Monitoring figures for the evaluation: counts, amounts, time to decision and payment (median, p90), CSV."""

from __future__ import annotations

from datetime import UTC, datetime

from fondsengine.engine import Actor
from fondsengine.payments import service as payments
from fondsengine.reports.monitoring import quantile
from tests.web.builders import QF, World, approved_for
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
    assert "<th scope=\"row\">Anträge eingegangen</th><td>2</td>" in page
    assert "<th scope=\"row\">bewilligt</th><td>2</td>" in page
    # days to decision: 60.375 and 0 -> median 30.2, p90 54.3; to the first payment: 70.375 (one payment)
    assert "Median</th><td>30,2</td>" in page and "90 %-Quantil</th><td>54,3</td>" in page
    assert "Tage bis zur ersten Auszahlung, Median</th><td>70,4</td>" in page
    assert "<svg" in page and "<desc" in page
    csv = client.get(f"/verwaltung/fonds/{QF}/monitoring.csv?jahr=2026")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Fonds;Jahr;Kennzahl;Wert"
    assert f"{QF};2026;Anträge eingegangen;2" in lines
    assert f"{QF};2026;Tage bis zur Entscheidung, Median;30,2" in lines


def test_a_resident_does_not_see_the_monitoring_figures(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    assert client.get(f"/verwaltung/fonds/{QF}/monitoring").status_code == 403
    assert client.get(f"/verwaltung/fonds/{QF}/monitoring.csv").status_code == 403
