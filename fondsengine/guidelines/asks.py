"""Which of the rule questions a guideline needs the applicant to answer (pure).

The application form, the office's paper form and the proof of use ask a question only where the
fund's guideline uses the rule behind it; this is the one place that decides it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fondsengine.guidelines.model import Guideline


@dataclass(frozen=True)
class RuleQuestions:
    """The questions of the rules of issue 14 a guideline asks (False: the form leaves them out)."""

    group_members: bool  # names of the group's members: no fees for them (`not_for_group_members`)
    payee: bool  # who is paid, per cost line (same rule)
    input_tax: bool  # entitled to deduct input tax: eligible costs count net, VAT per cost line
    de_minimis_kinds: tuple[str, ...]  # applicant kinds that declare earlier de-minimis aid (empty: none)
    repeat: bool  # the guideline has repeat rules: the earlier file number of a repeated project
    vat_percent: int = 19  # the guideline's VAT rate, used where a cost line or receipt gives none

    @property
    def de_minimis(self) -> bool:
        """The guideline names a de-minimis limit."""
        return bool(self.de_minimis_kinds)


def repeats_counted(guideline: Guideline) -> bool:
    """The guideline has repeat rules (falling shares, a maximum, or no repeats at all)."""
    a = guideline.amounts
    return bool(a.repeat_shares) or a.repeat_max is not None or not a.repeat_allowed


def rule_questions(guideline: Guideline) -> RuleQuestions:
    """The rule questions of a guideline's application form."""
    members = any(c.not_for_group_members for c in guideline.costs.categories)
    dm = guideline.de_minimis
    return RuleQuestions(
        group_members=members,
        payee=members,
        input_tax=guideline.costs.net_if_input_tax_deductible,
        de_minimis_kinds=tuple(dm.kinds) if dm is not None else (),
        repeat=repeats_counted(guideline),
        vat_percent=round(guideline.costs.vat_share * 100),
    )


VAT_RATES = (19, 7, 0)  # the rates a German receipt shows; the receipt form offers these


def receipt_vat_rates(guideline: Guideline) -> tuple[int, ...]:
    """The VAT rates the receipt form offers: the usual ones and the guideline's own rate."""
    own = round(guideline.costs.vat_share * 100)
    return VAT_RATES if own in VAT_RATES else (own, *VAT_RATES)
