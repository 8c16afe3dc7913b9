"""The budget balance is a pure fold over bookings."""

from __future__ import annotations

import pytest

from fondsengine.ledger import Balance, fold


def test_an_empty_ledger_has_nothing_free() -> None:
    assert fold([]) == Balance()
    assert fold([]).free == 0


def test_a_commitment_binds_budget_and_a_release_frees_it_again() -> None:
    b = fold([("allocation", 2_000_000), ("commitment", 150_000), ("release", 50_000)])
    assert (b.allocated, b.committed, b.free) == (2_000_000, 100_000, 1_900_000)


def test_payments_and_refunds_change_paid_net_and_outstanding_but_not_free() -> None:
    b = fold([("allocation", 1_000_000), ("commitment", 100_000), ("payment", 80_000), ("refund", 30_000)])
    assert (b.paid, b.refunded, b.paid_net, b.outstanding, b.free) == (80_000, 30_000, 50_000, 50_000, 900_000)


def test_expiry_and_carry_over_change_what_is_available() -> None:
    old = fold([("allocation", 1_000_000), ("commitment", 400_000), ("carry_over", -600_000)])
    new = fold([("allocation", 1_000_000), ("carry_over", 600_000)])
    gone = fold([("allocation", 1_000_000), ("commitment", 400_000), ("expiry", 600_000)])
    assert (old.available, old.free) == (400_000, 0)
    assert (new.available, new.free) == (1_600_000, 1_600_000)
    assert (gone.available, gone.free) == (400_000, 0)


def test_an_allocation_correction_is_a_counter_booking() -> None:
    assert fold([("allocation", 2_000_000), ("allocation", -500_000)]).allocated == 1_500_000


def test_the_fold_does_not_depend_on_the_order_of_bookings() -> None:
    entries = [
        ("allocation", 500_000),
        ("commitment", 120_000),
        ("payment", 60_000),
        ("release", 20_000),
        ("refund", 5),
    ]
    assert fold(entries) == fold(list(reversed(entries)))


def test_an_unknown_kind_is_an_error_not_ignored() -> None:
    with pytest.raises(ValueError, match="unknown ledger kind"):
        fold([("bonus", 1)])
