"""Pure parts of the rule questions (issue 14): which questions a guideline asks, the soft cap the
what-if cuts to (at, just below and just above), the lifted limits a letter cites, a receipt's own
VAT rate, the day of earlier de-minimis aid."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path

from fondsengine.guidelines.asks import receipt_vat_rates, rule_questions
from fondsengine.guidelines.findings import ApplicationData, CostLine
from fondsengine.guidelines.loader import load_guideline
from fondsengine.guidelines.rules_money import check_de_minimis, lifted_limits_cited, soft_cap_cents
from fondsengine.payments.proofs import proof_eligible_cents

ROOT = Path(__file__).resolve().parents[2] / "richtlinien"
QUARTIER = load_guideline(ROOT / "witten-quartiersfonds.yaml")
ACTION = load_guideline(ROOT / "examples" / "berlin-aktionsfonds.yaml")
TIERED = load_guideline(ROOT / "examples" / "berlin-quartiersfonds-stufen.yaml")
ENGAGEMENT = load_guideline(ROOT / "examples" / "nrw-engagementfonds.yaml")
APP = ApplicationData(
    applicant_kind="trader",
    nonprofit=False,
    area_link="based",
    postcode="12681",
    street="Musterstraße",
    project_start=date(2027, 4, 10),
    project_end=date(2027, 4, 11),
    cost_items=(CostLine("material", "Sitzmöbel", 3_000_000),),
    requested_cents=2_000_000,
)


def test_each_guideline_asks_only_the_questions_of_the_rules_it_uses() -> None:
    action, tiered, engagement, witten = (rule_questions(g) for g in (ACTION, TIERED, ENGAGEMENT, QUARTIER))
    assert (action.group_members, action.payee, action.input_tax, action.de_minimis) == (True, True, False, False)
    assert (tiered.group_members, tiered.input_tax, tiered.de_minimis_kinds) == (False, True, ("trader",))
    assert tiered.repeat  # repeats not funded at all: the earlier file number matters
    assert engagement.repeat and not engagement.input_tax
    assert witten.repeat and not (witten.group_members or witten.input_tax or witten.de_minimis)
    assert tiered.vat_percent == 19 and receipt_vat_rates(TIERED) == (19, 7, 0)
    sixteen = replace(TIERED, costs=replace(TIERED.costs, vat_share=Fraction(16, 100)))
    assert receipt_vat_rates(sixteen) == (16, 19, 7, 0)


def test_the_soft_cap_is_the_normal_maximum_until_the_office_lifts_it() -> None:
    # 30.000 € + 3 % = 30.900 € eligible; normal maximum 20.000 €, no normal share
    assert soft_cap_cents(APP, TIERED) == 2_000_000
    assert soft_cap_cents(replace(APP, requested_cents=2_000_001), TIERED) == 2_000_000
    assert soft_cap_cents(replace(APP, lifted_limits={"amount.above_normal_max": "Beschluss"}), TIERED) is None
    assert soft_cap_cents(APP, QUARTIER) is None  # no soft limits


def test_a_letter_cites_only_the_lifted_limits_the_amount_goes_beyond() -> None:
    lifted = {"amount.above_normal_max": " Einziger Spielplatz "}
    at = replace(APP, lifted_limits=lifted)
    assert lifted_limits_cited(at, TIERED) == []  # 20.000 € is within the normal maximum
    above = replace(at, requested_cents=2_000_001)
    assert lifted_limits_cited(above, TIERED) == [
        ("in der Regel höchstens 20.000,00 € je Projekt", "§ 3 Abs. 5", "Einziger Spielplatz")
    ]
    assert lifted_limits_cited(replace(above, lifted_limits={}), TIERED) == []


def test_a_receipt_counts_net_at_its_own_rate_for_an_applicant_who_deducts_input_tax() -> None:
    net = replace(APP, input_tax_deductible=True)
    receipts = [
        ("material", "Gärtnerei", 10_700, 7),
        ("material", "Baumarkt", 11_900, None),  # the guideline's 19 %
        ("rental", "Saal", 500, 0),
    ]
    assert proof_eligible_cents(TIERED, net, receipts) == 10_000 + 10_000 + 500
    assert proof_eligible_cents(TIERED, APP, receipts) == 10_700 + 11_900 + 500  # gross without deduction


def test_earlier_de_minimis_aid_names_its_day_and_asks_for_it_when_missing() -> None:
    declared = replace(APP, de_minimis_prior_cents=1_250_000, de_minimis_prior_on=date(2025, 6, 30))
    codes = {f.code: f for f in check_de_minimis(declared, TIERED)}
    assert "bisher 12.500,00 € (zuletzt am 30.06.2025)" in codes["de_minimis.sum"].message
    assert "de_minimis.date_missing" not in codes
    undated = {f.code: f for f in check_de_minimis(replace(declared, de_minimis_prior_on=None), TIERED)}
    assert not undated["de_minimis.date_missing"].blocking and undated["de_minimis.date_missing"].clause == "§ 3 Abs. 4"
    none = {f.code for f in check_de_minimis(replace(APP, de_minimis_prior_cents=0), TIERED)}
    assert "de_minimis.date_missing" not in none  # nothing received, no day to give
