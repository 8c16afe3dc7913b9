"""Jury rules for the pure jury tests: plain defaults, each test overrides what it is about."""

from __future__ import annotations

from typing import Any

from fondsengine.guidelines.model import ConflictRules, JuryGroup, JuryRules, Majority, QuorumBasis, TieRule


def jury_rules(**overrides: Any) -> JuryRules:
    """A 15-member jury: simple majority, quorum of 5 present, ties rejected, no balance rule."""
    values: dict[str, Any] = {
        "size": 15,
        "groups": (JuryGroup("resident", "Bewohner*innen", 10), JuryGroup("expert", "Fachleute", 5)),
        "balance": (),
        "selection": "lot",
        "term_years": 2,
        "quorum_basis": QuorumBasis.PRESENT,
        "quorum_min_members": 5,
        "majority": Majority.SIMPLE,
        "abstentions_count": False,
        "tie": TieRule.REJECTED,
        "management_votes": False,
        "conflict": ConflictRules(),
        "circulation_allowed": True,
        "circulation_days": 7,
        "votes_open": False,
        "public_minutes": False,
        "visible_fields": (),
    }
    values.update(overrides)
    return JuryRules(**values)
