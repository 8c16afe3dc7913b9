"""The rules of issue 14, each at, just below and just above its limit, citing its clause."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from fondsengine.guidelines.calc import volunteer_counted_cents
from fondsengine.guidelines.findings import ApplicationData, CheckContext, CostLine, Finding
from fondsengine.guidelines.loader import load_guideline
from fondsengine.guidelines.model import Guideline
from fondsengine.guidelines.rules import check

ROOT = Path(__file__).resolve().parents[2] / "richtlinien"
QUARTIER = load_guideline(ROOT / "witten-quartiersfonds.yaml")
CTX = CheckContext(today=date(2026, 11, 25), budget_year=2027)
# 1.000 € eligible costs, nothing else declared; the volunteer rate is 15 €/h, the share cap 20 %
APP = ApplicationData(
    applicant_kind="initiative",
    nonprofit=True,
    area_link="lives",
    postcode="58452",
    street="Wiesenstr. 12",
    project_start=date(2027, 4, 10),
    project_end=date(2027, 4, 11),
    cost_items=(CostLine("material", "Pflanzen und Erde", 100000),),
    requested_cents=100000,
    prior_consultation_on=date(2026, 11, 2),
    declarations=frozenset({"not_started", "no_double_funding", "publicity"}),
    extra={"participants_expected": "60", "neighbourhood_benefit": "Grüner Platz für alle"},
)


def found(app: ApplicationData, g: Guideline, ctx: CheckContext = CTX) -> dict[str, Finding]:
    return {f.code: f for f in check(app, g, ctx)}


# 1. volunteer hours capped by a share and by an absolute amount ------------------------------

VOLUNTEER = replace(
    QUARTIER,
    own_contribution=replace(
        QUARTIER.own_contribution, volunteer_max_cents=15000, volunteer_clause="§ 4 Abs. 6"
    ),
)


def hours(h: int) -> ApplicationData:
    return replace(APP, requested_cents=100000 - h * 1500, volunteer_hours=Decimal(h))


def test_volunteer_value_at_the_euro_cap_counts_fully() -> None:
    assert volunteer_counted_cents(hours(10), VOLUNTEER) == 15000  # 10 h x 15 € = 150 €
    assert "own.volunteer_capped" not in found(hours(10), VOLUNTEER)


def test_volunteer_value_below_the_euro_cap_counts_fully() -> None:
    app = replace(APP, requested_cents=85100, volunteer_hours=Decimal("9.99"))
    assert volunteer_counted_cents(app, VOLUNTEER) == 14985
    assert "own.volunteer_capped" not in found(app, VOLUNTEER)


def test_volunteer_value_above_the_euro_cap_is_cut_to_it_and_cites_its_clause() -> None:
    app = replace(APP, requested_cents=85000, volunteer_hours=Decimal("10.01"))
    assert volunteer_counted_cents(app, VOLUNTEER) == 15000
    capped = found(app, VOLUNTEER)["own.volunteer_capped"]
    assert "höchstens 150,00 €" in capped.message
    assert "angerechnet werden 150,00 € von 150,15 €" in capped.message
    assert capped.clause == "§ 4 Abs. 6"


def test_the_lower_of_share_cap_and_euro_cap_wins() -> None:
    # share cap 20 % of 1.000 € = 200 €; with a euro cap of 500 € the share cap decides
    loose = replace(
        VOLUNTEER, own_contribution=replace(VOLUNTEER.own_contribution, volunteer_max_cents=50000)
    )
    app = hours(20)  # 300 €
    assert volunteer_counted_cents(app, loose) == 20000
    assert "20 % der förderfähigen Kosten" in found(app, loose)["own.volunteer_capped"].message
    assert volunteer_counted_cents(app, VOLUNTEER) == 15000


def test_without_a_euro_cap_only_the_share_counts() -> None:
    assert QUARTIER.own_contribution.volunteer_max_cents is None
    assert volunteer_counted_cents(hours(12), QUARTIER) == 18000


# 2. no start before the written approval, distinct from no start before the submission -------

APPROVAL_FIRST = replace(
    QUARTIER,
    timing=replace(QUARTIER.timing, no_start_before_approval=True, start_clause="§ 6 Abs. 3"),
)
SESSION = date(2027, 3, 10)  # the session of round 2027-1, which a submission on CTX.today joins


def starting(day: date) -> ApplicationData:
    return replace(APP, project_start=day, project_end=date(2027, 4, 30))


def test_a_start_on_the_session_day_is_allowed_when_the_approval_must_come_first() -> None:
    got = found(starting(SESSION), APPROVAL_FIRST)
    assert "timing.start_before_approval" not in got
    assert got["timing.wait_for_approval"].clause == "§ 6 Abs. 3"


def test_a_start_the_day_before_the_session_is_refused_with_its_clause() -> None:
    got = found(starting(date(2027, 3, 9)), APPROVAL_FIRST)["timing.start_before_approval"]
    assert got.blocking and got.clause == "§ 6 Abs. 3"
    assert "frühestens am 10.03.2027" in got.message


def test_a_start_the_day_after_the_session_is_allowed() -> None:
    assert "timing.start_before_approval" not in found(starting(date(2027, 3, 11)), APPROVAL_FIRST)


def test_the_submission_rule_alone_only_warns_about_a_start_before_the_session() -> None:
    got = found(starting(date(2027, 3, 9)), QUARTIER)
    assert "timing.start_before_approval" not in got
    assert not got["timing.start_before_session"].blocking


def test_at_approval_a_project_that_started_before_it_is_refused() -> None:
    from fondsengine.guidelines.rules import start_before_approval

    approved_on = date(2027, 3, 10)
    assert start_before_approval(APPROVAL_FIRST, approved_on, approved_on) is None
    assert start_before_approval(APPROVAL_FIRST, date(2027, 3, 11), approved_on) is None
    early = start_before_approval(APPROVAL_FIRST, date(2027, 3, 9), approved_on)
    assert early is not None and early.blocking and early.clause == "§ 6 Abs. 3"
    assert start_before_approval(QUARTIER, date(2027, 3, 9), approved_on) is None


# 7. the clause citation is unambiguous ------------------------------------------------------

CLAUSES = replace(QUARTIER, amounts=replace(QUARTIER.amounts, max_clause="§ 4 Abs. 1 Satz 2"))


def test_the_per_project_maximum_cites_max_clause_not_cap_clause() -> None:
    at = replace(APP, cost_items=(CostLine("material", "Bühne", 400000),), requested_cents=300000)
    assert "amount.above_max" not in found(at, CLAUSES)
    above = replace(at, requested_cents=300001)
    got = found(above, CLAUSES)["amount.above_max"]
    assert got.clause == "§ 4 Abs. 1 Satz 2"
    assert found(above, QUARTIER)["amount.above_max"].clause == "§ 4 Abs. 1"  # fallback: clause


def test_the_yearly_cap_per_applicant_cites_cap_clause() -> None:
    ctx = replace(CTX, applicant_other_grants_cents=400000)  # cap 5.000 €: 1.000 € left
    assert "amount.applicant_year_cap" not in found(APP, CLAUSES, ctx)
    ctx = replace(CTX, applicant_other_grants_cents=400001)
    assert found(APP, CLAUSES, ctx)["amount.applicant_year_cap"].clause == "§ 4 Abs. 2"


def test_the_binding_limit_of_an_approval_names_its_own_clause() -> None:
    from fondsengine.guidelines.calc import max_grant_limit

    big = replace(APP, cost_items=(CostLine("material", "Bühne", 400000),), requested_cents=300000)
    assert max_grant_limit(big, CLAUSES, CTX) == (300000, "§ 4 Abs. 1 Satz 2")
    ctx = replace(CTX, applicant_other_grants_cents=300000)
    assert max_grant_limit(big, CLAUSES, ctx) == (200000, "§ 4 Abs. 2")
    assert max_grant_limit(APP, CLAUSES, replace(CTX, repeat_count=1)) == (66666, "§ 4 Abs. 4")


# 6. the type of financing changes the recomputation after the proof of use --------------------

CITY = load_guideline(ROOT / "witten-cityfonds.yaml")  # share financing, 50 %, cut when lower


def financed(g: Guideline, financing: str) -> Guideline:
    from fondsengine.guidelines.model import Financing

    assert g.issuance is not None
    return replace(g, issuance=replace(g.issuance, financing=Financing(financing)))


def settle(g: Guideline, spent: int, own: int = 0, approved: int = 100000) -> int:
    from fondsengine.guidelines.calc import settled_cents

    return settled_cents(
        g, approved_cents=approved, eligible_spent_cents=spent, own_and_other_cents=own
    )


def test_a_fixed_amount_is_only_cut_when_the_costs_spent_fall_below_it() -> None:
    fixed = financed(CITY, "fixed_amount")
    assert settle(fixed, 100000) == 100000  # at the grant
    assert settle(fixed, 99999) == 99999  # just below
    assert settle(fixed, 150000) == 100000  # above: the fixed amount, not 50 % of 1.500 €


def test_share_financing_pays_the_share_of_the_costs_spent() -> None:
    share = financed(CITY, "share")
    assert settle(share, 200000) == 100000  # 50 % of the planned 2.000 €
    assert settle(share, 199999) == 99999  # just below: 50 %, rounded down
    assert settle(share, 200001) == 100000  # above: never more than approved


def test_share_financing_without_cut_behaves_like_a_fixed_amount() -> None:
    loose = financed(replace(CITY, proof=replace(CITY.proof, cut_when_lower=False)), "share")
    assert settle(loose, 150000) == 100000


def test_deficit_financing_gives_every_saving_to_the_grant() -> None:
    deficit = financed(CITY, "deficit")
    assert settle(deficit, 200000, own=100000) == 100000  # the gap exactly
    assert settle(deficit, 199999, own=100000) == 99999  # one cent less spent, one cent less due
    assert settle(deficit, 200001, own=100000) == 100000  # more spent: at most approved
    assert settle(deficit, 90000, own=100000) == 0  # own money covers it all


def test_without_an_issuance_section_share_financing_applies() -> None:
    from fondsengine.guidelines.calc import financing_of
    from fondsengine.guidelines.model import Financing

    assert financing_of(replace(CITY, issuance=None)) is Financing.SHARE


# 3. fees never for the applicant nor for members of the applicant's group --------------------


def fees_guideline() -> Guideline:
    cats = tuple(
        replace(c, not_for_group_members=True) if c.id == "fees" else c
        for c in QUARTIER.costs.categories
    )
    return replace(QUARTIER, costs=replace(QUARTIER.costs, categories=cats))


GROUP = fees_guideline()


def fee_app(payee: str | None) -> ApplicationData:
    return replace(
        APP,
        applicant_names=("Anna Beispiel", "Initiative Wiesenviertel"),
        group_members=("Bernd Muster", "Carla Beispiel"),
        cost_items=(
            CostLine("material", "Erde", 80000),
            CostLine("fees", "Gartenworkshop (8 Stunden)", 20000, hours=Decimal(8), payee=payee),
        ),
    )


def test_a_fee_for_an_outside_professional_counts() -> None:
    from fondsengine.guidelines.calc import eligible_costs_cents

    app = fee_app("Gärtnerei Grün")
    assert eligible_costs_cents(app, GROUP) == 100000
    assert not {"costs.fee_for_group_member", "costs.payee_missing"} & set(found(app, GROUP))


def test_a_fee_for_a_group_member_does_not_count_and_cites_the_category_clause() -> None:
    from fondsengine.guidelines.calc import eligible_costs_cents

    app = fee_app("  bernd   MUSTER ")  # spelling and spaces do not matter
    assert eligible_costs_cents(app, GROUP) == 80000
    got = found(app, GROUP)["costs.fee_for_group_member"]
    assert got.clause == "§ 5 Abs. 2" and "Mitglieder Ihrer Gruppe" in got.message
    assert "costs.fee_for_group_member" in found(fee_app("Initiative Wiesenviertel"), GROUP)


def test_a_fee_without_a_payee_is_asked_for_when_group_members_are_excluded() -> None:
    assert found(fee_app(None), GROUP)["costs.payee_missing"].blocking
    assert "costs.payee_missing" not in found(fee_app(None), QUARTIER)  # only with the rule


# 4. VAT: applicants entitled to deduct input tax count net costs -----------------------------

NET = replace(QUARTIER, costs=replace(QUARTIER.costs, net_if_input_tax_deductible=True, vat_clause="§ 5 Abs. 6"))


def vat_app(deductible: bool, vat: int | None = None) -> ApplicationData:
    return replace(
        APP,
        input_tax_deductible=deductible,
        cost_items=(CostLine("material", "Pflanzen", 119000, vat_cents=vat),),
        requested_cents=100000,
    )


def test_net_costs_at_the_rate_when_no_vat_is_given() -> None:
    from fondsengine.guidelines.calc import eligible_costs_cents

    assert eligible_costs_cents(vat_app(True), NET) == 100000
    info = found(vat_app(True), NET)["costs.net_of_vat"]
    assert info.clause == "§ 5 Abs. 6" and "1.000,00 € statt 1.190,00 €" in info.message


def test_the_vat_the_applicant_gives_is_taken_off() -> None:
    from fondsengine.guidelines.calc import eligible_costs_cents

    assert eligible_costs_cents(vat_app(True, 7785), NET) == 111215  # 7 % VAT


def test_the_grant_share_is_measured_against_net_costs() -> None:
    at = replace(vat_app(True), requested_cents=100000, own_funds_cents=19000)
    assert "amount.above_share" not in found(at, NET)
    above = replace(at, requested_cents=100001, own_funds_cents=18999)
    assert found(above, NET)["amount.above_share"].blocking


def test_without_input_tax_deduction_or_without_the_rule_gross_costs_count() -> None:
    from fondsengine.guidelines.calc import eligible_costs_cents

    assert eligible_costs_cents(vat_app(False), NET) == 119000
    assert eligible_costs_cents(vat_app(True), QUARTIER) == 119000
    assert "costs.net_of_vat" not in found(vat_app(False), NET)


# 5. de-minimis: businesses declare earlier aid; the sum against the limit --------------------


def de_minimis_guideline() -> Guideline:
    from fondsengine.guidelines.model import DeMinimisRules

    rules = DeMinimisRules(limit_cents=30_000_000, kinds=("trader",), clause="§ 3 Abs. 4")
    return replace(QUARTIER, de_minimis=rules)


DM = de_minimis_guideline()


def trader(prior: int | None) -> ApplicationData:
    return replace(APP, applicant_kind="trader", de_minimis_prior_cents=prior)


def test_the_de_minimis_sum_at_the_limit_is_shown_against_it() -> None:
    got = found(trader(29_900_000), DM)["de_minimis.sum"]  # 299.000 € + 1.000 € = the limit
    assert not got.blocking and got.clause == "§ 3 Abs. 4"
    assert "mit diesem Zuschuss 300.000,00 € von höchstens 300.000,00 €" in got.message


def test_below_the_de_minimis_limit_is_fine() -> None:
    assert "de_minimis.above_limit" not in found(trader(29_899_999), DM)


def test_above_the_de_minimis_limit_is_refused_with_what_is_left() -> None:
    got = found(trader(29_900_001), DM)["de_minimis.above_limit"]
    assert got.blocking and "Möglich sind noch 999,99 €" in got.message


def test_a_business_must_declare_its_earlier_aid_others_need_not() -> None:
    assert found(trader(None), DM)["de_minimis.undeclared"].blocking
    assert not any(code.startswith("de_minimis") for code in found(APP, DM))


def test_the_de_minimis_room_limits_the_approval() -> None:
    from fondsengine.guidelines.calc import max_grant_limit

    assert max_grant_limit(trader(29_950_000), DM, CTX) == (50000, "§ 3 Abs. 4")


# repeat funding: counted from the office's links, a maximum, the share of the first grant ------

REPEAT = replace(
    QUARTIER,
    amounts=replace(QUARTIER.amounts, repeat_max=2, repeat_share_base="first"),
)  # shares 2/3 and 1/3 of 100 %, clause § 4 Abs. 4


def test_the_last_allowed_repeat_is_funded_one_more_is_refused_with_its_own_message() -> None:
    app = replace(APP, requested_cents=30000)
    assert "amount.repeat_max_reached" not in found(app, REPEAT, replace(CTX, repeat_count=2))
    assert "amount.repeat_max_reached" not in found(app, REPEAT, replace(CTX, repeat_count=1))
    got = found(app, REPEAT, replace(CTX, repeat_count=3))["amount.repeat_max_reached"]
    assert got.blocking and got.clause == "§ 4 Abs. 4"
    assert "schon 3-mal gefördert" in got.message and "höchstens 2-mal" in got.message


def test_the_falling_share_is_measured_against_the_first_grants_eligible_costs() -> None:
    from fondsengine.guidelines.calc import max_grant_limit

    first = replace(APP, cost_items=(CostLine("material", "Erde", 60000),))  # 600 € the first time
    ctx = replace(CTX, repeat_count=1, first_funding=first)  # 2/3 of 600 € = 400 €
    at = replace(APP, requested_cents=40000)  # this time 1.000 € costs
    assert "amount.above_repeat_share" not in found(at, REPEAT, ctx)
    above = found(replace(APP, requested_cents=40001), REPEAT, ctx)["amount.above_repeat_share"]
    assert "der ersten Förderung" in above.message and "höchstens 400,00 €" in above.message
    assert max_grant_limit(APP, REPEAT, ctx) == (40000, "§ 4 Abs. 4")
    # measured against this project's own costs, the limit would be 2/3 of 1.000 €
    own = replace(REPEAT, amounts=replace(REPEAT.amounts, repeat_share_base="own"))
    assert max_grant_limit(APP, own, ctx) == (66666, "§ 4 Abs. 4")


# soft limits: "normally at most …", more with a written reason the office records --------------

SOFT = replace(
    QUARTIER,
    amounts=replace(
        QUARTIER.amounts, normal_share=Fraction(4, 5), normal_max_cents=200000, soft_clause="§ 4 Abs. 7"
    ),
)


def test_a_grant_at_the_normal_share_needs_no_reason() -> None:
    from fondsengine.guidelines.rules_money import unlifted_soft_limit

    at = replace(APP, requested_cents=80000, own_funds_cents=20000)
    assert "amount.above_normal_share" not in found(at, SOFT)
    assert unlifted_soft_limit(at, SOFT) is None
    below = replace(APP, requested_cents=79999, own_funds_cents=20001)
    assert unlifted_soft_limit(below, SOFT) is None


def test_above_the_normal_share_warns_and_blocks_the_approval_until_a_reason_is_recorded() -> None:
    from fondsengine.guidelines.rules_money import lifted_limits_text, soft_limits, unlifted_soft_limit

    above = replace(APP, requested_cents=80001, own_funds_cents=19999)
    got = found(above, SOFT)["amount.above_normal_share"]
    assert not got.blocking and got.clause == "§ 4 Abs. 7"  # the applicant may submit
    blocked = unlifted_soft_limit(above, SOFT)
    assert blocked is not None and blocked.blocking and "80 %" in blocked.message
    lifted = replace(above, lifted_limits={"amount.above_normal_share": "Kein Eigenanteil möglich"})
    assert unlifted_soft_limit(lifted, SOFT) is None
    info = found(lifted, SOFT)["amount.above_normal_share.lifted"]
    assert "zugelassen: Kein Eigenanteil möglich" in info.message
    text = lifted_limits_text("§ 4 Abs. 7", dict(lifted.lifted_limits), dict(soft_limits(lifted, SOFT)))
    assert text.startswith("Abweichung von der Regel-Grenze (§ 4 Abs. 7) mit Begründung: in der Regel")


def test_the_normal_maximum_per_project_is_a_soft_limit_too() -> None:
    big = replace(APP, cost_items=(CostLine("material", "Bühne", 300000),))
    assert "amount.above_normal_max" not in found(replace(big, requested_cents=200000, own_funds_cents=100000), SOFT)
    got = found(replace(big, requested_cents=200001, own_funds_cents=99999), SOFT)["amount.above_normal_max"]
    assert "in der Regel höchstens 2.000,00 € je Projekt" in got.message


# a fund without a jury -----------------------------------------------------------------------


def test_a_fund_without_a_jury_section_has_no_jury_and_the_office_decides() -> None:
    from fondsengine.guidelines.model import DecidedBy

    no_jury = load_guideline(ROOT / "examples" / "nrw-engagementfonds.yaml")
    assert not no_jury.has_jury and no_jury.jury.size == 0
    assert [t.decided_by for t in no_jury.decision.tiers] == [DecidedBy.MANAGEMENT]
    assert QUARTIER.has_jury


def test_a_receipt_for_a_fee_to_a_group_member_is_blocked_in_the_proof() -> None:
    from fondsengine.payments.receipt_checks import ReceiptLine, check_receipts

    def codes(payee: str) -> set[str]:
        line = ReceiptLine(1, date(2027, 4, 10), payee, "fees", 20000)
        found = check_receipts(
            GROUP,
            [line],
            plan_categories={"fees"},
            project_start=date(2027, 4, 10),
            project_end=date(2027, 4, 11),
            approved_on=date(2027, 3, 10),
            today=date(2027, 4, 20),
            applicant_names=["Anna Beispiel"],
            group_members=["Bernd Muster"],
        )
        return {f.code for f in found}

    assert "group_fee" in codes("Bernd  Muster")
    assert "own_fee" in codes("Anna Beispiel")
    assert not {"group_fee", "own_fee"} & codes("Trommelschule")
