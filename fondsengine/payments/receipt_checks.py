"""Checks of the receipts of a proof of use against the approved plan and the guideline (pure).

For each receipt the office sees the engine's findings, each with the clause behind it, before
it accepts: a cost category the guideline does not know, or does not fund; a category not in the
approved cost plan; a date in the future, before the approval (unless the guideline allows
receipts from before it) or outside the project period; per-category caps (an amount cap, a cap
as a share of the eligible costs such as catering); fees paid to the applicant themselves or to members of their group.
A blocking finding comes with the amount the guideline would recognise (often 0 €), so the
office can accept the receipt in part (with a reason) or reject it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from fondsengine.guidelines.model import Guideline
from fondsengine.money import format_euro, share_of
from fondsengine.text import format_date

BLOCK = "block"
WARN = "warn"


@dataclass(frozen=True)
class ReceiptLine:
    """One receipt as the checks see it."""

    position: int
    paid_on: date
    payee: str
    category: str
    amount_cents: int


@dataclass(frozen=True)
class ReceiptFinding:
    """One finding about one receipt (German message, with the clause)."""

    position: int
    severity: str  # "block" (not recognisable as it stands) or "warn" (look closer)
    code: str
    message: str
    clause: str | None
    recognisable_cents: int | None = None  # what the guideline would recognise of the receipt (block only)


def _day(d: date) -> str:
    return format_date(d)


def _percent(share: Fraction) -> str:
    value = share * 100
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}".rstrip("0").replace(".", ",")


def _same_person(payee: str, names: Sequence[str]) -> bool:
    p = " ".join(payee.casefold().split())
    return any(n and " ".join(n.casefold().split()) == p for n in names)


def check_receipts(
    guideline: Guideline,
    receipts: Sequence[ReceiptLine],
    *,
    plan_categories: set[str],
    project_start: date | None,
    project_end: date | None,
    approved_on: date | None,
    today: date,
    applicant_names: Sequence[str] = (),
    group_members: Sequence[str] = (),
) -> list[ReceiptFinding]:
    """All findings about the receipts, by position (a receipt without findings has none)."""
    out: list[ReceiptFinding] = []
    costs = guideline.costs
    early_ok = guideline.proof.receipts_before_approval
    eligible_total = 0
    for r in receipts:
        cat = costs.category(r.category)
        if cat is not None and cat.eligible:
            eligible_total += r.amount_cents

    def add(r: ReceiptLine, severity: str, code: str, message: str, clause: str | None, rec: int | None = None) -> None:
        out.append(ReceiptFinding(r.position, severity, code, message, clause, rec if severity == BLOCK else None))

    for r in receipts:
        cat = costs.category(r.category)
        if cat is None:
            add(r, BLOCK, "category_unknown", f"Die Kostenart „{r.category}“ kennt die Förderrichtlinie nicht.",
                costs.clause, 0)  # fmt: skip
            continue
        if not cat.eligible:
            add(r, BLOCK, "category_not_eligible", f"{cat.label} sind nach der Förderrichtlinie nicht förderfähig.",
                cat.clause or costs.clause, 0)  # fmt: skip
            continue
        if r.category not in plan_categories:
            add(r, WARN, "category_not_planned", f"{cat.label} stehen nicht im bewilligten Kostenplan.", costs.clause)
        if r.paid_on > today:
            add(r, BLOCK, "date_in_future", f"Das Belegdatum {_day(r.paid_on)} liegt in der Zukunft.",
                guideline.proof.clause, 0)  # fmt: skip
        elif approved_on is not None and r.paid_on < approved_on and not early_ok:
            add(r, BLOCK, "before_approval",
                f"Der Beleg vom {_day(r.paid_on)} ist älter als die Bewilligung ({_day(approved_on)}); "
                "Ausgaben vor der Bewilligung sind nicht förderfähig.", guideline.proof.clause, 0)  # fmt: skip
        elif project_start is not None and r.paid_on < project_start:
            add(r, WARN, "before_project", f"Der Beleg vom {_day(r.paid_on)} liegt vor dem Projektbeginn "
                f"({_day(project_start)}).", guideline.proof.clause)  # fmt: skip
        elif project_end is not None and r.paid_on > project_end:
            add(r, WARN, "after_project", f"Der Beleg vom {_day(r.paid_on)} liegt nach dem Projektende "
                f"({_day(project_end)}).", guideline.proof.clause)  # fmt: skip
        if cat.not_for_applicant and _same_person(r.payee, applicant_names):
            add(r, BLOCK, "own_fee", f"{cat.label} an die Antragstellerin / den Antragsteller selbst "
                f"({r.payee}) sind nicht förderfähig.", cat.clause or costs.clause, 0)  # fmt: skip
        elif cat.not_for_group_members and _same_person(r.payee, group_members):
            add(r, BLOCK, "group_fee", f"{cat.label} an ein Mitglied der Gruppe oder Organisation der "
                f"Antragstellenden ({r.payee}) sind nicht förderfähig.", cat.clause or costs.clause, 0)  # fmt: skip

    # per-category caps, in the order of the receipts: the receipt that crosses a cap gets the finding
    used: dict[str, int] = defaultdict(int)
    blocked = {f.position for f in out if f.severity == BLOCK}
    for r in receipts:
        cat = costs.category(r.category)
        if cat is None or not cat.eligible or r.position in blocked:
            continue
        caps: list[tuple[int, str]] = []
        if cat.max_cents is not None:
            caps.append((cat.max_cents, f"höchstens {format_euro(cat.max_cents)}"))
        if cat.max_share is not None:
            limit = share_of(eligible_total, cat.max_share)
            caps.append((limit, f"höchstens {_percent(cat.max_share)} % der förderfähigen Kosten "
                         f"({format_euro(limit)})"))  # fmt: skip
        before = used[r.category]
        used[r.category] += r.amount_cents
        crossed = [(limit, text) for limit, text in caps if used[r.category] > limit]
        if crossed:
            limit, text = min(crossed)  # the tightest cap binds
            room = max(limit - before, 0)
            add(r, BLOCK, "category_cap", f"Für {cat.label} sind {text} förderfähig; anerkennbar sind von "
                f"diesem Beleg {format_euro(room)}.", cat.clause or costs.clause, room)  # fmt: skip
    return sorted(out, key=lambda f: (f.position, f.severity != BLOCK))


def recognisable(findings: Sequence[ReceiptFinding], position: int, amount_cents: int) -> int:
    """What the guideline would recognise of one receipt after its findings."""
    limits = [f.recognisable_cents for f in findings if f.position == position and f.recognisable_cents is not None]
    return min([amount_cents, *limits])
