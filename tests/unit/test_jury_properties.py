"""Properties of the jury tally over generated juries, attendance, conflicts and ballots."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from fondsengine.guidelines.model import JuryRules, Majority, QuorumBasis, TieRule
from fondsengine.jury.tally import Ballot, Member, Outcome, TallyResult, VoteChoice, tally
from tests.support.jury import jury_rules

CHOICES = st.sampled_from(list(VoteChoice))


@dataclass(frozen=True)
class Scenario:
    rules: JuryRules
    members: tuple[Member, ...]
    present: frozenset[int] | None
    conflicts: frozenset[int]
    ballots: tuple[Ballot, ...]
    chair: VoteChoice | None

    def voters(self) -> set[int]:
        """Who may vote, computed here from the rules as the office would explain them."""
        ids = {
            m.id
            for m in self.members
            if (self.rules.management_votes or not m.is_management) and m.id not in self.conflicts
        }
        return ids if self.present is None else ids & self.present

    def run(self, ballots: list[Ballot] | tuple[Ballot, ...]) -> TallyResult:
        return tally(
            self.rules,
            self.members,
            self.present,
            self.conflicts,
            ballots,
            chair_casting=self.chair,
        )


@st.composite
def rules_strategy(draw: st.DrawFn) -> JuryRules:
    return jury_rules(
        groups=(),
        quorum_basis=draw(st.sampled_from(list(QuorumBasis))),
        quorum_min_members=draw(st.integers(0, 10)),
        majority=draw(st.sampled_from(list(Majority))),
        abstentions_count=draw(st.booleans()),
        tie=draw(st.sampled_from(list(TieRule))),
        management_votes=draw(st.booleans()),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n = draw(st.integers(1, 12))
    ids = list(range(1, n + 1))
    management = draw(st.sets(st.sampled_from(ids), max_size=2))
    members = tuple(Member(i, "resident", is_management=i in management) for i in ids)
    present = draw(st.none() | st.frozensets(st.sampled_from(ids)))
    conflicts = draw(st.frozensets(st.sampled_from(ids), max_size=3))
    voting = draw(st.lists(st.sampled_from(ids), unique=True))
    ballots = tuple(Ballot(i, draw(CHOICES)) for i in voting)
    chair = draw(st.sampled_from([None, VoteChoice.YES, VoteChoice.NO]))
    return Scenario(draw(rules_strategy()), members, present, conflicts, ballots, chair)


@st.composite
def with_ineligible_ballots(draw: st.DrawFn) -> tuple[Scenario, list[Ballot]]:
    scenario = draw(scenarios())
    balloted = {b.member_id for b in scenario.ballots}
    outsiders = [m.id for m in scenario.members if m.id not in scenario.voters() | balloted]
    unknown = draw(st.lists(st.integers(1000, 2000), unique=True, max_size=3))
    chosen = draw(st.lists(st.sampled_from(outsiders), unique=True)) if outsiders else []
    extra = [Ballot(i, draw(CHOICES)) for i in chosen + unknown]
    return scenario, extra


@given(with_ineligible_ballots(), st.randoms(use_true_random=False))
def test_ballots_from_ineligible_members_never_change_the_result(
    case: tuple[Scenario, list[Ballot]], rnd: random.Random
) -> None:
    scenario, extra = case
    mixed = list(scenario.ballots) + extra
    rnd.shuffle(mixed)

    before = scenario.run(scenario.ballots)
    after = scenario.run(mixed)

    assert dataclasses.replace(after, ignored=before.ignored) == before
    assert set(after.ignored) == set(before.ignored) | {b.member_id for b in extra}


@given(scenarios())
def test_only_ballots_of_eligible_members_are_counted(scenario: Scenario) -> None:
    result = scenario.run(scenario.ballots)
    counted = [b for b in scenario.ballots if b.member_id in scenario.voters()]

    assert result.yes == sum(b.choice is VoteChoice.YES for b in counted)
    assert result.no == sum(b.choice is VoteChoice.NO for b in counted)
    assert result.abstain == sum(b.choice is VoteChoice.ABSTAIN for b in counted)
    assert set(result.ignored) == {b.member_id for b in scenario.ballots} - scenario.voters()
    assert not set(result.excluded) - scenario.conflicts


@given(scenarios().flatmap(lambda s: st.tuples(st.just(s), st.permutations(s.ballots))))
def test_the_result_does_not_depend_on_the_order_of_ballots(
    case: tuple[Scenario, list[Ballot]],
) -> None:
    scenario, shuffled = case

    assert scenario.run(shuffled) == scenario.run(scenario.ballots)


@given(scenarios(), st.data())
def test_turning_a_no_into_a_yes_never_turns_an_approval_into_a_rejection(
    scenario: Scenario, data: st.DataObject
) -> None:
    nos = [b for b in scenario.ballots if b.choice is VoteChoice.NO]
    before = scenario.run(scenario.ballots)
    if not nos or before.outcome is not Outcome.ACCEPTED:
        return
    flipped = data.draw(st.sampled_from(nos))
    ballots = [Ballot(b.member_id, VoteChoice.YES) if b == flipped else b for b in scenario.ballots]

    assert scenario.run(ballots).outcome is Outcome.ACCEPTED
