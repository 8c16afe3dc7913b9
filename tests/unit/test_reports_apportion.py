"""Splitting a project's money over its cost categories (pure, no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fondsengine.reports.data import apportion


def test_an_amount_is_split_in_proportion_to_the_cost_plan() -> None:
    assert apportion(90_000, [("Sachkosten", 70_000), ("Werbung", 30_000), ("Miete", 20_000)]) == {
        "Sachkosten": 52_500,
        "Werbung": 22_500,
        "Miete": 15_000,
    }


def test_leftover_cents_go_to_the_largest_remainders_so_the_sum_is_exact() -> None:
    shares = apportion(100, [("a", 1), ("b", 1), ("c", 1)])
    assert shares == {"a": 34, "b": 33, "c": 33}


def test_equal_labels_are_merged_and_a_plan_without_weight_takes_all_in_its_first_line() -> None:
    assert apportion(1_000, [("Sachkosten", 100), ("Sachkosten", 300)]) == {"Sachkosten": 1_000}
    assert apportion(500, [("Sachkosten", 0), ("Werbung", 0)]) == {"Sachkosten": 500, "Werbung": 0}
    assert apportion(500, []) == {}


def test_a_negative_amount_is_split_like_a_positive_one() -> None:
    assert apportion(-100, [("a", 1), ("b", 2)]) == {"a": -33, "b": -67}


@given(
    st.integers(min_value=-10_000_000, max_value=10_000_000),
    st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 1_000_000)), min_size=1, max_size=8),
)
def test_the_shares_always_add_up_to_the_amount(total: int, weights: list[tuple[str, int]]) -> None:
    shares = apportion(total, weights)
    assert sum(shares.values()) == total
    assert set(shares) == {label for label, _ in weights}
