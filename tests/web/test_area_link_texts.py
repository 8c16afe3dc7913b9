"""The applicant's link to the area, as each page says it: her form offers it in the first person (in
her language), the office's paper form offers the same words, the jury's papers state it in the third
person, the pre-check gives examples. The words come from one table (fondsengine/labels.py); this test
pins the words themselves, so a page that shows a raw id (`owns_property`, a past bug of the jury's
papers) or another wording fails here."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from fondsengine.guidelines.findings import ApplicationData
from fondsengine.guidelines.rules import check_area
from fondsengine.model import AgendaItem, Application
from tests.web.builders import QF, World
from tests.web.conftest import login
from tests.web.test_jury_support import build_jury

FIRST_PERSON = {
    "lives": "Ich wohne dort",
    "works": "Ich arbeite dort",
    "owns_property": "Ich besitze dort eine Immobilie",
    "based": "Unsere Gruppe / unser Verein hat dort ihren Sitz",
}
FIRST_PERSON_EN = {
    "lives": "I live there",
    "works": "I work there",
    "owns_property": "I own property there",
    "based": "Our group / association is based there",
}
THIRD_PERSON = {
    "lives": "wohnt im Gebiet",
    "works": "arbeitet im Gebiet",
    "owns_property": "Eigentum im Gebiet",
    "based": "Sitz im Gebiet",
}
EXAMPLES = "wohnt dort, arbeitet dort, besitzt dort eine Immobilie, hat dort den Sitz"


def _options(page: str) -> dict[str, str]:
    """The area-link select's options: value -> shown text (the empty choice left out)."""
    select_html = page.split('<select id="f-area_link"', 1)[1].split("</select>", 1)[0]
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select_html)
    return {value: html_lib.unescape(text) for value, text in found if value}


def test_the_applicants_form_offers_each_link_in_the_first_person_in_her_language(world: World) -> None:
    client = world.app.test_client()
    login(client, "anna@example.org")
    assert _options(client.get(f"/antrag/neu/{QF}").get_data(as_text=True)) == FIRST_PERSON
    client.post("/sprache", data={"sprache": "en", "weiter": "/konto"})  # her account's language
    english = client.get(f"/antrag/neu/{QF}").get_data(as_text=True)
    assert _options(english) == FIRST_PERSON_EN


def test_the_offices_paper_form_offers_the_same_words(world: World) -> None:
    office = world.app.test_client()
    login(office, "buero@example.org")
    assert _options(office.get(f"/verwaltung/papierantrag?fonds={QF}").get_data(as_text=True)) == FIRST_PERSON


def test_the_jurys_papers_state_each_link_in_the_third_person(world: World, tmp_path: Path) -> None:
    j = build_jury(world, tmp_path)
    f = world.fonds
    links = dict(zip(j.items, ("lives", "owns_property"), strict=True))
    with f.db.write_session() as s:
        for item, link in links.items():
            app = s.get(Application, s.scalar(select(AgendaItem.application_id).where(AgendaItem.id == item)))
            assert app is not None
            app.area_link = link
        s.commit()
    client = world.app.test_client()
    login(client, "ida@example.org")
    page = client.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    for item, link in links.items():
        section = page.split(f'id="top-{item}"', 1)[1].split('<section class="card"', 1)[0]
        rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', section))
        assert rows["Bezug zum Gebiet"] == THIRD_PERSON[link]
        assert link not in section


def test_the_pre_check_names_the_accepted_links_as_examples(world: World) -> None:
    with world.fonds.db.read() as s:
        _fund, _version, shipped = world.fonds.catalog.current(s, QF)
    assert shipped.area.link_kinds == tuple(FIRST_PERSON)
    guideline = replace(shipped, area=replace(shipped.area, link_required=True))
    data = ApplicationData(
        applicant_kind="resident", nonprofit=True, area_link=None, postcode=None, street=None,
        project_start=date(2027, 5, 1), project_end=date(2027, 5, 2), cost_items=(), requested_cents=0,
    )  # fmt: skip
    (missing,) = [x for x in check_area(data, guideline) if x.code == "area.link_missing"]
    assert f"(zum Beispiel: {EXAMPLES})." in missing.message
