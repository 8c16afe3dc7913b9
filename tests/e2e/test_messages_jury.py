"""The office shares one message of an application with the jury's papers, in a real Chromium
(axe-checked at 390 and 1280 px): the jury member reads it on the session page and opens its
attachment; the message the office did not share stays out of the papers. Also: the applicant
answers a request for changes with her resubmission, and a resident joins the jury's pool (issue 17)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Page, expect

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from tests.e2e.conftest import log_in
from tests.e2e.test_messages import _axe
from tests.integration.test_jury_support import app_of
from tests.web.builders import World, draft_for
from tests.web.test_jury_support import build_jury

pytestmark = pytest.mark.e2e
SHARED = "Der Zeltverleih hat ein günstigeres Angebot geschickt, siehe Anhang."
PRIVATE = "Meine neue Telefonnummer ist 0170 1234567."


def _png(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def test_the_office_shares_a_message_with_the_jury_and_a_member_opens_its_file(
    page: Page, world: World, tmp_path: Path, axe: Axe
) -> None:
    j = build_jury(world, tmp_path)
    app_id = app_of(world.fonds, j.items[0]).id

    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}")
    page.get_by_label("Ihre Nachricht").fill(SHARED)
    page.get_by_label("Datei anhängen (freiwillig; PDF, JPEG oder PNG)").set_input_files(
        _png(tmp_path / "angebot-neu.png")
    )
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_text(SHARED)).to_be_visible()
    page.get_by_label("Ihre Nachricht").fill(PRIVATE)
    page.get_by_role("button", name="Nachricht senden").click()
    expect(page.get_by_text(PRIVATE)).to_be_visible()

    page.context.clear_cookies()
    log_in(page, "buero@example.org")
    page.goto(f"/verwaltung/antraege/{app_id}")
    shared = page.locator("li.message", has_text=SHARED)
    shared.get_by_role("button", name="Mit der Jury teilen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Nachricht liegt jetzt der Jury mit den Unterlagen vor.")
    expect(page.locator("li.message", has_text=SHARED).get_by_text("Liegt der Jury vor")).to_be_visible()
    expect(
        page.locator("li.message", has_text=PRIVATE).get_by_role("button", name="Mit der Jury teilen")
    ).to_be_visible()
    _axe(page, axe)

    page.context.clear_cookies()
    log_in(page, "ida@example.org")
    page.goto(f"/jury/sitzungen/{j.session_id}")
    papers = page.locator(f"#top-{j.items[0]}")
    expect(papers.get_by_role("heading", name="Nachrichten, die die Geschäftsführung geteilt hat")).to_be_visible()
    expect(papers.get_by_text(SHARED)).to_be_visible()
    expect(page.get_by_text(PRIVATE)).to_have_count(0)
    _axe(page, axe)
    with page.expect_download() as download:
        papers.get_by_role("link", name="Anhang: angebot-neu.png").click()
    assert download.value.suggested_filename == "angebot-neu.png"
    assert Path(download.value.path()).read_bytes()[:4] == b"\x89PNG"


def test_the_applicant_answers_a_request_for_changes_and_joins_the_jury_pool(
    page: Page, world: World, axe: Axe
) -> None:
    app_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), app_id)
    decisions.start_review(world.fonds, Actor(world.office), app_id)
    decisions.request_changes(world.fonds, Actor(world.office), app_id, "Bitte nennen Sie den Ort genauer.")

    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}")
    messages = page.locator("#nachrichten")
    expect(messages.locator("li.message", has_text="Bitte um Änderungen")).to_contain_text("Bitte nennen Sie den Ort")
    page.get_by_label("Ihre Antwort an die Geschäftsführung (freiwillig)").fill("Der Ort ist jetzt der Hof Nr. 3.")
    _axe(page, axe)
    page.get_by_role("button", name="Antrag erneut einreichen").click()
    expect(page.get_by_role("status")).to_contain_text("wieder eingereicht")
    answer = page.locator("#nachrichten li.message", has_text="Antwort mit dem geänderten Antrag")
    expect(answer).to_contain_text("Der Ort ist jetzt der Hof Nr. 3.")
    _axe(page, axe)

    page.goto("/konto")
    page.get_by_role("link", name="In der Jury mitentscheiden: in den Los-Pool eintragen").click()
    expect(page.get_by_text("Sie stehen nicht im Los-Pool.")).to_be_visible()
    _axe(page, axe)
    page.get_by_role("button", name="In den Los-Pool eintragen").click()
    expect(page.get_by_role("status")).to_contain_text("Sie stehen jetzt im Los-Pool")
    expect(page.get_by_role("button", name="Aus dem Los-Pool austreten")).to_be_visible()
    _axe(page, axe)
