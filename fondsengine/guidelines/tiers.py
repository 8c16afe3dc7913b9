"""Every decision tier must have a step in the fund's workflow that the deciding body can take.

A tier layout is checked against the workflow the guideline names: each tier's decider needs
transitions guarded by the tier's guards (the office alone: `within_management_tier`, the jury:
`needs_jury` to be scheduled and `jury_grants` to grant, or `jury_recommends` where it only
recommends and the granting body grants, an outside body: `needs_outside_body`). Otherwise an
application of that amount would reach a state from which nobody may decide it.
"""

from __future__ import annotations

from fondsengine.guidelines.model import DecidedBy, DecisionTier, Guideline
from fondsengine.money import format_euro
from fondsengine.problems import Problem
from fondsengine.workflow.model import Workflow

TIER_GUARDS = {
    DecidedBy.MANAGEMENT: "within_management_tier",
    DecidedBy.JURY: "needs_jury",
    DecidedBy.EXTERNAL: "needs_outside_body",
}
DECIDERS = {DecidedBy.MANAGEMENT: "die Geschäftsführung", DecidedBy.JURY: "die Jury"}


def tier_guards(tier: DecisionTier) -> tuple[str, ...]:
    """The guards the workflow needs for this tier's decider to reach and take its decision."""
    if tier.decided_by is DecidedBy.JURY:
        return (TIER_GUARDS[DecidedBy.JURY], "jury_recommends" if tier.two_step else "jury_grants")
    return (TIER_GUARDS[tier.decided_by],)


def tier_ranges(g: Guideline) -> list[tuple[int, int, DecisionTier]]:
    """(lowest, highest amount in cents, tier) for each tier, from 'amounts.min' to 'amounts.max'."""
    ranges: list[tuple[int, int, DecisionTier]] = []
    lower = g.amounts.min_cents
    for tier in g.decision.tiers:
        upper = tier.up_to_cents if tier.up_to_cents is not None else g.amounts.max_cents
        ranges.append((lower, upper, tier))
        lower = upper + 1
    return ranges


def unreachable_tiers(g: Guideline, wf: Workflow) -> list[Problem]:
    """One problem per tier whose decider has no step in the workflow."""
    guarded = {guard for t in wf.transitions for guard in t.guards}
    problems: list[Problem] = []
    for lower, upper, tier in tier_ranges(g):
        missing = [guard for guard in tier_guards(tier) if guard not in guarded]
        if missing:
            who = DECIDERS.get(tier.decided_by) or tier.body or "ein anderes Gremium"
            verb = "empfiehlt" if tier.two_step else "entscheidet"
            problems.append(
                Problem(
                    g.source,
                    tier.line,
                    f"Über Beträge von {format_euro(lower)} bis {format_euro(upper)} {verb} {who}, "
                    f"aber der Ablauf '{wf.id}' hat dafür keinen Schritt (Bedingung '{missing[0]}'): "
                    "Anträge dieser Höhe könnten nie entschieden werden.",
                )
            )
    return problems
