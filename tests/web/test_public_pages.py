"""Public pages per fund, the gallery, project pages, the consent form and the legal pages (Flask test client)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from fondsengine.applications.publication import CONSENT_TEXT_VERSION, ListingInput, set_listing
from fondsengine.engine import Actor
from fondsengine.model import PublicationConsent
from tests.support.public import RELEASED_TITLE, seed
from tests.web.builders import QF, World, approved_for
from tests.web.conftest import login
from webapp.filters import euro


def test_the_fund_page_says_who_may_apply_how_and_shows_the_budget_as_figures_chart_and_table(world: World) -> None:
    approved_for(world, world.anna)  # commits 800,00 €
    body = world.app.test_client().get(f"/fonds/{QF}").get_data(as_text=True)
    assert "Wer einen Antrag stellen kann" in body and "So stellen Sie einen Antrag" in body
    assert "Nächste Jurysitzung" in body
    assert "Antragsfrist" in body
    assert "<svg" in body and 'role="img"' in body and "<desc" in body
    assert f"Bewilligt</dt><dd>{euro(80_000)}" in body
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", body, re.S)
    assert desc and euro(80_000) in desc.group(1) and "noch frei" in desc.group(1)
    assert "<table>" in body and "Budget des Jahres" in body
    assert "<script" not in body.split("</head>")[1]  # the page needs no script


def test_an_unknown_or_inactive_fund_has_no_page(world: World) -> None:
    assert world.app.test_client().get("/fonds/gibt-es-nicht").status_code == 404


def test_the_gallery_filters_by_year_category_and_part_of_the_area_and_draws_a_map(world: World) -> None:
    seeded = seed(world)
    client = world.app.test_client()
    body = client.get("/projekte").get_data(as_text=True)
    assert RELEASED_TITLE in body and "<circle" in body and "1 Projekt gefunden" in body
    assert RELEASED_TITLE in client.get("/projekte?jahr=2026&kategorie=Kultur&teilgebiet=Altstadt").get_data(
        as_text=True
    )
    assert RELEASED_TITLE not in client.get("/projekte?jahr=2025").get_data(as_text=True)
    assert RELEASED_TITLE not in client.get("/projekte?kategorie=Umwelt").get_data(as_text=True)
    set_listing(world.fonds, Actor(world.office), seeded.released, ListingInput(area_part="Nord", category="Umwelt"))
    assert RELEASED_TITLE in client.get("/projekte?kategorie=Umwelt&teilgebiet=Nord").get_data(as_text=True)
    assert "<circle" not in client.get("/projekte").get_data(as_text=True)  # no coordinates any more
    set_listing(world.fonds, Actor(world.office), seeded.released, ListingInput(withheld=True))
    assert RELEASED_TITLE not in client.get("/projekte").get_data(as_text=True)


def test_the_project_page_shows_what_was_released_with_the_photo(world: World) -> None:
    seeded = seed(world)
    client = world.app.test_client()
    body = client.get(f"/projekte/{seeded.released}").get_data(as_text=True)
    assert RELEASED_TITLE in body and euro(80_000) in body and "01.05.2026" in body and "Kurzbericht" in body
    assert f"/projekte/{seeded.released}/fotos/{seeded.photo}" in body
    photo = client.get(f"/projekte/{seeded.released}/fotos/{seeded.photo}")
    assert photo.status_code == 200 and photo.mimetype == "image/png" and photo.data[:4] == b"\x89PNG"


def test_the_applicant_records_consent_through_the_form_with_its_text_version_and_who_consented(world: World) -> None:
    app_id = approved_for(world, world.anna)
    client = world.app.test_client()
    login(client, "anna@example.org")
    assert "Veröffentlichung festlegen" in client.get(f"/antraege/{app_id}").get_data(as_text=True)
    page = client.get(f"/antraege/{app_id}/veroeffentlichung").get_data(as_text=True)
    assert CONSENT_TEXT_VERSION in page and "/datenschutz" in page
    refused = client.post(
        f"/antraege/{app_id}/veroeffentlichung",
        data={"stage": "application", "publish_title": "1", "publish_photos": "1"},
    )
    assert refused.status_code == 400
    assert "wer der Veröffentlichung der Fotos zugestimmt hat" in refused.get_data(as_text=True)
    ok = client.post(
        f"/antraege/{app_id}/veroeffentlichung",
        data={
            "stage": "proof",
            "publish_title": "1",
            "publish_photos": "1",
            "photo_consent_by": "alle abgebildeten Personen",
            "photo_consent_scope": "Projektseite, unbefristet bis auf Widerruf",
        },
    )
    assert ok.status_code == 302
    with world.fonds.db.read() as s:
        rows = list(s.scalars(select(PublicationConsent).where(PublicationConsent.application_id == app_id)))
    assert len(rows) == 1
    row = rows[0]
    assert (row.stage, row.publish_title, row.publish_photos, row.publish_summary) == ("proof", True, True, False)
    assert row.photo_consent_by == "alle abgebildeten Personen"
    assert row.given_by_id == world.anna and row.given_at == world.clock.now()
    assert row.consent_text_version == CONSENT_TEXT_VERSION
    assert "Projekttitel" in row.consent_text and "Fotos" in row.consent_text and "Kurzbericht" not in row.consent_text


def test_another_resident_cannot_decide_about_someone_elses_application(world: World) -> None:
    app_id = approved_for(world, world.anna)
    client = world.app.test_client()
    login(client, "bert@example.org")
    assert client.get(f"/antraege/{app_id}/veroeffentlichung").status_code == 404
    assert client.post(f"/antraege/{app_id}/veroeffentlichung", data={"publish_title": "1"}).status_code == 404


def test_the_legal_pages_come_from_the_settings_and_the_guidelines(world: World) -> None:
    client = world.app.test_client()
    imprint = client.get("/impressum").get_data(as_text=True)
    assert "§ 5 Digitale-Dienste-Gesetz" in imprint and "Ruhrstraße 43" in imprint
    privacy = client.get("/datenschutz").get_data(as_text=True)
    for must in (
        "Art. 6 Abs. 1 lit. b",
        "Art. 6 Abs. 1 lit. a",
        "Speicherdauer",
        "Jahre nach Abschluss",
        "Aufsichtsbehörde",
    ):
        assert must in privacy, must
    a11y = client.get("/barrierefreiheit").get_data(as_text=True)
    for must in ("teilweise vereinbar", "Nicht barrierefreie Inhalte", "Durchsetzungsverfahren", "Ombudsstelle"):
        assert must in a11y, must
    login(client, "anna@example.org")
    assert "/datenschutz" in client.get(f"/antrag/neu/{QF}").get_data(as_text=True)


def test_the_office_enters_coordinates_only_in_pairs_and_within_range(world: World) -> None:
    import pytest

    from fondsengine.errors import InvalidInput, NotFound

    app_id = approved_for(world, world.anna)
    with pytest.raises(InvalidInput):
        set_listing(world.fonds, Actor(world.office), app_id, ListingInput(latitude=Decimal("51.4")))
    with pytest.raises(InvalidInput):
        set_listing(world.fonds, Actor(world.office), app_id, ListingInput(latitude=Decimal(91), longitude=Decimal(7)))
    with pytest.raises(NotFound):
        set_listing(world.fonds, Actor(world.bert), app_id, ListingInput(area_part="Nord"))


def test_the_office_sees_the_consent_and_enters_area_part_theme_and_coordinates(world: World) -> None:
    seeded = seed(world)
    client = world.app.test_client()
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{seeded.secret}/veroeffentlichung").get_data(as_text=True)
    assert "Keine Einwilligung" in page
    page = client.get(f"/verwaltung/antraege/{seeded.released}/veroeffentlichung").get_data(as_text=True)
    assert "alle abgebildeten Personen" in page and CONSENT_TEXT_VERSION in page and "Altstadt" in page
    bad = client.post(
        f"/verwaltung/antraege/{seeded.released}/veroeffentlichung", data={"latitude": "nord", "longitude": "7,3"}
    )
    assert bad.status_code == 400 and "Zahl in Grad" in bad.get_data(as_text=True)
    ok = client.post(
        f"/verwaltung/antraege/{seeded.released}/veroeffentlichung",
        data={"area_part": "Wiesenviertel", "category": "Umwelt", "latitude": "51,44", "longitude": "7,34"},
    )
    assert ok.status_code == 302
    public = world.app.test_client().get("/projekte?teilgebiet=Wiesenviertel").get_data(as_text=True)
    assert RELEASED_TITLE in public and "<circle" in public
    login(client, "anna@example.org")
    assert client.get(f"/verwaltung/antraege/{seeded.released}/veroeffentlichung").status_code in (403, 404)


def test_the_map_draws_the_area_outline_of_the_guideline_around_the_projects(world: World) -> None:
    seeded = seed(world)
    client = world.app.test_client()
    body = client.get("/projekte?fonds=witten-quartiersfonds").get_data(as_text=True)
    polygon = re.search(r'<polygon points="([^"]+)"', body)
    assert polygon is not None and "Grenze des Fördergebiets" in body
    corners = [tuple(map(float, xy.split(","))) for xy in polygon.group(1).split()]
    assert len(corners) == 6  # the six corners of the Witten outline
    circle = re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', body)
    assert circle is not None
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    assert min(xs) <= float(circle.group(1)) <= max(xs) and min(ys) <= float(circle.group(2)) <= max(ys)
    assert all(0 <= x <= 600 and 0 <= y <= 400 for x, y in corners)  # fitted into the box
    project = client.get(f"/projekte/{seeded.released}").get_data(as_text=True)
    assert "<polygon" in project


def test_the_start_page_offers_the_next_open_round_and_its_years_money_even_in_december(world: World) -> None:
    client = world.app.test_client()
    world.clock.set(datetime(2026, 5, 4, 9, tzinfo=UTC))
    may = client.get("/").get_data(as_text=True)
    assert "Noch frei in 2026" in may and "Antragsfrist 31.08.2026" in may
    world.clock.set(datetime(2026, 9, 10, 9, tzinfo=UTC))  # the autumn deadline passed, its session is to come
    september = client.get("/").get_data(as_text=True)
    assert "31.08.2026" not in september and "Antragsfrist 15.02.2027" in september
    world.clock.set(datetime(2026, 12, 2, 9, tzinfo=UTC))
    december = client.get("/").get_data(as_text=True)
    assert "Noch frei in 2027" in december and "Noch frei in 2026" not in december
    assert "Nächste Jurysitzung" in december and "10.03.2027" in december


def test_the_start_page_offers_the_whole_guideline_and_its_summary_in_leichte_sprache(world: World) -> None:
    client = world.app.test_client()
    start = client.get("/").get_data(as_text=True)
    assert f'href="/fonds/{QF}/richtlinie">Die ganze Förderrichtlinie lesen</a>' in start
    assert f'href="/fonds/{QF}/leichte-sprache" lang="de">Die Richtlinie in Leichter Sprache</a>' in start

    whole = client.get(f"/fonds/{QF}/richtlinie")
    html = whole.get_data(as_text=True)
    assert whole.status_code == 200
    assert "Förderrichtlinie: Quartiersfonds „Dein Projektgeld“ Witten Innenstadt" in html
    assert 'Wer einen Antrag stellen kann <span class="muted nowrap">(§ 3 Abs. 2)</span>' in html  # with its clause
    assert "Sie können zwischen" not in html and "Gefördert werden Projekte mit 100,00" in html
    assert "Der Verwendungsnachweis ist 2 Monate nach Projektende fällig." in html
    assert "Gültig ab 01.01.2025" in html

    easy = client.get(f"/fonds/{QF}/leichte-sprache")
    text = easy.get_data(as_text=True)
    assert easy.status_code == 200 and "in Leichter Sprache</h1>" in text
    assert "<p>Wer kann Geld bekommen? Menschen, die in der Innenstadt wohnen oder arbeiten." in text
    assert client.get("/fonds/gibt-es-nicht/richtlinie").status_code == 404
    assert client.get("/fonds/gibt-es-nicht/leichte-sprache").status_code == 404
