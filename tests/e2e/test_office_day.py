"""An office working day in a real Chromium, axe-checked: review, request changes, schedule, pay."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from fondsengine.applications import service as apps
from fondsengine.applications.queries import fund_balance
from fondsengine.engine import Actor
from fondsengine.model import Application
from fondsengine.payments import service as payments
from tests.e2e.conftest import Checker, log_in
from tests.web.builders import QF, World, approved_for, draft_for
from webapp.filters import euro

pytestmark = pytest.mark.e2e


def _state(world: World, app_id: int) -> str:
    with world.fonds.db.read() as s:
        row = s.get(Application, app_id)
        assert row is not None
        return row.state


def _checklist_ids(world: World) -> list[str]:
    with world.fonds.db.read() as s:
        return [i.id for i in world.fonds.catalog.current(s, QF)[2].review_checklist]


def test_an_office_working_day(page: Page, world: World, a11y: Checker) -> None:
    f = world.fonds
    paid_app = approved_for(world, world.anna)
    payments.request_payment(
        f,
        Actor(world.anna),
        paid_app,
        amount_cents=50_000,
        kind="advance",
        iban="DE02120300000000202051",
        account_holder="Anna Beispiel",
    )
    passes = draft_for(world, world.anna, title="Repair-Café im Keller")
    apps.submit(f, Actor(world.anna), passes)
    needs_changes = draft_for(world, world.bert, title="Kinderflohmarkt")
    apps.submit(f, Actor(world.bert), needs_changes)

    log_in(page, "buero@example.org")
    page.get_by_role("link", name="Verwaltung", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Haushaltsjahr 2026")
    expect(page.get_by_role("heading", name="Formale Prüfung (2)")).to_be_visible()
    expect(page.get_by_role("heading", name="Auszahlungsanforderungen (1)")).to_be_visible()
    a11y.check("office-dashboard")

    # 1. Review the Repair-Café with the checklist; it passes.
    page.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Anträge", exact=True).click()
    page.get_by_label("Suche in Titel, Name, Organisation, Beschreibung, Aktenzeichen").fill("repair")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_text("1 Antrag gefunden")).to_be_visible()
    a11y.check("office-queue")
    page.get_by_role("row", name=re.compile("Repair-Café")).get_by_role("link").click()
    page.get_by_role("button", name="Formale Prüfung beginnen").click()
    expect(page.get_by_text("Die formale Prüfung hat begonnen.")).to_be_visible()
    for item in _checklist_ids(world):
        page.locator(f"#r-{item}-fulfilled").check()
    page.get_by_label("Notiz zu „Kostenplan plausibel, nur förderfähige Kosten“").fill("Angebot liegt vor")
    a11y.check("office-checklist")
    page.get_by_role("button", name="Speichern und Prüfung abschließen").click()
    expect(page.get_by_text("Die formale Prüfung ist abgeschlossen.")).to_be_visible()
    expect(page.locator(".badge")).to_have_text("Formal geprüft")
    assert _state(world, passes) == "reviewed"

    # 2. The Kinderflohmarkt needs changes.
    page.goto(f"/verwaltung/antraege/{needs_changes}")
    page.get_by_role("button", name="Formale Prüfung beginnen").click()
    page.get_by_role("link", name="Änderungen anfordern").click()
    page.get_by_role("button", name="Änderungen anfordern").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte schreiben Sie, was geändert werden soll.")
    a11y.check("office-request-changes-error")
    page.get_by_label("Was soll geändert oder ergänzt werden?").fill(
        "Bitte ergänzen Sie, wo der Flohmarkt stattfindet."
    )
    page.get_by_role("button", name="Änderungen anfordern").click()
    expect(page.locator(".badge")).to_have_text("Änderungen angefordert")
    assert _state(world, needs_changes) == "changes_requested"

    # 3. Plan a jury session and put the reviewed application on its agenda.
    page.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Jurysitzungen").click()
    page.locator("#f-day").fill("2026-03-11")
    page.locator("#f-time").fill("18:00")
    page.locator("#f-place").fill("Rathaus, Raum 12")
    a11y.check("office-sessions")
    page.get_by_role("button", name="Sitzung planen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jurysitzung am 11.03.2026")
    page.get_by_label(re.compile("Repair-Café im Keller")).check()
    page.get_by_role("button", name="Auf die Tagesordnung setzen").click()
    expect(page.get_by_role("heading", name="Tagesordnung (1)")).to_be_visible()
    a11y.check("office-session")
    assert _state(world, passes) == "on_agenda"

    # 4. Pay the requested advance.
    page.goto(f"/verwaltung/antraege/{paid_app}")
    a11y.check("office-application")
    page.get_by_role("link", name="Auszahlung buchen").click()
    expect(page.get_by_label("Ausgezahlter Betrag in Euro")).to_have_value("500,00")
    a11y.check("office-payment")
    page.get_by_role("button", name="Auszahlung buchen").click()
    expect(page.get_by_text("Die Auszahlung ist gebucht.")).to_be_visible()
    assert _state(world, paid_app) == "paid"

    # The dashboard figures match the ledger afterwards.
    page.goto("/verwaltung/")
    balance = fund_balance(f, QF, 2026)
    expect(page.locator('[data-figure="paid"]')).to_have_text(euro(balance.paid))
    expect(page.locator('[data-figure="committed"]')).to_have_text(euro(balance.committed))
    expect(page.locator('[data-figure="free"]')).to_have_text(euro(balance.free))
    assert balance.paid == 50_000
    a11y.check()


def test_the_office_checks_a_proof_of_use_and_claims_the_ineligible_part_back(
    page: Page, world: World, a11y: Checker
) -> None:
    from datetime import UTC, date, datetime

    from fondsengine.payments import proofs

    f = world.fonds
    app_id = approved_for(world, world.anna)
    payments.record_payment(f, Actor(world.office), app_id, amount_cents=64_000, kind="advance")
    world.clock.set(datetime(2026, 5, 10, 9, tzinfo=UTC))
    proofs.submit_proof(
        f,
        Actor(world.anna),
        app_id,
        report="Das Fest war schön.",
        participants_reached=150,
        receipts=[
            proofs.ReceiptInput(date(2026, 5, 1), "Zeltverleih Ruhr", "Zelt", "rental", 60_000),
            proofs.ReceiptInput(date(2026, 5, 1), "Getränkemarkt", "Bier", "material", 20_000),
        ],
        confirmed=True,
    )
    log_in(page, "buero@example.org")
    page.goto(f"/verwaltung/antraege/{app_id}")
    expect(page.get_by_role("heading", name="Verwendungsnachweis")).to_be_visible()
    a11y.check("office-proof")
    page.get_by_role("button", name="Beleg 1 anerkennen").click()
    page.get_by_label("Grund, falls nicht anerkannt (Beleg 2)").fill("Alkohol ist nicht förderfähig.")
    page.get_by_role("button", name="Beleg 2 nicht anerkennen").click()
    expect(page.get_by_text("nicht anerkannt: Alkohol ist nicht förderfähig.")).to_be_visible()
    page.get_by_role("button", name="Verwendungsnachweis anerkennen").click()
    expect(page.locator(".badge")).to_have_text("Verwendungsnachweis anerkannt")
    page.get_by_role("link", name="Rückforderung stellen").click()
    page.get_by_label("Begründung").fill("Beleg 2 ist nicht förderfähig.")
    a11y.check("office-refund")
    page.get_by_role("button", name="Rückforderung stellen").click()
    expect(page.locator(".badge")).to_have_text("Rückforderung offen")
    page.get_by_role("link", name="Rückzahlung verbuchen").click()
    page.get_by_label("Eingegangener Betrag in Euro").fill("40,00")
    page.get_by_role("button", name="Rückzahlung verbuchen").click()
    expect(page.locator(".badge")).to_have_text("Abgeschlossen")
    assert _state(world, app_id) == "documented"

    page.goto("/verwaltung/")
    balance = fund_balance(f, QF, 2026)
    assert (balance.paid, balance.refunded, balance.committed) == (64_000, 4_000, 60_000)
    expect(page.locator('[data-figure="refunded"]')).to_have_text(euro(balance.refunded))
    expect(page.locator('[data-figure="committed"]')).to_have_text(euro(balance.committed))
    expect(page.locator('[data-figure="free"]')).to_have_text(euro(balance.free))
    a11y.check()


def test_the_other_office_pages_are_accessible(page: Page, world: World, a11y: Checker) -> None:
    app_id = approved_for(world, world.anna)
    payments.request_payment(
        world.fonds,
        Actor(world.anna),
        app_id,
        amount_cents=50_000,
        kind="advance",
        iban="DE02120300000000202051",
        account_holder="Anna Beispiel",
    )
    log_in(page, "buero@example.org")
    nav = page.get_by_role("navigation", name="Verwaltung")
    page.goto("/verwaltung/")
    nav.get_by_role("link", name="Auszahlungen").click()
    expect(page.get_by_role("heading", name="Offene Auszahlungen")).to_be_visible()
    a11y.check("office-payment-orders")
    nav.get_by_role("link", name="Jahresübersicht").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jahresübersicht 2026")
    a11y.check("office-yearly")
    nav.get_by_role("link", name="Buchungen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Buchungen 2026")
    expect(page.get_by_role("cell", name="Bewilligung (gebunden)")).to_be_visible()
    a11y.check("office-bookings")
    nav.get_by_role("link", name="Personen und Rollen").click()
    page.get_by_role("button", name="Rolle vergeben").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte wählen Sie eine Rolle.")
    a11y.check("office-roles-error")
    nav.get_by_role("link", name="Papierantrag erfassen").click()
    page.get_by_label("Projekttitel").fill("Bücherschrank")
    page.get_by_label("Beantragter Zuschuss in Euro").fill("viel")
    page.get_by_role("button", name="Als Entwurf speichern").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Projekttitel")).to_have_value("Bücherschrank")
    a11y.check("office-paper-error")
    page.goto(f"/verwaltung/antraege/{app_id}")
    page.get_by_label("Neue Notiz").fill("Telefonat: Abschlag kommt nächste Woche.")
    page.get_by_role("button", name="Notiz speichern").click()
    expect(page.get_by_text("Telefonat: Abschlag kommt nächste Woche.")).to_be_visible()
    a11y.check("office-notes")
