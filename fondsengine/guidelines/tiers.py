"""Every decision tier must have a step in the fund's workflow that the deciding body can take.

A tier layout is checked against the workflow the guideline names: each tier's decider needs a
transition guarded by the tier's guard (the office alone: `within_management_tier`, the jury:
`needs_jury`, an outside body: `needs_outside_body`). Otherwise an application of that amount
would reach a state from which nobody may decide it.
"""

from __future__ import annotations

from fondsengine.guidelines.model import DecidedBy, Guideline
from fondsengine.money import format_euro
from fondsengine.problems import Problem
from fondsengine.workflow.model import Workflow

TIER_GUARDS = {
    DecidedBy.MANAGEMENT: "within_management_tier",
    DecidedBy.JURY: "needs_jury",
    DecidedBy.EXTERNAL: "needs_outside_body",
}
DECIDERS = {DecidedBy.MANAGEMENT: "die Geschäftsführung", DecidedBy.JURY: "die Jury"}


def unreachable_tiers(g: Guideline, wf: Workflow) -> list[Problem]:
    """One problem per tier whose decider has no step in the workflow."""
    guarded = {guard for t in wf.transitions for guard in t.guards}
    problems: list[Problem] = []
    lower = g.amounts.min_cents
    for tier in g.decision.tiers:
        upper = tier.up_to_cents if tier.up_to_cents is not None else g.amounts.max_cents
        if TIER_GUARDS[tier.decided_by] not in guarded:
            who = DECIDERS.get(tier.decided_by) or tier.body or "ein anderes Gremium"
            problems.append(
                Problem(
                    g.source,
                    0,
                    f"Über Beträge von {format_euro(lower)} bis {format_euro(upper)} entscheidet {who}, "
                    f"aber der Ablauf '{wf.id}' hat dafür keinen Schritt (Bedingung '{TIER_GUARDS[tier.decided_by]}'): "
                    "Anträge dieser Höhe könnten nie entschieden werden.",
                )
            )
        lower = upper + 1
    return problems
