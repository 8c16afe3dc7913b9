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


def test_the_office_releases_an_attachment_to_the_jury_who_then_reads_it_and_no_one_else(
    world: World, tmp_path: Path
) -> None:
    from fondsengine.applications.records import add_attachment
    from fondsengine.engine import Actor
    from tests.support.files import simple_pdf
    from webapp.uploads import CheckedFile, as_input

    j = build_jury(world, tmp_path)
    f = world.fonds
    with f.db.read() as s:
        app_id = s.scalar(select(AgendaItem.application_id).where(AgendaItem.id == j.items[0]))
    assert app_id is not None
    pdf = simple_pdf()
    offer = add_attachment(
        f, Actor(world.anna), app_id, as_input(CheckedFile("angebot.pdf", "application/pdf", pdf), "cost_estimate")
    )
    private = add_attachment(
        f, Actor(world.anna), app_id, as_input(CheckedFile("ausweis.pdf", "application/pdf", pdf), "other")
    )
    url = f"/jury/antraege/{app_id}/anhaenge/{offer}"

    ida = world.app.test_client()
    login(ida, "ida@example.org")
    assert ida.get(url).status_code == 404  # not released yet
    office = world.app.test_client()
    login(office, "buero@example.org")
    assert ida.post(f"/verwaltung/antraege/{app_id}/anhaenge/{offer}/jury", data={"freigeben": "1"}).status_code in (
        403,
        404,
    )
    released = office.post(f"/verwaltung/antraege/{app_id}/anhaenge/{offer}/jury", data={"freigeben": "1"})
    assert released.status_code == 302
    assert "in den Unterlagen der Jury" in office.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)

    page = ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert f'href="{url}"' in page and "angebot.pdf" in page and "ausweis.pdf" not in page
    download = ida.get(url)
    assert download.status_code == 200 and download.data == pdf
    assert ida.get(f"/jury/antraege/{app_id}/anhaenge/{private}").status_code == 404  # not released
    olga = world.app.test_client()
    login(olga, "olga@example.org")  # a jury member of another fund
    assert olga.get(url).status_code == 404
    anna = world.app.test_client()
    login(anna, "anna@example.org")
    assert anna.get(url).status_code == 404  # the applicant reads her files on her own pages

    office.post(f"/verwaltung/antraege/{app_id}/anhaenge/{offer}/jury", data={"freigeben": "0"})
    assert ida.get(url).status_code == 404  # taken back
