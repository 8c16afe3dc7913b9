"""Checks of the jury's composition: size, seats per group and the balance between groups."""

from __future__ import annotations

import dataclasses
from typing import Any

from fondsengine.guidelines.model import (
    BalanceRule,
    JuryGroup,
    JuryRules,
)
from fondsengine.jury.balance import check_balance
from fondsengine.jury.tally import Member
from tests.support.jury import jury_rules

GROUPS = (
    JuryGroup("resident", "Bewohner*innen", 9),
    JuryGroup("institution", "Institutionen", 4),
    JuryGroup("expert", "Fachleute", 2),
)


def make_rules(**overrides: Any) -> JuryRules:
    """Jury rules of a 15-member jury with three groups and no balance rule."""
    return jury_rules(
        **{"groups": GROUPS, "quorum_min_members": 8, "circulation_allowed": False, "clause": "§ 6", **overrides}
    )


def make_jury(residents: int, institutions: int = 0, experts: int = 0) -> list[Member]:
    groups = ["resident"] * residents + ["institution"] * institutions + ["expert"] * experts
    return [Member(i, group) for i, group in enumerate(groups, start=1)]


MAJORITY = BalanceRule("majority", "resident", clause="§ 6 Abs. 2")
ONE_MORE = BalanceRule("more_than", "resident", other="institution", margin=1, clause="§ 6 Abs. 3")


def test_a_jury_within_all_rules_has_no_problems() -> None:
    rules = make_rules(balance=(MAJORITY, ONE_MORE))

    assert check_balance(rules, make_jury(9, 4, 2)) == []


def test_residents_without_a_majority_are_reported() -> None:
    rules = make_rules(balance=(MAJORITY,))

    assert check_balance(rules, make_jury(7, 4, 3)) == [
        "Die Gruppe „Fachleute“ hat 3 Mitglieder, aber nur 2 Sitze (§ 6).",
        "Die Gruppe „Bewohner*innen“ muss die Mehrheit der Jury stellen, "
        "hat aber nur 7 von 14 Mitgliedern (§ 6 Abs. 2).",
    ]


def test_exactly_half_is_no_majority() -> None:
    rules = make_rules(balance=(MAJORITY,))

    assert len(check_balance(rules, make_jury(6, 4, 2))) == 1


def test_one_more_than_half_is_a_majority() -> None:
    rules = make_rules(balance=(MAJORITY,))

    assert check_balance(rules, make_jury(7, 4, 2)) == []


def test_residents_need_a_seat_more_than_institutions() -> None:
    rules = make_rules(balance=(ONE_MORE,))

    assert check_balance(rules, make_jury(4, 4)) == [
        "Die Gruppe „Bewohner*innen“ muss mindestens 1 Mitglied mehr haben als die Gruppe "
        "„Institutionen“, hat aber 4 gegenüber 4 (§ 6 Abs. 3)."
    ]
    assert check_balance(rules, make_jury(5, 4)) == []


def test_a_larger_margin_is_honoured() -> None:
    rules = make_rules(balance=(dataclasses.replace(ONE_MORE, margin=2),))

    assert check_balance(rules, make_jury(6, 4)) == []
    assert "mindestens 2 Mitglieder mehr" in check_balance(rules, make_jury(5, 4))[0]


def test_a_jury_larger_than_the_guideline_allows_is_reported() -> None:
    rules = make_rules(groups=())

    assert check_balance(rules, make_jury(16)) == [
        "Die Jury hat 16 Mitglieder, die Richtlinie sieht höchstens 15 vor (§ 6)."
    ]


def test_a_group_beyond_its_seats_is_reported() -> None:
    assert check_balance(make_rules(), make_jury(9, 5)) == [
        "Die Gruppe „Institutionen“ hat 5 Mitglieder, aber nur 4 Sitze (§ 6)."
    ]


def test_members_of_an_unknown_group_are_reported() -> None:
    members = [*make_jury(5), Member(50, "trader"), Member(51, "trader")]

    assert check_balance(make_rules(), members) == [
        "2 Mitglieder gehören zur Gruppe „trader“, die die Richtlinie nicht kennt."
    ]


def test_the_office_holds_no_seat_when_it_does_not_vote() -> None:
    rules = make_rules(balance=(MAJORITY,))
    office = [Member(90, "institution", is_management=True), Member(91, "expert", True)]

    assert check_balance(rules, [*make_jury(3, 2), *office]) == []


def test_the_office_holds_a_seat_when_it_votes() -> None:
    rules = make_rules(balance=(MAJORITY,), management_votes=True)
    office = [Member(90, "institution", is_management=True), Member(91, "expert", True)]

    problems = check_balance(rules, [*make_jury(3, 2), *office])

    assert problems == [
        "Die Gruppe „Bewohner*innen“ muss die Mehrheit der Jury stellen, hat aber nur 3 von 7 Mitgliedern (§ 6 Abs. 2)."
    ]


def test_an_unknown_balance_rule_is_reported_not_ignored() -> None:
    rules = make_rules(balance=(BalanceRule("quota", "resident"),))

    assert check_balance(rules, make_jury(9)) == ["Unbekannte Regel „quota“ für die Zusammensetzung der Jury."]
