"""The office edits the Quartiersfonds guideline in a real Chromium, axe-checked at 390 and 1280 px:
one error shown at its line, fixed, previewed, adopted with a council date; an application
submitted before keeps its old version. Also without JavaScript: the plain textarea works."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.model import Application, Fund
from tests.e2e.conftest import BROWSER_LOCALE, Checker, log_in
from tests.support.files import simple_pdf
from tests.web.builders import QF, ROOT, World, draft_for

pytestmark = pytest.mark.e2e

TEXT = (ROOT / "richtlinien" / f"{QF}.yaml").read_text(encoding="utf-8")
MAX = "  max: 3000  # Annahme – von der Geschäftsführung zu bestätigen"
BAD_LINE = next(i for i, line in enumerate(TEXT.splitlines(), 1) if line == MAX)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _check_both_widths(page: Page, a11y: Checker, shot: str) -> None:
    """axe-clean and nothing wider than the screen at 390 px and at 1280 px."""
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        a11y.check(shot if width == 1280 else None)  # the shots (if asked for) are taken at both widths
        assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways at {width} px"


def _version_of(world: World, app_id: int) -> int:
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.guideline_version_id


def _current(world: World) -> int:
    with world.fonds.db.read() as s:
        fund = s.get(Fund, QF)
        assert fund is not None and fund.current_guideline_id is not None
        return fund.current_guideline_id


def test_the_office_edits_previews_and_adopts_the_guideline_in_the_browser(
    page: Page, world: World, a11y: Checker
) -> None:
    submitted_before = draft_for(world, world.anna, title="Nachbarschaftsfest am Kornmarkt")
    apps.submit(world.fonds, Actor(world.anna), submitted_before)
    old_version = _version_of(world, submitted_before)

    log_in(page, "buero@example.org")
    page.goto("/verwaltung/")
    page.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Richtlinie").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Förderrichtlinie")
    _check_both_widths(page, a11y, "guideline-overview")

    # 1. edit in the browser: one mistake, shown at its line in German
    page.get_by_role("link", name="Entwurf im Browser bearbeiten").click()
    editor = page.get_by_label("Text der Richtlinie (YAML)")
    expect(editor).to_have_value(re.compile("valid_from: 2025-01-01"))
    _check_both_widths(page, a11y, "guideline-editor-new")
    editor.fill(TEXT.replace(MAX, "  max: dreitausend"))
    page.get_by_role("button", name="Speichern und prüfen").click()
    error = page.get_by_role("link", name=re.compile(f"^Zeile {BAD_LINE}: "))
    expect(error).to_be_visible()
    expect(page.locator(f"#zeile-{BAD_LINE}")).to_have_class("bad")
    expect(page.get_by_role("row", name=re.compile(f"^{BAD_LINE} +max: dreitausend"))).to_be_visible()
    _check_both_widths(page, a11y, "guideline-editor-error")
    # with JavaScript the link puts the cursor on the line and the editor shows where it is
    error.click()
    expect(editor).to_be_focused()
    expect(page.locator("#editor-pos")).to_have_text(f"Cursor: Zeile {BAD_LINE}, Spalte 1")
    selected = editor.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)")
    assert selected == "  max: dreitausend"
    editor.press("End")
    editor.press("Enter")  # the numbers follow the text as it is typed
    expect(page.locator(f"#zeile-{len(TEXT.splitlines()) + 1}")).to_have_count(1)

    # 2. fixed: the maximum drops to 500 €
    editor.fill(TEXT.replace(MAX, "  max: 500"))
    page.get_by_role("button", name="Speichern und prüfen").click()
    expect(page.get_by_text("Die Prüfung hat keine Fehler gefunden.")).to_be_visible()
    expect(page.get_by_role("table", name="Geänderte Zeilen des Entwurfs")).to_contain_text("max: 500")

    # 3. the preview: money for the pending application and the summary residents read
    page.get_by_role("link", name="Vorschau ansehen und Beschluss eintragen").click()
    totals = page.get_by_role("table", name="Summen")
    expect(totals.get_by_role("row", name=re.compile("^Offene Anträge 1 "))).to_contain_text("weniger")
    expect(page.get_by_role("link", name=re.compile("Nachbarschaftsfest am Kornmarkt"))).to_be_visible()
    expect(page.get_by_text("Sie können zwischen 100,00 € und 500,00 € beantragen.")).to_be_visible()
    _check_both_widths(page, a11y, "guideline-preview")
    assert _current(world) == old_version

    # 4. adopted with the council's date, reference and decision
    page.get_by_label(re.compile("^Datum des Ratsbeschlusses")).fill("2026-01-08")
    page.get_by_label(re.compile("^Aktenzeichen oder Drucksache")).fill("DS 0815/2026")
    page.get_by_label(re.compile(r"^Beschluss \(PDF")).set_input_files(
        files=[{"name": "Ratsbeschluss.pdf", "mimeType": "application/pdf", "buffer": simple_pdf()}]
    )
    page.get_by_role("button", name="Beschluss eintragen und Richtlinie anwenden").click()
    expect(page.get_by_text(re.compile("Die Richtlinie ist beschlossen"))).to_be_visible()
    expect(page.get_by_text("Rat am 08.01.2026, DS 0815/2026", exact=False)).to_be_visible()
    _check_both_widths(page, a11y, "guideline-adopted")
    new_version = _current(world)
    assert new_version != old_version

    # the version page shows what changed
    page.get_by_role("link", name=re.compile("^Fassung ")).first.click()
    expect(page.get_by_role("table", name="Geänderte Zeilen")).to_contain_text("max: 500")
    _check_both_widths(page, a11y, "guideline-version")

    # the application submitted before keeps its version; a new one is bound to the adopted one
    assert _version_of(world, submitted_before) == old_version
    after = draft_for(world, world.bert, title="Pflanzaktion", requested_cents=40_000, own_funds_cents=40_000)
    apps.submit(world.fonds, Actor(world.bert), after)
    assert _version_of(world, after) == new_version


def test_without_javascript_the_plain_textarea_saves_and_shows_the_error_at_its_line(
    browser: Browser, world: World, base_url: str, axe: object
) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=base_url, locale=BROWSER_LOCALE)
    page = context.new_page()
    try:
        log_in(page, "buero@example.org")
        page.goto(f"/verwaltung/richtlinie/entwurf?fonds={QF}")
        page.get_by_label("Text der Richtlinie (YAML)").fill(TEXT.replace(MAX, "  max: dreitausend"))
        page.get_by_role("button", name="Speichern und prüfen").click()
        expect(page.get_by_role("link", name=re.compile(f"^Zeile {BAD_LINE}: "))).to_be_visible()
        expect(page.locator(f"#zeile-{BAD_LINE}")).to_have_class("bad")
        expect(page.locator("#editor-pos")).to_be_hidden()
        # the page as served passes axe in a page that runs scripts (axe needs them)
        html = page.content()
    finally:
        context.close()
    checked = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE)
    try:
        copy = checked.new_page()
        copy.goto("/impressum")
        copy.set_content(html)
        expect(copy.get_by_role("link", name=re.compile(f"^Zeile {BAD_LINE}: "))).to_be_visible()
        for width in (390, 1280):
            copy.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
            Checker(copy, axe).check()  # type: ignore[arg-type]
    finally:
        checked.close()
