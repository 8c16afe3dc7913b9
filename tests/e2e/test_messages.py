"""Applicant and office write to each other inside an application, in a real Chromium (axe-checked
at 390 and 1280 px); each side gets a mail, and the jury sees nothing of it (issue 17)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from tests.e2e.conftest import log_in
from tests.web.builders import World, draft_for

pytestmark = pytest.mark.e2e
SUBJECT = "Neue Nachricht zum Antrag „Nachbarschaftsfest Ruhrstraße“"


def _axe(page: Page, axe: Axe) -> None:
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        results = axe.run(page)
        assert results.violations_count == 0, f"{page.url} at {width}px:\n{results.generate_report()}"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways at {width}px"


def test_a_message_exchange_with_a_mail_to_each_side(page: Page, world: World, axe: Axe) -> None:
    app_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), app_id)
    world.mailer.sent.clear()

    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}")
    page.get_by_label("Ihre Nachricht").fill("Können wir das Fest um eine Woche verschieben?")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_text("Können wir das Fest um eine Woche verschieben?")).to_be_visible()
    _axe(page, axe)
    to_office = [m for m in world.mailer.sent if m.subject == SUBJECT]
    assert [m.to for m in to_office] == [("buero@example.org",)]
    assert "verschieben" not in to_office[0].text  # the mail says where to read it, not what it says

    page.context.clear_cookies()
    log_in(page, "buero@example.org")
    page.goto(f"/verwaltung/antraege/{app_id}")
    expect(page.get_by_text("Können wir das Fest um eine Woche verschieben?")).to_be_visible()
    page.get_by_label("Ihre Nachricht").fill("Ja, das geht. Bitte ändern Sie die Daten im Antrag.")
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_text("Ja, das geht. Bitte ändern Sie die Daten im Antrag.")).to_be_visible()
    _axe(page, axe)
    to_anna = [m for m in world.mailer.sent if m.subject == SUBJECT and m.to == ("anna@example.org",)]
    assert len(to_anna) == 1 and f"/antraege/{app_id}#nachrichten" in to_anna[0].text

    page.context.clear_cookies()
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}")
    expect(page.get_by_text("Ja, das geht. Bitte ändern Sie die Daten im Antrag.")).to_be_visible()
    expect(page.get_by_text("(Geschäftsführung)")).to_be_visible()
