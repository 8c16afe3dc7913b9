"""The guard functions behind the names in workflows/*.yaml (see workflow/names.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from fractions import Fraction
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.guidelines.findings import Finding
from fondsengine.guidelines.model import DecidedBy, Guideline, PaymentMode
from fondsengine.guidelines.rules import check
from fondsengine.model import AgendaItem, Application, Payment, Refund, ReviewItem
from fondsengine.money import format_euro, share_of
from fondsengine.services.views import application_data, check_context
from fondsengine.workflow.machine import GuardResult


class GuardContext:
    """What the guards of one step look at; facts are computed lazily and at most once."""

    def __init__(
        self,
        session: Session,
        app: Application,
        guideline: Guideline,
        now: datetime,
        *,
        amount_cents: int | None = None,
        payment_kind: str | None = None,
        probe: bool = False,
    ) -> None:
        self.session = session
        self.app = app
        self.guideline = guideline
        self.now = now
        self.amount_cents = amount_cents  # amount under decision / payment / refund
        self.payment_kind = payment_kind
        self.probe = probe  # asked which actions to offer (no amount known yet), not firing a step

    @cached_property
    def year_balance(self) -> ledger.Balance:
        """Balance of the application's budget year."""
        return ledger.balance(self.session, self.app.fund_id, self.app.budget_year)

    @cached_property
    def app_balance(self) -> ledger.Balance:
        """Bookings of this application."""
        return ledger.application_balance(self.session, self.app.id)

    @cached_property
    def findings(self) -> list[Finding]:
        """Eligibility findings under the application's guideline."""
        # Timing rules are judged as of the day of submission, not the day of the decision.
        today = local_date(self.app.submitted_at or self.now)
        ctx = check_context(self.session, self.app, now_date=today, budget_free=self.year_balance.free)
        return check(application_data(self.app), self.guideline, ctx)

    @property
    def decision_amount(self) -> int:
        """The amount being decided on (explicit, else approved, else requested)."""
        if self.amount_cents is not None:
            return self.amount_cents
        return self.app.approved_cents or self.app.requested_cents


Guard = Callable[[GuardContext], GuardResult]


def _ok() -> GuardResult:
    return GuardResult(ok=True)


def no_blocking_findings(c: GuardContext) -> GuardResult:
    """The guideline's blocking checks all pass."""
    blocking = [f for f in c.findings if f.blocking]
    if not blocking:
        return _ok()
    return GuardResult(False, "; ".join(f.message for f in blocking), blocking[0].clause)


def review_complete(c: GuardContext) -> GuardResult:
    """Every checklist item of the formal review has an answer."""
    answered = set(c.session.scalars(select(ReviewItem.item_id).where(ReviewItem.application_id == c.app.id)))
    missing = [i.label for i in c.guideline.review_checklist if i.id not in answered]
    if not missing:
        return _ok()
    return GuardResult(False, "Noch nicht geprüft: " + ", ".join(missing) + ".")


def review_passed(c: GuardContext) -> GuardResult:
    """No checklist item is 'not fulfilled'."""
    failed = set(
        c.session.scalars(
            select(ReviewItem.item_id).where(
                ReviewItem.application_id == c.app.id, ReviewItem.result == "not_fulfilled"
            )
        )
    )
    if not failed:
        return _ok()
    labels = [i.label for i in c.guideline.review_checklist if i.id in failed]
    return GuardResult(False, "Nicht erfüllt: " + ", ".join(labels or sorted(failed)) + ".")


def within_management_tier(c: GuardContext) -> GuardResult:
    """The amount lies in the tier the Geschäftsführung decides alone."""
    tier = c.guideline.decision.tier_for(c.decision_amount)
    if tier.decided_by is DecidedBy.MANAGEMENT:
        return _ok()
    return GuardResult(
        False,
        f"Über {format_euro(c.decision_amount)} entscheidet nicht die Geschäftsführung allein.",
        tier.clause or c.guideline.decision.clause,
    )


def needs_jury(c: GuardContext) -> GuardResult:
    """The amount is decided by the jury."""
    tier = c.guideline.decision.tier_for(c.decision_amount)
    if tier.decided_by is DecidedBy.JURY:
        return _ok()
    if tier.decided_by is DecidedBy.MANAGEMENT:
        return GuardResult(False, "Über diesen Betrag entscheidet die Geschäftsführung.", tier.clause)
    return GuardResult(False, f"Über diesen Betrag entscheidet {tier.body or 'ein anderes Gremium'}.", tier.clause)


def on_jury_session(c: GuardContext) -> GuardResult:
    """The application is on an open agenda item."""
    item = c.session.scalar(
        select(AgendaItem.id).where(AgendaItem.application_id == c.app.id, AgendaItem.status == "open")
    )
    if item is not None:
        return _ok()
    return GuardResult(False, "Der Antrag steht auf keiner offenen Tagesordnung.")


def budget_available(c: GuardContext) -> GuardResult:
    """The free budget of the year covers the amount (the booking re-checks under lock)."""
    free = c.year_balance.free
    if c.decision_amount <= free:
        return _ok()
    return GuardResult(
        False,
        f"Das freie Budget {c.app.budget_year} reicht nicht: frei sind {format_euro(free)}, "
        f"benötigt werden {format_euro(c.decision_amount)}.",
        c.guideline.budget.clause,
    )


def payable_now(c: GuardContext) -> tuple[int, str, GuardResult | None]:
    """(the most that may be paid out now, its label, a refusal when the guideline allows nothing now)."""
    rules = c.guideline.payment
    paid = c.app_balance.paid_net
    if c.app.settled_cents is not None:
        return c.app.settled_cents - paid, "Schlusszahlung", None
    approved = c.app.approved_cents or 0
    if PaymentMode.ADVANCE in rules.modes:
        return share_of(approved, rules.advance_max_share) - paid, "Abschlag", None
    if PaymentMode.INSTALMENTS in rules.modes and rules.instalments > 1:
        limit = share_of(approved, Fraction(rules.instalments - 1, rules.instalments))
        return limit - paid, "Raten vor dem Verwendungsnachweis", None
    refusal = GuardResult(
        False,
        "Nach der Förderrichtlinie wird erst nach Prüfung des Verwendungsnachweises ausgezahlt (Erstattungsprinzip).",
        rules.clause,
    )
    return 0, "", refusal


def payment_mode_allowed(c: GuardContext) -> GuardResult:
    """The payment fits the guideline's payment modes and never exceeds what is due.

    Without an amount (probing which actions to offer) it passes when anything is payable now."""
    room, label, refusal = payable_now(c)
    if refusal is not None:
        return refusal
    clause = c.guideline.proof.clause if c.app.settled_cents is not None else c.guideline.payment.clause
    if c.amount_cents is None and c.probe:
        if room > 0:
            return _ok()
        return GuardResult(False, "Zurzeit ist nichts zur Auszahlung offen.", clause)
    amount = c.amount_cents or 0
    if amount <= 0:
        return GuardResult(False, "Der Auszahlungsbetrag muss größer als 0,00 € sein.")
    if amount > room:
        return GuardResult(
            False,
            f"{label}: höchstens noch {format_euro(max(room, 0))} auszahlbar, beantragt {format_euro(amount)}.",
            clause,
        )
    return _ok()


def fully_paid(c: GuardContext) -> GuardResult:
    """Everything due has been paid."""
    due = c.app.settled_cents if c.app.settled_cents is not None else (c.app.approved_cents or 0)
    if c.app_balance.paid_net >= due:
        return _ok()
    return GuardResult(False, f"Es sind noch {format_euro(due - c.app_balance.paid_net)} auszuzahlen.")


def overpaid(c: GuardContext) -> GuardResult:
    """More was paid out than is due."""
    paid = c.app_balance.paid_net
    if c.app.settled_cents is not None:
        if paid > c.app.settled_cents:
            return _ok()
        return GuardResult(False, "Es wurde nicht mehr ausgezahlt als zusteht; nichts zurückzufordern.")
    if c.amount_cents is not None and 0 < c.amount_cents <= paid:
        return _ok()
    if c.amount_cents is None and c.probe and paid > 0:
        return _ok()
    return GuardResult(
        False,
        f"Zurückgefordert werden kann höchstens der ausgezahlte Betrag ({format_euro(paid)}).",
    )


def settled(c: GuardContext) -> GuardResult:
    """Paid and due amounts are equal."""
    if c.app.settled_cents is not None and c.app_balance.paid_net == c.app.settled_cents:
        return _ok()
    return GuardResult(False, "Ausgezahlter und zustehender Betrag stimmen noch nicht überein.")


def refund_received(c: GuardContext) -> GuardResult:
    """All refund claims have been paid back in full."""
    open_claims = c.session.scalars(
        select(Refund).where(Refund.application_id == c.app.id, Refund.received_cents < Refund.claimed_cents)
    ).all()
    if not open_claims:
        return _ok()
    if c.probe:
        return _ok()  # offered while something is still open: the form records (part) payments back
    missing = sum(r.claimed_cents - r.received_cents for r in open_claims)
    return GuardResult(False, f"Es fehlen noch {format_euro(missing)} der Rückforderung.")


def lapse_due(c: GuardContext) -> GuardResult:
    """The period to call the grant is over and no payment request is open (a request stops the lapse)."""
    clause = c.guideline.payment.lapse_clause
    if c.app.lapse_due_on is None or local_date(c.now) <= c.app.lapse_due_on:
        return GuardResult(False, "Die Frist zum Abruf der Förderung läuft noch.", clause)
    open_request = c.session.scalar(
        select(Payment.id).where(Payment.application_id == c.app.id, Payment.status.in_(("requested", "ordered")))
    )
    if open_request is not None:
        return GuardResult(False, "Eine Auszahlung ist angefordert; die Bewilligung erlischt nicht.", clause)
    return _ok()


def nothing_paid(c: GuardContext) -> GuardResult:
    """No payment has been made."""
    if c.app_balance.paid == 0:
        return _ok()
    return GuardResult(False, "Es wurde bereits ausgezahlt.")


GUARD_FUNCTIONS: dict[str, Guard] = {
    "no_blocking_findings": no_blocking_findings,
    "review_complete": review_complete,
    "review_passed": review_passed,
    "within_management_tier": within_management_tier,
    "needs_jury": needs_jury,
    "on_jury_session": on_jury_session,
    "budget_available": budget_available,
    "payment_mode_allowed": payment_mode_allowed,
    "fully_paid": fully_paid,
    "overpaid": overpaid,
    "settled": settled,
    "refund_received": refund_received,
    "lapse_due": lapse_due,
    "nothing_paid": nothing_paid,
}
