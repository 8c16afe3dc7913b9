"""The aggregate of the jury's scores per criterion: a pure fold, no database."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from fondsengine.guidelines.model import ScoringCriterion


@dataclass(frozen=True)
class CriterionTotal:
    """How the members scored one criterion on one item."""

    criterion: ScoringCriterion
    scorers: int  # members who gave points for this criterion
    points: int  # sum of their points
    mean: Fraction | None  # points / scorers; None when nobody scored

    @property
    def mean_text(self) -> str:
        """The mean with one decimal in German notation, e.g. "3,5 von 5"; "–" when nobody scored."""
        if self.mean is None:
            return "–"
        tenths = (self.mean * 10 + Fraction(1, 2)).__floor__()  # round half up to tenths
        return f"{tenths // 10},{tenths % 10} von {self.criterion.max_points}"


def aggregate(criteria: Sequence[ScoringCriterion], scores: Iterable[tuple[str, int]]) -> tuple[CriterionTotal, ...]:
    """Fold (criterion id, points) pairs into one total per criterion, in the guideline's order.

    Points of criteria the guideline does not (or no longer) define are left out.
    """
    sums: dict[str, list[int]] = {c.id: [] for c in criteria}
    for criterion_id, points in scores:
        if criterion_id in sums:
            sums[criterion_id].append(points)
    out = []
    for c in criteria:
        given = sums[c.id]
        out.append(CriterionTotal(c, len(given), sum(given), Fraction(sum(given), len(given)) if given else None))
    return tuple(out)
