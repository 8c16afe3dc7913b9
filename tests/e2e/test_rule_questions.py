"""The applicant's form with the rule questions of an example guideline that uses them, in Chromium:
filled as a person would, saved without JavaScript tricks, the findings name the rules with their
clauses, and the form is axe-clean at 390 and 1280 px without sideways scrolling (issue 14)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Checker, log_in
from tests.web.builders import World
from tests.web.test_applicant_rule_fields import AF, SF, examples

pytestmark = pytest.mark.e2e


def _fits(page: Page, a11y: Checker, shot: str) -> None:
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
        a11y.check(shot if width == 1280 else None)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{overflow}px sideways at {width}px"


def _basics(page: Page, title: str) -> None:
    page.get_by_label("Projekttitel").fill(title)
    page.get_by_label("Postleitzahl des Projektorts").fill("12681")
    page.get_by_label("Beantragter Zuschuss in Euro").fill("9.000,00")


def test_a_trader_declares_input_tax_vat_and_earlier_de_minimis_aid(page: Page, world: World, a11y: Checker) -> None:
    examples(world)
    log_in(page, "anna@example.org")
    page.goto(f"/antrag/neu/{SF}")
    expect(page.get_by_role("group", name="Umsatzsteuer und frühere Beihilfen")).to_be_visible()
    _fits(page, a11y, "rule-questions-tax")
    page.get_by_label("Gewerbetreibende").check()
    page.get_by_label(re.compile(r"^Name der Gruppe")).fill("Café am Platz")
    _basics(page, "Sitzmöbel für den Platz")
    page.get_by_label("Eigenes Geld in Euro").fill("3.200,00")
    page.get_by_label("Kostenart (Position 1)").select_option("material")
    page.get_by_label("Beschreibung (Position 1)").fill("Sitzmöbel")
    page.get_by_label("Betrag in Euro (Position 1)").fill("11.900,00")
    page.get_by_label("Enthaltene Umsatzsteuer in Euro, nur bei Vorsteuerabzug (Position 1)").fill("1.900,00")
    page.get_by_label("Wir sind zum Vorsteuerabzug berechtigt.").check()
    page.get_by_label("Frühere De-minimis-Beihilfen in Euro").fill("12.500,00")
    page.get_by_label("Datum der letzten dieser Beihilfen").fill("2025-06-30")
    page.get_by_role("button", name="Entwurf speichern").last.click()
    expect(page.get_by_text("Ihr Entwurf ist gespeichert.")).to_be_visible()
    findings = page.locator("section.findings")
    expect(findings).to_contain_text("10.000,00 € statt 11.900,00 € brutto")
    expect(findings).to_contain_text("(§ 5 Abs. 6)")
    expect(findings).to_contain_text("bisher 12.500,00 € (zuletzt am 30.06.2025)")
    _fits(page, a11y, "rule-questions-findings")
    page.get_by_role("link", name=re.compile("bearbeiten", re.I)).first.click()
    expect(page.get_by_label("Wir sind zum Vorsteuerabzug berechtigt.")).to_be_checked()
    expect(page.get_by_label("Frühere De-minimis-Beihilfen in Euro")).to_have_value("12.500,00")


def test_a_group_names_its_members_and_a_fee_for_one_of_them_does_not_count(
    page: Page, world: World, a11y: Checker
) -> None:
    examples(world)
    log_in(page, "anna@example.org")
    page.goto(f"/antrag/neu/{AF}")
    page.get_by_label("Mitglieder Ihrer Gruppe oder Organisation (ein Name pro Zeile)").fill(
        "Bernd Muster\nCarla Beispiel"
    )
    _basics(page, "Hoffest im Beispielkiez")
    page.get_by_label("Kostenart (Position 1)").select_option("fees")
    page.get_by_label("Beschreibung (Position 1)").fill("Trommelworkshop")
    page.get_by_label("Betrag in Euro (Position 1)").fill("120,00")
    page.get_by_label("Stunden, nur bei Honoraren (Position 1)").fill("4")
    page.get_by_label("Wer bekommt das Geld? (Position 1)").fill("Bernd Muster")
    _fits(page, a11y, "rule-questions-group")
    page.get_by_role("button", name="Entwurf speichern").last.click()
    expect(page.get_by_text("Ihr Entwurf ist gespeichert.")).to_be_visible()
    expect(page.locator("section.findings")).to_contain_text(
        "an Bernd Muster zählt nicht zu den förderfähigen Kosten. (Nr. 5 Abs. 2)"
    )


def test_the_office_corrects_the_group_members_of_a_submitted_application(
    page: Page, world: World, a11y: Checker
) -> None:
    from datetime import date

    from fondsengine.engine import Actor
    from tests.integration.test_guideline_examples import aktionsfonds_input
    from tests.support.journey import Journey

    examples(world)
    data = aktionsfonds_input(project_start=date(2026, 3, 15), project_end=date(2026, 3, 20))
    app_id = Journey(world.fonds, office=Actor(world.office), applicant=Actor(world.anna), fund=AF,
                     data=data).to("submitted")  # fmt: skip
    log_in(page, "buero@example.org")
    page.goto(f"/verwaltung/antraege/{app_id}")
    page.get_by_role("link", name="Antrag korrigieren").click()
    _fits(page, a11y, "office-correction")
    page.get_by_label("Mitglieder Ihrer Gruppe oder Organisation (ein Name pro Zeile)").fill("Bernd Muster")
    page.get_by_label(re.compile(r"^Begründung")).fill("Mitglieder laut Telefonat nachgetragen")
    page.get_by_role("button", name="Korrektur speichern").click()
    expect(page.get_by_text(re.compile(r"^Korrigiert \("))).to_be_visible()
