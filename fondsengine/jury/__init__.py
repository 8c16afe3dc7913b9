"""The jury: the pure core of tally, draw by lot and composition checks (no database here)."""

from fondsengine.jury.balance import check_balance
from fondsengine.jury.draw import Candidate, DrawResult, draw, random_seed, verify
from fondsengine.jury.tally import (
    Ballot,
    DuplicateBallot,
    Member,
    Outcome,
    TallyResult,
    VoteChoice,
    conflicted_members,
    tally,
)

__all__ = [
    "Ballot",
    "Candidate",
    "DrawResult",
    "DuplicateBallot",
    "Member",
    "Outcome",
    "TallyResult",
    "VoteChoice",
    "check_balance",
    "conflicted_members",
    "draw",
    "random_seed",
    "tally",
    "verify",
]
