"""Loading the shipped guideline files and the strictness of the loader."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from fondsengine.errors import FondsError
from fondsengine.guidelines.loader import (
    GuidelineError,
    load_guideline,
    load_guideline_text,
    load_guidelines,
)
from fondsengine.guidelines.model import DecidedBy, PaymentMode, SubmissionMode

ROOT = Path(__file__).resolve().parents[2]
RICHTLINIEN = ROOT / "richtlinien"
QUARTIER = RICHTLINIEN / "witten-quartiersfonds.yaml"
CITY = RICHTLINIEN / "witten-cityfonds.yaml"
WORKFLOWS = {"bewohnerfonds", "zweistufig"}


def _problems(text: str) -> list[str]:
    with pytest.raises(GuidelineError) as caught:
        load_guideline_text(text, source="test.yaml", fund_id="test")
    return [f"{p.line}: {p.message}" for p in caught.value.problems]


def test_both_shipped_guidelines_load_with_their_fund_ids() -> None:
    guidelines = load_guidelines(RICHTLINIEN, known_workflows=WORKFLOWS)
    assert set(guidelines) == {"witten-quartiersfonds", "witten-cityfonds"}
    assert guidelines["witten-cityfonds"].workflow == "zweistufig"
    assert guidelines["witten-quartiersfonds"].workflow == "bewohnerfonds"


def test_the_version_hash_is_the_sha256_of_the_file_and_the_source_is_the_path() -> None:
    g = load_guideline(CITY)
    assert g.version_hash == hashlib.sha256(CITY.read_bytes()).hexdigest()
    assert g.source == str(CITY)
    assert g.fund_id == "witten-cityfonds"


def test_the_cityfonds_grants_at_most_half_and_needs_half_in_money() -> None:
    g = load_guideline(CITY)
    assert g.amounts.max_share == Fraction(1, 2)
    assert g.own_contribution.min_share == Fraction(1, 2)
    assert g.own_contribution.money_min_share == Fraction(1, 2)
    assert g.own_contribution.volunteer_allowed is False
    budget = g.budget.for_year(2026)
    assert budget is not None and budget.amount_cents == 1_500_000
    assert g.decision.two_step is True
    assert g.decision.granting_body == "Stadt Witten, Amt für Stadtentwicklung"
    assert g.jury.size == 7
    assert g.proof.due_fixed_month_day == (1, 31)
    assert g.proof.due_months_after_end is None


def test_the_quartiersfonds_has_a_resident_jury_of_fifteen_and_rounds() -> None:
    g = load_guideline(QUARTIER)
    assert g.amounts.max_share == Fraction(1)
    assert g.amounts.repeat_shares == (Fraction(2, 3), Fraction(1, 3))
    assert [b.amount_cents for b in g.budget.years] == [2_000_000] * 3
    assert g.jury.size == 15 and sum(grp.seats for grp in g.jury.groups) == 15
    assert g.timing.mode is SubmissionMode.ROUNDS
    assert g.timing.prior_consultation_required is True
    assert g.decision.tiers[0].decided_by is DecidedBy.JURY
    assert g.payment.modes == (PaymentMode.REIMBURSEMENT, PaymentMode.ADVANCE)
    assert g.payment.advance_max_share == Fraction(4, 5)
    assert g.proof.due_months_after_end == 2
    assert g.valid_from == date(2025, 1, 1)


def test_both_guidelines_have_an_open_round_after_today_and_every_letter_text() -> None:
    for path in (QUARTIER, CITY):
        g = load_guideline(path)
        rnd = g.timing.round_for(date(2026, 11, 25))
        assert rnd is not None and rnd.deadline == date(2027, 2, 15)
        assert set(g.letters) == {
            "receipt", "changes", "approval", "rejection",
            "payment", "proof_result", "refund", "lapse",
        }  # fmt: skip
        assert {d.id for d in g.declarations} >= {"not_started", "no_double_funding", "publicity"}
        assert "Städtebauförderung" in g.publicity.text


def test_fee_category_has_an_hourly_cap_and_is_never_for_the_applicant() -> None:
    g = load_guideline(QUARTIER)
    fees = g.costs.category("fees")
    assert fees is not None
    assert fees.hourly_cap_cents == 2500 and fees.not_for_applicant is True
    for not_eligible in ("personnel", "follow_up", "plans"):
        cat = g.costs.category(not_eligible)
        assert cat is not None and cat.eligible is False
    purchases = g.costs.category("purchases")
    assert purchases is not None and purchases.inventory_duty is True


def test_every_assumed_figure_is_marked_in_the_shipped_files() -> None:
    for path in (QUARTIER, CITY):
        assert "# Annahme – von der Geschäftsführung zu bestätigen" in path.read_text("utf-8")


def test_an_unknown_workflow_is_reported_only_when_the_known_ones_are_given() -> None:
    text = QUARTIER.read_text("utf-8")
    load_guideline_text(text, source="q.yaml", fund_id="q")
    with pytest.raises(GuidelineError) as caught:
        load_guideline_text(text, source="q.yaml", fund_id="q", known_workflows={"zweistufig"})
    assert [p.message for p in caught.value.problems] == [
        "Den Ablauf (workflow) 'bewohnerfonds' gibt es nicht; bekannt sind: zweistufig"
    ]


def test_money_in_euros_becomes_exact_cents() -> None:
    text = QUARTIER.read_text("utf-8").replace("  min: 100  #", "  min: 99.90  #")
    g = load_guideline_text(text, source="q.yaml", fund_id="q")
    assert g.amounts.min_cents == 9990


def test_an_empty_file_is_reported_on_line_one() -> None:
    assert _problems("") == ["1: Die Datei ist leer."]


def test_a_list_instead_of_a_section_is_a_type_error() -> None:
    assert _problems("- a\n- b\n") == [
        "1: 'Förderrichtlinie' muss ein Abschnitt mit Schlüsseln sein, gefunden: eine Liste"
    ]


def test_all_problems_of_a_file_are_reported_not_only_the_first() -> None:
    text = (
        QUARTIER.read_text("utf-8")
        .replace("  max_share_percent: 100\n", "  max_share_percent: -5\n")
        .replace("quorum_min_members: 8", "quorum_min_members: 20")
        .replace("kind: bewohnerfonds", "kind: kiezkasse")
    )
    messages = _problems(text)
    assert len(messages) == 3
    assert messages[0].endswith(
        "'kind' muss einer dieser Werte sein: bewohnerfonds, verfuegungsfonds; gefunden: kiezkasse"
    )
    assert "'max_share_percent' muss" in messages[1]
    assert "'quorum_min_members' (20) ist größer als die Jury ('size': 15)." in messages[2]


def test_a_duplicate_key_is_reported_with_its_line() -> None:
    text = QUARTIER.read_text("utf-8").replace("short_name:", "name: doppelt\nshort_name:")
    lines = text.splitlines()
    dup_line = next(i for i, line in enumerate(lines, 1) if line == "name: doppelt")
    assert _problems(text) == [
        f"{dup_line}: Der Schlüssel 'name' kommt in 'Förderrichtlinie' doppelt vor."
    ]


def test_a_python_tag_is_never_executed_but_rejected() -> None:
    text = QUARTIER.read_text("utf-8").replace(
        'short_name: "Dein Projektgeld"', "short_name: !!python/object/apply:os.system ['true']"
    )
    messages = _problems(text)
    assert len(messages) == 1 and "'short_name' muss" in messages[0]


def test_the_error_is_a_fonds_error_naming_the_first_problem_and_the_count() -> None:
    text = (
        QUARTIER.read_text("utf-8")
        .replace("size: 15", "size: 0")
        .replace("  min: 100  #", "  min: x  #")
    )
    with pytest.raises(FondsError) as caught:
        load_guideline_text(text, source="q.yaml", fund_id="q")
    assert str(caught.value).startswith("q.yaml:")
    assert "(und 1 weitere Probleme)" in str(caught.value)


def test_loading_a_directory_collects_the_problems_of_every_file(tmp_path: Path) -> None:
    good = QUARTIER.read_text("utf-8")
    (tmp_path / "a.yaml").write_text(good.replace("size: 15", "size: 14"), "utf-8")
    (tmp_path / "b.yaml").write_text(
        good.replace("min_lead_days: 21", "min_lead_days: -1"), "utf-8"
    )
    with pytest.raises(GuidelineError) as caught:
        load_guidelines(tmp_path)
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"a.yaml", "b.yaml"}


def _city_tiers(tiers: str) -> str:
    text = CITY.read_text(encoding="utf-8")
    old = "  tiers:\n    - decided_by: jury\n"
    assert old in text
    return text.replace(old, tiers)


def test_two_step_only_above_an_amount_is_a_jury_tier_of_its_own() -> None:
    text = _city_tiers(
        "  tiers:\n    - {up_to: 1000, decided_by: jury, two_step: false}\n    - {decided_by: jury}\n"
    )
    g = load_guideline_text(text, source="c.yaml", fund_id="c", known_workflows=WORKFLOWS)
    # the second tier inherits 'two_step: true' of the section; the first one says false
    assert [t.two_step for t in g.decision.tiers] == [False, True]
    assert g.decision.any_two_step
    assert (g.decision.recommends(99_999), g.decision.recommends(100_000)) == (False, False)
    assert g.decision.recommends(100_001)
    assert g.decision.tiers[0].line > 0


def test_two_step_of_a_tier_needs_a_granting_body_and_a_jury_tier() -> None:
    text = _city_tiers(
        "  tiers:\n    - {up_to: 1000, decided_by: management, two_step: true}\n    - {decided_by: jury}\n"
    )
    text = text.replace("  two_step: true\n", "  two_step: false\n")
    text = text.replace('  granting_body: "Stadt Witten, Amt für Stadtentwicklung"', "")
    problems = _problems(text)
    assert any("'two_step' gilt nur für eine Stufe mit 'decided_by: jury'" in p for p in problems), problems
    text = text.replace("{decided_by: jury}", "{decided_by: jury, two_step: true}").replace(
        "decided_by: management, two_step: true", "decided_by: management"
    )
    assert any("fehlt der Pflichtschlüssel 'granting_body'" in p for p in _problems(text))


def test_the_jury_sees_only_known_fields_and_never_bank_or_contact_data() -> None:
    text = QUARTIER.read_text(encoding="utf-8")
    old = next(row for row in text.splitlines() if row.startswith("  visible_fields:"))
    line = text.splitlines().index(old) + 1
    problems = _problems(text.replace(old, "  visible_fields: [title, iban, nutzen, neighbourhood_benefit]"))
    assert problems[0].startswith(f"{line}: 'iban' in 'visible_fields' sieht die Jury nie"), problems
    assert problems[1].startswith(f"{line}: Das Feld 'nutzen' in 'visible_fields' gibt es nicht"), problems
    assert len(problems) == 2  # neighbourhood_benefit is one of the guideline's own form fields


def test_every_field_the_jury_may_see_is_read_and_labelled_in_one_place() -> None:
    from fondsengine.guidelines.model import JURY_FIELDS
    from fondsengine.jury.minutes import _field
    from fondsengine.model import Application
    from webapp.labels import APPLICATION_FIELDS as FIELD_LABELS

    app = Application(extra={}, cost_items=[])
    assert all(_field(app, name)[0] for name in JURY_FIELDS)
    assert set(FIELD_LABELS) == set(JURY_FIELDS)


def test_the_last_tier_must_reach_the_maximum_amount() -> None:
    text = _city_tiers("  tiers:\n    - {up_to: 5000, decided_by: jury}\n")  # the Cityfonds grants up to 7.500 €
    problems = _problems(text)
    line = text.splitlines().index("decision:") + 1
    assert f"{line}: Die letzte Entscheidungsstufe muss bis zum Höchstbetrag ('amounts.max') reichen" in "\n".join(
        problems
    )


def test_a_number_keeps_the_text_it_is_written_in() -> None:
    text = QUARTIER.read_text("utf-8")
    # unquoted, YAML reads 01067 as an octal number; the postcode is the text as written
    zeros = text.replace('  postcodes: ["58452"]\n', "  postcodes: [01067, 58452]\n")
    assert load_guideline_text(zeros, source="test.yaml", fund_id="test").area.postcodes == ("01067", "58452")
    line = text.splitlines().index("  max_share_percent: 100") + 1
    wrong = text.replace("  max_share_percent: 100\n", "  max_share_percent: yes\n")
    assert _problems(wrong) == [
        f"{line}: 'max_share_percent' muss eine Prozentzahl zwischen 0 und 100 (z. B. 50) sein, gefunden: yes"
    ]


def test_a_key_required_by_another_is_missing_only_when_not_written() -> None:
    text = QUARTIER.read_text("utf-8")
    assert "advance" in text and "advance_max_share_percent:" in text
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "advance_max_share_percent:" in row)
    wrong = re.sub(r"advance_max_share_percent: [0-9.]+", "advance_max_share_percent: viel", text)
    assert _problems(wrong) == [
        f"{line}: 'advance_max_share_percent' muss eine Prozentzahl zwischen 0 und 100 (z. B. 50) sein, gefunden: viel"
    ]
    payment = text.splitlines().index("payment:") + 1
    gone = re.sub(r"\n *advance_max_share_percent: [0-9.]+", "", text)
    assert _problems(gone) == [f"{payment}: In 'payment' fehlt der Pflichtschlüssel 'advance_max_share_percent'."]


def test_a_budget_year_twice_is_reported_at_the_second() -> None:
    text = QUARTIER.read_text("utf-8").replace("    - year: 2026\n", "    - year: 2025\n", 1)
    line = text.splitlines().index("    - year: 2025", 90) + 1
    assert _problems(text) == [f"{line}: Die Kennung '2025' kommt bei den Haushaltsjahren (years) doppelt vor."]
