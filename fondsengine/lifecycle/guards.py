"""The guard functions behind the names in workflows/*.yaml, registered in GUARDS (workflow/registry.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.guidelines.findings import Finding
from fondsengine.guidelines.model import DecidedBy, DecisionTier, Guideline, PaymentMode
from fondsengine.guidelines.rules import check
from fondsengine.lifecycle.views import application_data, check_context, pending_states
from fondsengine.model import AgendaItem, Application, Payment, ProofOfUse, Receipt, Refund, ReviewItem
from fondsengine.model.money import OPEN_PAYMENT
from fondsengine.money import format_euro, share_of
from fondsengine.workflow.registry import GUARDS, GuardResult

if TYPE_CHECKING:  # the catalog loads workflows, whose loader checks names against GUARDS
    from fondsengine.funds.catalog import Catalog


@dataclass(frozen=True)
class Known:
    """Facts of a step its use case has already read (the step reads them no second time)."""

    proof: ProofOfUse | None = None  # the latest proof of use, with
    receipts: list[Receipt] | None = None  # its receipts (any order)
    app_balance: ledger.Balance | None = None  # the application's bookings before the step
    # or: those bookings with the budget year of the first commitment (`ledger.application_bookings`)
    bookings: tuple[ledger.Balance, int | None] | None = None


class GuardContext:
    """What the guards and then the effects of one step look at (the step's facts): each fact is read
    lazily and at most once per step; a booking of the step is added to the balances already read
    (`booked`), so the letters see the figures after it without reading them again."""

    def __init__(
        self,
        session: Session,
        app: Application,
        guideline: Guideline,
        now: datetime,
        *,
        amount_cents: int | None = None,
        payment_kind: str | None = None,
        catalog: Catalog | None = None,
        known: Known | None = None,
    ) -> None:
        self.session = session
        self.app = app
        self.guideline = guideline
        self.now = now
        self.amount_cents = amount_cents  # amount under decision / payment / refund
        self.payment_kind = payment_kind
        self.catalog = catalog  # needed by the guards that look at other applications (findings)
        self._step_bookings: list[tuple[str, int, int]] = []  # (kind, cents, budget year) booked in this step
        if known is not None:  # seed the lazy facts
            if known.proof is not None:
                self.__dict__["proof"] = known.proof
                if known.receipts is not None:
                    self.__dict__["receipts"] = sorted(known.receipts, key=lambda r: r.position)
            if known.app_balance is not None:
                self.__dict__["app_balance"] = known.app_balance
            if known.bookings is not None:
                self.__dict__["app_balance"], self.__dict__["_first_commitment"] = known.bookings

    def given(self, name: str) -> bool:
        """Whether the step's input `name` is known (guards that need it are offered otherwise)."""
        if name == "amount":
            return self.amount_cents is not None
        raise KeyError(name)

    @cached_property
    def year_balance(self) -> ledger.Balance:
        """Balance of the application's budget year."""
        return ledger.balance(self.session, self.app.fund_id, self.app.budget_year)

    @cached_property
    def app_balance(self) -> ledger.Balance:
        """Bookings of this application, with those of this step (`booked`)."""
        balance, year = ledger.application_bookings(self.session, self.app.id)
        self.__dict__.setdefault("_first_commitment", year)
        for kind, amount, _year in self._step_bookings:
            balance = ledger.with_booking(balance, kind, amount)
        return balance

    @property
    def commitment_year(self) -> int:
        """The budget year the application's (first) commitment is booked in, a release goes back there;
        the application's budget year when nothing is committed (read with `app_balance`)."""
        if "_first_commitment" not in self.__dict__:
            self.__dict__["_first_commitment"] = ledger.application_bookings(self.session, self.app.id)[1]
        year: int | None = self.__dict__["_first_commitment"]
        if year is None:  # a commitment of this very step, else none at all
            year = next((y for kind, _a, y in self._step_bookings if kind == "commitment"), self.app.budget_year)
        return year

    def booked(self, kind: str, amount_cents: int, year: int) -> None:
        """A booking of this step (its entry is written at the step's end): added to the application's
        balance; the year's balance is read again when asked (its totals changed under the lock)."""
        self._step_bookings.append((kind, amount_cents, year))
        if "app_balance" in self.__dict__:
            self.__dict__["app_balance"] = ledger.with_booking(self.__dict__["app_balance"], kind, amount_cents)
        self.__dict__.pop("year_balance", None)

    @cached_property
    def proof(self) -> ProofOfUse | None:
        """The application's latest proof of use."""
        return self.session.scalar(
            select(ProofOfUse).where(ProofOfUse.application_id == self.app.id).order_by(ProofOfUse.id.desc()).limit(1)
        )

    @cached_property
    def receipts(self) -> list[Receipt]:
        """The receipts of the latest proof of use, by position."""
        if self.proof is None:
            return []
        return list(
            self.session.scalars(select(Receipt).where(Receipt.proof_id == self.proof.id).order_by(Receipt.position))
        )

    @cached_property
    def review_items(self) -> list[tuple[str, str, str]]:
        """(checklist item, result, note) of every answered review item, in the order recorded."""
        rows = self.session.execute(
            select(ReviewItem.item_id, ReviewItem.result, ReviewItem.note)
            .where(ReviewItem.application_id == self.app.id)
            .order_by(ReviewItem.id)
        )
        return [(str(i), str(r), str(n or "")) for i, r, n in rows]

    @cached_property
    def findings(self) -> list[Finding]:
        """Eligibility findings under the application's guideline."""
        # Timing rules are judged as of the day of submission, not the day of the decision.
        today = local_date(self.app.submitted_at or self.now)
        assert self.catalog is not None, "findings need the catalog (pending applications)"
        ctx = check_context(
            self.session,
            self.app,
            now_date=today,
            budget_free=self.year_balance.free,
            pending_states=pending_states(self.catalog, self.session),
        )
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


@GUARDS.register("Die Förderrichtlinie ist eingehalten (keine blockierenden Prüfergebnisse).")
def no_blocking_findings(c: GuardContext) -> GuardResult:
    """The guideline's blocking checks all pass."""
    blocking = [f for f in c.findings if f.blocking]
    if not blocking:
        return _ok()
    return GuardResult(False, "; ".join(f.message for f in blocking), blocking[0].clause)


@GUARDS.register("Alle Punkte der formalen Prüfung sind bewertet.")
def review_complete(c: GuardContext) -> GuardResult:
    """Every checklist item of the formal review has an answer."""
    answered = {item for item, _result, _note in c.review_items}
    missing = [i.label for i in c.guideline.review_checklist if i.id not in answered]
    if not missing:
        return _ok()
    return GuardResult(False, "Noch nicht geprüft: " + ", ".join(missing) + ".")


@GUARDS.register("Kein Punkt der formalen Prüfung ist „nicht erfüllt“.")
def review_passed(c: GuardContext) -> GuardResult:
    """No checklist item is 'not fulfilled'."""
    failed = {item for item, result, _note in c.review_items if result == "not_fulfilled"}
    if not failed:
        return _ok()
    labels = [i.label for i in c.guideline.review_checklist if i.id in failed]
    return GuardResult(False, "Nicht erfüllt: " + ", ".join(labels or sorted(failed)) + ".")


@GUARDS.register("Der Betrag liegt in der Entscheidungsbefugnis der Geschäftsführung.")
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


@GUARDS.register("Über den Betrag entscheidet die Jury.")
def needs_jury(c: GuardContext) -> GuardResult:
    """The amount is decided by the jury."""
    tier = c.guideline.decision.tier_for(c.decision_amount)
    if tier.decided_by is DecidedBy.JURY:
        return _ok()
    return _not_the_jury(tier)


def _not_the_jury(tier: DecisionTier) -> GuardResult:
    if tier.decided_by is DecidedBy.MANAGEMENT:
        return GuardResult(False, "Über diesen Betrag entscheidet die Geschäftsführung.", tier.clause)
    return GuardResult(False, f"Über diesen Betrag entscheidet {tier.body or 'ein anderes Gremium'}.", tier.clause)


@GUARDS.register("Die Jury entscheidet über den beantragten Betrag abschließend (keine Empfehlung).")
def jury_grants(c: GuardContext) -> GuardResult:
    """The jury decides the requested amount itself; no granting body follows."""
    decision = c.guideline.decision
    tier = decision.tier_for(c.app.requested_cents)
    if tier.decided_by is DecidedBy.JURY and not tier.two_step:
        return _ok()
    if tier.decided_by is DecidedBy.JURY:
        return GuardResult(
            False,
            f"Über {format_euro(c.app.requested_cents)} empfiehlt die Jury nur; bewilligt wird von "
            f"{decision.granting_body}.",
            tier.clause or decision.clause,
        )
    return _not_the_jury(tier)


@GUARDS.register("Die Jury empfiehlt den beantragten Betrag nur; bewilligt wird vom bewilligenden Gremium.")
def jury_recommends(c: GuardContext) -> GuardResult:
    """The jury only recommends the requested amount; the granting body grants it."""
    decision = c.guideline.decision
    tier = decision.tier_for(c.app.requested_cents)
    if tier.decided_by is DecidedBy.JURY and tier.two_step:
        return _ok()
    if tier.decided_by is DecidedBy.JURY:
        return GuardResult(
            False,
            f"Über {format_euro(c.app.requested_cents)} entscheidet die Jury selbst; "
            "eine Empfehlung ist nicht vorgesehen.",
            tier.clause or decision.clause,
        )
    return _not_the_jury(tier)


@GUARDS.register("Über den Betrag entscheidet ein anderes Gremium (z. B. Bezirksvertretung, Stadt).")
def needs_outside_body(c: GuardContext) -> GuardResult:
    """The amount is decided by an outside body (district council, city), not the office or the jury."""
    tier = c.guideline.decision.tier_for(c.decision_amount)
    if tier.decided_by is DecidedBy.EXTERNAL:
        return _ok()
    who = "die Geschäftsführung" if tier.decided_by is DecidedBy.MANAGEMENT else "die Jury"
    return GuardResult(False, f"Über diesen Betrag entscheidet {who}.", tier.clause)


@GUARDS.register("Der Antrag steht auf der Tagesordnung einer Jurysitzung.")
def on_jury_session(c: GuardContext) -> GuardResult:
    """The application is on an open agenda item."""
    item = c.session.scalar(
        select(AgendaItem.id).where(AgendaItem.application_id == c.app.id, AgendaItem.status == "open")
    )
    if item is not None:
        return _ok()
    return GuardResult(False, "Der Antrag steht auf keiner offenen Tagesordnung.")


@GUARDS.register("Das freie Budget des Haushaltsjahres reicht aus.")
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


def _payment_clause(c: GuardContext) -> str | None:
    return c.guideline.proof.clause if c.app.settled_cents is not None else c.guideline.payment.clause


def _payment_offer(c: GuardContext) -> GuardResult:
    """Offered (no amount yet) when anything is payable now."""
    room, _label, refusal = payable_now(c)
    if refusal is not None:
        return refusal
    if room > 0:
        return _ok()
    return GuardResult(False, "Zurzeit ist nichts zur Auszahlung offen.", _payment_clause(c))


@GUARDS.register("Die Auszahlung ist nach der Förderrichtlinie zulässig.", needs=("amount",), offer=_payment_offer)
def payment_mode_allowed(c: GuardContext) -> GuardResult:
    """The payment fits the guideline's payment modes and never exceeds what is due."""
    room, label, refusal = payable_now(c)
    if refusal is not None:
        return refusal
    clause = _payment_clause(c)
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


@GUARDS.register("Der zustehende Betrag ist vollständig ausgezahlt.")
def fully_paid(c: GuardContext) -> GuardResult:
    """Everything due has been paid."""
    due = c.app.settled_cents if c.app.settled_cents is not None else (c.app.approved_cents or 0)
    if c.app_balance.paid_net >= due:
        return _ok()
    return GuardResult(False, f"Es sind noch {format_euro(due - c.app_balance.paid_net)} auszuzahlen.")


def _overpaid_after_proof(c: GuardContext) -> GuardResult:
    if c.app_balance.paid_net > (c.app.settled_cents or 0):
        return _ok()
    return GuardResult(False, "Es wurde nicht mehr ausgezahlt als zusteht; nichts zurückzufordern.")


def _overpaid_offer(c: GuardContext) -> GuardResult:
    """Offered (no amount yet) when something was paid out that could be claimed back."""
    if c.app.settled_cents is not None:
        return _overpaid_after_proof(c)
    return overpaid(c) if c.app_balance.paid_net <= 0 else _ok()


@GUARDS.register("Es wurde mehr ausgezahlt als zusteht.", needs=("amount",), offer=_overpaid_offer)
def overpaid(c: GuardContext) -> GuardResult:
    """More was paid out than is due (after the proof), or the claimed amount was paid out (before)."""
    paid = c.app_balance.paid_net
    if c.app.settled_cents is not None:
        return _overpaid_after_proof(c)
    if c.amount_cents is not None and 0 < c.amount_cents <= paid:
        return _ok()
    return GuardResult(
        False,
        f"Zurückgefordert werden kann höchstens der ausgezahlte Betrag ({format_euro(paid)}).",
    )


@GUARDS.register("Ausgezahlter und zustehender Betrag stimmen überein.")
def settled(c: GuardContext) -> GuardResult:
    """Paid and due amounts are equal."""
    if c.app.settled_cents is not None and c.app_balance.paid_net == c.app.settled_cents:
        return _ok()
    return GuardResult(False, "Ausgezahlter und zustehender Betrag stimmen noch nicht überein.")


def _refund_offer(_c: GuardContext) -> GuardResult:
    """Offered while a claim is open: the form records (part) payments back."""
    return _ok()


@GUARDS.register("Die Rückforderung ist vollständig eingegangen.", needs=("amount",), offer=_refund_offer)
def refund_received(c: GuardContext) -> GuardResult:
    """All refund claims have been paid back in full."""
    open_claims = c.session.scalars(
        select(Refund).where(Refund.application_id == c.app.id, Refund.received_cents < Refund.claimed_cents)
    ).all()
    if not open_claims:
        return _ok()
    missing = sum(r.claimed_cents - r.received_cents for r in open_claims)
    return GuardResult(False, f"Es fehlen noch {format_euro(missing)} der Rückforderung.")


@GUARDS.register("Von der Rückforderung ist noch ein Betrag offen.")
def refund_open(c: GuardContext) -> GuardResult:
    """Some refund claim is not yet paid back in full (a part refund keeps the application waiting)."""
    still_open = c.session.scalar(
        select(Refund.id).where(Refund.application_id == c.app.id, Refund.received_cents < Refund.claimed_cents)
    )
    if still_open is not None:
        return _ok()
    return GuardResult(False, "Es gibt keine offene Rückforderung.")


@GUARDS.register("Die Frist zum Abruf der Förderung ist abgelaufen und nichts wurde ausgezahlt.")
def lapse_due(c: GuardContext) -> GuardResult:
    """The period to call the grant is over and no payment request is open (a request stops the lapse)."""
    clause = c.guideline.payment.lapse_clause
    if c.app.lapse_due_on is None or local_date(c.now) <= c.app.lapse_due_on:
        return GuardResult(False, "Die Frist zum Abruf der Förderung läuft noch.", clause)
    open_request = c.session.scalar(
        select(Payment.id).where(Payment.application_id == c.app.id, Payment.status.in_(OPEN_PAYMENT))
    )
    if open_request is not None:
        return GuardResult(False, "Eine Auszahlung ist angefordert; die Bewilligung erlischt nicht.", clause)
    return _ok()


@GUARDS.register("Bisher wurde nichts ausgezahlt.")
def nothing_paid(c: GuardContext) -> GuardResult:
    """No payment has been made."""
    if c.app_balance.paid == 0:
        return _ok()
    return GuardResult(False, "Es wurde bereits ausgezahlt.")
