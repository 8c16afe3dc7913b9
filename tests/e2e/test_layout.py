"""Every page of every role fits a phone: at 390 px nothing is wider than the screen (tables scroll
inside their own box with a visible hint), at 1280 px nothing is wider than the page's column, file
numbers never break; shots at 390 and 1280 px. The roles: visitors (start page, fund, guideline and its
Leichte-Sprache summary, gallery), residents, the office, the jury on the voting page of an open session,
the minutes (the jury's and the public ones) and the city's granting pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from fondsengine.applications.decisions import create_session
from fondsengine.engine import Actor
from fondsengine.jury import usecases as jury
from tests.e2e.conftest import SHOTS, TAKE_SHOTS, log_in
from tests.web.builders import QF, World, approved_for, draft_for
from tests.web.test_jury_support import NOW, build_jury, opened
from tests.web.test_manage_two_step import _recommended

pytestmark = pytest.mark.e2e

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-scroll') && !el.classList.contains('table-scroll')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""
BROKEN_NUMBERS = """() => [...document.querySelectorAll('.nowrap')]
  .filter(el => el.getClientRects().length > 1
    || el.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(el).lineHeight || 30))
  .map(el => el.textContent)"""
HINT = """() => [...document.querySelectorAll('.table-scroll')].filter(el => el.scrollWidth > el.clientWidth)
  .map(el => getComputedStyle(el, '::before').content)"""


COLUMN = """() => {
  const main = document.querySelector('main');
  if (!main) return [];
  const right = main.getBoundingClientRect().right;
  const wide = [];
  for (const el of main.querySelectorAll('*')) {
    if (el.closest('.table-scroll') && !el.classList.contains('table-scroll')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > right + 1) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right - right));
  }
  return wide.slice(0, 8);
}"""


def _pages(world: World, tmp_path: Path, role: str) -> dict[str, tuple[str, list[str]]]:
    approved = approved_for(world, world.anna)
    recommended = _recommended(world)[0] if role == "city" else 0
    j = build_jury(world, tmp_path)
    if role in ("jury", "minutes"):
        opened(j)  # the voting page: vote forms, the chair's controls
    if role == "minutes":
        jury.close_session(world.fonds, j.office, j.session_id)
    draft = draft_for(world, world.anna, title="Ein sehr langer Projekttitel mit Straßennamen Bahnhofstraßenecke")
    create_session(world.fonds, Actor(world.office), QF, NOW.replace(month=12, day=9, hour=17), "Rathaus Witten")
    s = j.session_id
    return {
        "public": (
            "",
            [
                "/",
                "/barrierefreiheit",
                "/anmelden",
                "/registrieren",
                "/passwort-vergessen",
                f"/fonds/{QF}",
                f"/fonds/{QF}/richtlinie",
                f"/fonds/{QF}/leichte-sprache",
                "/projekte",
            ],
        ),
        "resident": (
            "anna@example.org",
            [
                "/antraege",
                f"/antraege/{approved}",
                f"/antraege/{draft}",
                f"/antraege/{draft}/bearbeiten",
                "/antrag/neu/witten-quartiersfonds",
                f"/antraege/{approved}/auszahlung",
                f"/antraege/{approved}/verwendungsnachweis",
                f"/antraege/{draft}/loeschen",
                "/konto",
                "/konto/jury",
            ],
        ),
        "office": (
            "buero@example.org",
            [
                "/verwaltung/",
                "/verwaltung/antraege",
                f"/verwaltung/antraege/{approved}",
                f"/verwaltung/antraege/{j.items[0]}",
                "/verwaltung/auszahlungen",
                "/verwaltung/buchungen",
                "/verwaltung/jahresuebersicht",
                "/verwaltung/papierantrag",
                f"/verwaltung/antraege/{j.items[0]}/korrigieren",
                "/verwaltung/rollen",
                "/verwaltung/loeschantraege",
                "/verwaltung/fonds/witten-quartiersfonds/monitoring",
                "/verwaltung/sitzungen",
                f"/verwaltung/sitzungen/{s}",
            ],
        ),
        "jury": ("ida@example.org", ["/jury/", f"/jury/sitzungen/{s}"]),
        "minutes": ("ida@example.org", [f"/jury/sitzungen/{s}/protokoll", f"/jury/protokolle/{s}"]),
        "city": ("stadt@example.org", ["/bewilligung/", f"/bewilligung/antraege/{recommended}"]),
    }


@pytest.mark.parametrize("role", ["public", "resident", "office", "jury", "minutes", "city"])
def test_every_page_fits_a_phone_and_file_numbers_never_break(
    page: Page, world: World, tmp_path: Path, role: str
) -> None:
    email, urls = _pages(world, tmp_path, role)[role]
    if email:
        log_in(page, email)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for n, url in enumerate(urls):
        page.set_viewport_size({"width": 390, "height": 844})
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["width"]:
            problems.append(f"{url}: {found['scroll']} px breit bei {found['width']} px: {found['wide']}")
        broken = page.evaluate(BROKEN_NUMBERS)
        if broken:
            problems.append(f"{url}: Aktenzeichen umbrochen: {broken}")
        hints = page.evaluate(HINT)
        if any("seitlich" not in h for h in hints):
            problems.append(f"{url}: Tabelle scrollt ohne Hinweis")
        name = f"layout-{role}-{n:02d}"
        if TAKE_SHOTS:
            page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["width"]:
            problems.append(f"{url} (1280 px): {found['scroll']} px: {found['wide']}")
        column = page.evaluate(COLUMN)
        if column:
            problems.append(f"{url} (1280 px): breiter als die Spalte: {column}")
        if TAKE_SHOTS:
            page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    assert problems == []
