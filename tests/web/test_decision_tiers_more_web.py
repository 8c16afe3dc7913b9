"""Two more tier layouts decided through the web by the role each amount needs (issue 14):

- two-step only above an amount: in a Cityfonds variant the jury grants up to 1.000 € itself;
  above, it only recommends and the city approver grants on its own pages;
- a fund with no jury at all: the office decides up to 500 €, the district council above.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.funds.loading import load_funds
from fondsengine.guidelines.loader import GuidelineError
from fondsengine.guidelines.summary import plain_summary
from fondsengine.jury import closing, voting
from fondsengine.jury import sessions as jury_sessions
from fondsengine.model import AgendaItem
from tests.support.factories import cityfonds_input
from tests.support.files import simple_pdf
from tests.web.builders import PASSWORD, ROOT, World, app_of, good_input, reviewed_in
from tests.web.conftest import login

ABOVE = "test-cityfonds-stufen"
NO_JURY = "test-ohne-jury"
SESSION = datetime(2026, 3, 11, 16, tzinfo=UTC)


def _write(folder: Path, fund: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{fund}.yaml").write_text(text, encoding="utf-8")
    return folder


def _two_step_above(folder: Path) -> Path:
    text = (ROOT / "richtlinien" / "witten-cityfonds.yaml").read_text(encoding="utf-8")
    old = "  tiers:\n    - decided_by: jury\n"
    assert old in text
    tiers = (
        "  tiers:\n"
        '    - {up_to: 1000, decided_by: jury, two_step: false, clause: "§ 7 Abs. 1"}\n'
        '    - {decided_by: jury, clause: "§ 7 Abs. 2"}\n'
    )
    return _write(folder, ABOVE, text.replace(old, tiers))


def _without_jury(folder: Path) -> Path:
    text = (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8")
    start = text.index("\njury:\n")
    end = start + 1 + re.search(r"\n[a-z_]+:", text[start + 1 :]).start()  # type: ignore[union-attr]
    text = text[:start] + text[end:]
    old = "  tiers:\n    - decided_by: jury\n"
    assert old in text
    tiers = (
        "  tiers:\n"
        '    - {up_to: 500, decided_by: management, clause: "§ 7 Abs. 2"}\n'
        '    - {decided_by: external, body: "Bezirksvertretung Mitte", clause: "§ 7 Abs. 5"}\n'
    )
    return _write(folder, NO_JURY, text.replace(old, tiers))


def _people(world: World, fund: str, approver_email: str) -> None:
    grant_role(world.fonds, Actor.scheduler(), user_id=world.office, fund_id=fund, role="manager")
    body = create_user(world.fonds, name="Bewilligung", email=approver_email, password=PASSWORD, confirmed=True)
    grant_role(world.fonds, Actor.scheduler(), user_id=body, fund_id=fund, role="city_approver")


def _city(world: World, euro: int, title: str) -> int:
    data = cityfonds_input(
        title=title,
        project_start=date(2026, 5, 1),
        project_end=date(2026, 6, 30),
        requested_cents=euro * 100,
        own_funds_cents=euro * 100,
        cost_items=(apps.CostItemInput("material", "Lichterketten", euro * 200),),
    )
    return reviewed_in(world, ABOVE, data)


def _granted_by_the_body(world: World, client: FlaskClient, email: str, app_id: int, title: str, other: str) -> None:
    """The office logs out; the granting body finds the application (not the other) and grants it."""
    client.post("/abmelden")
    login(client, email)
    queue = client.get("/bewilligung/").get_data(as_text=True)
    assert title in queue and other not in queue
    granted = client.post(f"/bewilligung/antraege/{app_id}/bewilligen", data={"amount": ""})
    assert granted.status_code == 302, granted.get_data(as_text=True)[:2000]
    assert app_of(world, app_id).state == "approved"


def _paper_vote(client: FlaskClient, app_id: int, step: str) -> tuple[int, str]:
    pdf = (io.BytesIO(simple_pdf()), "protokoll.pdf", "application/pdf")
    answer = client.post(
        f"/verwaltung/antraege/{app_id}/aktion/{step}",
        data={"yes": "5", "no": "1", "abstain": "1", "protocol": pdf},
    )
    return answer.status_code, answer.get_data(as_text=True)


def _seat(world: World, session_id: int) -> list[int]:
    ids = []
    for i, group in enumerate(["trader"] * 3 + ["property_owner"] * 2 + ["association"] * 2):
        uid = create_user(world.fonds, name=f"Jury {i + 1}", email=f"cityjury{i + 1}@example.org")
        grant_role(world.fonds, Actor.scheduler(), user_id=uid, fund_id=ABOVE, role="jury_member", group=group)
        ids.append(uid)
    jury_sessions.open_session(world.fonds, Actor(world.office), session_id, ids, ids[0])
    return ids


def test_two_step_only_above_an_amount_the_jury_grants_below_and_the_city_grants_above(
    world: World, client: FlaskClient, tmp_path: Path
) -> None:
    load_funds(world.fonds, Actor.scheduler(), _two_step_above(tmp_path / "r"), ROOT / "workflows")
    _people(world, ABOVE, "stadt@example.org")
    small = _city(world, 1_000, "Kleine Lichteraktion")  # exactly at the limit: the jury grants
    large = _city(world, 1_001, "Große Lichteraktion")  # one euro above: the jury recommends
    f, office = world.fonds, Actor(world.office)
    session_id = decisions.create_session(f, office, ABOVE, SESSION, "Rathaus")
    for app_id in (small, large):
        decisions.schedule(f, office, app_id, session_id)
    world.clock.set(datetime(2026, 3, 11, 17, tzinfo=UTC))
    _seat(world, session_id)

    login(client, "buero@example.org")
    # the office records the paper session; the step must fit the tier
    status, page = _paper_vote(client, small, "jury_recommend")
    assert status == 400 and "entscheidet die Jury selbst" in page
    status, page = _paper_vote(client, large, "jury_approve")
    assert status == 400 and "empfiehlt die Jury nur" in page and "Stadt Witten, Amt für Stadtentwicklung" in page
    assert (app_of(world, small).state, app_of(world, large).state) == ("on_agenda", "on_agenda")
    status, page = _paper_vote(client, small, "jury_approve")
    assert status == 302, page[:2000]
    status, page = _paper_vote(client, large, "jury_recommend")
    assert status == 302, page[:2000]
    assert (app_of(world, small).state, app_of(world, large).state) == ("approved", "recommended")
    # after the recommendation not the office but only the city grants
    assert client.get(f"/verwaltung/antraege/{large}/aktion/city_grant").status_code == 404
    client.post("/abmelden")
    login(client, "anna@example.org")  # the resident: granted below the limit, only recommended above
    below = client.get(f"/antraege/{small}").get_data(as_text=True)
    above = client.get(f"/antraege/{large}").get_data(as_text=True)
    assert "<dt>Bewilligt</dt>" in below and "noch nicht bewilligt" not in below
    assert "<dt>Empfohlen</dt>" in above and "noch nicht bewilligt" in above and "<dt>Bewilligt</dt>" not in above
    _granted_by_the_body(world, client, "stadt@example.org", large, "Große Lichteraktion", "Kleine Lichteraktion")
    assert app_of(world, large).approved_cents == 100_100
    # the jury's own grant is not the city's to take again
    again = client.post(f"/bewilligung/antraege/{small}/bewilligen", data={"amount": ""})
    assert again.status_code == 400
    assert "ist im Zustand „Bewilligt“ nicht möglich" in again.get_data(as_text=True)
    assert app_of(world, small).grant_file_number is None

    with f.db.read() as s:
        g = f.catalog.current(s, ABOVE)[2]
    assert not g.decision.recommends(100_000) and g.decision.recommends(100_100)
    assert any("Bei 1.000,01 € bis 7.500,00 € empfiehlt die Jury" in line for line in plain_summary(g, 2026))


def test_the_jury_closing_its_own_vote_grants_or_recommends_as_the_tier_says(world: World, tmp_path: Path) -> None:
    load_funds(world.fonds, Actor.scheduler(), _two_step_above(tmp_path / "r"), ROOT / "workflows")
    _people(world, ABOVE, "stadt@example.org")
    small, large = _city(world, 800, "Klein"), _city(world, 2_000, "Groß")
    f, office = world.fonds, Actor(world.office)
    session_id = decisions.create_session(f, office, ABOVE, SESSION, "Rathaus")
    for app_id in (small, large):
        decisions.schedule(f, office, app_id, session_id)
    world.clock.set(datetime(2026, 3, 11, 17, tzinfo=UTC))
    members = _seat(world, session_id)
    with f.db.read() as s:
        rows = s.execute(select(AgendaItem.application_id, AgendaItem.id).where(AgendaItem.session_id == session_id))
        items = {app_id: item_id for app_id, item_id in rows}
    for app_id, item_id in items.items():
        for uid in members:
            jury_sessions.declare_no_conflict(f, Actor(uid), item_id, uid)  # the Cityfonds asks for it
            voting.cast_vote(f, Actor(uid), item_id, "yes")
        result = closing.close_item(f, office, item_id)
        assert result.outcome == ("approve" if app_id == small else "recommend")
    assert (app_of(world, small).state, app_of(world, large).state) == ("approved", "recommended")


def test_a_fund_without_a_jury_the_office_below_and_the_district_council_above(
    world: World, client: FlaskClient, tmp_path: Path
) -> None:
    load_funds(world.fonds, Actor.scheduler(), _without_jury(tmp_path / "r"), ROOT / "workflows")
    _people(world, NO_JURY, "bv@example.org")

    def quarter(euro: int, title: str) -> int:
        data = good_input(
            title=title,
            requested_cents=euro * 100,
            cost_items=(apps.CostItemInput("material", "Material", euro * 100),),
        )
        return reviewed_in(world, NO_JURY, data)

    small, large = quarter(500, "Kleines Fest"), quarter(501, "Großes Fest")
    with world.fonds.db.read() as s:
        assert not world.fonds.catalog.current(s, NO_JURY)[2].has_jury

    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{large}").get_data(as_text=True)
    assert "Bewilligen (Geschäftsführung)" in page  # offered, but blocked with its reason
    refused = client.post(f"/verwaltung/antraege/{large}/aktion/decide_approve", data={"amount": ""})
    assert refused.status_code == 400 and "nicht die Geschäftsführung allein" in refused.get_data(as_text=True)
    with pytest.raises(Exception, match="Bezirksvertretung Mitte"):
        session_id = decisions.create_session(world.fonds, Actor(world.office), NO_JURY, SESSION, "Rathaus")
        decisions.schedule(world.fonds, Actor(world.office), large, session_id)
    done = client.post(f"/verwaltung/antraege/{small}/aktion/decide_approve", data={"amount": ""})
    assert done.status_code == 302 and app_of(world, small).state == "approved"
    _granted_by_the_body(world, client, "bv@example.org", large, "Großes Fest", "Kleines Fest")
    assert app_of(world, large).approved_cents == 50_100


def test_loading_refuses_a_two_step_tier_in_a_workflow_without_a_recommendation(world: World, tmp_path: Path) -> None:
    folder = _two_step_above(tmp_path / "r")
    path = folder / f"{ABOVE}.yaml"
    text = path.read_text(encoding="utf-8").replace("workflow: zweistufig", "workflow: bewohnerfonds")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if 'clause: "§ 7 Abs. 2"}' in row)
    with pytest.raises(GuidelineError) as refused:
        load_funds(world.fonds, Actor.scheduler(), folder, ROOT / "workflows")
    problem = next(p for p in refused.value.problems if "empfiehlt die Jury" in p.message)
    assert problem.line == line
    assert "Über Beträge von 1.000,01 € bis 7.500,00 € empfiehlt die Jury" in problem.message
    assert "'jury_recommends'" in problem.message
