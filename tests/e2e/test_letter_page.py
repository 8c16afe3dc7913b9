"""A decision letter as an HTML page in the resident's account: axe-clean at 390 and 1280 px, no sideways scroll."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Checker, log_in
from tests.web.builders import World, approved_for

pytestmark = pytest.mark.e2e


def test_the_approval_letter_is_an_accessible_page_on_phone_and_desktop(
    page: Page, world: World, a11y: Checker
) -> None:
    app_id = approved_for(world, world.anna)
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}")
    page.get_by_role("link", name=re.compile(r"^Bewilligung.* lesen$")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    remedy = re.compile("Rechtsbehelfsbelehrung|Einwände und Rechtsweg")
    expect(page.get_by_role("heading", name=remedy)).to_be_visible()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        a11y.check("letter-page" if width == 1280 else None)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{overflow}px sideways at {width}px"
    expect(page.get_by_role("link", name="Als PDF herunterladen")).to_be_visible()
