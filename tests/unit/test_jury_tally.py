"""The jury tally, table-driven: quorum, majorities, abstentions, ties, conflicts, the office."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from fondsengine.errors import InvalidInput
from fondsengine.guidelines.model import (
    ConflictRules,
    JuryRules,
    Majority,
    QuorumBasis,
    TieRule,
)
from fondsengine.jury.tally import (
    Ballot,
    DuplicateBallot,
    Member,
    Outcome,
    VoteChoice,
    conflicted_members,
    tally,
)
from tests.support.jury import jury_rules

YES, NO, ABSTAIN = VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN
CHOICES = {"Y": YES, "N": NO, "A": ABSTAIN}


def make_rules(**overrides: Any) -> JuryRules:
    """Jury rules with plain defaults: simple majority, quorum of 5 present, ties rejected."""
    return jury_rules(**{"public_minutes": True, **overrides})


def make_members(n: int, management: frozenset[int] = frozenset()) -> list[Member]:
    """Members with ids 1..n, all residents; ids in `management` belong to the office."""
    return [Member(i, "resident", is_management=i in management) for i in range(1, n + 1)]


def make_ballots(votes: str) -> list[Ballot]:
    """Ballots from a compact string: position i is member i+1; Y, N, A or '-' for no ballot."""
    return [Ballot(i + 1, CHOICES[v]) for i, v in enumerate(votes) if v != "-"]


ALL = "all"  # every member is present


@dataclass(frozen=True)
class Case:
    name: str
    votes: str
    outcome: Outcome
    counts: tuple[int, int, int]  # yes, no, abstain that were counted
    rules: dict[str, Any] = field(default_factory=dict)
    members: int = 9
    present: frozenset[int] | str | None = ALL
    conflicts: frozenset[int] = frozenset()
    management: frozenset[int] = frozenset()
    chair: VoteChoice | None = None
    extra: tuple[Ballot, ...] = ()
    ignored: tuple[int, ...] = ()


def ids(*numbers: int) -> frozenset[int]:
    return frozenset(numbers)


def upto(n: int) -> frozenset[int]:
    return frozenset(range(1, n + 1))


PARTICIPATING = {"quorum_basis": QuorumBasis.PARTICIPATING}
COUNTED = {"abstentions_count": True}
CHAIR = {"tie": TieRule.CHAIR_DECIDES}
ABSOLUTE = {"majority": Majority.ABSOLUTE}
TWO_THIRDS = {"majority": Majority.TWO_THIRDS}
UNANIMOUS = {"majority": Majority.UNANIMOUS}
ACC, REJ, NOQ, TIE = (
    Outcome.ACCEPTED,
    Outcome.REJECTED,
    Outcome.NO_QUORUM,
    Outcome.TIE_CHAIR_NEEDED,
)

# one case per line or two reads better as a table
# fmt: off
CASES = [
    # quorum, basis "present"
    Case("quorum reached with all present", "YYYYYNNNA", ACC, (5, 3, 1)),
    Case("quorum missed with four present", "YYYN-----", NOQ, (3, 1, 0), present=upto(4)),
    Case("quorum reached with exactly the minimum present", "YYYNN----", ACC, (3, 2, 0),
         present=upto(5)),
    Case("present members count even without a ballot", "YY-------", ACC, (2, 0, 0)),
    Case("a conflict pushes the present members below the quorum", "-YYNN----", NOQ, (2, 2, 0),
         present=upto(5), conflicts=ids(1)),
    # quorum, basis "participating"
    Case("participating quorum reached with five ballots", "YYYNN----", ACC, (3, 2, 0),
         rules=PARTICIPATING),
    Case("participating quorum missed although all are present", "YYYN-----", NOQ, (3, 1, 0),
         rules=PARTICIPATING),
    Case("abstentions count towards participation", "YYNAA----", ACC, (2, 1, 2),
         rules=PARTICIPATING),
    # circulation: nobody is present, participation decides the quorum
    Case("circulation with too few ballots has no quorum", "YYYY-----", NOQ, (4, 0, 0),
         present=None),
    Case("circulation with enough ballots decides", "YYYYNN---", ACC, (4, 2, 0), present=None),
    # simple majority and abstentions
    Case("simple majority rejected with more no than yes", "YYYNNNNN-", REJ, (3, 5, 0)),
    Case("abstentions not counted let yes win", "YYYNNAAAA", ACC, (3, 2, 4)),
    Case("abstentions counted make yes lose", "YYYNNAAAA", REJ, (3, 2, 4), rules=COUNTED),
    Case("abstentions counted and yes still above half", "YYYYYNNAA", ACC, (5, 2, 2),
         rules=COUNTED),
    Case("only abstentions means rejected", "AAAAAAAAA", REJ, (0, 0, 9)),
    Case("only abstentions is no tie for the chair", "AAAAAAAAA", REJ, (0, 0, 9), rules=CHAIR),
    # ties
    Case("tie rejected under the tie rule rejected", "YYYYNNNNA", REJ, (4, 4, 1)),
    Case("tie waits for the chair without casting vote", "YYYYNNNNA", TIE, (4, 4, 1),
         rules=CHAIR),
    Case("tie accepted by the chair's yes", "YYYYNNNNA", ACC, (4, 4, 1), rules=CHAIR, chair=YES),
    Case("tie rejected by the chair's no", "YYYYNNNNA", REJ, (4, 4, 1), rules=CHAIR, chair=NO),
    Case("tie ignores the casting vote under rule rejected", "YYYYNNNNA", REJ, (4, 4, 1),
         chair=YES),
    Case("counted abstentions create a tie", "YYYYNNAA-", TIE, (4, 2, 2),
         rules={**CHAIR, **COUNTED}),
    Case("casting vote without a tie changes nothing", "YYYYYNNN-", ACC, (5, 3, 0), rules=CHAIR,
         chair=NO),
    # absolute majority: more than half of all eligible members, present or not
    Case("absolute majority with five of nine", "YYYYYNNNN", ACC, (5, 4, 0), rules=ABSOLUTE),
    Case("absolute majority counts absent members too", "YYYYNA---", REJ, (4, 1, 1),
         rules=ABSOLUTE, present=upto(6)),
    Case("absolute majority fails at exactly half", "YYYYY-----", REJ, (5, 0, 0),
         rules=ABSOLUTE, members=10),
    Case("a conflict lowers the base of the absolute majority", "YYYYY----N", ACC, (5, 0, 0),
         rules=ABSOLUTE, members=10, conflicts=ids(10), ignored=(10,)),
    Case("absolute majority knows no tie for the chair", "YYYYNNNN", REJ, (4, 4, 0),
         rules={**ABSOLUTE, **CHAIR}, members=8, chair=YES),
    # two thirds
    Case("two thirds reached exactly", "YYYYYYNNN", ACC, (6, 3, 0), rules=TWO_THIRDS),
    Case("two thirds missed", "YYYYYNNN-", REJ, (5, 3, 0), rules=TWO_THIRDS),
    Case("two thirds with abstentions not counted", "YYYYYNNAA", ACC, (5, 2, 2),
         rules=TWO_THIRDS),
    Case("two thirds with abstentions counted", "YYYYYNNAA", REJ, (5, 2, 2),
         rules={**TWO_THIRDS, **COUNTED}),
    # unanimity
    Case("unanimous yes", "YYYYYYYYY", ACC, (9, 0, 0), rules=UNANIMOUS),
    Case("one no breaks unanimity", "YYYYYYYYN", REJ, (8, 1, 0), rules=UNANIMOUS),
    Case("an abstention not counted keeps unanimity", "YYYYYYYYA", ACC, (8, 0, 1),
         rules=UNANIMOUS),
    Case("an abstention counted breaks unanimity", "YYYYYYYYA", REJ, (8, 0, 1),
         rules={**UNANIMOUS, **COUNTED}),
    Case("unanimity needs at least one yes", "---------", REJ, (0, 0, 0), rules=UNANIMOUS),
    # conflicts of interest
    Case("excluding two yes voters for conflict turns the outcome", "YYYYYNNNN", REJ, (3, 4, 0),
         conflicts=ids(1, 2), ignored=(1, 2)),
    Case("excluding the only no voter makes it unanimous", "YYYYYYYYN", ACC, (8, 0, 0),
         rules=UNANIMOUS, conflicts=ids(9), ignored=(9,)),
    # the Geschäftsführung
    Case("the office's vote is not counted by default", "YYYYNNNNY", REJ, (4, 4, 0),
         management=ids(9), ignored=(9,)),
    Case("the office's vote counts when the guideline says so", "YYYYNNNNY", ACC, (5, 4, 0),
         rules={"management_votes": True}, management=ids(9)),
    Case("the office does not count towards the quorum", "YYYYY----", NOQ, (4, 0, 0),
         present=upto(5), management=ids(5), ignored=(5,)),
    # ballots that must never count
    Case("ballots of absent members are ignored", "YYYNNNNNN", REJ, (3, 3, 0),
         present=upto(6), ignored=(7, 8, 9)),
    Case("ballots of unknown people are ignored", "YYYYNNNN-", REJ, (4, 4, 0),
         extra=(Ballot(99, YES), Ballot(100, YES)), ignored=(99, 100)),
]
# fmt: on


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_the_tally_gives_the_expected_outcome_and_counts(case: Case) -> None:
    rules = make_rules(**case.rules)
    members = make_members(case.members, case.management)
    present = upto(case.members) if case.present == ALL else case.present
    assert present is None or isinstance(present, frozenset)
    ballots = make_ballots(case.votes) + list(case.extra)

    result = tally(rules, members, present, case.conflicts, ballots, chair_casting=case.chair)

    assert result.outcome is case.outcome
    assert (result.yes, result.no, result.abstain) == case.counts
    assert result.ignored == case.ignored
    assert result.quorum_reached is (case.outcome is not Outcome.NO_QUORUM)


def test_the_table_covers_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


def test_the_explanation_reads_like_the_minutes() -> None:
    rules = make_rules(majority_clause="§ 7 Abs. 3")
    result = tally(rules, make_members(15), upto(12), (), make_ballots("YYYYYYYYYNNA"))

    assert result.explanation == (
        "Angenommen: 9 Ja, 2 Nein, 1 Enthaltung; beschlussfähig mit 12 von 15 "
        "stimmberechtigten Mitgliedern; einfache Mehrheit, Enthaltungen zählen nicht mit "
        "(§ 7 Abs. 3)"
    )
    assert result.clause == "§ 7 Abs. 3"
    assert (result.eligible, result.present, result.quorum_count) == (15, 12, 12)


def test_a_missing_quorum_is_explained_with_the_quorum_clause() -> None:
    rules = make_rules(quorum_min_members=8, quorum_clause="§ 7 Abs. 2", majority_clause="§ 7 (3)")
    result = tally(rules, make_members(15), upto(6), (), make_ballots("YYYYYY"))

    assert result.outcome is Outcome.NO_QUORUM
    assert result.explanation == (
        "Nicht beschlussfähig: nur 6 von mindestens 8 stimmberechtigten Mitgliedern anwesend (§ 7 Abs. 2)"
    )
    assert result.clause == "§ 7 Abs. 2"


def test_exclusions_for_conflict_are_named_in_the_explanation() -> None:
    rules = make_rules(conflict=ConflictRules(clause="§ 8"))
    result = tally(rules, make_members(9), upto(9), ids(1, 2), make_ballots("--YYYYNN"))

    assert result.excluded == (1, 2)
    assert result.eligible == 7
    assert "2 Mitglieder wegen Befangenheit ausgeschlossen (§ 8)" in result.explanation


def test_a_single_exclusion_uses_the_singular() -> None:
    result = tally(make_rules(), make_members(9), upto(9), ids(4), make_ballots("YYYYYY"))

    assert "; 1 Mitglied wegen Befangenheit ausgeschlossen;" in result.explanation


def test_a_conflicted_member_is_excluded_even_when_absent() -> None:
    result = tally(make_rules(), make_members(9), upto(6), ids(8), make_ballots("YYYYYY"))

    assert result.excluded == (8,)
    assert (result.eligible, result.present) == (8, 6)


def test_the_rejection_names_the_yes_votes_needed() -> None:
    rules = make_rules(majority=Majority.TWO_THIRDS)
    result = tally(rules, make_members(9), upto(9), (), make_ballots("YYYYYNNN"))

    assert result.explanation.startswith("Abgelehnt: 5 Ja, 3 Nein, 0 Enthaltungen;")
    assert "Zwei-Drittel-Mehrheit nicht erreicht (nötig: mindestens 6 Ja-Stimmen)" in (result.explanation)


def test_the_absolute_majority_names_its_base() -> None:
    rules = make_rules(majority=Majority.ABSOLUTE)
    result = tally(rules, make_members(15), upto(9), (), make_ballots("YYYYYYYNN"))

    assert result.outcome is Outcome.REJECTED
    assert "absolute Mehrheit von 15 stimmberechtigten Mitgliedern nicht erreicht" in (result.explanation)
    assert "(nötig: mindestens 8 Ja-Stimmen)" in result.explanation


def test_the_chairs_casting_vote_is_recorded() -> None:
    rules = make_rules(tie=TieRule.CHAIR_DECIDES)
    result = tally(rules, make_members(9), upto(9), (), make_ballots("YYNN"), chair_casting=VoteChoice.YES)

    assert result.outcome is Outcome.ACCEPTED
    assert result.tie and result.decided_by_chair
    assert "Stimmengleichheit, Stichentscheid des Vorsitzes: Ja" in result.explanation


def test_a_tie_waiting_for_the_chair_says_so() -> None:
    rules = make_rules(tie=TieRule.CHAIR_DECIDES)
    result = tally(rules, make_members(9), upto(9), (), make_ballots("YYNN"))

    assert result.outcome is Outcome.TIE_CHAIR_NEEDED
    assert result.explanation.startswith("Noch nicht entschieden: 2 Ja, 2 Nein")
    assert "der Vorsitz muss entscheiden" in result.explanation
    assert not result.decided_by_chair


def test_a_circulation_is_explained_as_such() -> None:
    result = tally(make_rules(), make_members(9), None, (), make_ballots("YYYYYY"))

    assert result.circulation
    assert (result.present, result.quorum_count) == (9, 6)
    assert "im Umlaufverfahren beschlussfähig, 6 von 9 stimmberechtigten Mitgliedern" in (result.explanation)


def test_a_circulation_with_too_few_ballots_names_the_procedure() -> None:
    result = tally(make_rules(), make_members(9), None, (), make_ballots("YY"))

    assert result.explanation == (
        "Nicht beschlussfähig: nur 2 von mindestens 5 stimmberechtigten Mitgliedern haben im Umlaufverfahren abgestimmt"
    )
    assert result.clause is None


def test_two_ballots_from_one_member_are_refused() -> None:
    ballots = [Ballot(1, VoteChoice.YES), Ballot(2, VoteChoice.NO), Ballot(1, VoteChoice.NO)]

    with pytest.raises(DuplicateBallot) as caught:
        tally(make_rules(), make_members(9), upto(9), (), ballots)

    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, InvalidInput)
    assert "Mitglied 1" in caught.value.message


def test_a_circulation_is_refused_when_the_guideline_does_not_allow_it() -> None:
    rules = make_rules(circulation_allowed=False, clause="§ 7")

    with pytest.raises(InvalidInput) as caught:
        tally(rules, make_members(9), None, (), make_ballots("YYYYY"))

    assert caught.value.message == "Die Richtlinie erlaubt keine Abstimmung im Umlaufverfahren."
    assert caught.value.clause == "§ 7"


def test_a_circulation_with_an_attendance_list_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        tally(make_rules(), make_members(9), upto(9), (), [], circulation=True)

    assert caught.value.field == "present"


def test_an_abstaining_casting_vote_is_refused() -> None:
    rules = make_rules(tie=TieRule.CHAIR_DECIDES)

    with pytest.raises(InvalidInput) as caught:
        tally(rules, make_members(9), upto(9), (), [], chair_casting=VoteChoice.ABSTAIN)

    assert caught.value.field == "chair_casting"


def test_a_member_listed_twice_is_refused() -> None:
    members = [*make_members(3), Member(2, "expert")]

    with pytest.raises(InvalidInput) as caught:
        tally(make_rules(), members, upto(3), (), [])

    assert caught.value.field == "members"


def test_the_applicant_in_the_jury_is_conflicted() -> None:
    result = conflicted_members(make_rules(), make_members(9), 4, (), ())

    assert result == frozenset({4})


def test_the_applicant_may_vote_when_the_guideline_allows_it() -> None:
    rules = make_rules(conflict=ConflictRules(applicant_excluded=False))

    assert conflicted_members(rules, make_members(9), 4, (), ()) == frozenset()


def test_related_members_are_conflicted_by_default() -> None:
    result = conflicted_members(make_rules(), make_members(9), None, (), (2, 3))

    assert result == frozenset({2, 3})


def test_related_members_vote_when_the_guideline_does_not_exclude_them() -> None:
    rules = make_rules(conflict=ConflictRules(related_excluded=False))

    assert conflicted_members(rules, make_members(9), None, (), (2, 3)) == frozenset()


def test_a_declared_conflict_always_excludes() -> None:
    rules = make_rules(conflict=ConflictRules(applicant_excluded=False, related_excluded=False))

    assert conflicted_members(rules, make_members(9), 1, (5,), (2,)) == frozenset({5})


def test_conflicts_of_people_outside_the_jury_are_dropped() -> None:
    result = conflicted_members(make_rules(), make_members(3), 42, (7,), (8, 2))

    assert result == frozenset({2})


def test_an_applicant_outside_the_jury_excludes_nobody() -> None:
    assert conflicted_members(make_rules(), make_members(3), 42, (), ()) == frozenset()
