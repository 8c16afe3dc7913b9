"""One field says how long called money may stay unused: `issuance.use_within_months`. The old
`payment.use_within_days` is refused with a message that names the field to use instead."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fondsengine.guidelines.calc import add_months, use_by_date
from fondsengine.guidelines.loader import GuidelineError, load_guideline, load_guideline_text

QF = Path(__file__).resolve().parents[2] / "richtlinien" / "witten-quartiersfonds.yaml"


@pytest.mark.parametrize("old", ["use_within_days: 60", 'use_clause: "§ 8 Abs. 4"'])
def test_the_old_payment_key_is_refused_with_a_pointer_to_issuance_use_within_months(old: str) -> None:
    text = QF.read_text("utf-8")
    anchor = '  lapse_clause: "§ 8 Abs. 3"\n'
    assert anchor in text
    changed = text.replace(anchor, anchor + f"  {old}\n", 1)
    line = changed[: changed.index(f"  {old}")].count("\n") + 1
    with pytest.raises(GuidelineError) as refused:
        load_guideline_text(changed, source="probe.yaml", fund_id="witten-quartiersfonds")
    (problem,) = refused.value.problems
    assert problem.line == line
    assert f"'payment.{old.split(':')[0]}' gibt es nicht mehr" in problem.message
    assert "issuance.use_within_months" in problem.message


def test_the_use_by_date_follows_the_months_of_the_issuance_and_clamps_to_the_month_end() -> None:
    g = load_guideline(QF)
    assert g.issuance is not None and g.issuance.use_within_months == 2
    assert use_by_date(g, date(2026, 11, 25)) == date(2027, 1, 25)
    assert use_by_date(g, date(2026, 12, 31)) == date(2027, 2, 28)
    assert add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)
    assert add_months(date(2027, 1, 15), -2) == date(2026, 11, 15)
