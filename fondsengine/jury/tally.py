"""The jury tally: a pure function from jury rules, members, attendance and ballots to an outcome.

Nothing here touches the database. The service layer loads members, attendance, conflicts
and ballots, turns them into the plain values below and calls `tally`. The rules are
explained for the office in docs/jury.md.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from fondsengine.errors import InvalidInput
from fondsengine.guidelines.model import JuryRules, Majority, QuorumBasis, TieRule


class VoteChoice(StrEnum):
    """What a member votes on one agenda item."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class Member:
    """A jury member as the tally sees them; `id` is the member's user id."""

    id: int
    group: str
    is_management: bool = False  # belongs to the Geschäftsführung
    is_chair: bool = False


@dataclass(frozen=True)
class Ballot:
    """One member's vote on one agenda item."""

    member_id: int
    choice: VoteChoice


class Outcome(StrEnum):
    """The result of a tally."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"
    TIE_CHAIR_NEEDED = "tie_chair_needed"  # a tie under "chair decides", casting vote missing


@dataclass(frozen=True)
class TallyResult:
    """The outcome of one agenda item with the counts the minutes need."""

    outcome: Outcome
    yes: int
    no: int
    abstain: int
    eligible: int  # members with a vote on this item (after conflicts and the management rule)
    present: int  # eligible members present; in a circulation: all eligible members
    excluded: tuple[int, ...]  # member ids excluded for conflict of interest, ascending
    ignored: tuple[int, ...]  # member ids whose ballot was not counted, ascending
    quorum_reached: bool
    explanation: str  # German, for the minutes and the chair
    clause: str | None  # the guideline clause the outcome rests on
    quorum_count: int = 0  # the number compared with quorum_min_members
    circulation: bool = False  # vote by circulation (Umlaufverfahren)
    tie: bool = False  # yes and the opposing votes were equal (simple majority only)
    decided_by_chair: bool = False  # the chair's casting vote decided a tie


class DuplicateBallot(InvalidInput, ValueError):
    """The same member appears twice among the ballots of one item."""


def tally(
    rules: JuryRules,
    members: Sequence[Member],
    present: Collection[int] | None,
    conflicts: Collection[int],
    ballots: Sequence[Ballot],
    *,
    chair_casting: VoteChoice | None = None,
    circulation: bool = False,
) -> TallyResult:
    """Count the ballots of one agenda item under the guideline's jury rules."""
    circulation = circulation or present is None
    _check_input(rules, members, present, ballots, chair_casting, circulation)

    voting = {m.id for m in members if rules.management_votes or not m.is_management}
    conflicted = set(conflicts)
    excluded = tuple(sorted(voting & conflicted))
    eligible = voting - conflicted
    voters = eligible if present is None else eligible & set(present)

    counted = [b for b in ballots if b.member_id in voters]
    ignored = tuple(sorted(b.member_id for b in ballots if b.member_id not in voters))
    yes = sum(1 for b in counted if b.choice is VoteChoice.YES)
    no = sum(1 for b in counted if b.choice is VoteChoice.NO)
    abstain = len(counted) - yes - no

    by_participation = circulation or rules.quorum_basis is QuorumBasis.PARTICIPATING
    quorum_count = len(counted) if by_participation else len(voters)
    quorum_reached = quorum_count >= rules.quorum_min_members

    counts = _Counts(yes, no, abstain, len(eligible), quorum_count, len(excluded))
    if not quorum_reached:
        outcome, tie, by_chair = Outcome.NO_QUORUM, False, False
        clause = rules.quorum_clause or rules.clause
        text = _no_quorum_text(rules, counts, circulation, by_participation)
    else:
        outcome, tie, by_chair = _decide(rules, counts, chair_casting)
        clause = rules.majority_clause or rules.clause
        text = _decision_text(rules, counts, outcome, tie, circulation, by_participation)
    return TallyResult(
        outcome=outcome,
        yes=yes,
        no=no,
        abstain=abstain,
        eligible=len(eligible),
        present=len(voters),
        excluded=excluded,
        ignored=ignored,
        quorum_reached=quorum_reached,
        explanation=text + (f" ({clause})" if clause else ""),
        clause=clause,
        quorum_count=quorum_count,
        circulation=circulation,
        tie=tie,
        decided_by_chair=by_chair,
    )


def conflicted_members(
    rules: JuryRules,
    members: Sequence[Member],
    applicant_user_id: int | None,
    declared: Collection[int],
    related: Collection[int],
) -> frozenset[int]:
    """The ids of the members who may not vote on an item because of a conflict of interest."""
    ids = {m.id for m in members}
    out = ids & set(declared)
    if rules.conflict.applicant_excluded and applicant_user_id in ids:
        out.add(applicant_user_id)
    if rules.conflict.related_excluded:
        out |= ids & set(related)
    return frozenset(out)


@dataclass(frozen=True)
class _Counts:
    yes: int
    no: int
    abstain: int
    eligible: int
    quorum_count: int
    excluded: int

    def opposing(self, rules: JuryRules) -> int:
        """The votes that stand against yes: no, plus abstentions when they count."""
        return self.no + (self.abstain if rules.abstentions_count else 0)

    def cast(self, rules: JuryRules) -> int:
        """Votes cast in the sense of the majority rule."""
        return self.yes + self.opposing(rules)


def _check_input(
    rules: JuryRules,
    members: Sequence[Member],
    present: Collection[int] | None,
    ballots: Sequence[Ballot],
    chair_casting: VoteChoice | None,
    circulation: bool,
) -> None:
    if circulation and present is not None:
        raise InvalidInput(
            "Im Umlaufverfahren gibt es keine Anwesenheitsliste; sie darf nicht angegeben werden.",
            field="present",
        )
    if circulation and not rules.circulation_allowed:
        raise InvalidInput(
            "Die Richtlinie erlaubt keine Abstimmung im Umlaufverfahren.", clause=rules.clause
        )
    if chair_casting is VoteChoice.ABSTAIN:
        raise InvalidInput(
            "Der Stichentscheid des Vorsitzes muss Ja oder Nein sein.", field="chair_casting"
        )
    member_ids = [m.id for m in members]
    if len(set(member_ids)) != len(member_ids):
        raise InvalidInput("Ein Mitglied ist mehrfach in der Jury aufgeführt.", field="members")
    seen: set[int] = set()
    for ballot in ballots:
        if ballot.member_id in seen:
            raise DuplicateBallot(
                f"Für Mitglied {ballot.member_id} liegen zwei Stimmen vor; "
                "jedes Mitglied stimmt nur einmal ab.",
                field="ballots",
            )
        seen.add(ballot.member_id)


def _decide(
    rules: JuryRules, c: _Counts, chair_casting: VoteChoice | None
) -> tuple[Outcome, bool, bool]:
    """Outcome, whether it was a tie, whether the chair's casting vote decided."""
    if c.yes == 0:
        return Outcome.REJECTED, False, False
    if rules.majority is Majority.SIMPLE:
        opposing = c.opposing(rules)
        if c.yes > opposing:
            return Outcome.ACCEPTED, False, False
        if c.yes < opposing:
            return Outcome.REJECTED, False, False
        if rules.tie is TieRule.REJECTED:
            return Outcome.REJECTED, True, False
        if chair_casting is None:
            return Outcome.TIE_CHAIR_NEEDED, True, False
        accepted = chair_casting is VoteChoice.YES
        return (Outcome.ACCEPTED if accepted else Outcome.REJECTED), True, True
    return (Outcome.ACCEPTED if _threshold_met(rules, c) else Outcome.REJECTED), False, False


def _threshold_met(rules: JuryRules, c: _Counts) -> bool:
    if rules.majority is Majority.ABSOLUTE:
        return 2 * c.yes > c.eligible
    if rules.majority is Majority.TWO_THIRDS:
        return 3 * c.yes >= 2 * c.cast(rules)
    return c.opposing(rules) == 0  # UNANIMOUS (yes >= 1 checked by the caller)


def _required_yes(rules: JuryRules, c: _Counts) -> int:
    """Yes votes needed for acceptance with the same other votes (not for unanimity)."""
    if rules.majority is Majority.ABSOLUTE:
        return c.eligible // 2 + 1
    if rules.majority is Majority.TWO_THIRDS:
        # smallest y with 3y >= 2(y + opposing), i.e. y >= 2 * opposing, and at least one
        return max(1, 2 * c.opposing(rules))
    return c.opposing(rules) + 1


def _n(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _counts_text(c: _Counts) -> str:
    return f"{c.yes} Ja, {c.no} Nein, {_n(c.abstain, 'Enthaltung', 'Enthaltungen')}"


def _excluded_text(rules: JuryRules, c: _Counts) -> str:
    if not c.excluded:
        return ""
    where = f" ({rules.conflict.clause})" if rules.conflict.clause else ""
    return f"; {_n(c.excluded, 'Mitglied', 'Mitglieder')} wegen Befangenheit ausgeschlossen{where}"


def _no_quorum_text(rules: JuryRules, c: _Counts, circulation: bool, by_participation: bool) -> str:
    verb = "haben abgestimmt" if by_participation else "anwesend"
    if circulation:
        verb = "haben im Umlaufverfahren abgestimmt"
    return (
        f"Nicht beschlussfähig: nur {c.quorum_count} von mindestens {rules.quorum_min_members}"
        f" stimmberechtigten Mitgliedern {verb}{_excluded_text(rules, c)}"
    )


_MAJORITY_NAMES = {
    Majority.SIMPLE: "einfache Mehrheit",
    Majority.ABSOLUTE: "absolute Mehrheit",
    Majority.TWO_THIRDS: "Zwei-Drittel-Mehrheit",
    Majority.UNANIMOUS: "Einstimmigkeit",
}


def _majority_text(rules: JuryRules, c: _Counts, outcome: Outcome, tie: bool) -> str:
    return _verdict_text(rules, c, outcome, tie) + _abstention_note(rules, c)


def _verdict_text(rules: JuryRules, c: _Counts, outcome: Outcome, tie: bool) -> str:
    if tie:
        if outcome is Outcome.TIE_CHAIR_NEEDED:
            return "Stimmengleichheit, der Vorsitz muss entscheiden (Stichentscheid)"
        if rules.tie is TieRule.REJECTED:
            return "Stimmengleichheit gilt als Ablehnung"
        choice = "Ja" if outcome is Outcome.ACCEPTED else "Nein"
        return f"Stimmengleichheit, Stichentscheid des Vorsitzes: {choice}"
    name = _MAJORITY_NAMES[rules.majority]
    if rules.majority is Majority.ABSOLUTE:
        name += f" von {c.eligible} stimmberechtigten Mitgliedern"
    if outcome is Outcome.ACCEPTED:
        return name
    if rules.majority is Majority.UNANIMOUS:
        return f"{name} nicht erreicht"
    needed = _n(_required_yes(rules, c), "Ja-Stimme", "Ja-Stimmen")
    return f"{name} nicht erreicht (nötig: mindestens {needed})"


def _abstention_note(rules: JuryRules, c: _Counts) -> str:
    """Whether abstentions counted, said only when there were some and it matters."""
    if not c.abstain or rules.majority is Majority.ABSOLUTE:
        return ""
    if rules.abstentions_count:
        return ", Enthaltungen zählen als abgegebene Stimmen mit"
    return ", Enthaltungen zählen nicht mit"


def _decision_text(
    rules: JuryRules,
    c: _Counts,
    outcome: Outcome,
    tie: bool,
    circulation: bool,
    by_participation: bool,
) -> str:
    head = {
        Outcome.ACCEPTED: "Angenommen",
        Outcome.REJECTED: "Abgelehnt",
        Outcome.TIE_CHAIR_NEEDED: "Noch nicht entschieden",
    }[outcome]
    if circulation:
        quorum = (
            f"im Umlaufverfahren beschlussfähig, {c.quorum_count} von {c.eligible}"
            " stimmberechtigten Mitgliedern haben abgestimmt"
        )
    elif by_participation:
        quorum = (
            f"beschlussfähig, {c.quorum_count} von {c.eligible}"
            " stimmberechtigten Mitgliedern haben abgestimmt"
        )
    else:
        quorum = (
            f"beschlussfähig mit {c.quorum_count} von {c.eligible} stimmberechtigten Mitgliedern"
        )
    return (
        f"{head}: {_counts_text(c)}; {quorum}{_excluded_text(rules, c)}; "
        f"{_majority_text(rules, c, outcome, tie)}"
    )
