"""Pure calculations on an application under a guideline: eligible costs, caps, due dates."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from fondsengine.guidelines.findings import ApplicationData, CheckContext, CostLine
from fondsengine.guidelines.model import CostCategory, Financing, Guideline, PaymentMode
from fondsengine.money import share_of
from fondsengine.text import format_date


@dataclass(frozen=True)
class CostBreakdown:
    """How much of each cost line and category counts as eligible."""

    total_cents: int  # all cost lines as declared
    eligible_before_overhead_cents: int
    overhead_cents: int
    by_category_cents: dict[str, int]  # counted per category after line-level cuts, before caps
    capped_category_cents: dict[str, int]  # counted per category after category caps

    @property
    def eligible_cents(self) -> int:
        """Eligible costs including the flat overhead."""
        return self.eligible_before_overhead_cents + self.overhead_cents


def normalise_name(name: str) -> str:
    """A person's or group's name for comparison: lower case, single spaces."""
    return " ".join(name.casefold().split())


def paid_to_own_group(line: CostLine, app: ApplicationData) -> bool:
    """The cost line's payee is the applicant (by flag or name) or a member of their group."""
    if line.payee_is_applicant:
        return True
    if not line.payee:
        return False
    own = {normalise_name(n) for n in (*app.applicant_names, *app.group_members) if n.strip()}
    return normalise_name(line.payee) in own


def net_cents(amount_cents: int, vat_cents: int | None, vat_share: Fraction) -> int:
    """The net part of a gross amount: minus the given VAT, else at the guideline's rate
    (rounded to the cent, half up)."""
    if vat_cents is not None:
        return amount_cents - vat_cents
    exact = Fraction(amount_cents) / (1 + vat_share)
    return int(exact + Fraction(1, 2))


def counts_net(app: ApplicationData, guideline: Guideline) -> bool:
    """Eligible costs are net for this applicant (entitled to deduct input tax)."""
    return app.input_tax_deductible and guideline.costs.net_if_input_tax_deductible


def line_eligible_cents(
    line: CostLine,
    category: CostCategory | None,
    app: ApplicationData | None = None,
    guideline: Guideline | None = None,
) -> int:
    """The part of one cost line that can count (before category caps)."""
    if category is None or not category.eligible or line.amount_cents <= 0:
        return 0
    if category.not_for_applicant and line.payee_is_applicant:
        return 0
    amount = line.amount_cents
    if app is not None and guideline is not None:
        if category.not_for_group_members and paid_to_own_group(line, app):
            return 0
        if counts_net(app, guideline):
            amount = net_cents(amount, line.vat_cents, guideline.costs.vat_share)
    if category.hourly_cap_cents is not None and line.hours is not None and line.hours > 0:
        cap = (line.hours * category.hourly_cap_cents).to_integral_value(rounding=ROUND_FLOOR)
        return min(amount, int(cap))
    return amount


def breakdown(app: ApplicationData, guideline: Guideline) -> CostBreakdown:
    """Eligible costs per category, with category caps (absolute and share) and overhead."""
    costs = guideline.costs
    raw: dict[str, int] = {}
    for line in app.cost_items:
        counted = line_eligible_cents(line, costs.category(line.category), app, guideline)
        if counted:
            raw[line.category] = raw.get(line.category, 0) + counted
    capped: dict[str, int] = {}
    for cat_id, amount in raw.items():
        cat = costs.category(cat_id)
        limit = cat.max_cents if cat is not None else None
        capped[cat_id] = min(amount, limit) if limit is not None else amount
    # a share cap is relative to the eligible total including the capped category itself:
    # x <= s * (B + x)  <=>  x <= s * B / (1 - s), with B = the categories without a share cap
    shared = {
        c for c in capped if (cat := costs.category(c)) is not None and cat.max_share is not None
    }
    base = sum(v for c, v in capped.items() if c not in shared)
    for cat_id in shared:
        cat = costs.category(cat_id)
        assert cat is not None and cat.max_share is not None
        if cat.max_share < 1:
            limit = int(Fraction(base) * cat.max_share / (1 - cat.max_share))
            capped[cat_id] = min(capped[cat_id], limit)
    eligible = sum(capped.values())
    overhead = share_of(eligible, costs.overhead_flat_share) if costs.overhead_flat_share else 0
    return CostBreakdown(
        total_cents=sum(line.amount_cents for line in app.cost_items),
        eligible_before_overhead_cents=eligible,
        overhead_cents=overhead,
        by_category_cents=raw,
        capped_category_cents=capped,
    )


def eligible_costs_cents(app: ApplicationData, guideline: Guideline) -> int:
    """Eligible costs of an application, after every cap, plus the flat overhead."""
    return breakdown(app, guideline).eligible_cents


def volunteer_value_cents(app: ApplicationData, guideline: Guideline) -> int:
    """Value of the declared volunteer hours at the guideline's rate (before the cap)."""
    return hours_value_cents(app.volunteer_hours, guideline)


def hours_value_cents(hours: Decimal, guideline: Guideline) -> int:
    """Volunteer hours valued at the guideline's hourly rate, rounded down (0 where not allowed)."""
    own = guideline.own_contribution
    if not own.volunteer_allowed or hours <= 0:
        return 0
    return int((hours * own.volunteer_hour_rate_cents).to_integral_value(ROUND_FLOOR))


def volunteer_caps_cents(app: ApplicationData, guideline: Guideline) -> tuple[int, int | None]:
    """The two caps on counted volunteer value: the share of eligible costs, the euro amount."""
    own = guideline.own_contribution
    return share_of(eligible_costs_cents(app, guideline), own.volunteer_max_share), own.volunteer_max_cents


def volunteer_counted_cents(app: ApplicationData, guideline: Guideline) -> int:
    """Volunteer value that counts as own contribution: up to the share of eligible costs and
    up to the absolute amount (`volunteer_max`), whichever is lower."""
    share_cap, euro_cap = volunteer_caps_cents(app, guideline)
    counted = min(volunteer_value_cents(app, guideline), share_cap)
    return counted if euro_cap is None else min(counted, euro_cap)


def effective_share(guideline: Guideline, repeat_count: int) -> Fraction:
    """Maximum grant share, reduced for a repeated project (0 when repeats are not funded)."""
    amounts = guideline.amounts
    if repeat_count <= 0:
        return amounts.max_share
    if not amounts.repeat_allowed:
        return Fraction(0)
    if not amounts.repeat_shares:
        return amounts.max_share
    factor = amounts.repeat_shares[min(repeat_count, len(amounts.repeat_shares)) - 1]
    return amounts.max_share * factor


def share_base_cents(app: ApplicationData, guideline: Guideline, ctx: CheckContext) -> int:
    """The eligible costs the grant share is measured against: this project's, or for a repeat
    under `repeat_share_base: first` the first funded project's (when the chain is linked)."""
    first = ctx.first_funding
    if ctx.repeat_count > 0 and guideline.amounts.repeat_share_base == "first" and first is not None:
        return eligible_costs_cents(first, guideline)
    return eligible_costs_cents(app, guideline)


def repeats_exhausted(guideline: Guideline, repeat_count: int) -> bool:
    """The project was repeated more often than the guideline allows (`repeat_max`)."""
    limit = guideline.amounts.repeat_max
    return limit is not None and repeat_count > limit


def max_grant_cents(app: ApplicationData, guideline: Guideline, ctx: CheckContext) -> int:
    """The most that could be granted under every cap (not looking at the free budget)."""
    return max_grant_limit(app, guideline, ctx)[0]


def max_grant_limit(
    app: ApplicationData, guideline: Guideline, ctx: CheckContext
) -> tuple[int, str | None]:
    """The most that could be granted and the clause of the limit that binds it.

    Each limit cites its own clause: the per-project maximum `max_clause`, the share
    `share_clause` (or `repeat_clause` for a repeated project), the required own contribution
    the own-contribution clause, the yearly cap per applicant `cap_clause`."""
    amounts = guideline.amounts
    eligible = eligible_costs_cents(app, guideline)
    share_clause = amounts.share_clause
    if ctx.repeat_count > 0:
        share_clause = amounts.repeat_clause or share_clause
    limits: list[tuple[int, str | None]] = [
        (amounts.max_cents, amounts.max_clause or amounts.clause),
        (
            share_of(share_base_cents(app, guideline, ctx), effective_share(guideline, ctx.repeat_count))
            if not repeats_exhausted(guideline, ctx.repeat_count)
            else 0,
            share_clause or amounts.clause,
        ),
        # the required own contribution must stay with the applicant
        (
            eligible - _ceil_share(eligible, guideline.own_contribution.min_share),
            guideline.own_contribution.clause,
        ),
    ]
    if amounts.per_applicant_year_cap_cents is not None:
        limits.append(
            (
                amounts.per_applicant_year_cap_cents - ctx.applicant_other_grants_cents,
                amounts.cap_clause or amounts.clause,
            )
        )
    dm = guideline.de_minimis
    if dm is not None and app.applicant_kind in dm.kinds:
        limits.append((dm.limit_cents - (app.de_minimis_prior_cents or 0), dm.clause))
    amount, clause = min(limits, key=lambda limit: limit[0])
    return max(0, amount), clause


def _ceil_share(cents: int, share: Fraction) -> int:
    return -share_of(-cents, share)


def required_share_cents(cents: int, share: Fraction) -> int:
    """A required minimum share of an amount, rounded up to whole cents."""
    return _ceil_share(cents, share)


def proof_due_date(guideline: Guideline, project_end: date) -> date:
    """The day the proof of use is due for a project ending on `project_end`."""
    proof = guideline.proof
    if proof.due_fixed_month_day is not None:
        month, day = proof.due_fixed_month_day
        year = project_end.year + 1
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))
    return add_months(project_end, proof.due_months_after_end or 0)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier, when negative), at most the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def use_by_date(guideline: Guideline, paid_on: date) -> date | None:
    """The day by which called money paid on `paid_on` is to be used (`issuance.use_within_months`,
    Nr. 1.4 ANBest-P); None when the guideline states no such rule (no `issuance` section)."""
    if guideline.issuance is None:
        return None
    return add_months(paid_on, guideline.issuance.use_within_months)


def lapse_date(
    guideline: Guideline,
    approved_on: date,
    *,
    project_end: date | None = None,
    proof_due_on: date | None = None,
) -> date:
    """The last day of the call period: after it an approval lapses when nothing was called or paid.

    The period of the guideline counts from the approval, but it never ends before the project
    does (a grant does not lapse halfway through its project), and when the guideline pays
    against the proof of use (mode reimbursement) not before the proof is due, because such a
    grant can only be called with the proof."""
    day = approved_on + timedelta(days=guideline.payment.lapse_after_days)
    if project_end is not None:
        day = max(day, project_end)
    if proof_due_on is not None and PaymentMode.REIMBURSEMENT in guideline.payment.modes:
        day = max(day, proof_due_on)
    return day


def changes_due_date(guideline: Guideline, requested_on: date) -> date:
    """The day by which a request for changes is to be answered (`timing.changes_response_days`)."""
    return requested_on + timedelta(days=guideline.timing.changes_response_days)


def lapse_rule_text(guideline: Guideline, lapse_on: date) -> str:
    """The lapse rule in one German sentence, for the approval letter and the status page."""
    clause = f" ({guideline.payment.lapse_clause})" if guideline.payment.lapse_clause else ""
    day = format_date(lapse_on)
    if PaymentMode.REIMBURSEMENT in guideline.payment.modes:
        what = "weder eine Auszahlung angefordert noch der Verwendungsnachweis eingereicht wurde"
    else:
        what = "keine Auszahlung angefordert wurde"
    return f"Die Bewilligung erlischt{clause}, wenn bis zum {day} {what}."


def financing_of(guideline: Guideline) -> Financing:
    """The guideline's type of financing; without an `issuance` section share financing."""
    return guideline.issuance.financing if guideline.issuance is not None else Financing.SHARE


def settled_cents(
    guideline: Guideline,
    *,
    approved_cents: int,
    eligible_spent_cents: int,
    own_and_other_cents: int,
    outside_cents: int = 0,
) -> int:
    """What the applicant is due after the proof of use, by the type of financing.

    `own_and_other_cents` is all money besides the grant (own money, valued volunteer work,
    third-party funds, the project's income); `outside_cents` the part of it from outside the
    applicant (third-party funds and income).

    - fixed amount (Festbetrag): the grant stays as approved; it is only cut when the eligible
      costs actually spent are lower than the grant itself;
    - share (Anteilfinanzierung): the share of the eligible costs spent (`max_share`), at most
      the approved amount, when the guideline cuts the grant (`proof.cut_when_lower`); and
      never so much that grant, third-party funds and income together exceed the costs spent
      (no over-financing); without the cut like a fixed amount;
    - deficit (Fehlbedarf): what own money, valued volunteer work, other funding and income
      leave uncovered of the eligible costs spent, at most the approved amount (every saving
      and every extra euro of income reduces the grant)."""
    financing = financing_of(guideline)
    spent = max(0, eligible_spent_cents)
    if financing is Financing.DEFICIT:
        return max(0, min(approved_cents, spent - own_and_other_cents))
    if financing is Financing.SHARE and guideline.proof.cut_when_lower:
        share = share_of(spent, guideline.amounts.max_share)
        return max(0, min(approved_cents, share, spent - outside_cents))
    return min(approved_cents, spent)
