"""Nothing a person typed or chose is lost: uploads, Enter, too big files, deleting files and drafts,
the sum check of the proof of use. In a real Chromium, with and without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from fondsengine.applications.records import applications_of
from fondsengine.engine import Actor
from fondsengine.model import Application, Attachment, CostItem, OutboxMessage
from tests.e2e.conftest import BROWSER_LOCALE, Checker, log_in
from tests.support.files import simple_pdf
from tests.web.builders import World, approved_for, draft_for

pytestmark = pytest.mark.e2e


def _app(world: World, app_id: int) -> Application:
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app


def _attachments(world: World, app_id: int) -> list[Attachment]:
    with world.fonds.db.read() as s:
        return list(s.scalars(select(Attachment).where(Attachment.application_id == app_id)))


def _stored_files(world: World) -> list[Path]:
    return [p for p in world.upload_dir.glob("*") if p.is_file()]


def test_uploading_on_the_edit_page_keeps_and_saves_what_was_typed(
    page: Page, world: World, a11y: Checker, tmp_path: Path
) -> None:
    app_id = draft_for(world, world.anna)
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}/bearbeiten")
    page.get_by_label("Projekttitel").fill("Hoffest mit Flohmarkt")
    page.get_by_label("Beschreibung (Position 1)").fill("Zelt, Tische und Bänke")
    good = tmp_path / "Angebot Zelt.pdf"
    good.write_bytes(simple_pdf())
    page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(good))
    page.get_by_role("button", name="Datei hochladen").click()
    expect(page.get_by_role("link", name="Angebot Zelt.pdf")).to_be_visible()
    expect(page.get_by_label("Projekttitel")).to_have_value("Hoffest mit Flohmarkt")
    expect(page.get_by_label("Beschreibung (Position 1)")).to_have_value("Zelt, Tische und Bänke")
    assert _app(world, app_id).title == "Hoffest mit Flohmarkt"
    assert [a.original_name for a in _attachments(world, app_id)] == ["Angebot Zelt.pdf"]
    a11y.check("edit-after-upload")


def test_an_upload_error_stands_next_to_the_file_field_and_the_text_stays(
    page: Page, world: World, a11y: Checker, tmp_path: Path
) -> None:
    app_id = draft_for(world, world.anna)
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}/bearbeiten")
    page.get_by_label("Projekttitel").fill("")  # invalid: the text cannot be saved, must stay anyway
    page.get_by_label("Was haben Sie vor?").fill("Ein neuer Text, noch nicht gespeichert")
    fake = tmp_path / "angebot.pdf"
    fake.write_bytes(b"GIF89a not a pdf at all")
    page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(fake))
    page.get_by_role("button", name="Datei hochladen").click()
    file_field = page.locator(".field", has=page.locator("#f-file"))
    expect(file_field).to_contain_text("keine gültige PDF-, JPEG- oder PNG-Datei")
    expect(page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Was haben Sie vor?")).to_have_value("Ein neuer Text, noch nicht gespeichert")
    expect(page.get_by_role("alert")).to_contain_text("noch nicht gespeichert")
    assert _attachments(world, app_id) == []
    assert _app(world, app_id).title == "Nachbarschaftsfest Ruhrstraße"
    a11y.check("edit-upload-error")


def test_enter_in_a_field_saves_and_never_adds_a_cost_line(page: Page, world: World, a11y: Checker) -> None:
    app_id = draft_for(world, world.anna)
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}/bearbeiten")
    rows_before = page.locator("fieldset.cost-row").count()
    page.get_by_label("Projekttitel").fill("Lesecafé im Hof")
    page.get_by_label("Projekttitel").press("Enter")
    expect(page.get_by_text("Ihre Änderungen sind gespeichert")).to_be_visible()
    assert re.search(rf"/antraege/{app_id}$", page.url)
    assert _app(world, app_id).title == "Lesecafé im Hof"
    page.goto(f"/antraege/{app_id}/bearbeiten")
    assert page.locator("fieldset.cost-row").count() == rows_before
    # on a new application too: Enter saves the draft
    page.goto("/antrag/neu/witten-quartiersfonds")
    page.get_by_label("Projekttitel").fill("Zweiter Antrag")
    page.get_by_label("Projekttitel").press("Enter")
    expect(page.get_by_text("Ihr Entwurf ist gespeichert")).to_be_visible()
    with world.fonds.db.read() as s:
        new_id = s.scalar(select(Application.id).where(Application.title == "Zweiter Antrag"))
        assert s.scalar(select(func.count(CostItem.id)).where(CostItem.application_id == new_id)) == 0
    a11y.check()


def test_a_too_big_file_is_refused_next_to_the_field_before_anything_is_lost(
    page: Page, world: World, a11y: Checker, tmp_path: Path
) -> None:
    app_id = draft_for(world, world.anna)
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}/bearbeiten")
    expect(page.get_by_text("Höchstens 300 KB pro Datei")).to_be_visible()
    page.get_by_label("Projekttitel").fill("Nicht verlieren")
    big = tmp_path / "riesig.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n")
    page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(big))
    url = page.url
    page.get_by_role("button", name="Datei hochladen").click()
    file_field = page.locator(".field", has=page.locator("#f-file"))
    expect(file_field).to_contain_text("„riesig.pdf“ ist zu groß. Erlaubt sind höchstens 300 KB pro Datei.")
    assert page.url == url
    expect(page.get_by_label("Projekttitel")).to_have_value("Nicht verlieren")
    # "Entwurf speichern" with the big file still chosen is refused the same way (the server would cut it off)
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(file_field).to_contain_text("ist zu groß")
    assert page.url == url and _attachments(world, app_id) == []
    a11y.check("edit-too-big")


def test_without_javascript_a_too_big_upload_gets_a_german_page_with_the_limit_and_a_way_back(
    browser: Browser, world: World, base_url: str, axe: object, tmp_path: Path
) -> None:
    app_id = draft_for(world, world.anna)
    context = browser.new_context(java_script_enabled=False, base_url=base_url, locale=BROWSER_LOCALE)
    try:
        page = context.new_page()
        log_in(page, "anna@example.org")
        page.goto(f"/antraege/{app_id}/bearbeiten")
        big = tmp_path / "riesig.pdf"
        big.write_bytes(b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"\n%%EOF\n")
        page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(big))
        with page.expect_response(lambda r: r.request.method == "POST") as info:
            page.get_by_role("button", name="Datei hochladen").click()
        assert info.value.status == 413
        expect(page.get_by_role("heading", name="Die Datei ist zu groß")).to_be_visible()
        expect(page.get_by_text("höchstens 300 KB")).to_be_visible()
        # axe-core needs JavaScript: the same page, as served, is checked in a page that runs scripts
        html = page.content()
        checked = browser.new_context(base_url=base_url, locale=BROWSER_LOCALE)
        try:
            js_page = checked.new_page()
            js_page.goto("/impressum")
            js_page.set_content(html)
            expect(js_page.get_by_role("heading", name="Die Datei ist zu groß")).to_be_visible()
            Checker(js_page, axe).check("upload-too-big")  # type: ignore[arg-type]
        finally:
            checked.close()
        page.get_by_role("link", name="Zurück zum Formular").click()
        expect(page.get_by_role("heading", name="Antrag bearbeiten")).to_be_visible()
    finally:
        context.close()


def test_an_attachment_can_be_deleted_and_its_file_goes(
    page: Page, world: World, a11y: Checker, tmp_path: Path
) -> None:
    app_id = draft_for(world, world.anna)
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}/bearbeiten")
    for name in ("falsch.pdf", "richtig.pdf"):
        path = tmp_path / name
        path.write_bytes(simple_pdf())
        page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(path))
        page.get_by_role("button", name="Datei hochladen").click()
    assert len(_stored_files(world)) == 2
    page.get_by_label("Projekttitel").fill("Mit dem richtigen Angebot")
    page.get_by_role("button", name="„falsch.pdf“ löschen").click()
    expect(page.get_by_text("„falsch.pdf“ ist gelöscht.")).to_be_visible()
    expect(page.get_by_role("link", name="falsch.pdf")).to_have_count(0)
    expect(page.get_by_role("link", name="richtig.pdf")).to_be_visible()
    assert [a.original_name for a in _attachments(world, app_id)] == ["richtig.pdf"]
    assert len(_stored_files(world)) == 1
    assert _app(world, app_id).title == "Mit dem richtigen Angebot"
    a11y.check()


def test_a_draft_can_be_deleted_without_telling_the_office(
    page: Page, world: World, a11y: Checker, tmp_path: Path
) -> None:
    app_id = draft_for(world, world.anna)
    keep = draft_for(world, world.anna, title="Der andere Antrag")
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}/bearbeiten")
    path = tmp_path / "angebot.pdf"
    path.write_bytes(simple_pdf())
    page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(path))
    page.get_by_role("button", name="Datei hochladen").click()
    page.get_by_role("link", name="Entwurf löschen …").click()
    heading = page.get_by_role("heading", name=re.compile("Entwurf „Nachbarschaftsfest Ruhrstraße“ löschen"))
    expect(heading).to_be_visible()
    a11y.check("delete-draft")
    page.get_by_role("button", name="Ja, Entwurf löschen").click()
    expect(page.get_by_text("Ihr Entwurf „Nachbarschaftsfest Ruhrstraße“ ist gelöscht.")).to_be_visible()
    expect(page.get_by_role("heading", name="Meine Anträge")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Nachbarschaftsfest Ruhrstraße"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Der andere Antrag"))).to_be_visible()
    assert [s.id for s in applications_of(world.fonds, Actor(world.anna))] == [keep]
    assert _attachments(world, app_id) == [] and _stored_files(world) == []
    with world.fonds.db.read() as s:
        assert s.scalars(select(OutboxMessage.topic).where(OutboxMessage.application_id == app_id)).all() == []
        assert s.scalar(select(func.count(CostItem.id)).where(CostItem.application_id == keep)) == 2


def _fill_proof(page: Page, receipt: Path, photo: Path) -> None:
    page.get_by_label("Sachbericht: Was ist im Projekt passiert?").fill("Das Fest war schön.")
    page.get_by_label("Wie viele Menschen haben Sie erreicht?").fill("150")
    page.get_by_label("Datum (Beleg 1)").fill("2026-05-01")
    page.get_by_label("Betrag in Euro (Beleg 1)").fill("600,00")
    page.get_by_label("Empfänger (Beleg 1)").fill("Zeltverleih Witten")
    page.get_by_label("Zweck (Beleg 1)").fill("Zelt und Bühne")
    page.get_by_label("Kostenart (Beleg 1)").select_option("rental")
    page.get_by_label("Beleg als Datei (Beleg 1, PDF/JPEG/PNG)").set_input_files(str(receipt))
    page.get_by_label("Fotos vom Projekt (JPEG oder PNG)").set_input_files(str(photo))
    page.get_by_label("Einnahmen des Projekts in Euro").fill("0")
    page.get_by_label("Eigenmittel in Euro").fill("0")
    page.get_by_label("Mittel Dritter in Euro").fill("0")
    page.get_by_label("Ich bestätige, dass die Angaben").check()


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 80, 40)).save(path, format="PNG")
    return path


def test_summe_pruefen_keeps_the_chosen_receipt_and_photo(
    page: Page, world: World, a11y: Checker, tmp_path: Path
) -> None:
    app_id = approved_for(world, world.anna)
    receipt = tmp_path / "beleg.pdf"
    receipt.write_bytes(simple_pdf())
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}/verwendungsnachweis")
    _fill_proof(page, receipt, _png(tmp_path / "fest.png"))
    page.get_by_role("button", name="Summe prüfen").click()
    expect(page.locator("#sum-status")).to_contain_text("weniger ausgegeben als bewilligt")
    expect(page.locator("#spent-sum")).to_have_text(re.compile(r"600,00\s€"))
    assert page.get_by_label("Beleg als Datei (Beleg 1, PDF/JPEG/PNG)").evaluate("e => e.files.length") == 1
    assert page.get_by_label("Fotos vom Projekt (JPEG oder PNG)").evaluate("e => e.files.length") == 1
    page.get_by_label("Zweck (Beleg 1)").press("Enter")  # Enter checks the sum again, never submits
    expect(page.locator("#sum-status")).to_be_visible()
    assert _app(world, app_id).state == "approved"
    a11y.check("proof-sum-checked")
    page.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    expect(page.get_by_text("Ihr Verwendungsnachweis ist eingereicht")).to_be_visible()
    assert sorted(a.purpose for a in _attachments(world, app_id)) == ["photo", "receipt"]
