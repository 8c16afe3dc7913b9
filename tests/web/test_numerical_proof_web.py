"""The proof-of-use form asks for the money besides the grant and the applicant's confirmation (never
pre-ticked), shows planned against actual per cost category; the office sees the same comparison."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from fondsengine.model import ProofOfUse
from tests.web.builders import World, approved_for
from tests.web.conftest import login

RECEIPT = {
    "receipt-1-paid_on": "2026-05-01", "receipt-1-payee": "Zeltverleih", "receipt-1-purpose": "Zelt",
    "receipt-1-category": "rental", "receipt-1-amount": "500,00",
}  # fmt: skip


def _proofs(world: World) -> list[ProofOfUse]:
    with world.fonds.db.read() as s:
        return list(s.query(ProofOfUse))


def test_the_form_asks_for_income_own_money_third_party_funds_and_an_unticked_confirmation(
    client: FlaskClient, world: World
) -> None:
    app_id = approved_for(world, world.anna)
    login(client, "anna@example.org")
    html = client.get(f"/antraege/{app_id}/verwendungsnachweis").get_data(as_text=True)
    for name in ("income", "own_funds", "other_funding"):
        assert f'name="{name}"' in html
    box = re.search(r'<input type="checkbox" id="f-confirmed"[^>]*>', html)
    assert box is not None and "checked" not in box.group(0)
    assert "Geplant und tatsächlich" in html and "Im Finanzierungsplan:" in html

    base = {"action": "submit", "report": "Schön war es.", **RECEIPT}
    missing = client.post(f"/antraege/{app_id}/verwendungsnachweis", data=base)
    text = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "Bitte geben Sie die Einnahmen des Projekts an" in text
    money = {"income": "50,00", "own_funds": "0", "other_funding": "0"}
    unconfirmed = client.post(f"/antraege/{app_id}/verwendungsnachweis", data={**base, **money})
    assert unconfirmed.status_code == 400
    assert "Bitte bestätigen Sie, dass Ihre Angaben" in unconfirmed.get_data(as_text=True)
    assert _proofs(world) == []

    done = client.post(f"/antraege/{app_id}/verwendungsnachweis", data={**base, **money, "confirmed": "1"})
    assert done.status_code == 302
    (proof,) = _proofs(world)
    assert (proof.income_cents, proof.own_funds_cents, proof.other_funding_cents) == (5_000, 0, 0)
    assert proof.confirmed_at is not None


def test_the_check_shows_planned_against_actual_per_category_and_keeps_the_amounts(
    client: FlaskClient, world: World
) -> None:
    app_id = approved_for(world, world.anna)
    login(client, "anna@example.org")
    response = client.post(
        f"/antraege/{app_id}/verwendungsnachweis",
        data={"action": "check", "report": "x", **RECEIPT, "income": "12,50", "own_funds": "", "other_funding": "0"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    table = html[html.index("Geplant und tatsächlich") :]
    assert re.search(r"Miete[^<]*</td><td>[^<]+</td><td>500,00\s€", table), "rentals: the receipt list's 500 €"
    assert 'value="12,50"' in html  # the typed amount stays


def test_the_office_sees_the_numerical_proof_with_the_confirmation(client: FlaskClient, world: World) -> None:
    app_id = approved_for(world, world.anna)
    login(client, "anna@example.org")
    client.post(
        f"/antraege/{app_id}/verwendungsnachweis",
        data={"action": "submit", "report": "Schön war es.", **RECEIPT, "income": "80,00", "own_funds": "20,00",
              "other_funding": "100,00", "confirmed": "1"},
    )  # fmt: skip
    login(client, "buero@example.org")
    html = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "Zahlenmäßiger Nachweis" in html and "bestätigt, dass die Angaben richtig und vollständig sind" in html
    financing = html[html.index('data-numerical="financing"') :]
    assert re.search(r"Mittel Dritter</td><td>[^<]+</td><td>100,00\s€", financing)
    assert re.search(r"Einnahmen des Projekts</td><td>0,00\s€</td><td>80,00\s€", financing)
    assert "noch offen" in html  # the receipt is not reviewed yet
