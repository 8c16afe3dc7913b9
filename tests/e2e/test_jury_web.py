"""Issue 17 in a real Chromium, axe-checked at 390 and 1280 px: the office starts a vote by
circulation that the scheduler closes, a draw by lot re-checked from the public minutes, and a
co-applicant editing the organisation's draft."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from fondsengine.engine import Actor
from fondsengine.jobs.deadlines import circulation_close
from fondsengine.jury import usecases as jury
from fondsengine.model import AgendaItem, Application
from tests.e2e.conftest import BROWSER_LOCALE, Checker, device, log_in
from tests.integration.test_jury_in_the_web import CRITERIA
from tests.integration.test_jury_support import FUND, reviewed, uid
from tests.support.factories import person
from tests.web.builders import PASSWORD, World, draft_for
from tests.web.test_jury_support import NOW, build_jury

pytestmark = pytest.mark.e2e


def both_widths(a11y: Checker, shot: str) -> None:
    """axe-core with zero violations on the current page at 390 px and at 1280 px."""
    for width in (390, 1280):
        a11y.page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        a11y.check(f"{shot}-{width}" if width == 390 else shot)


def test_the_office_starts_a_circulation_the_members_vote_and_the_scheduler_closes_it(
    page: Page, world: World, tmp_path: Path, a11y: Checker, browser: Browser, base_url: str,
    other_pages: list[BrowserContext],
) -> None:  # fmt: skip
    j = build_jury(world, tmp_path, **CRITERIA)  # type: ignore[arg-type]
    f = world.fonds
    cafe = reviewed(f, j.cast, j.cast.anna, title="Lesecafé im Hof")
    garden = reviewed(f, j.cast, person(f, "Bea Garten", "bea@example.org"), title="Kiezgarten")

    log_in(page, "buero@example.org")
    page.goto(f"/verwaltung/sitzungen?fonds={FUND}")
    form = page.get_by_role("region", name="Umlaufverfahren starten")
    form.get_by_role("button", name="Umlaufverfahren starten").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte wählen Sie mindestens einen Antrag aus.")
    both_widths(a11y, "circulation-start-error")
    form = page.get_by_role("region", name="Umlaufverfahren starten")
    form.get_by_label(re.compile("^Lesecafé im Hof")).check()
    form.get_by_label(re.compile("^Kiezgarten")).check()
    form.get_by_label("Frist: Datum").fill("2026-11-30")
    form.get_by_label("Frist: Uhrzeit").fill("18:00")
    form.get_by_role("button", name="Umlaufverfahren starten").click()
    expect(page.get_by_role("status")).to_contain_text("Das Umlaufverfahren läuft")
    expect(page.get_by_role("heading", level=1)).to_have_text("Umlaufverfahren bis 30.11.2026, 18:00 Uhr")
    both_widths(a11y, "circulation-started")
    session_url = page.url
    with f.db.read() as s:
        items = list(
            s.scalars(
                select(AgendaItem.id)
                .where(AgendaItem.application_id.in_((cafe, garden)))
                .order_by(AgendaItem.position)
            )
        )

    # Ida and Jan vote on their own devices; Jan also comments and scores the first item.
    ida = device(browser, base_url, other_pages, "ida@example.org")
    jan = device(browser, base_url, other_pages, "jan@example.org")
    for member, choices in ((ida, ("Ja", "Nein")), (jan, ("Ja", "Nein"))):
        for item_id, choice in zip(items, choices, strict=True):
            member.goto(session_url)
            section = member.locator(f"#top-{item_id}")
            section.get_by_role("radio", name=choice, exact=True).check()
            section.get_by_role("button", name=re.compile(r"^Stimme (abgeben|ändern)")).click()
            expect(member.get_by_role("status")).to_contain_text("gespeichert")
    jan.goto(session_url)
    first = jan.locator(f"#top-{items[0]}")
    first.get_by_label("Ihr Kommentar zu TOP 1").fill("Der Hof ist gut erreichbar.")
    first.get_by_role("button", name=re.compile("^Kommentar speichern")).click()
    expect(jan.get_by_role("status")).to_contain_text("Ihr Kommentar ist gespeichert.")
    first = jan.locator(f"#top-{items[0]}")
    first.get_by_label(re.compile("^Nutzen für das Quartier")).fill("4")
    first.get_by_role("button", name=re.compile("^Bewertung speichern")).click()
    expect(jan.get_by_role("status")).to_contain_text("Ihre Bewertung ist gespeichert.")
    Checker(jan, axe=a11y.axe).check()

    # The office sees the comment and the aggregate of the scores on the papers.
    page.goto(session_url)
    expect(page.get_by_text("Der Hof ist gut erreichbar.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("^Bewertung der Jury zu TOP 1"))).to_contain_text("4,0 von 5")
    both_widths(a11y, "circulation-office-notes")

    # The deadline passes; the scheduler's job closes the circulation by the guideline's rules.
    world.clock.set(NOW.replace(day=30, hour=17, minute=15))
    assert circulation_close(f, world.clock.now()) == 1
    page.goto(session_url.rstrip("/") + "/protokoll")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Protokoll des Umlaufverfahrens")
    expect(page.locator("article", has_text="TOP 1")).to_contain_text("2 Ja, 0 Nein, 0 Enthaltungen")
    expect(page.locator("article", has_text="TOP 2")).to_contain_text("0 Ja, 2 Nein, 0 Enthaltungen")
    both_widths(a11y, "circulation-minutes")
    with f.db.read() as s:
        states = [s.get(Application, a).state for a in (cafe, garden)]  # type: ignore[union-attr]
    assert states == ["approved", "rejected"]


def test_a_draw_by_lot_is_re_checked_from_the_public_minutes(
    page: Page, world: World, tmp_path: Path, a11y: Checker, browser: Browser, base_url: str,
    other_pages: list[BrowserContext],
) -> None:  # fmt: skip
    j = build_jury(world, tmp_path, circulation=True, deadline=NOW + timedelta(hours=1))
    f = world.fonds
    for n, name in enumerate(("Uta Ufer", "Veit Vogel", "Wanda Weg", "Xaver Xylo", "Yvonne Yacht")):
        v = person(f, name, f"los{n}@example.org")
        jury.register_volunteer(f, j.office, FUND, uid(v), "resident")

    log_in(page, "buero@example.org")
    page.goto(f"/verwaltung/losziehung?fonds={FUND}")
    expect(page.get_by_role("table", name="Pool der Freiwilligen (5)")).to_contain_text("Yvonne Yacht")
    both_widths(a11y, "draw-page")
    page.get_by_label(re.compile("^Anzahl der zu losenden Mitglieder")).fill("2")
    page.get_by_label("Startwert (Seed)").fill("Bürgerversammlung 25.11.2026")
    page.get_by_role("button", name="Jetzt losen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Losziehung ist aufgezeichnet")
    recorded = page.get_by_role("region", name=re.compile("^Losziehung Nr. 1"))
    expect(recorded).to_contain_text("Bürgerversammlung 25.11.2026")
    fingerprint = recorded.locator("code.break").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    both_widths(a11y, "draw-recorded")

    # The circulation ends (nobody voted: both items go back to the office) and its minutes are public.
    world.clock.set(NOW + timedelta(hours=2))
    jury.close_circulation(f, Actor.scheduler(), j.session_id)

    visitor = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE)
    other_pages.append(visitor)
    public = visitor.new_page()
    public.goto(f"/jury/protokolle/{j.session_id}")
    expect(public.get_by_role("heading", level=1)).to_contain_text("Beschlüsse der Jury")
    public.get_by_role("link", name="Losziehungen der Jury nachprüfen").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Losziehungen der Jury")
    public.get_by_role("link", name=re.compile("^Losziehung Nr. 1")).click()
    expect(public.get_by_role("status")).to_contain_text("Geprüft: Die Losziehung ist korrekt.")
    expect(public.locator("main")).to_contain_text(fingerprint)
    expect(public.locator("main")).not_to_contain_text("Yvonne")
    public.get_by_role("link", name="Prüfung erneut ausführen").click()
    expect(public.get_by_role("status")).to_contain_text("Geprüft: Die Losziehung ist korrekt.")
    both_widths(Checker(public, a11y.axe), "draw-public-check")


def test_a_co_applicant_edits_the_draft_of_the_organisation(
    page: Page, world: World, a11y: Checker, browser: Browser, base_url: str, other_pages: list[BrowserContext]
) -> None:
    person(world.fonds, "Carla Mitantrag", "carla@example.org", password=PASSWORD)
    app_id = draft_for(world, world.anna, title="Hoffest im Wiesenviertel")

    log_in(page, "anna@example.org")
    page.goto("/konto")
    page.get_by_role("link", name=re.compile("^Meine Organisationen")).click()
    page.get_by_label(re.compile("^Name der Organisation")).fill("Nachbarschaftsverein Wiesenviertel")
    page.get_by_label("Art der Organisation").select_option(label="Verein")
    page.get_by_role("button", name="Organisation anlegen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Organisation ist angelegt")
    page.get_by_label("E-Mail-Adresse des neuen Mitglieds").fill("carla@example.org")
    page.get_by_role("button", name=re.compile("^Mitglied hinzufügen")).click()
    expect(page.get_by_role("table", name=re.compile("^Mitglieder von"))).to_contain_text("Carla Mitantrag")
    both_widths(a11y, "organisation")
    page.goto(f"/antraege/{app_id}")
    page.get_by_role("button", name="Der Organisation zuordnen").click()
    expect(page.get_by_role("status")).to_contain_text("Der Antrag gehört jetzt zur Organisation")
    both_widths(a11y, "organisation-draft")

    carla = device(browser, base_url, other_pages, "carla@example.org")
    carla.goto("/antraege")
    carla.get_by_role("link", name="Hoffest im Wiesenviertel").click()
    expect(carla.get_by_text("Ein Antrag der Organisation")).to_be_visible()
    carla.get_by_role("link", name="Antrag bearbeiten").click()
    carla.get_by_label("Projekttitel").fill("Hoffest mit Flohmarkt im Wiesenviertel")
    carla.get_by_role("button", name="Entwurf speichern").click()
    expect(carla.get_by_role("heading", level=1)).to_have_text("Hoffest mit Flohmarkt im Wiesenviertel")
    both_widths(Checker(carla, a11y.axe), "co-applicant-draft")

    page.goto("/antraege")
    expect(page.get_by_role("link", name="Hoffest mit Flohmarkt im Wiesenviertel")).to_be_visible()
