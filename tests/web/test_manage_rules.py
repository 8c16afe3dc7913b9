"""The office decides about an application's rules on its page: lifts a soft limit with the written
reason and links the earlier funded project a repeat continues (issue 14, the web side)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from fondsengine.accounts.users import grant_role
from fondsengine.applications.queries import findings_for
from fondsengine.applications.service import CostItemInput
from fondsengine.engine import Actor
from fondsengine.funds.loading import load_funds
from fondsengine.model import Application
from tests.integration.test_guideline_examples import EF, SF, engagement_input
from tests.support.factories import quartiersfonds_input
from tests.support.journey import Journey
from tests.web.builders import World
from tests.web.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def _examples(world: World) -> Actor:
    load_funds(world.fonds, Actor.scheduler(), ROOT / "richtlinien" / "examples", ROOT / "workflows")
    for fund in (EF, SF):
        grant_role(world.fonds, Actor.scheduler(), user_id=world.office, fund_id=fund, role="manager")
    return Actor(world.office)


def test_the_office_lifts_a_soft_limit_with_the_reason_on_the_application_page(world: World) -> None:
    office = _examples(world)
    data = quartiersfonds_input(
        requested_cents=2_200_000,
        own_funds_cents=890_000,
        cost_items=(CostItemInput("material", "Spielgeräte für den Hof", 3_000_000),),
    )
    app_id = Journey(world.fonds, office=office, applicant=Actor(world.anna), fund=SF, data=data).to("reviewed")
    client = world.app.test_client()
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "Ausnahmen und Wiederholung" in page and "in der Regel höchstens 20.000,00" in page
    empty = client.post(f"/verwaltung/antraege/{app_id}/regel-grenze", data={"code": "amount.above_normal_max",
                                                                            "reason": ""})  # fmt: skip
    assert empty.status_code == 400 and "Bitte tragen Sie die schriftliche Begründung ein." in empty.get_data(
        as_text=True
    )
    wrong = client.post(f"/verwaltung/antraege/{app_id}/regel-grenze", data={"code": "erfunden", "reason": "x"})
    assert wrong.status_code == 400
    done = client.post(
        f"/verwaltung/antraege/{app_id}/regel-grenze",
        data={"code": "amount.above_normal_max", "reason": "Hof für drei Häuser, Beschluss des Beirats"},
    )
    assert done.status_code == 302
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert 'data-lifted="amount.above_normal_max"' in page and "Beschluss des Beirats" in page
    codes = {f.code for f in findings_for(world.fonds, office, app_id)}
    assert "amount.above_normal_max.lifted" in codes and "amount.above_normal_max" not in codes
    resident = world.app.test_client()
    login(resident, "anna@example.org")
    own = resident.get(f"/antraege/{app_id}").get_data(as_text=True)
    assert "Grenze mit Begründung aufheben" not in own
    refused = resident.post(f"/verwaltung/antraege/{app_id}/regel-grenze", data={"code": "x", "reason": "y"})
    assert refused.status_code in (403, 404)


def test_the_office_links_a_repeat_on_the_application_page(world: World) -> None:
    office = _examples(world)
    first_data = engagement_input(project_start=date(2026, 12, 12), project_end=date(2026, 12, 12))
    first = Journey(world.fonds, office=office, applicant=Actor(world.anna), fund=EF, data=first_data).to("approved")
    with world.fonds.db.read() as s:
        number = s.scalar(select(Application.file_number).where(Application.id == first))
    assert number
    data = engagement_input(
        requested_cents=90_000, own_funds_cents=70_000,
        cost_items=(CostItemInput("material", "Getränke, Material", 180_000),),
    )  # fmt: skip
    app_id = Journey(world.fonds, office=office, applicant=Actor(world.anna), fund=EF, data=data).to("submitted")
    client = world.app.test_client()
    login(client, "buero@example.org")
    assert "Als Wiederholung verknüpfen" in client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    unknown = client.post(f"/verwaltung/antraege/{app_id}/wiederholung", data={"continues_file_number": "EF-0"})
    assert unknown.status_code == 400 and "gibt es in diesem Fonds nicht" in unknown.get_data(as_text=True)
    linked = client.post(f"/verwaltung/antraege/{app_id}/wiederholung", data={"continues_file_number": number})
    assert linked.status_code == 302
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert f'data-continues="{number}"' in page and "schon 1-mal gefördert" in page
    assert "amount.above_repeat_share" in {f.code for f in findings_for(world.fonds, office, app_id)}
