"""The pure eligibility checks: every rule dimension with a passing and a failing case."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from fondsengine.guidelines.findings import ApplicationData, CheckContext, CostLine, Severity
from fondsengine.guidelines.loader import load_guideline
from fondsengine.guidelines.model import CostCategory, CostRules, Guideline, SubmissionMode
from fondsengine.guidelines.rules import (
    check,
    eligible_costs_cents,
    lapse_date,
    max_grant_cents,
    normalise_street,
    plain_summary,
    proof_due_date,
    volunteer_value_cents,
)

ROOT = Path(__file__).resolve().parents[2] / "richtlinien"
QUARTIER = load_guideline(ROOT / "witten-quartiersfonds.yaml")
CITY = load_guideline(ROOT / "witten-cityfonds.yaml")
TODAY = date(2026, 11, 25)
CTX = CheckContext(today=TODAY, budget_year=2027)

# A Quartiersfonds application that breaks no rule: 1.000 € costs, 1.000 € requested.
GOOD = ApplicationData(
    applicant_kind="initiative",
    nonprofit=True,
    area_link="lives",
    postcode="58452",
    street="Wiesenstr. 12",
    project_start=date(2027, 4, 10),
    project_end=date(2027, 4, 11),
    cost_items=(
        CostLine("material", "Pflanzen und Erde", 60000),
        CostLine("publicity", "Plakate", 20000),
        CostLine("fees", "Gärtnerin (8 Stunden)", 20000, hours=Decimal(8)),
    ),
    requested_cents=100000,
    prior_consultation_on=date(2026, 11, 2),
    declarations=frozenset({"not_started", "no_double_funding", "publicity"}),
    extra={"participants_expected": "60", "neighbourhood_benefit": "Grüner Platz für alle"},
    title="Blühender Kornmarkt",
)

# A Cityfonds application that breaks no rule: 2.000 € costs, half granted, half own money.
GOOD_CITY = ApplicationData(
    applicant_kind="trader",
    nonprofit=False,
    area_link="works",
    postcode="58452",
    street="Bahnhofstraße 40",
    project_start=date(2027, 5, 1),
    project_end=date(2027, 12, 31),
    cost_items=(CostLine("material", "Lichterketten", 200000),),
    requested_cents=100000,
    own_funds_cents=100000,
    declarations=frozenset({"not_started", "no_double_funding", "own_contribution", "publicity"}),
    extra={"cooperation_partners": "Werbegemeinschaft", "own_funds_source": "Eigene Mittel"},
)


def codes(app: ApplicationData, g: Guideline = QUARTIER, ctx: CheckContext = CTX) -> set[str]:
    """Codes of blocking and warning findings (info is left out)."""
    return {f.code for f in check(app, g, ctx) if f.severity is not Severity.INFO}


def test_the_good_applications_have_no_blocking_finding_and_no_warning() -> None:
    assert codes(GOOD) == set()
    assert codes(GOOD_CITY, CITY) == set()


def test_the_good_application_is_told_which_round_it_belongs_to() -> None:
    info = [f for f in check(GOOD, QUARTIER, CTX) if f.code == "timing.round"]
    assert info[0].message == (
        "Ihr Antrag gehört zur Runde „Frühjahr 2027“: Antragsfrist 15.02.2027, "
        "Jurysitzung am 10.03.2027."
    )


CASES: list[tuple[str, dict[str, Any], str]] = [
    ("excluded kind", {"applicant_kind": "political_party"}, "applicant.kind_excluded"),
    ("unknown kind", {"applicant_kind": "alien"}, "applicant.kind_not_allowed"),
    ("profit", {"nonprofit": False}, "applicant.not_nonprofit"),
    ("postcode outside", {"postcode": "58455"}, "area.outside"),
    ("street outside", {"street": "Crengeldanzstraße 3"}, "area.outside"),
    (
        "outside but benefits",
        {"street": "Crengeldanzstraße 3", "benefits_area": True},
        "area.outside_benefits",
    ),
    ("no location", {"street": None, "postcode": None}, "area.location_missing"),
    (
        "below min",
        {"requested_cents": 5000, "cost_items": (CostLine("material", "x", 5000),)},
        "amount.below_min",
    ),
    (
        "above max",
        {"requested_cents": 350000, "cost_items": (CostLine("material", "x", 350000),)},
        "amount.above_max",
    ),
    ("nothing requested", {"requested_cents": 0, "own_funds_cents": 100000}, "amount.not_positive"),
    (
        "above share",
        {
            "requested_cents": 110000,
            "cost_items": (*GOOD.cost_items, CostLine("plans", "Gutachten", 10000)),
        },
        "amount.above_share",
    ),
    (
        "unknown category",
        {"cost_items": (CostLine("yacht", "Boot", 100000),)},
        "costs.unknown_category",
    ),
    ("no costs", {"cost_items": ()}, "costs.empty"),
    (
        "negative cost",
        {
            "cost_items": (*GOOD.cost_items, CostLine("material", "Gutschrift", -100)),
            "own_funds_cents": -100,
        },
        "costs.negative",
    ),
    (
        "hours missing",
        {"cost_items": (CostLine("material", "x", 80000), CostLine("fees", "Musik", 20000))},
        "costs.hours_missing",
    ),
    ("start missing", {"project_start": None}, "timing.dates_missing"),
    ("end before start", {"project_end": date(2027, 4, 1)}, "timing.end_before_start"),
    ("retroactive", {"project_start": date(2026, 11, 1)}, "timing.retroactive"),
    ("lead time", {"project_start": date(2026, 12, 1)}, "timing.lead_time"),
    ("end next year", {"project_end": date(2028, 1, 5)}, "timing.end_outside_budget_year"),
    ("no consultation", {"prior_consultation_on": None}, "timing.consultation_missing"),
    ("declaration", {"declarations": frozenset({"not_started"})}, "form.declaration_missing"),
    ("extra field", {"extra": {"participants_expected": "60"}}, "form.field_missing"),
    ("financing short", {"requested_cents": 90000}, "financing.unbalanced"),
]


@pytest.mark.parametrize(
    ("changes", "code"), [(c, code) for _, c, code in CASES], ids=[n for n, _, _ in CASES]
)
def test_each_broken_rule_gives_its_finding(changes: dict[str, Any], code: str) -> None:
    assert code in codes(replace(GOOD, **changes))


def test_an_above_share_finding_names_the_limit_the_request_and_the_clause() -> None:
    app = replace(GOOD_CITY, requested_cents=120000, own_funds_cents=80000)
    found = [f for f in check(app, CITY, CTX) if f.code == "amount.above_share"]
    assert found[0].message == (
        "Der Zuschuss darf höchstens 50 % der förderfähigen Kosten betragen "
        "(höchstens 1.000,00 €, beantragt 1.200,00 €)."
    )
    assert found[0].clause == "§ 4 Abs. 3" and found[0].blocking


def test_own_contribution_below_half_in_money_is_blocking_in_the_cityfonds() -> None:
    app = replace(GOOD_CITY, own_funds_cents=80000, other_funding_cents=20000)
    assert codes(app, CITY) == {"own.below_min", "own.money_below_min"}


def test_volunteer_hours_count_up_to_the_cap_share_of_eligible_costs() -> None:
    app = replace(GOOD, requested_cents=80000, volunteer_hours=Decimal(20))
    assert volunteer_value_cents(app, QUARTIER) == 30000
    found = {f.code: f for f in check(app, QUARTIER, CTX)}
    assert found["own.volunteer_capped"].severity is Severity.INFO
    assert "angerechnet werden 200,00 € von 300,00 €" in found["own.volunteer_capped"].message
    assert "financing.unbalanced" not in found


def test_volunteer_hours_do_not_count_in_the_cityfonds() -> None:
    app = replace(GOOD_CITY, own_funds_cents=60000, volunteer_hours=Decimal(40))
    assert volunteer_value_cents(app, CITY) == 0
    assert {"own.volunteer_not_allowed", "own.below_min"} <= codes(app, CITY)


def test_the_yearly_cap_per_applicant_counts_other_grants() -> None:
    assert "amount.applicant_year_cap" not in codes(
        GOOD, ctx=replace(CTX, applicant_other_grants_cents=400000)
    )
    found = [
        f
        for f in check(GOOD, QUARTIER, replace(CTX, applicant_other_grants_cents=450000))
        if f.code == "amount.applicant_year_cap"
    ]
    assert "möglich sind noch 500,00 €" in found[0].message and found[0].clause == "§ 4 Abs. 2"


def test_a_repeated_project_gets_a_falling_share() -> None:
    second = replace(CTX, repeat_count=1)
    assert "amount.above_repeat_share" in codes(GOOD, ctx=second)
    reduced = replace(GOOD, requested_cents=66666, own_funds_cents=33334)
    assert "amount.above_repeat_share" not in codes(reduced, ctx=second)
    assert max_grant_cents(GOOD, QUARTIER, replace(CTX, repeat_count=2)) == 33333
    assert max_grant_cents(GOOD, QUARTIER, replace(CTX, repeat_count=5)) == 33333


def test_a_repeat_is_refused_when_the_guideline_allows_none() -> None:
    g = replace(QUARTIER, amounts=replace(QUARTIER.amounts, repeat_allowed=False))
    assert "amount.repeat_not_allowed" in codes(GOOD, g, replace(CTX, repeat_count=1))
    assert "amount.repeat_not_allowed" not in codes(GOOD, g, CTX)


def test_not_eligible_costs_do_not_count_and_are_warned_about() -> None:
    app = replace(
        GOOD,
        cost_items=(*GOOD.cost_items, CostLine("follow_up", "Wartung", 5000)),
        own_funds_cents=5000,
    )
    assert eligible_costs_cents(app, QUARTIER) == 100000
    assert codes(app) == {"costs.not_eligible"}


def test_fees_for_the_applicant_do_not_count() -> None:
    fee = CostLine("fees", "Eigenes Honorar", 20000, hours=Decimal(8), payee_is_applicant=True)
    app = replace(
        GOOD, cost_items=(*GOOD.cost_items[:2], fee), requested_cents=80000, own_funds_cents=20000
    )
    assert eligible_costs_cents(app, QUARTIER) == 80000
    assert codes(app) == {"costs.fee_for_applicant"}


def test_fees_count_only_up_to_the_hourly_cap() -> None:
    fee = CostLine("fees", "Band", 40000, hours=Decimal(10))
    app = replace(
        GOOD, cost_items=(*GOOD.cost_items[:2], fee), requested_cents=105000, own_funds_cents=15000
    )
    assert eligible_costs_cents(app, QUARTIER) == 105000
    assert codes(app) == {"costs.hourly_rate_above_cap"}


def test_catering_is_capped_absolutely_and_as_a_share() -> None:
    food = CostLine("catering", "Buffet", 30000)
    app = replace(
        GOOD, cost_items=(*GOOD.cost_items, food), requested_cents=110000, own_funds_cents=20000
    )
    # share cap 10 %: x <= 10 % of (1.000 € + x) gives 111,11 €; absolute cap 200 € is higher
    assert eligible_costs_cents(app, QUARTIER) == 111111
    assert codes(app) == {"costs.category_above_share"}


def test_an_absolute_category_cap_limits_the_category() -> None:
    cats = tuple(
        replace(c, max_share=None) if c.id == "catering" else c for c in QUARTIER.costs.categories
    )
    g = replace(QUARTIER, costs=replace(QUARTIER.costs, categories=cats))
    app = replace(
        GOOD,
        cost_items=(*GOOD.cost_items, CostLine("catering", "Buffet", 30000)),
        requested_cents=120000,
        own_funds_cents=10000,
    )
    assert eligible_costs_cents(app, g) == 120000
    assert codes(app, g) == {"costs.category_above_max"}


def test_purchases_carry_an_inventory_note() -> None:
    app = replace(GOOD, cost_items=(CostLine("purchases", "Lastenrad", 100000),))
    found = [f for f in check(app, QUARTIER, CTX) if f.code == "costs.inventory_duty"]
    assert found[0].severity is Severity.INFO and found[0].clause == "§ 5 Abs. 4"


def test_a_flat_overhead_is_added_to_eligible_costs_and_to_the_financing() -> None:
    costs = CostRules(
        categories=QUARTIER.costs.categories,
        overhead_flat_share=Fraction(3, 100),
        overhead_clause="§ 5 Abs. 6",
    )
    g = replace(QUARTIER, costs=costs)
    assert eligible_costs_cents(GOOD, g) == 103000
    assert "financing.unbalanced" in codes(GOOD, g)
    assert codes(replace(GOOD, requested_cents=103000), g) == set()


def test_the_financing_plan_says_how_much_is_missing_or_too_much() -> None:
    short = [
        f
        for f in check(replace(GOOD, requested_cents=90000), QUARTIER, CTX)
        if f.code == "financing.unbalanced"
    ]
    assert "es fehlen 100,00 €" in short[0].message
    over = [
        f
        for f in check(replace(GOOD, own_funds_cents=5000), QUARTIER, CTX)
        if f.code == "financing.unbalanced"
    ]
    assert "50,00 € höher als die Gesamtkosten (1.000,00 €)" in over[0].message


def test_no_open_round_is_blocking_and_open_mode_needs_none() -> None:
    late = replace(CTX, today=date(2027, 9, 1), budget_year=2027)
    app = replace(GOOD, project_start=date(2027, 10, 1), project_end=date(2027, 10, 2))
    assert "timing.no_open_round" in codes(app, ctx=late)
    g = replace(QUARTIER, timing=replace(QUARTIER.timing, mode=SubmissionMode.OPEN))
    assert "timing.no_open_round" not in codes(app, g, late)


def test_a_start_before_the_jury_session_is_a_warning() -> None:
    app = replace(GOOD, project_start=date(2027, 1, 20), project_end=date(2027, 1, 21))
    assert codes(app) == {"timing.start_before_session"}


def test_a_missing_area_link_blocks_only_where_the_link_is_required() -> None:
    assert "area.link_missing" in codes(replace(GOOD_CITY, area_link=None), CITY)
    assert "area.link_missing" not in codes(replace(GOOD, area_link=None))


def test_the_budget_check_only_warns() -> None:
    found = [
        f
        for f in check(GOOD, QUARTIER, replace(CTX, budget_free_cents=50000))
        if f.code == "budget.insufficient"
    ]
    assert found[0].severity is Severity.WARNING
    assert codes(GOOD, ctx=replace(CTX, budget_free_cents=100000)) == set()
    assert "budget.no_year" in codes(
        replace(GOOD, project_end=date(2030, 4, 11), project_start=date(2030, 4, 10)),
        ctx=replace(CTX, budget_year=2030),
    )


def test_every_finding_has_a_code_a_message_and_a_clause_where_the_rule_has_one() -> None:
    bad = replace(
        GOOD,
        applicant_kind="alien",
        requested_cents=999999,
        project_start=date(2026, 1, 1),
        declarations=frozenset(),
    )
    findings = check(bad, QUARTIER, CTX)
    assert len(findings) >= 5
    assert all(f.code and f.message and f.clause for f in findings)


def test_street_names_are_compared_without_house_number_and_abbreviation() -> None:
    assert normalise_street("Bahnhofstr. 12a") == "bahnhofstraße"
    assert normalise_street("Heilenbecker Strasse 3-5") == "heilenbecker straße"
    assert normalise_street("  Berliner   Platz ") == "berliner platz"


def test_max_grant_respects_share_maximum_own_contribution_and_yearly_cap() -> None:
    assert max_grant_cents(GOOD, QUARTIER, CTX) == 100000
    assert max_grant_cents(GOOD_CITY, CITY, CTX) == 100000
    big = replace(GOOD, cost_items=(CostLine("material", "x", 900000),))
    assert max_grant_cents(big, QUARTIER, CTX) == 300000
    assert (
        max_grant_cents(big, QUARTIER, replace(CTX, applicant_other_grants_cents=450000)) == 50000
    )
    assert max_grant_cents(big, QUARTIER, replace(CTX, applicant_other_grants_cents=600000)) == 0


@pytest.mark.parametrize(
    ("g", "end", "due"),
    [
        (QUARTIER, date(2027, 4, 11), date(2027, 6, 11)),
        (QUARTIER, date(2027, 12, 31), date(2028, 2, 29)),
        (CITY, date(2027, 4, 11), date(2028, 1, 31)),
    ],
)
def test_the_proof_of_use_is_due_months_after_the_end_or_on_a_fixed_date(
    g: Guideline, end: date, due: date
) -> None:
    assert proof_due_date(g, end) == due


def test_an_approval_lapses_after_the_configured_days() -> None:
    assert lapse_date(QUARTIER, date(2027, 3, 10)) == date(2027, 9, 6)
    assert lapse_date(CITY, date(2027, 3, 10)) == date(2027, 7, 8)


def test_the_plain_summary_says_who_how_much_and_when_but_not_the_budget() -> None:
    lines = plain_summary(CITY, 2027)
    text = " ".join(lines)
    assert (
        "Sie können zwischen 500,00 € und 7.500,00 € beantragen, "
        "höchstens 50 % der förderfähigen Kosten." in lines
    )
    assert "Frist 15.02.2027 (Jury am 10.03.2027)" in text
    assert "15.000" not in text
    assert "Über die Anträge entscheidet die Jury." in plain_summary(QUARTIER, 2027)


def test_a_category_with_a_share_cap_of_one_hundred_percent_is_not_limited() -> None:
    cat = CostCategory(id="material", label="Sachkosten", eligible=True, max_share=Fraction(1))
    g = replace(QUARTIER, costs=CostRules(categories=(cat,)))
    app = replace(GOOD, cost_items=(CostLine("material", "x", 50000),))
    assert eligible_costs_cents(app, g) == 50000
