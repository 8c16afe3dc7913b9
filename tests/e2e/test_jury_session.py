"""A jury session and a vote by circulation in a real Chromium, three members, axe-checked."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from fondsengine.engine import Actor
from fondsengine.jury import usecases as jury
from fondsengine.model import AgendaItem, Application
from tests.e2e.conftest import Checker, device, log_in
from tests.web.builders import World
from tests.web.test_jury_support import NOW, Jury, build_jury

pytestmark = pytest.mark.e2e


def top(page: Page, item_id: int) -> Locator:
    """The section of one agenda item on the session page."""
    return page.locator(f"#top-{item_id}")


def vote(page: Page, j: Jury, item_id: int, choice: str, amount: str = "") -> None:
    """Vote on the session page (reloaded first, as a member would)."""
    page.goto(f"/jury/sitzungen/{j.session_id}")
    section = top(page, item_id)
    section.get_by_role("radio", name=choice, exact=True).check()
    if amount:
        section.get_by_label("Betrag bei Ja (freiwillig)").fill(amount)
    section.get_by_role("button", name=re.compile(r"^Stimme (abgeben|ändern)")).click()
    expect(page.get_by_role("status")).to_contain_text("gespeichert")


def outcome(world: World, item_id: int) -> tuple[str, str | None, int | None, str]:
    with world.fonds.db.read() as s:
        item = s.get(AgendaItem, item_id)
        assert item is not None
        app = s.get(Application, item.application_id)
        assert app is not None
        return item.status, item.outcome, item.decided_cents, app.state


def test_a_whole_session_with_three_members_a_conflict_and_a_tie_broken_by_the_chair(
    page: Page,
    world: World,
    tmp_path: Path,
    a11y: Checker,
    axe: Axe,
    browser: Browser,
    base_url: str,
    other_pages: list[BrowserContext],
) -> None:
    j = build_jury(world, tmp_path)
    first, second = j.items

    # Attendance: everyone confirms from "Meine Sitzungen".
    log_in(page, "ida@example.org")
    page.get_by_role("link", name="Jury", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Sitzungen")
    a11y.check("jury-my-sessions")
    page.get_by_role("button", name=re.compile("^Ich komme")).click()
    expect(page.get_by_role("status")).to_contain_text("Sie haben zugesagt")
    jan = device(browser, base_url, other_pages, "jan@example.org")
    kim = device(browser, base_url, other_pages, "kim@example.org")
    for member in (jan, kim):
        member.goto("/jury/")
        member.get_by_role("button", name=re.compile("^Ich komme")).click()
        expect(member.get_by_role("status")).to_contain_text("Sie haben zugesagt")

    # Ida opens the session and chairs it; the confirmed members are preselected.
    page.get_by_role("link", name=re.compile("^Jurysitzung am 10.03.2027")).click()
    expect(top(page, first)).to_contain_text("Werkzeug-Verbrauchsmaterial")
    a11y.check("jury-session-planned")
    page.get_by_role("link", name="Sitzung eröffnen").click()
    for name in ("Ida Ivers", "Jan Jansen", "Kim Kaya"):
        expect(page.get_by_role("checkbox", name=re.compile(f"^{name}"))).to_be_checked()
    expect(page.get_by_role("radio", name="Vorsitz: Ida Ivers")).to_be_checked()
    a11y.check("jury-open-session")
    page.get_by_role("button", name="Sitzung eröffnen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Sitzung ist eröffnet")
    expect(page.get_by_text("Vorsitz: Ida Ivers")).to_be_visible()

    # TOP 1: Kim declares a conflict; Ida and Jan vote yes (Jan with a lower amount).
    kim.goto(f"/jury/sitzungen/{j.session_id}")
    top(kim, first).get_by_label("Ich bin befangen, weil …").fill("Ich wohne im Haus der Antragstellerin.")
    top(kim, first).get_by_role("button", name=re.compile("^Befangenheit erklären")).click()
    expect(top(kim, first)).to_contain_text("Sie sind bei diesem Punkt befangen")
    Checker(kim, axe).check("jury-session-conflict")
    vote(page, j, first, "Ja")
    vote(jan, j, first, "Nein")
    vote(jan, j, first, "Ja", "1.000,00")  # changed before the close
    expect(top(jan, first)).to_contain_text("Ihre Stimme: Ja mit 1.000,00")
    a11y.check("jury-session-voting")
    top(page, first).get_by_role("button", name=re.compile("^Abstimmung schließen")).click()
    expect(page.get_by_role("status")).to_contain_text("Der Antrag ist bewilligt")
    assert outcome(world, first) == ("closed", "approve", 100_000, "approved")

    # TOP 2: 1 yes, 1 no, 1 abstention is a tie; the chair must give the casting vote.
    vote(page, j, second, "Ja")
    vote(jan, j, second, "Nein")
    vote(kim, j, second, "Enthaltung")
    page.goto(f"/jury/sitzungen/{j.session_id}")
    top(page, second).get_by_role("button", name=re.compile("^Abstimmung schließen")).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Stichentscheid")
    a11y.check("jury-session-tie")
    summary.get_by_role("link").first.click()
    top(page, second).get_by_role("radio", name="Stichentscheid: Nein").check()
    top(page, second).get_by_role("button", name=re.compile("^Abstimmung schließen")).click()
    expect(page.get_by_role("status")).to_contain_text("Der Antrag ist abgelehnt")
    assert outcome(world, second)[:2] == ("closed", "reject")

    # Closing the session leads to the minutes.
    page.get_by_role("button", name="Sitzung schließen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Protokoll der Jurysitzung vom 10.03.2027")
    minutes_one = page.locator("article", has_text="TOP 1")
    expect(minutes_one).to_contain_text("2 Ja, 0 Nein, 0 Enthaltungen")
    expect(minutes_one.get_by_role("row", name=re.compile("^Wegen Befangenheit"))).to_contain_text("Kim Kaya")
    expect(minutes_one).to_contain_text("1.000,00")
    minutes_two = page.locator("article", has_text="TOP 2")
    expect(minutes_two).to_contain_text("1 Ja, 1 Nein, 1 Enthaltung")
    expect(minutes_two).to_contain_text("Stichentscheid des Vorsitzes: Nein")
    expect(page.get_by_text("Ida Ivers, Jan Jansen, Kim Kaya")).to_be_visible()
    a11y.check("jury-minutes")
    with page.expect_download() as info:
        page.get_by_role("link", name="Protokoll als PDF herunterladen").click()
    pdf = tmp_path / "protokoll.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Kim Kaya" in text and "Projekt 1" in text and "Projekt 2" in text

    # The public summary (the guideline publishes minutes) names no one.
    page.get_by_role("link", name="Öffentliche Zusammenfassung").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beschlüsse der Jury vom 10.03.2027")
    expect(page.locator("main")).not_to_contain_text("Kim Kaya")
    a11y.check("jury-public-minutes")


def test_a_vote_by_circulation_closes_at_its_deadline(
    page: Page,
    world: World,
    tmp_path: Path,
    a11y: Checker,
    axe: Axe,
    browser: Browser,
    base_url: str,
    other_pages: list[BrowserContext],
) -> None:
    deadline = NOW + timedelta(days=7)
    j = build_jury(world, tmp_path, circulation=True, deadline=deadline)
    first, second = j.items

    log_in(page, "ida@example.org")
    page.goto("/jury/")
    page.get_by_role("link", name="Umlaufverfahren bis 02.12.2026, 10:00 Uhr").click()
    expect(page.get_by_text("bis 02.12.2026, 10:00 Uhr").first).to_be_visible()
    a11y.check("jury-circulation")
    vote(page, j, first, "Ja")
    vote(page, j, second, "Nein")
    jan = device(browser, base_url, other_pages, "jan@example.org")
    vote(jan, j, first, "Ja")
    vote(jan, j, second, "Nein")

    # The deadline passes: Kim can no longer vote, the scheduler closes the circulation.
    world.clock.set(deadline + timedelta(minutes=1))
    kim = device(browser, base_url, other_pages, "kim@example.org")
    kim.goto(f"/jury/sitzungen/{j.session_id}")
    expect(top(kim, first)).to_contain_text("Die Frist ist abgelaufen")
    expect(top(kim, first).get_by_role("button", name=re.compile("^Stimme"))).to_have_count(0)
    Checker(kim, axe).check("jury-circulation-after-deadline")
    results = jury.close_circulation(world.fonds, Actor.scheduler(), j.session_id)
    assert [r.outcome for r in results] == ["approve", "reject"]

    page.goto(f"/jury/sitzungen/{j.session_id}/protokoll")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Protokoll des Umlaufverfahrens")
    expect(page.locator("article", has_text="TOP 1")).to_contain_text("2 Ja, 0 Nein, 0 Enthaltungen")
    expect(page.locator("article", has_text="TOP 1")).to_contain_text("bewilligt")
    expect(page.locator("article", has_text="TOP 2")).to_contain_text("0 Ja, 2 Nein, 0 Enthaltungen")
    expect(page.locator("article", has_text="TOP 2")).to_contain_text("abgelehnt")
    a11y.check("jury-circulation-minutes")
    assert outcome(world, first)[3] == "approved"
