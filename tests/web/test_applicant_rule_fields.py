"""The applicant's form asks what the guideline's rules need, only where the fund's guideline uses the
rule, and the answers reach the records the rule checks read: a fee for a member of the own group is
refused with its clause, a net-cost applicant's eligible costs count net, earlier de-minimis aid is
summed against the limit, the earlier file number of a repeat goes to the office to confirm; the
office's paper form asks the same; the proof of use takes each receipt's VAT rate (issue 14)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.accounts.users import grant_role
from fondsengine.applications.queries import findings_for
from fondsengine.engine import Actor
from fondsengine.funds.loading import load_funds
from fondsengine.model import Application, Receipt
from tests.integration.test_guideline_examples import engagement_input
from tests.support.factories import quartiersfonds_input, trader_input
from tests.support.journey import Journey
from tests.web.builders import QF, World
from tests.web.conftest import login

ROOT = Path(__file__).resolve().parents[2]
AF, EF, SF = "berlin-aktionsfonds", "nrw-engagementfonds", "berlin-quartiersfonds-stufen"


def examples(world: World) -> None:
    """Load the example guidelines and make the office their manager."""
    load_funds(world.fonds, Actor.scheduler(), ROOT / "richtlinien" / "examples", ROOT / "workflows")
    for fund in (AF, EF, SF):
        grant_role(world.fonds, Actor.scheduler(), user_id=world.office, fund_id=fund, role="manager")


def form(**changes: str) -> dict[str, str]:
    """A valid application of the example funds (Berlin postcode), as the browser posts it."""
    base = {
        "applicant_kind": "resident",
        "contact_name": "Anna Beispiel",
        "contact_street": "Musterstraße 3",
        "contact_postcode": "12681",
        "contact_city": "Berlin",
        "contact_email": "anna@example.org",
        "title": "Hoffest im Beispielkiez",
        "description": "Ein Fest im Hof.",
        "place": "Hof Musterstraße",
        "street": "Musterstraße",
        "postcode": "12681",
        "requested": "1.000,00",
        "project_start": "2026-03-15",
        "project_end": "2026-03-20",
        "cost-1-category": "material",
        "cost-1-description": "Bänke, Pavillon",
        "cost-1-amount": "1.000,00",
        "nonprofit": "1",
        "action": "save",
    }
    return {**base, **changes}


def _new(client: FlaskClient, fund: str, data: dict[str, str]) -> int:
    response = client.post(f"/antrag/neu/{fund}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _applicant(world: World) -> FlaskClient:
    client = world.app.test_client()
    login(client, "anna@example.org")
    return client


def test_the_form_asks_each_rule_question_only_where_the_guideline_uses_the_rule(world: World) -> None:
    examples(world)
    client = _applicant(world)
    action = client.get(f"/antrag/neu/{AF}").get_data(as_text=True)
    assert 'name="group_members"' in action and 'name="cost-1-payee"' in action
    assert 'name="input_tax_deductible"' not in action and 'name="de_minimis_prior"' not in action
    tiered = client.get(f"/antrag/neu/{SF}").get_data(as_text=True)
    assert 'name="input_tax_deductible"' in tiered and 'name="cost-1-vat"' in tiered
    assert 'name="de_minimis_prior"' in tiered and 'name="de_minimis_prior_on"' in tiered
    assert "300.000,00" in tiered and "Gewerbetreibende" in tiered  # the limit and who declares
    assert 'name="group_members"' not in tiered and 'name="cost-1-payee"' not in tiered
    engagement = client.get(f"/antrag/neu/{EF}").get_data(as_text=True)
    assert 'name="continues_file_number"' in engagement and "Nr. 3 Abs. 3" in engagement
    witten = client.get(f"/antrag/neu/{QF}").get_data(as_text=True)
    assert 'name="continues_file_number"' in witten  # falling shares for repeats
    assert 'name="group_members"' not in witten and 'name="input_tax_deductible"' not in witten


def test_a_fee_for_a_member_of_the_own_group_is_refused_with_its_clause(world: World) -> None:
    examples(world)
    client = _applicant(world)
    data = form(**{
        "group_members": "Bernd Muster\r\n  Carla Beispiel \r\n\r\n",
        "requested": "1.120,00",
        "cost-2-category": "fees",
        "cost-2-description": "Trommelworkshop (4 Stunden)",
        "cost-2-amount": "120,00",
        "cost-2-hours": "4",
        "cost-2-payee": "bernd  muster",
    })  # fmt: skip
    app_id = _new(client, AF, data)
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        assert app.group_members == ["Bernd Muster", "Carla Beispiel"]
        assert [c.payee for c in app.cost_items] == [None, "bernd  muster"]
    page = client.get(f"/antraege/{app_id}/bearbeiten").get_data(as_text=True)
    assert "Bernd Muster\nCarla Beispiel</textarea>" in page and 'value="bernd  muster"' in page
    shown = re.sub(r"\s+", " ", page)
    assert "(120,00 €) an bernd muster zählt nicht zu den förderfähigen Kosten. (Nr. 5 Abs. 2)" in shown
    found = {f.code: f for f in findings_for(world.fonds, Actor(world.anna), app_id)}
    assert found["costs.fee_for_group_member"].clause == "Nr. 5 Abs. 2"
    assert found["amount.above_share"].blocking  # only the 1.000 € material count
    outside = client.post(f"/antraege/{app_id}/bearbeiten", data={**data, "cost-2-payee": "Trommelschule"})
    assert outside.status_code == 302
    codes = {f.code for f in findings_for(world.fonds, Actor(world.anna), app_id)}
    assert "costs.fee_for_group_member" not in codes and "amount.above_share" not in codes


def test_a_net_cost_applicant_counts_net_and_declares_earlier_de_minimis_aid(world: World) -> None:
    examples(world)
    client = _applicant(world)
    data = form(**{
        "applicant_kind": "trader",
        "organisation": "Café am Platz",
        "input_tax_deductible": "1",
        "de_minimis_prior": "12.500,00",
        "de_minimis_prior_on": "2025-06-30",
        "requested": "9.000,00",
        "own_funds": "3.200,00",
        "cost-1-description": "Sitzmöbel für den Platz",
        "cost-1-amount": "11.900,00",
        "cost-1-vat": "1.900,00",
    })  # fmt: skip
    data.pop("nonprofit")
    app_id = _new(client, SF, data)
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.input_tax_deductible
        assert (app.de_minimis_prior_cents, app.de_minimis_prior_on) == (1_250_000, date(2025, 6, 30))
        assert app.cost_items[0].vat_cents == 190_000
    found = {f.code: f for f in findings_for(world.fonds, Actor(world.anna), app_id)}
    assert "10.000,00 € statt 11.900,00 €" in found["costs.net_of_vat"].message
    assert found["costs.net_of_vat"].clause == "§ 5 Abs. 6"
    assert "bisher 12.500,00 € (zuletzt am 30.06.2025)" in found["de_minimis.sum"].message
    page = client.get(f"/antraege/{app_id}/bearbeiten").get_data(as_text=True)
    assert 'id="f-input_tax_deductible" name="input_tax_deductible" value="1" checked' in page
    assert 'value="12.500,00"' in page and 'value="2025-06-30"' in page and 'value="1.900,00"' in page
    # without the tick the same costs count gross; an unreadable amount is refused in German
    gross = client.post(f"/antraege/{app_id}/bearbeiten", data={k: v for k, v in data.items()
                                                                if k != "input_tax_deductible"})  # fmt: skip
    assert gross.status_code == 302
    assert "costs.net_of_vat" not in {f.code for f in findings_for(world.fonds, Actor(world.anna), app_id)}
    bad = client.post(f"/antraege/{app_id}/bearbeiten", data={**data, "de_minimis_prior": "viel"})
    assert bad.status_code == 400 and "Frühere De-minimis-Beihilfen" in bad.get_data(as_text=True)
    late = client.post(f"/antraege/{app_id}/bearbeiten", data={**data, "cost-1-vat": "12.000,00"})
    assert late.status_code == 400 and "Umsatzsteuer muss kleiner als der Betrag sein" in late.get_data(as_text=True)


def test_the_earlier_file_number_goes_to_the_office_to_confirm(world: World) -> None:
    examples(world)
    client = _applicant(world)
    app_id = _new(client, EF, form(applicant_kind="association", continues_file_number="NEF-2025-0007"))
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.continues_file_number == "NEF-2025-0007" and app.continues_id is None
    office = world.app.test_client()
    login(office, "buero@example.org")
    named = engagement_input(continues_file_number="NEF-2025-0007")
    submitted = Journey(world.fonds, office=Actor(world.office), applicant=Actor(world.anna), fund=EF,
                        data=named).to("submitted")  # fmt: skip
    page = office.get(f"/verwaltung/antraege/{submitted}").get_data(as_text=True)
    assert 'data-named="NEF-2025-0007"' in page and "bestätigen" in page
    assert 'data-continues="' not in page


def test_the_paper_form_asks_and_stores_the_same_rule_answers(world: World) -> None:
    examples(world)
    office = world.app.test_client()
    login(office, "buero@example.org")
    page = office.get(f"/verwaltung/papierantrag?fonds={AF}").get_data(as_text=True)
    assert 'name="group_members"' in page and 'name="cost-1-payee"' in page
    data = form(**{"fonds": AF, "person_name": "Paula Papier", "person_email": "",
                   "group_members": "Bernd Muster", "cost-1-payee": "Baumarkt"})  # fmt: skip
    response = office.post(f"/verwaltung/papierantrag?fonds={AF}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with world.fonds.db.read() as s:
        app = s.scalar(select(Application).where(Application.fund_id == AF))
        assert app is not None and app.group_members == ["Bernd Muster"]
        assert app.cost_items[0].payee == "Baumarkt"
    tiered = office.get(f"/verwaltung/papierantrag?fonds={SF}").get_data(as_text=True)
    assert 'name="input_tax_deductible"' in tiered and 'name="de_minimis_prior"' in tiered


def test_the_proof_of_use_takes_the_vat_rate_of_each_receipt_for_a_net_cost_applicant(world: World) -> None:
    examples(world)
    data = trader_input(postcode="10115", project_start=date(2026, 3, 1), project_end=date(2026, 3, 31))
    app_id = Journey(world.fonds, office=Actor(world.office), applicant=Actor(world.anna), fund=SF,
                     data=data).to("approved")  # fmt: skip
    client = _applicant(world)
    page = client.get(f"/antraege/{app_id}/verwendungsnachweis").get_data(as_text=True)
    assert 'name="receipt-1-vat"' in page and '<option value="7">7 %</option>' in page
    receipt = {
        "action": "submit",
        "report": "Die Pflanzen stehen.",
        "receipt-1-paid_on": "2026-03-10",
        "receipt-1-payee": "Gärtnerei",
        "receipt-1-purpose": "Pflanzen",
        "receipt-1-category": "material",
        "receipt-1-amount": "5.350,00",
        "receipt-1-vat": "7",
        "income": "0",  # the numerical proof and its confirmation (issue 13)
        "own_funds": "0",
        "other_funding": "0",
        "confirmed": "1",
    }
    wrong = client.post(f"/antraege/{app_id}/verwendungsnachweis", data={**receipt, "receipt-1-vat": "8"})
    assert wrong.status_code == 400 and "angebotenen Steuersätze" in wrong.get_data(as_text=True)
    done = client.post(f"/antraege/{app_id}/verwendungsnachweis", data=receipt)
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    with world.fonds.db.read() as s:
        assert [r.vat_percent for r in s.scalars(select(Receipt))] == [7]
    # a resident who deducts no input tax is not asked
    witten = Journey(world.fonds, office=Actor(world.office), applicant=Actor(world.anna), fund=QF,
                     data=quartiersfonds_input()).to("approved")  # fmt: skip
    assert 'name="receipt-1-vat"' not in client.get(f"/antraege/{witten}/verwendungsnachweis").get_data(as_text=True)


def test_the_office_corrects_the_rule_answers_of_a_submitted_application_with_a_reason(world: World) -> None:
    from tests.integration.test_guideline_examples import aktionsfonds_input

    examples(world)
    data = aktionsfonds_input(project_start=date(2026, 3, 15), project_end=date(2026, 3, 20))
    app_id = Journey(world.fonds, office=Actor(world.office), applicant=Actor(world.anna), fund=AF,
                     data=data).to("submitted")  # fmt: skip
    office = world.app.test_client()
    login(office, "buero@example.org")
    assert f"/verwaltung/antraege/{app_id}/korrigieren" in office.get(f"/verwaltung/antraege/{app_id}").get_data(
        as_text=True
    )
    page = office.get(f"/verwaltung/antraege/{app_id}/korrigieren").get_data(as_text=True)
    assert "Antrag korrigieren" in page and 'value="Hoffest im Beispielkiez"' in page
    assert 'name="group_members"' in page and 'name="reason"' in page
    posted = form(**{"title": "Hoffest im Beispielkiez", "project_start": "2026-03-15", "project_end": "2026-03-20",
                     "requested": "1.200,00", "cost-1-amount": "1.200,00",
                     "cost-1-description": "Bänke, Pavillon, Deko",
                     "group_members": "Bernd Muster", "cost-1-payee": "Baumarkt",
                     **{f"decl-{d}": "1" for d in data.declarations}})  # fmt: skip
    posted.pop("action")
    refused = office.post(f"/verwaltung/antraege/{app_id}/korrigieren", data=posted)
    assert refused.status_code == 400 and "Bitte begründen Sie die Korrektur" in refused.get_data(as_text=True)
    done = office.post(f"/verwaltung/antraege/{app_id}/korrigieren",
                       data={**posted, "reason": "Mitglieder laut Telefonat nachgetragen"})  # fmt: skip
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.group_members == ["Bernd Muster"]
        assert app.cost_items[0].payee == "Baumarkt"
    shown = office.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "<dt>Mitglieder der Gruppe</dt><dd>Bernd Muster</dd>" in shown and " – an Baumarkt" in shown
    # after the decision the page sends the office back, and the application page offers no link
    approved = Journey(world.fonds, office=Actor(world.office), applicant=Actor(world.anna), fund=QF,
                       data=quartiersfonds_input()).to("approved")  # fmt: skip
    after = office.get(f"/verwaltung/antraege/{approved}/korrigieren")
    assert after.status_code == 302
    assert (
        "korrigieren"
        not in office.get(f"/verwaltung/antraege/{approved}")
        .get_data(as_text=True)
        .split("Nächste Schritte")[1]
        .split("</section>")[0]
    )
