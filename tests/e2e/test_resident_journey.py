"""The resident's journey in a real Chromium, found by labels and roles, axe-checked on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from fondsengine.applications.decisions import request_changes
from fondsengine.engine import Actor
from fondsengine.model import Application
from tests.e2e.conftest import Checker, log_in
from tests.support.files import simple_pdf
from tests.web.builders import World, approved_for, draft_for

pytestmark = pytest.mark.e2e


def _count(world: World) -> int:
    with world.fonds.db.read() as s:
        return int(s.scalar(select(func.count(Application.id))) or 0)


def test_register_confirm_log_in_and_out(page: Page, world: World, a11y: Checker) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name=re.compile("Dein Projektgeld"))).to_be_visible()
    expect(page.get_by_text("Noch frei in 2026").first).to_be_visible()
    a11y.check("start")
    page.get_by_role("link", name="Registrieren").click()
    a11y.check("register")
    page.get_by_label("Ihr Name").fill("Clara Neu")
    page.get_by_label("E-Mail-Adresse").fill("clara@example.org")
    page.get_by_label("Passwort (mindestens 12 Zeichen)").fill("kurz")
    page.get_by_label("Passwort wiederholen").fill("kurz")
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_role("alert")).to_contain_text("mindestens 12 Zeichen")
    a11y.check("register-error")
    page.get_by_label("Passwort (mindestens 12 Zeichen)").fill("ein-langes-passwort")
    page.get_by_label("Passwort wiederholen").fill("ein-langes-passwort")
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_role("heading", name="Bitte sehen Sie in Ihr Postfach")).to_be_visible()
    a11y.check()
    link = re.search(r"/bestaetigen/\S+", world.mailer.to("clara@example.org")[0].text)
    assert link is not None
    page.goto(link.group(0))
    expect(page.get_by_text("Ihre E-Mail-Adresse ist bestätigt")).to_be_visible()
    log_in(page, "clara@example.org", "ein-langes-passwort")
    expect(page.get_by_role("heading", name="Meine Anträge")).to_be_visible()
    a11y.check("my-applications-empty")
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_text("Sie sind abgemeldet")).to_be_visible()


def test_forgotten_password_is_reset_with_the_mailed_link(page: Page, world: World, a11y: Checker) -> None:
    page.goto("/anmelden")
    page.get_by_role("link", name="Passwort vergessen?").click()
    a11y.check()
    page.get_by_label("E-Mail-Adresse").fill("anna@example.org")
    page.get_by_role("button", name="Link schicken").click()
    path = re.search(r"/passwort-neu/\S+", world.mailer.to("anna@example.org")[0].text)
    assert path is not None
    page.goto(path.group(0))
    a11y.check()
    page.get_by_label("Neues Passwort (mindestens 12 Zeichen)").fill("mein-neues-passwort")
    page.get_by_label("Neues Passwort wiederholen").fill("mein-neues-passwort")
    page.get_by_role("button", name="Passwort speichern").click()
    log_in(page, "anna@example.org", "mein-neues-passwort")
    expect(page.get_by_role("heading", name="Meine Anträge")).to_be_visible()


def _fill_application(page: Page, *, requested: str) -> None:
    page.get_by_label("Bewohnerin oder Bewohner").check()
    page.get_by_label("Das Projekt ist gemeinnützig: Niemand verdient daran.").check()  # never ticked in advance
    page.get_by_label("Postanschrift: Straße und Hausnummer").fill("Ruhrstraße 12")
    page.get_by_label("Postleitzahl", exact=True).fill("58452")
    page.get_by_label("Ort", exact=True).fill("Witten")
    page.get_by_label("Projekttitel").fill("Nachbarschaftsfest Ruhrstraße")
    page.get_by_label("Was haben Sie vor?").fill("Ein Fest für alle im Haus und in der Straße.")
    page.get_by_label("Straße und Hausnummer des Projektorts").fill("Ruhrstraße 10")
    page.get_by_label("Postleitzahl des Projektorts").fill("58452")
    page.get_by_label("Projektbeginn").fill("2026-05-01")
    page.get_by_label("Projektende").fill("2026-05-02")
    page.get_by_label("Wie viele Menschen möchten Sie erreichen (ungefähr)?").fill("120")
    page.get_by_label("Was hat die Innenstadt davon?").fill("Die Nachbarn lernen sich kennen.")
    page.get_by_label("Datum Ihres Beratungsgesprächs mit der Geschäftsführung").fill("2026-01-05")
    page.get_by_label("Kostenart (Position 1)").select_option("rental")
    page.get_by_label("Beschreibung (Position 1)").fill("Bühne und Zelt")
    page.get_by_label("Betrag in Euro (Position 1)").fill("600,00")
    page.get_by_label("Kostenart (Position 2)").select_option("material")
    page.get_by_label("Beschreibung (Position 2)").fill("Deko")
    page.get_by_label("Betrag in Euro (Position 2)").fill("200,00")
    page.get_by_label("Beantragter Zuschuss in Euro").fill(requested)


def test_apply_with_live_feedback_fix_and_submit(page: Page, world: World, a11y: Checker, tmp_path: Path) -> None:
    log_in(page, "anna@example.org")
    page.goto("/")
    page.get_by_role("link", name=re.compile("Antrag für „Quartiersfonds")).click()
    a11y.check("application-form")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte geben Sie einen Projekttitel an.")
    a11y.check("application-form-errors")
    _fill_application(page, requested="5.000,00")
    page.get_by_role("button", name="Entwurf speichern").dblclick()
    expect(page.get_by_text("Ihr Entwurf ist gespeichert")).to_be_visible()
    assert _count(world) == 1
    findings = page.get_by_role("region", name="Vorabprüfung nach der Förderrichtlinie")
    expect(findings).to_contain_text("§ 4")
    expect(findings).to_contain_text("§ 10")
    expect(page.get_by_role("button", name="Antrag einreichen")).to_be_disabled()
    a11y.check("status-draft-blocked")

    page.get_by_role("link", name="Antrag bearbeiten").click()
    page.get_by_label("Beantragter Zuschuss in Euro").fill("800,00")
    for text in ("noch nicht begonnen", "keine anderen öffentlichen Fördermittel", "weise auf allen Materialien"):
        page.get_by_label(re.compile(text)).check()
    fake = tmp_path / "angebot.pdf"
    fake.write_bytes(b"GIF89a not a pdf at all")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_role("link", name="Antrag bearbeiten").click()
    page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(fake))
    page.get_by_role("button", name="Datei hochladen").click()
    expect(page.locator("#e-file")).to_contain_text("keine gültige PDF-, JPEG- oder PNG-Datei")
    big = tmp_path / "gross.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (400 * 1024) + b"\n%%EOF\n")
    page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(big))
    page.get_by_role("button", name="Datei hochladen").click()
    expect(page.get_by_role("alert").filter(has_text="ist zu groß")).to_be_visible()
    good = tmp_path / "Kostenvoranschlag.pdf"
    good.write_bytes(simple_pdf())
    page.get_by_label("Datei auswählen (PDF, JPEG oder PNG)").set_input_files(str(good))
    page.get_by_role("button", name="Datei hochladen").click()
    expect(page.get_by_role("link", name="Kostenvoranschlag.pdf")).to_be_visible()
    a11y.check("application-form-filled")

    page.goto(page.url.split("/bearbeiten")[0])
    expect(page.get_by_text("erfüllt Ihr Antrag die Regeln")).to_be_visible()
    page.get_by_role("button", name="Antrag einreichen").click()
    expect(page.get_by_text(re.compile(r"Ihr Aktenzeichen: WQ-2026-\d{4}"))).to_be_visible()
    expect(page.get_by_role("region", name="Verlauf")).to_contain_text("Antrag einreichen")
    a11y.check("status-submitted")


def test_a_stale_form_token_keeps_the_input_and_saves_nothing(page: Page, world: World, a11y: Checker) -> None:
    log_in(page, "anna@example.org")
    page.goto("/antrag/neu/witten-quartiersfonds")
    _fill_application(page, requested="800,00")
    page.locator("main form input[name=csrf_token]").first.evaluate("e => e.value = 'abgelaufen'")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Ihre Sitzung war abgelaufen")
    expect(page.get_by_label("Projekttitel")).to_have_value("Nachbarschaftsfest Ruhrstraße")
    a11y.check()
    assert _count(world) == 0
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.get_by_text("Ihr Entwurf ist gespeichert")).to_be_visible()
    assert _count(world) == 1


def test_changes_requested_resubmit_and_withdraw(page: Page, world: World, a11y: Checker) -> None:
    from fondsengine.applications import decisions
    from fondsengine.applications import service as applications

    app_id = draft_for(world, world.anna)
    applications.submit(world.fonds, Actor(world.anna), app_id)
    decisions.start_review(world.fonds, Actor(world.office), app_id)
    request_changes(world.fonds, Actor(world.office), app_id, "Bitte legen Sie ein Angebot für das Zelt bei.")
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}")
    expect(page.get_by_text("Bitte legen Sie ein Angebot für das Zelt bei.").first).to_be_visible()
    a11y.check("status-changes-requested")
    page.get_by_role("link", name="Antrag bearbeiten").click()
    page.get_by_label("Beschreibung (Position 1)").fill("Bühne und Zelt (Angebot liegt bei)")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_role("button", name=re.compile("erneut einreichen|Erneut einreichen|einreichen")).click()
    expect(page.get_by_text("wieder eingereicht")).to_be_visible()
    page.get_by_role("link", name="Antrag zurückziehen").click()
    a11y.check("withdraw-confirm")
    page.get_by_label("Grund (freiwillig)").fill("Das Fest fällt aus.")
    page.get_by_role("button", name="Ja, Antrag zurückziehen").click()
    expect(page.get_by_text("Zurückgezogen").first).to_be_visible()
    a11y.check()


def test_another_residents_application_is_not_found(page: Page, world: World, a11y: Checker) -> None:
    app_id = draft_for(world, world.bert)
    log_in(page, "anna@example.org")
    response = page.goto(f"/antraege/{app_id}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Diese Seite gibt es nicht")).to_be_visible()
    a11y.check()


def test_payment_with_iban_check_and_proof_of_use_with_refund_warning(
    page: Page, world: World, a11y: Checker, tmp_path: Path
) -> None:
    app_id = approved_for(world, world.anna)
    log_in(page, "anna@example.org")
    page.goto(f"/antraege/{app_id}")
    a11y.check("status-approved")
    page.get_by_role("link", name="Auszahlung").click()
    page.get_by_label("Abschlag vor dem Projekt").check()
    page.get_by_label("Betrag in Euro").fill("500,00")
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 01")
    page.get_by_role("button", name="Auszahlung anfordern").click()
    expect(page.get_by_role("alert")).to_contain_text("Prüfziffer der IBAN")
    a11y.check("payment-error")
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Auszahlung anfordern").click()
    expect(page.get_by_text("Ihre Auszahlung ist angefordert")).to_be_visible()
    expect(page.get_by_role("region", name="Auszahlungen")).to_contain_text("500,00 €")

    page.get_by_role("link", name="Verwendungsnachweis einreichen").click()
    a11y.check("proof-form")
    page.get_by_label("Sachbericht: Was ist im Projekt passiert?").fill("Das Fest war schön, 150 Gäste kamen.")
    page.get_by_label("Wie viele Menschen haben Sie erreicht?").fill("150")
    page.get_by_label("Datum (Beleg 1)").fill("2026-05-01")
    page.get_by_label("Betrag in Euro (Beleg 1)").fill("600,00")
    page.get_by_label("Empfänger (Beleg 1)").fill("Zeltverleih Witten")
    page.get_by_label("Zweck (Beleg 1)").fill("Zelt und Bühne")
    page.get_by_label("Kostenart (Beleg 1)").select_option("rental")
    receipt = tmp_path / "beleg.pdf"
    receipt.write_bytes(simple_pdf())
    page.get_by_label("Beleg als Datei (Beleg 1, PDF/JPEG/PNG)").set_input_files(str(receipt))
    page.get_by_label("Einnahmen des Projekts in Euro").fill("0")  # the numerical proof (issue 13)
    page.get_by_label("Eigenmittel in Euro").fill("0")
    page.get_by_label("Mittel Dritter in Euro").fill("0")
    page.get_by_label("Ich bestätige, dass die Angaben").check()
    page.get_by_role("button", name="Summe prüfen").click()
    expect(page.get_by_text("weniger ausgegeben als bewilligt")).to_be_visible()
    a11y.check("proof-warning")
    page.get_by_label("Beleg als Datei (Beleg 1, PDF/JPEG/PNG)").set_input_files(str(receipt))
    page.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    expect(page.get_by_text("Ihr Verwendungsnachweis ist eingereicht")).to_be_visible()
    a11y.check("status-proof-submitted")
