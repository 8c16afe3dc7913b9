"""The office sees the engine's findings for each receipt before accepting, and accepts in part with a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.engine import Actor
from fondsengine.model import Receipt
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from tests.web.builders import World, approved_for
from tests.web.conftest import login
from webapp.filters import euro


def test_receipt_findings_are_shown_and_a_capped_receipt_is_accepted_only_in_part(
    world: World, client: FlaskClient
) -> None:
    app_id = approved_for(world, world.anna)
    payments.record_payment(world.fonds, Actor(world.office), app_id, amount_cents=64_000, kind="advance")
    world.clock.set(datetime(2026, 5, 10, 9, tzinfo=UTC))
    proofs.submit_proof(
        world.fonds,
        Actor(world.anna),
        app_id,
        report="Das Fest war schön.",
        receipts=[
            proofs.ReceiptInput(date(2026, 5, 1), "Zeltverleih", "Zelt", "rental", 60_000),
            proofs.ReceiptInput(date(2026, 5, 1), "Bäckerei", "Kuchen", "catering", 20_000),
        ],
        confirmed=True,
    )
    with world.fonds.db.read() as s:
        first, second = (r.id for r in s.scalars(select(Receipt).order_by(Receipt.position)))
    login(client, "buero@example.org")

    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    listed = page.split('data-receipt-findings="2"')[1].split("</ul>")[0]
    assert "höchstens 10 % der förderfähigen Kosten (80,00 €)" in listed and "(§ 5 Abs. 3)" in listed
    assert 'data-receipt-findings="1"' not in page  # the tent is fine

    full = client.post(f"/verwaltung/antraege/{app_id}/belege/{second}", data={"decision": "accept"})
    assert full.status_code == 400 and "so nicht anerkennbar" in full.get_data(as_text=True)
    client.post(f"/verwaltung/antraege/{app_id}/belege/{first}", data={"decision": "accept"})
    part = client.post(
        f"/verwaltung/antraege/{app_id}/belege/{second}",
        data={"decision": "accept", "accepted": "80,00", "reason": "Bewirtung höchstens 10 %"},
    )
    assert part.status_code == 302
    with world.fonds.db.read() as s:
        receipt = s.get(Receipt, second)
        assert receipt is not None and (receipt.status, receipt.accepted_cents) == ("accepted", 8_000)
    assert proofs.accept_proof(world.fonds, Actor(world.office), app_id) == 68_000
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert f"anerkannt zum Teil: {euro(8_000)} (Bewirtung höchstens 10 %)" in page
