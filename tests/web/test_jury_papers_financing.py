"""The jury's papers show the whole financing plan of each item (costs, own money, valued volunteer
work, third-party funds, the requested grant), whatever the guideline's visible fields; the labels come
from the one labels place."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from fondsengine.guidelines.calc import hours_value_cents
from fondsengine.model import AgendaItem, Application
from tests.web.builders import World
from tests.web.conftest import login
from tests.web.test_jury_support import build_jury
from webapp.filters import euro
from webapp.jury.papers import _text
from webapp.labels import AREA_LINK_TEXT, FINANCING_PLAN


def test_each_item_shows_the_financing_plan_with_the_applications_own_numbers(world: World, tmp_path: Path) -> None:
    j = build_jury(world, tmp_path)
    f = world.fonds
    with f.db.write_session() as s:  # third-party money and volunteer hours on the first item
        app_id = s.scalar(select(AgendaItem.application_id).where(AgendaItem.id == j.items[0]))
        app = s.get(Application, app_id)
        assert app is not None
        app.other_funding_cents, app.volunteer_hours = 15_000, app.volunteer_hours + 4
        s.commit()
    with f.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        g = f.catalog.guideline(s, app.guideline_version_id)
        want = {
            "total_cost": sum(c.amount_cents for c in app.cost_items),
            "own_funds": app.own_funds_cents,
            "volunteer": hours_value_cents(app.volunteer_hours, g),
            "other_funding": 15_000,
            "requested": app.requested_cents,
        }
        assert "other_funding" not in g.jury.visible_fields  # shown although not a visible field
    client = world.app.test_client()
    login(client, "ida@example.org")
    html = client.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    item = html.split(f'id="top-{j.items[0]}"', 1)[1].split('<section class="card"', 1)[0]
    table = item.split('data-papers="financing"', 1)[1].split("</table>", 1)[0]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table))
    assert rows == {FINANCING_PLAN[k]: euro(v) for k, v in want.items()}
    assert want["volunteer"] > 0


def test_the_area_link_of_every_kind_the_form_asks_has_a_label() -> None:
    from webapp.applicant.forms import AREA_LINKS

    assert set(AREA_LINKS) == set(AREA_LINK_TEXT)
    assert _text(None, "area_link", "owns_property") == "Eigentum im Gebiet"  # type: ignore[arg-type]
