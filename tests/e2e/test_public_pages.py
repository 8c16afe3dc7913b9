"""Every public page in a real Chromium with axe-core (0 violations) at 390 and 1280 px; the gallery
filter and the consent form work without JavaScript."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from fondsengine.accounts.erasure import request_erasure
from fondsengine.engine import Actor
from tests.e2e.conftest import BROWSER_LOCALE, log_in
from tests.support.public import RELEASED_TITLE, seed
from tests.web.builders import QF, World

pytestmark = pytest.mark.e2e
WIDTHS = (390, 1280)


def public_pages(released: int) -> list[str]:
    return [
        "/",
        f"/fonds/{QF}",
        "/fonds/witten-cityfonds",
        f"/fonds/{QF}/kennzahlen?jahr=2026",
        "/projekte",
        "/projekte?jahr=2026&kategorie=Kultur",
        f"/projekte/{released}",
        "/impressum",
        "/datenschutz",
        "/barrierefreiheit",
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_public_page_has_no_axe_violations(page: Page, world: World, axe: Axe, width: int) -> None:
    seeded = seed(world)
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    checked = []
    for url in public_pages(seeded.released):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        expect(page.locator("h1")).to_have_count(1)
        results = axe.run(page)
        assert results.violations_count == 0, f"{url} at {width}px:\n{results.generate_report()}"
        # nothing sticks out sideways on a phone
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} scrolls sideways at {width}px by {overflow}px"
        checked.append(url)
    assert len(checked) == len(public_pages(seeded.released)) == 10
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{seeded.released}/veroeffentlichung")
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_gallery_filter_and_the_consent_form_work_without_javascript(
    browser: Browser, world: World, base_url: str
) -> None:
    seeded = seed(world)
    context = browser.new_context(java_script_enabled=False, base_url=base_url, locale=BROWSER_LOCALE)
    page = context.new_page()
    page.goto("/projekte")
    page.get_by_label("Jahr").select_option("2026")
    page.get_by_label("Themenbereich").select_option("Kultur")
    page.get_by_role("button", name="Filtern").click()
    expect(page).to_have_url(re.compile(r"jahr=2026"))
    expect(page.get_by_role("link", name=RELEASED_TITLE).first).to_be_visible()
    page.get_by_role("link", name=RELEASED_TITLE).first.click()
    expect(page.get_by_role("heading", name=RELEASED_TITLE)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Foto 1"))).to_be_visible()
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{seeded.released}/veroeffentlichung")
    page.get_by_label("Fotos aus dem Verwendungsnachweis veröffentlichen").uncheck()
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_text("Ihre Entscheidung zur Veröffentlichung ist gespeichert.")).to_be_visible()
    page.goto(f"/projekte/{seeded.released}")
    expect(page.get_by_role("img", name=re.compile("Foto 1"))).to_have_count(0)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_office_pages_for_publication_and_monitoring_have_no_axe_violations(
    page: Page, world: World, axe: Axe, width: int
) -> None:
    seeded = seed(world)
    request_erasure(world.fonds, Actor(world.anna), "Ich ziehe weg.")  # the erasure page shows a plan
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    log_in(page, "buero@example.org")
    for url in (
        f"/verwaltung/antraege/{seeded.released}/veroeffentlichung",
        f"/verwaltung/fonds/{QF}/monitoring",
        "/verwaltung/loeschantraege",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        results = axe.run(page)
        assert results.violations_count == 0, f"{url} at {width}px:\n{results.generate_report()}"
    page.goto(f"/verwaltung/antraege/{seeded.released}/veroeffentlichung")
    page.get_by_label("Teilgebiet").fill("Wiesenviertel")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Die Angaben für die öffentlichen Seiten sind gespeichert.")).to_be_visible()
