"""Plain-language German sentences about a fund for the start page (no budget figures)."""

from __future__ import annotations

from fondsengine.guidelines.model import DecidedBy, Guideline, SubmissionMode
from fondsengine.guidelines.rules_money import pct
from fondsengine.guidelines.tiers import tier_ranges
from fondsengine.money import format_euro as eur
from fondsengine.text import format_date


def plain_summary(guideline: Guideline, year: int) -> list[str]:
    """Bullet sentences: who may apply, how much, what you contribute, deadlines, who decides."""
    g = guideline
    kinds = ", ".join(k.label for k in g.applicants.kinds)
    lines = [f"Antrag stellen können: {kinds}."]
    if g.applicants.nonprofit_required:
        lines.append("Das Projekt muss gemeinnützig sein und darf keinen Gewinn erzielen.")
    lines.append(f"Das Projekt findet im Gebiet {g.area.name} statt.")
    a = g.amounts
    amount = f"Sie können zwischen {eur(a.min_cents)} und {eur(a.max_cents)} beantragen"
    if a.max_share < 1:
        amount += f", höchstens {pct(a.max_share)} der förderfähigen Kosten"
    lines.append(amount + ".")
    own = g.own_contribution
    if own.min_share > 0:
        money = " in Geld" if own.money_min_share >= own.min_share else ""
        lines.append(f"Mindestens {pct(own.min_share)} der Kosten tragen Sie selbst{money}.")
    elif own.volunteer_allowed:
        limit = f", höchstens {eur(own.volunteer_max_cents)}" if own.volunteer_max_cents else ""
        lines.append(
            f"Ehrenamtliche Arbeit zählt mit {eur(own.volunteer_hour_rate_cents)} pro Stunde{limit}."
        )
    t = g.timing
    if t.prior_consultation_required:
        lines.append(f"Vor dem Antrag beraten wir Sie gern: {g.office.name}, {g.office.email}.")
    if t.mode is SubmissionMode.ROUNDS:
        rounds = [r for r in t.rounds if r.deadline.year in (year, year + 1)]
        dates = "; ".join(
            f"Frist {format_date(r.deadline)} (Jury am {format_date(r.session_date)})" for r in rounds
        )
        if dates:
            lines.append(f"Antragsfristen: {dates}.")
    elif t.mode is SubmissionMode.MONTHLY:
        lines.append(f"Anträge sind jeden Monat bis zum {t.monthly_deadline_day}. möglich.")
    else:
        lines.append("Anträge sind das ganze Jahr möglich, solange Geld da ist.")
    if t.min_lead_days:
        lines.append(
            f"Stellen Sie den Antrag mindestens {t.min_lead_days} Tage vor Projektbeginn; "
            "begonnene Projekte werden nicht gefördert."
        )
    if t.no_start_before_approval:
        lines.append("Beginnen Sie das Projekt erst, wenn die schriftliche Bewilligung vorliegt.")
    jury_tiers = [tier for tier in g.decision.tiers if tier.decided_by is DecidedBy.JURY]
    if jury_tiers and all(tier.two_step for tier in jury_tiers):
        lines.append(f"Die Jury empfiehlt, bewilligt wird von: {g.decision.granting_body}.")
    elif any(tier.two_step for tier in jury_tiers):
        for lower, upper, tier in tier_ranges(g):
            if tier.two_step:
                lines.append(
                    f"Bei {eur(lower)} bis {eur(upper)} empfiehlt die Jury, "
                    f"bewilligt wird von: {g.decision.granting_body}."
                )
    elif all(tier.decided_by is DecidedBy.JURY for tier in g.decision.tiers):
        lines.append("Über die Anträge entscheidet die Jury.")
    return lines
