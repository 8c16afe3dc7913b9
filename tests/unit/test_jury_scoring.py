"""The aggregate of the jury's scores (pure) and the optional `jury.criteria` of the guideline format."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fondsengine.guidelines.loader import load_guideline
from fondsengine.guidelines.model import ScoringCriterion
from fondsengine.jury.scoring import aggregate

ROOT = Path(__file__).resolve().parents[2]
NUTZEN = ScoringCriterion("nutzen", "Nutzen für das Quartier", 5, "§ 7 Abs. 7")
BETEILIGUNG = ScoringCriterion("beteiligung", "Beteiligung", 3)


def test_the_aggregate_sums_and_averages_each_criterion_in_the_guidelines_order() -> None:
    totals = aggregate((NUTZEN, BETEILIGUNG), [("beteiligung", 1), ("nutzen", 5), ("nutzen", 2), ("alt", 9)])
    assert [(t.criterion.id, t.scorers, t.points, t.mean) for t in totals] == [
        ("nutzen", 2, 7, Fraction(7, 2)),
        ("beteiligung", 1, 1, Fraction(1)),
    ]
    assert [t.mean_text for t in totals] == ["3,5 von 5", "1,0 von 3"]


def test_a_criterion_nobody_scored_has_no_mean() -> None:
    (total,) = aggregate((NUTZEN,), [])
    assert (total.scorers, total.points, total.mean, total.mean_text) == (0, 0, None, "–")


def test_the_mean_text_rounds_half_up_to_tenths() -> None:
    (total,) = aggregate(
        (NUTZEN,), [("nutzen", 1), ("nutzen", 1), ("nutzen", 2), ("nutzen", 2), ("nutzen", 2), ("nutzen", 2)]
    )
    assert total.mean_text == "1,7 von 5"  # 10/6 = 1.666…
    (half,) = aggregate((NUTZEN,), [("nutzen", 1)] * 3 + [("nutzen", 2)] * 17)  # 37/20 = 1.85
    assert half.mean_text == "1,9 von 5"


@given(st.lists(st.tuples(st.sampled_from(["nutzen", "beteiligung", "fremd"]), st.integers(0, 5))))
def test_the_points_of_known_criteria_are_all_counted_once(scores: list[tuple[str, int]]) -> None:
    totals = aggregate((NUTZEN, BETEILIGUNG), scores)
    assert sum(t.points for t in totals) == sum(p for c, p in scores if c != "fremd")
    assert sum(t.scorers for t in totals) == sum(1 for c, _ in scores if c != "fremd")


def test_a_guideline_with_criteria_loads_them_and_one_without_has_none(tmp_path: Path) -> None:
    text = (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8")
    assert load_guideline(ROOT / "richtlinien" / "witten-quartiersfonds.yaml").jury.criteria == ()
    anchor = "  public_minutes: true\n"
    assert anchor in text
    criteria = (
        anchor
        + "  criteria:\n"
        + '    - {id: nutzen, label: "Nutzen für das Quartier", max_points: 5, clause: "§ 7 Abs. 7"}\n'
        + '    - {id: beteiligung, label: "Beteiligung", max_points: 3}\n'
    )
    path = tmp_path / "mit-kriterien.yaml"
    path.write_text(text.replace(anchor, criteria), encoding="utf-8")
    assert load_guideline(path).jury.criteria == (NUTZEN, BETEILIGUNG)
