"""Every tier layout in one fund, decided through the web by the role each amount needs.

Tiers: the office alone up to 500 €, the jury up to 2,000 €, the district council above (as the
city approver role). Loading refuses a layout whose decider has no step in the workflow.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.funds.loading import load_funds
from fondsengine.guidelines.loader import GuidelineError
from fondsengine.model import AgendaItem, Application
from tests.support.files import simple_pdf
from tests.web.builders import PASSWORD, ROOT, World, app_of, good_input, reviewed_in
from tests.web.conftest import login

FUND = "test-stufenfonds"
TIERS = """  tiers:
    - {up_to: 500, decided_by: management, clause: "§ 7 Abs. 2"}
    - {up_to: 2000, decided_by: jury, clause: "§ 7 Abs. 1"}
    - {decided_by: external, body: "Bezirksvertretung Mitte", clause: "§ 7 Abs. 5"}
"""


def _fund_file(folder: Path) -> None:
    text = (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8")
    old = "  tiers:\n    - decided_by: jury\n"
    assert old in text
    folder.mkdir()
    (folder / f"{FUND}.yaml").write_text(text.replace(old, TIERS), encoding="utf-8")


def _tiered(world: World, tmp_path: Path) -> None:
    _fund_file(tmp_path / "richtlinien-stufen")
    load_funds(world.fonds, Actor.scheduler(), tmp_path / "richtlinien-stufen", ROOT / "workflows")
    grant_role(world.fonds, Actor.scheduler(), user_id=world.office, fund_id=FUND, role="manager")
    council = create_user(
        world.fonds, name="Bezirksvertretung", email="bv@example.org", password=PASSWORD, confirmed=True
    )
    grant_role(world.fonds, Actor.scheduler(), user_id=council, fund_id=FUND, role="city_approver")


def _reviewed(world: World, euro: int, title: str) -> int:
    data = good_input(
        title=title,
        requested_cents=euro * 100,
        cost_items=(apps.CostItemInput("material", "Material", euro * 100),),
    )
    return reviewed_in(world, FUND, data)


def _app(world: World, app_id: int) -> Application:
    return app_of(world, app_id)


def test_each_amount_reaches_exactly_the_body_its_tier_names(world: World, client: FlaskClient, tmp_path: Path) -> None:
    _tiered(world, tmp_path)
    small = _reviewed(world, 400, "Kleines Fest")
    middle = _reviewed(world, 1_200, "Mittleres Fest")
    large = _reviewed(world, 2_500, "Großes Fest")

    login(client, "buero@example.org")
    # the office alone decides the small one
    done = client.post(f"/verwaltung/antraege/{small}/aktion/decide_approve", data={"amount": ""})
    assert done.status_code == 302 and _app(world, small).state == "approved"
    # ... but neither the middle nor the large one
    for app_id in (middle, large):
        refused = client.post(f"/verwaltung/antraege/{app_id}/aktion/decide_approve", data={"amount": ""})
        assert refused.status_code == 400
        assert "nicht die Geschäftsführung allein" in refused.get_data(as_text=True)
    # the large one cannot go to the jury either: the district council decides it
    with pytest.raises(Exception, match="Bezirksvertretung Mitte"):
        session_id = decisions.create_session(world.fonds, Actor(world.office), FUND, world.clock.now(), "Rathaus")
        decisions.schedule(world.fonds, Actor(world.office), large, session_id)

    # the jury decides the middle one (a session held on paper, with its record)
    session_id = decisions.create_session(world.fonds, Actor(world.office), FUND, world.clock.now(), "Rathaus")
    decisions.schedule(world.fonds, Actor(world.office), middle, session_id)
    assert len(seated_jury_for(world, session_id)) == 9
    pdf = (io.BytesIO(simple_pdf()), "protokoll.pdf", "application/pdf")
    voted = client.post(
        f"/verwaltung/antraege/{middle}/aktion/jury_approve",
        data={"yes": "7", "no": "1", "abstain": "1", "protocol": pdf},
    )
    assert voted.status_code == 302, voted.get_data(as_text=True)[:2000]
    assert _app(world, middle).state == "approved"
    client.post("/abmelden")

    # the district council (city approver role) decides the large one on its own pages
    login(client, "bv@example.org")
    queue = client.get("/bewilligung/").get_data(as_text=True)
    assert "Großes Fest" in queue and "Mittleres Fest" not in queue and "Kleines Fest" not in queue
    page = client.get(f"/bewilligung/antraege/{large}").get_data(as_text=True)
    assert "Bezirksvertretung Mitte" in page
    granted = client.post(
        f"/bewilligung/antraege/{large}/bewilligen",
        data={"amount": "", "conditions": "Die Bühne wird bis 22 Uhr abgebaut."},
    )
    assert granted.status_code == 302, granted.get_data(as_text=True)[:2000]
    app = _app(world, large)
    assert (app.state, app.approved_cents) == ("approved", 250_000)
    assert app.conditions == ["Die Bühne wird bis 22 Uhr abgebaut."]
    assert app.grant_file_number is not None and app.grant_file_number.startswith("QM-Witten/QF/")
    with world.fonds.db.read() as s:
        assert s.query(AgendaItem).filter(AgendaItem.application_id == large).count() == 0


def seated_jury_for(world: World, session_id: int) -> list[int]:
    """Nine jury members of the tier fund, all present."""
    from fondsengine.jury import sessions as jury_sessions

    ids = []
    for i in range(9):
        uid = create_user(world.fonds, name=f"Jury {i + 1:02d}", email=f"stufe{i + 1}@example.org")
        grant_role(world.fonds, Actor.scheduler(), user_id=uid, fund_id=FUND, role="jury_member", group="resident")
        ids.append(uid)
    jury_sessions.open_session(world.fonds, Actor(world.office), session_id, ids, ids[0])
    return ids


def test_loading_refuses_a_tier_whose_body_has_no_step_in_the_workflow(world: World, tmp_path: Path) -> None:
    _fund_file(tmp_path / "richtlinien-stufen")
    workflows = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", workflows)
    text = (workflows / "bewohnerfonds.yaml").read_text(encoding="utf-8")
    cut = text.index("\n  # Entscheidung eines anderen Gremiums")
    (workflows / "bewohnerfonds.yaml").write_text(text[:cut] + "\n", encoding="utf-8")
    with pytest.raises(GuidelineError) as refused:
        load_funds(world.fonds, Actor.scheduler(), tmp_path / "richtlinien-stufen", workflows)
    message = str(refused.value)
    assert "Über Beträge von 2.000,01 € bis 3.000,00 € entscheidet Bezirksvertretung Mitte" in message
    assert "hat dafür keinen Schritt" in message
