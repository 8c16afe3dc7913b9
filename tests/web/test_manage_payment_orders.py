"""Payment orders: the open requests with IBAN, exported for the treasury, marked as paid."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient
from openpyxl import load_workbook

from fondsengine.engine import Actor
from fondsengine.ledger import application_balance
from fondsengine.payments import service as payments
from tests.web.builders import QF, World, approved_for
from tests.web.conftest import login

IBAN = "DE02120300000000202051"


def _requested(world: World) -> tuple[int, int]:
    app_id = approved_for(world, world.anna)
    payment_id = payments.request_payment(
        world.fonds,
        Actor(world.anna),
        app_id,
        amount_cents=40_000,
        kind="advance",
        iban=IBAN,
        account_holder="Anna Beispiel",
    )
    return app_id, payment_id


def test_the_payment_order_list_exports_iban_amount_and_purpose(world: World, client: FlaskClient) -> None:
    _requested(world)
    login(client, "buero@example.org")

    page = client.get(f"/verwaltung/auszahlungen?fonds={QF}").get_data(as_text=True)
    text = client.get(f"/verwaltung/auszahlungen.csv?fonds={QF}").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    sheet = load_workbook(io.BytesIO(client.get(f"/verwaltung/auszahlungen.xlsx?fonds={QF}").data)).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))

    assert IBAN in page and "1 offene Anforderung" in page
    assert rows[0] == [
        "Aktenzeichen",
        "Empfänger/in",
        "IBAN",
        "Betrag (EUR)",
        "Verwendungszweck",
        "Art",
        "Angefordert am",
    ]
    assert rows[1][1:4] == ["Anna Beispiel", IBAN, "400,00"]
    assert rows[1][4].endswith("Nachbarschaftsfest Ruhrstraße")
    assert rows[1][5] == "Abschlag"
    assert cells[1][3] == 400.0 and cells[1][2] == IBAN


def test_marking_a_request_as_paid_books_it_and_empties_the_list(world: World, client: FlaskClient) -> None:
    app_id, payment_id = _requested(world)
    login(client, "buero@example.org")

    response = client.post(f"/verwaltung/auszahlungen?fonds={QF}", data={"payment_id": str(payment_id)})

    assert response.status_code == 302
    with world.fonds.db.read() as s:
        assert application_balance(s, app_id).paid == 40_000
    assert "Keine offene Auszahlungsanforderung" in client.get("/verwaltung/auszahlungen").get_data(as_text=True)
    again = client.post(f"/verwaltung/auszahlungen?fonds={QF}", data={"payment_id": str(payment_id)})
    assert again.status_code == 400
    assert "nicht mehr offen" in again.get_data(as_text=True)


def test_only_the_funds_manager_sees_the_payment_orders(world: World, client: FlaskClient) -> None:
    _requested(world)
    login(client, "anna@example.org")
    assert client.get(f"/verwaltung/auszahlungen?fonds={QF}").status_code == 403
    assert client.get(f"/verwaltung/auszahlungen.csv?fonds={QF}").status_code == 403
    assert client.post(f"/verwaltung/auszahlungen?fonds={QF}", data={"payment_id": "1"}).status_code == 403
