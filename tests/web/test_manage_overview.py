"""The yearly overview: counts and sums by state and cost category, participants reached; exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from openpyxl import load_workbook

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from tests.web.builders import QF, World, approved_for, draft_for
from tests.web.conftest import login
from webapp.filters import euro


def _year(world: World) -> None:
    waiting = draft_for(world, world.bert, title="Kinderflohmarkt")
    apps.submit(world.fonds, Actor(world.bert), waiting)
    draft_for(world, world.bert, title="Noch ein Entwurf")
    funded = approved_for(world, world.anna)
    payments.record_payment(world.fonds, Actor(world.office), funded, amount_cents=64_000, kind="advance")
    world.clock.set(datetime(2026, 5, 10, 9, tzinfo=UTC))
    proofs.submit_proof(
        world.fonds,
        Actor(world.anna),
        funded,
        report="Schön war es.",
        participants_reached=150,
        receipts=[proofs.ReceiptInput(date(2026, 5, 1), "Zeltverleih", "Zelt", "rental", 60_000)],
        confirmed=True,
    )


def test_the_overview_counts_by_state_and_category_and_sums_participants(world: World, client: FlaskClient) -> None:
    _year(world)
    login(client, "buero@example.org")

    html = client.get(f"/verwaltung/jahresuebersicht?fonds={QF}&jahr=2026").get_data(as_text=True)

    assert f'<th scope="row">Eingereicht</th><td>1</td><td>{euro(80_000)}</td>' in html
    assert (
        f'<th scope="row">Verwendungsnachweis eingereicht</th><td>1</td><td>{euro(80_000)}</td><td>{euro(80_000)}</td>'
        in html
    )
    assert "Entwurf" not in html.split("Anträge nach Stand")[1].split("</table>")[0]
    assert f"<td>1</td><td>{euro(60_000)}</td>" in html  # rental, planned costs of the funded project
    assert "<dt>Teilnehmende erreicht</dt><dd>150</dd>" in html
    assert "<dt>Geförderte Projekte</dt><dd>1</dd>" in html


def test_the_overview_exports_as_csv_and_xlsx(world: World, client: FlaskClient) -> None:
    _year(world)
    login(client, "buero@example.org")
    text = client.get(f"/verwaltung/jahresuebersicht.csv?fonds={QF}&jahr=2026").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    sheet = load_workbook(io.BytesIO(client.get(f"/verwaltung/jahresuebersicht.xlsx?fonds={QF}&jahr=2026").data)).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))

    assert rows[0] == [
        "Stand", "Anzahl", "Beantragt (EUR)", "Bewilligt (EUR)", "Gebunden (EUR)",
        "Ausgezahlt abzüglich Rückzahlungen (EUR)",
    ]
    assert ["Eingereicht", "1", "800,00", "0,00", "0,00", "0,00"] in rows
    assert ["Verwendungsnachweis eingereicht", "1", "800,00", "800,00", "800,00", "640,00"] in rows
    assert ["Bewilligt", "", "800,00"] in rows and ["Ausgezahlt", "", "640,00"] in rows
    assert ["Teilnehmende erreicht (laut Verwendungsnachweis)", "150"] in rows
    assert ("Eingereicht", 1, 800.0, 0.0) in [tuple(c[:4]) for c in cells]


def test_the_overview_is_for_the_funds_managers_only(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    assert client.get(f"/verwaltung/jahresuebersicht?fonds={QF}").status_code == 403
    assert client.get(f"/verwaltung/jahresuebersicht.csv?fonds={QF}").status_code == 403


def test_the_office_downloads_the_annual_report_and_the_roll_up_for_the_land(
    world: World, client: FlaskClient, tmp_path: object
) -> None:
    import subprocess
    from pathlib import Path

    _year(world)
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/jahresuebersicht?fonds={QF}&jahr=2026").get_data(as_text=True)
    assert "Jahresbericht 2026 (PDF)" in page
    pdf = client.get(f"/verwaltung/jahresbericht.pdf?fonds={QF}&jahr=2026")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    target = Path(str(tmp_path)) / "bericht.pdf"
    target.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "Jahresbericht 2026" in text and "800,00 €" in text  # the funded project's approved amount
    rollup = client.get(f"/verwaltung/verwendungsnachweis-land.csv?fonds={QF}&jahr=2026").get_data(as_text=True)
    assert "800,00" in rollup
    assert client.get(f"/verwaltung/verwendungsnachweis-land.pdf?fonds={QF}&jahr=2026").data.startswith(b"%PDF")
    login(client, "anna@example.org")
    assert client.get(f"/verwaltung/jahresbericht.pdf?fonds={QF}&jahr=2026").status_code == 403
