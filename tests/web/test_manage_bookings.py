"""The Kassenbuch: every booking of the year as a page, CSV and XLSX, for the office only."""

from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient
from openpyxl import load_workbook

from fondsengine.engine import Actor
from fondsengine.payments import service as payments
from fondsengine.payments.bookings import bookings
from tests.web.builders import QF, World, approved_for
from tests.web.conftest import login


def test_the_bookings_page_and_exports_list_every_ledger_entry_of_the_year(world: World, client: FlaskClient) -> None:
    funded = approved_for(world, world.anna)
    payments.record_payment(world.fonds, Actor(world.office), funded, amount_cents=64_000, kind="advance")
    entries = bookings(world.fonds, Actor(world.office), QF, 2026)
    assert [e.kind for e in entries] == ["allocation", "commitment", "payment"]
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/buchungen?fonds={QF}&jahr=2026").get_data(as_text=True)
    assert "3 Buchungen" in page and "Bewilligung (gebunden)" in page and "640,00" in page
    text = client.get(f"/verwaltung/buchungen.csv?fonds={QF}&jahr=2026").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Nr.", "Gebucht am", "Art", "Betrag (EUR)"]
    assert [r[2] for r in rows[1:]] == ["Budget", "Bewilligung (gebunden)", "Auszahlung"]
    assert rows[3][3] == "640,00"
    sheet = load_workbook(io.BytesIO(client.get(f"/verwaltung/buchungen.xlsx?fonds={QF}&jahr=2026").data)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[3][2:4] == ("Auszahlung", 640.0)


def test_the_bookings_are_for_the_office_only(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    assert client.get(f"/verwaltung/buchungen?fonds={QF}").status_code == 403
    assert client.get(f"/verwaltung/buchungen.csv?fonds={QF}").status_code == 403
