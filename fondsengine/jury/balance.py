"""Checks of the jury's composition against the guideline: size, seats per group, balances."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from fondsengine.guidelines.model import BalanceRule, JuryRules
from fondsengine.jury.tally import Member


def check_balance(rules: JuryRules, members: Sequence[Member]) -> list[str]:
    """German problems with the current membership; an empty list means all is well.

    Members of the Geschäftsführung hold no seat unless the guideline gives them a vote.
    """
    seated = [m for m in members if rules.management_votes or not m.is_management]
    counts = Counter(m.group for m in seated)
    labels = {g.id: g.label for g in rules.groups}
    problems: list[str] = []
    if len(seated) > rules.size:
        problems.append(
            f"Die Jury hat {len(seated)} Mitglieder, die Richtlinie sieht höchstens "
            f"{rules.size} vor{_where(rules.clause)}."
        )
    for group in rules.groups:
        if counts[group.id] > group.seats:
            problems.append(
                f"Die Gruppe „{group.label}“ hat {counts[group.id]} Mitglieder, "
                f"aber nur {group.seats} Sitze{_where(rules.clause)}."
            )
    if rules.groups:
        for unknown in sorted(set(counts) - set(labels)):
            problems.append(
                f"{_members(counts[unknown])} gehören zur Gruppe „{unknown}“, "
                "die die Richtlinie nicht kennt."
                if counts[unknown] > 1
                else f"1 Mitglied gehört zur Gruppe „{unknown}“, die die Richtlinie nicht kennt."
            )
    for rule in rules.balance:
        problem = _check_rule(rule, counts, len(seated), labels)
        if problem:
            problems.append(problem)
    return problems


def _check_rule(
    rule: BalanceRule, counts: Counter[str], total: int, labels: dict[str, str]
) -> str | None:
    name = labels.get(rule.group, rule.group)
    have = counts[rule.group]
    if rule.kind == "majority":
        if 2 * have > total:
            return None
        return (
            f"Die Gruppe „{name}“ muss die Mehrheit der Jury stellen, hat aber nur "
            f"{have} von {total} {'Mitglied' if total == 1 else 'Mitgliedern'}"
            f"{_where(rule.clause)}."
        )
    if rule.kind == "more_than":
        other = rule.other or ""
        other_name = labels.get(other, other)
        if have >= counts[other] + rule.margin:
            return None
        more = _members(rule.margin)
        return (
            f"Die Gruppe „{name}“ muss mindestens {more} mehr haben als die Gruppe "
            f"„{other_name}“, hat aber {have} gegenüber {counts[other]}{_where(rule.clause)}."
        )
    return f"Unbekannte Regel „{rule.kind}“ für die Zusammensetzung der Jury{_where(rule.clause)}."


def _members(count: int) -> str:
    return f"{count} {'Mitglied' if count == 1 else 'Mitglieder'}"


def _where(clause: str | None) -> str:
    return f" ({clause})" if clause else ""
