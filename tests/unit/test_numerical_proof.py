"""The numerical proof as pure functions: planned against actual, and the grant recomputed from the money
the project actually had besides it (share financing never over-finances, deficit financing gives every
extra euro of income to the fund)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from fondsengine.errors import InvalidInput
from fondsengine.guidelines.calc import settled_cents
from fondsengine.guidelines.loader import load_guideline
from fondsengine.guidelines.model import Financing, Guideline
from fondsengine.payments.numerical import ActualFinancing, ReceiptAmount, compare

CITY = load_guideline(Path(__file__).resolve().parents[2] / "richtlinien" / "witten-cityfonds.yaml")


def financed(financing: Financing) -> Guideline:
    assert CITY.issuance is not None
    return replace(CITY, issuance=replace(CITY.issuance, financing=financing))


def settle(g: Guideline, spent: int, actual: ActualFinancing, approved: int = 200_000) -> int:
    return settled_cents(
        g,
        approved_cents=approved,
        eligible_spent_cents=spent,
        own_and_other_cents=actual.own_funds_cents + actual.outside_cents,
        outside_cents=actual.outside_cents,
    )


def test_the_comparison_lists_each_planned_category_then_the_unplanned_ones_with_totals() -> None:
    proof = compare(
        [("material", 300_000), ("publicity", 100_000), ("material", 20_000)],
        [
            ReceiptAmount("material", 250_000, 250_000),
            ReceiptAmount("rental", 40_000, 0),
            ReceiptAmount("material", 10_000, None),
        ],
        planned_financing={"grant": 200_000, "own_funds": 200_000, "other_funding": 0},
        actual=ActualFinancing(income_cents=5_000, own_funds_cents=150_000, other_funding_cents=30_000),
        settled_cents=None,
    )
    rows = {c.category: c for c in proof.categories}
    assert [c.category for c in proof.categories] == ["material", "publicity", "rental"]
    assert (rows["material"].planned_cents, rows["material"].actual_cents) == (320_000, 260_000)
    assert rows["material"].recognised_cents is None  # one of its receipts is not reviewed yet
    assert rows["publicity"].difference_cents == -100_000  # planned, nothing spent
    assert (rows["rental"].planned_cents, rows["rental"].recognised_cents) == (0, 0)  # unplanned, rejected
    assert (proof.planned_cents, proof.actual_cents, proof.recognised_cents) == (420_000, 300_000, None)
    money = {f.source: (f.planned_cents, f.actual_cents) for f in proof.financing}
    assert money == {
        "grant": (200_000, None),
        "own_funds": (200_000, 150_000),
        "other_funding": (0, 30_000),
        "income": (0, 5_000),
    }


def test_a_proof_without_stated_money_shows_the_plan_only() -> None:
    proof = compare([("material", 100)], [], planned_financing={"grant": 50}, actual=None, settled_cents=40)
    assert {f.source: f.actual_cents for f in proof.financing} == {
        "grant": 40,
        "own_funds": None,
        "other_funding": None,
        "income": None,
    }
    assert proof.recognised_cents == 0


def test_negative_amounts_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match="Mittel Dritter") as refused:
        ActualFinancing(other_funding_cents=-1).check()
    assert refused.value.field == "other_funding"
    ActualFinancing().check()


def test_third_party_money_and_income_cut_a_share_grant_only_where_the_project_would_be_over_financed() -> None:
    share = financed(Financing.SHARE)  # 50 %, cut when lower
    own_half = ActualFinancing(own_funds_cents=150_000)
    assert settle(share, 300_000, own_half) == 150_000  # 50 % of the 3.000 € spent
    extra = ActualFinancing(income_cents=80_000, own_funds_cents=150_000, other_funding_cents=100_000)
    assert settle(share, 300_000, extra) == 120_000  # 3.000 € - 1.000 € others - 800 € income
    small = ActualFinancing(income_cents=10_000, own_funds_cents=150_000)
    assert settle(share, 300_000, small) == 150_000  # 1.500 + 100 € < 3.000 €: no cut
    assert settle(share, 300_000, ActualFinancing(other_funding_cents=400_000)) == 0  # others paid it all


def test_under_deficit_financing_every_euro_of_own_money_third_party_money_and_income_reduces_the_grant() -> None:
    deficit = financed(Financing.DEFICIT)
    assert settle(deficit, 300_000, ActualFinancing(own_funds_cents=100_000)) == 200_000
    assert settle(deficit, 300_000, ActualFinancing(income_cents=1, own_funds_cents=100_000)) == 199_999
    stated = ActualFinancing(income_cents=30_000, own_funds_cents=100_000, other_funding_cents=20_000)
    assert settle(deficit, 300_000, stated) == 150_000


def test_a_fixed_amount_is_not_cut_by_income_only_by_lower_costs() -> None:
    fixed = financed(Financing.FIXED_AMOUNT)
    rich = ActualFinancing(income_cents=100_000, other_funding_cents=100_000)
    assert settle(fixed, 300_000, rich) == 200_000
    assert settle(fixed, 150_000, rich) == 150_000
