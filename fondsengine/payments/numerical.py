"""The numerical proof of use (zahlenmäßiger Nachweis): planned against actual, pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fondsengine.errors import InvalidInput


@dataclass(frozen=True)
class ActualFinancing:
    """The money the project actually had besides the grant, as the applicant states it."""

    income_cents: int = 0  # the project's own income: tickets, sales, donations
    own_funds_cents: int = 0  # own money put in
    other_funding_cents: int = 0  # third-party funds received (other funders, sponsors)

    def check(self) -> None:
        """Refuse negative amounts with a German message naming the field."""
        for name, label in (
            ("income", "Einnahmen"),
            ("own_funds", "Eigenmittel"),
            ("other_funding", "Mittel Dritter"),
        ):
            if getattr(self, f"{name}_cents") < 0:
                raise InvalidInput(f"{label}: Der Betrag darf nicht negativ sein.", field=name)

    @property
    def outside_cents(self) -> int:
        """Money from outside the applicant: third-party funds and the project's income."""
        return self.income_cents + self.other_funding_cents


@dataclass(frozen=True)
class CategoryComparison:
    """One cost category, planned against the receipts (as claimed and as recognised)."""

    category: str
    planned_cents: int
    actual_cents: int  # all receipts of the category, as the applicant listed them
    recognised_cents: int | None  # what the office recognised; None while receipts are unreviewed

    @property
    def difference_cents(self) -> int:
        """Actual minus planned (negative: spent less than planned)."""
        return self.actual_cents - self.planned_cents


@dataclass(frozen=True)
class FinancingComparison:
    """One source of money, planned against actual."""

    source: str  # grant | own_funds | other_funding | income
    planned_cents: int
    actual_cents: int | None  # None: not stated (a proof from before the numerical proof)


@dataclass(frozen=True)
class NumericalProof:
    """Costs per category and in total, and the financing, each planned against actual."""

    categories: tuple[CategoryComparison, ...]
    financing: tuple[FinancingComparison, ...]

    @property
    def planned_cents(self) -> int:
        """All planned costs."""
        return sum(c.planned_cents for c in self.categories)

    @property
    def actual_cents(self) -> int:
        """All receipts as listed."""
        return sum(c.actual_cents for c in self.categories)

    @property
    def recognised_cents(self) -> int | None:
        """All recognised costs, None while any category is unreviewed."""
        parts = [c.recognised_cents for c in self.categories]
        return None if any(p is None for p in parts) else sum(p or 0 for p in parts)


@dataclass(frozen=True)
class ReceiptAmount:
    """One receipt as the comparison needs it."""

    category: str
    amount_cents: int
    recognised_cents: int | None  # None: not yet reviewed; 0: rejected


def compare(
    planned: Iterable[tuple[str, int]],
    receipts: Iterable[ReceiptAmount],
    *,
    planned_financing: dict[str, int],
    actual: ActualFinancing | None,
    settled_cents: int | None,
) -> NumericalProof:
    """Planned against actual per cost category (plan order, then categories only on receipts) and
    for each source of money; `planned_financing` holds grant, own_funds, other_funding."""
    plan: dict[str, int] = {}
    for category, cents in planned:
        plan[category] = plan.get(category, 0) + cents
    spent: dict[str, int] = {}
    recognised: dict[str, int | None] = {}
    for r in receipts:
        spent[r.category] = spent.get(r.category, 0) + r.amount_cents
        before = recognised.get(r.category, 0)
        recognised[r.category] = None if before is None or r.recognised_cents is None else before + r.recognised_cents
    order = list(plan) + [c for c in spent if c not in plan]
    rows = tuple(CategoryComparison(c, plan.get(c, 0), spent.get(c, 0), recognised.get(c, 0)) for c in order)
    financing = (
        FinancingComparison("grant", planned_financing.get("grant", 0), settled_cents),
        FinancingComparison(
            "own_funds", planned_financing.get("own_funds", 0), None if actual is None else actual.own_funds_cents
        ),
        FinancingComparison(
            "other_funding",
            planned_financing.get("other_funding", 0),
            None if actual is None else actual.other_funding_cents,
        ),
        FinancingComparison("income", 0, None if actual is None else actual.income_cents),
    )
    return NumericalProof(rows, financing)
