"""Walk applications through every path of both workflows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from fondsengine import ledger
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor, Engine
from fondsengine.errors import (
    GuardFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from fondsengine.model import Application, AuditEvent, LedgerEntry, Letter, OutboxMessage
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input, with_bank_account
from tests.support.journey import Journey
from tests.support.jury import decide_in_session, decide_on_paper


@pytest.fixture
def cast(fonds: Engine) -> dict[str, Actor]:
    return {
        "anna": person(fonds, "Anna Beispiel", "anna@example.org"),
        "bernd": person(fonds, "Bernd Händler", "bernd@example.org"),
        "office": person(fonds, "Büro mitten@witten", "buero@example.org", (QF, "manager"), (CF, "manager")),
        "juror": person(fonds, "Jana Jury", "jana@example.org", (QF, "jury_member"), (CF, "jury_member")),
        "city": person(fonds, "Stadt Witten", "stadt@example.org", (CF, "city_approver")),
    }


def state(fonds: Engine, app_id: int) -> str:
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.state


def journey(fonds: Engine, cast: dict[str, Actor], fund: str = QF, **changes: object) -> Journey:
    """Anna applies to the Quartiersfonds, Bernd to the Cityfonds; the office walks the rest."""
    actor = cast["anna"] if fund == QF else cast["bernd"]
    data = quartiersfonds_input(**changes) if fund == QF else cityfonds_input(**changes)
    return Journey(fonds, office=cast["office"], applicant=actor, fund=fund, data=data)


def reviewed(fonds: Engine, cast: dict[str, Actor], fund: str = QF, **changes: object) -> int:
    """Create, submit and formally review an application."""
    return journey(fonds, cast, fund, **changes).to("reviewed")


def on_agenda(fonds: Engine, cast: dict[str, Actor], fund: str = QF, **changes: object) -> int:
    return journey(fonds, cast, fund, **changes).to("on_agenda")


def test_a_quartiersfonds_application_goes_from_draft_to_documented_with_an_advance(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = on_agenda(fonds, cast)
    decide_on_paper(
        fonds,
        cast["office"],
        app_id,
        "approve",
        amount_cents=100_000,
        reason="Saalmiete wird von der Gemeinde getragen",
        conditions=["Logo verwenden"],
    )
    assert state(fonds, app_id) == "approved"
    with fonds.db.read() as s:
        bal = ledger.balance(s, QF, 2027)
    assert (bal.allocated, bal.committed, bal.free) == (2_000_000, 100_000, 1_900_000)

    payments.request_payment(
        fonds,
        cast["anna"],
        app_id,
        amount_cents=80_000,
        kind="advance",
        iban="DE89 3704 0044 0532 0130 00",
        account_holder="Anna Beispiel",
    )
    with pytest.raises(GuardFailed, match="höchstens noch 800,00 €"):
        payments.record_payment(fonds, cast["office"], app_id, amount_cents=80_001, kind="advance")
    payments.record_payment(fonds, cast["office"], app_id, amount_cents=80_000, kind="advance")
    assert state(fonds, app_id) == "paid"

    proofs.submit_proof(
        fonds,
        cast["anna"],
        app_id,
        report="Sechs Reparaturtreffen mit 95 Gästen.",
        participants_reached=95,
        receipts=[
            ReceiptInput(date(2026, 11, 25), "Baumarkt Witten", "Ersatzteile", "material", 60_000),
            ReceiptInput(date(2026, 11, 25), "Druckerei", "Flyer", "publicity", 30_000),
            ReceiptInput(date(2026, 11, 25), "Kiosk", "Süßigkeiten", "catering", 5_000),
        ],
        confirmed=True,
    )
    assert state(fonds, app_id) == "proof_submitted"
    with fonds.db.read() as s:
        from fondsengine.model import Receipt

        receipts = s.scalars(select(Receipt).order_by(Receipt.position)).all()
    proofs.review_receipt(fonds, cast["office"], receipts[0].id, accepted=True)
    proofs.review_receipt(fonds, cast["office"], receipts[1].id, accepted=True)
    proofs.review_receipt(fonds, cast["office"], receipts[2].id, accepted=False, reason="Nicht im Kostenplan")
    due = proofs.accept_proof(fonds, cast["office"], app_id)
    assert due == 90_000
    assert state(fonds, app_id) == "proof_accepted"
    with pytest.raises(InvalidInput, match="genau 100,00 €"):
        payments.record_payment(fonds, cast["office"], app_id, amount_cents=5_000, kind="final")
    payments.record_payment(fonds, cast["office"], app_id, amount_cents=10_000, kind="final")
    assert state(fonds, app_id) == "documented"
    with fonds.db.read() as s:
        bal = ledger.balance(s, QF, 2027)
        kinds = [
            e.kind
            for e in s.scalars(select(LedgerEntry).where(LedgerEntry.application_id == app_id).order_by(LedgerEntry.id))
        ]
        actions = [
            e.action
            for e in s.scalars(select(AuditEvent).where(AuditEvent.application_id == app_id).order_by(AuditEvent.id))
        ]
        letters = [x.kind for x in s.scalars(select(Letter).where(Letter.application_id == app_id).order_by(Letter.id))]
    assert (bal.committed, bal.paid_net, bal.free) == (90_000, 90_000, 1_910_000)
    assert kinds == ["commitment", "payment", "release", "payment"]
    assert actions[:4] == ["create_draft", "submit", "start_review", "record_review"]
    assert "jury_approve" in actions and actions[-1] == "book_payment"
    assert letters == ["receipt", "approval", "payment", "proof_result", "payment"]


def test_overpayment_after_the_proof_leads_to_a_refund_claim_and_its_settlement(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = on_agenda(fonds, cast)
    decide_on_paper(fonds, cast["office"], app_id, "approve")
    with_bank_account(fonds, cast["office"], app_id)
    payments.record_payment(fonds, cast["office"], app_id, amount_cents=96_000, kind="advance")
    proofs.submit_proof(
        fonds,
        cast["anna"],
        app_id,
        report="Bericht",
        receipts=[ReceiptInput(date(2026, 11, 25), "Baumarkt", "Material", "material", 50_000)],
        confirmed=True,
    )
    with fonds.db.read() as s:
        from fondsengine.model import Receipt

        rid = s.scalar(select(Receipt.id))
    assert rid is not None
    proofs.review_receipt(fonds, cast["office"], rid, accepted=True)
    assert proofs.accept_proof(fonds, cast["office"], app_id) == 50_000
    assert proofs.claim_refund(fonds, cast["office"], app_id, reason="Weniger ausgegeben") == 46_000
    assert state(fonds, app_id) == "refund_claimed"
    proofs.record_refund(fonds, cast["office"], app_id, amount_cents=20_000)
    assert state(fonds, app_id) == "refund_claimed"
    proofs.record_refund(fonds, cast["office"], app_id, amount_cents=26_000)
    assert state(fonds, app_id) == "documented"
    with fonds.db.read() as s:
        bal = ledger.balance(s, QF, 2027)
    assert (bal.committed, bal.paid, bal.refunded, bal.paid_net, bal.free) == (
        50_000,
        96_000,
        46_000,
        50_000,
        1_950_000,
    )


def test_changes_requested_then_resubmitted_keeps_the_previous_version(fonds: Engine, cast: dict[str, Actor]) -> None:
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    apps.submit(fonds, cast["anna"], app_id)
    decisions.start_review(fonds, cast["office"], app_id)
    with pytest.raises(InvalidInput, match="Begründung"):
        decisions.request_changes(fonds, cast["office"], app_id, "  ")
    decisions.request_changes(fonds, cast["office"], app_id, "Bitte ein Angebot für die Saalmiete beilegen.")
    assert state(fonds, app_id) == "changes_requested"
    apps.update_draft(fonds, cast["anna"], app_id, quartiersfonds_input(title="Repair-Café (mit Angebot)"))
    apps.resubmit(fonds, cast["anna"], app_id)
    assert state(fonds, app_id) == "submitted"
    from fondsengine.model import ApplicationRevision

    with fonds.db.read() as s:
        revs = s.scalars(
            select(ApplicationRevision)
            .where(ApplicationRevision.application_id == app_id)
            .order_by(ApplicationRevision.number)
        ).all()
    assert [r.snapshot["title"] for r in revs] == [
        "Repair-Café im Wiesenviertel",
        "Repair-Café (mit Angebot)",
    ]


def test_rejection_withdrawal_and_lapse_are_terminal_and_release_the_budget(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    rejected = reviewed(fonds, cast)
    decisions.decide_reject(fonds, cast["office"], rejected, "Kein Bezug zum Programmgebiet")
    withdrawn = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input(title="Zurückgezogen"))
    apps.submit(fonds, cast["anna"], withdrawn)
    apps.withdraw(fonds, cast["anna"], withdrawn)
    lapsing = on_agenda(fonds, cast, title="Verfällt")
    decide_on_paper(fonds, cast["office"], lapsing, "approve")
    with pytest.raises(GuardFailed, match="Frist zum Abruf"):
        proofs.lapse(fonds, Actor.scheduler(), lapsing)
    fonds.clock.advance(days=200)  # type: ignore[attr-defined]
    with pytest.raises(GuardFailed, match="Frist zum Abruf"):  # the project (to 30 Sep 2027) is still running
        proofs.lapse(fonds, Actor.scheduler(), lapsing)
    fonds.clock.advance(days=171)  # type: ignore[attr-defined]
    proofs.lapse(fonds, Actor.scheduler(), lapsing)
    assert [state(fonds, i) for i in (rejected, withdrawn, lapsing)] == [
        "rejected",
        "withdrawn",
        "lapsed",
    ]
    with fonds.db.read() as s:
        bal = ledger.balance(s, QF, 2027)
    assert (bal.committed, bal.free) == (0, 2_000_000)
    with pytest.raises(TransitionNotAllowed):
        apps.withdraw(fonds, cast["anna"], rejected)


def test_two_step_cityfonds_needs_the_citys_grant_after_the_jury_recommendation(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = on_agenda(fonds, cast, CF)
    decide_in_session(fonds, cast["juror"], app_id, "recommend")
    assert state(fonds, app_id) == "recommended"
    with fonds.db.read() as s:
        assert ledger.balance(s, CF, 2027).committed == 0
    with pytest.raises(PermissionDenied):
        decisions.record_city_grant(
            fonds,
            cast["juror"],
            app_id,
            granted_on=date(2027, 3, 20),
            grant_file_number="61-2027-7",
        )
    decisions.record_city_grant(
        fonds, cast["city"], app_id, granted_on=date(2027, 3, 20), grant_file_number="61-2027-7"
    )
    assert state(fonds, app_id) == "approved"
    with fonds.db.read() as s:
        assert ledger.balance(s, CF, 2027).committed == 200_000
    with pytest.raises(GuardFailed, match="Erstattungsprinzip"):
        payments.record_payment(fonds, cast["office"], app_id, amount_cents=10_000, kind="advance")


def test_roles_are_checked_and_strangers_do_not_learn_that_an_application_exists(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    with pytest.raises(NotFound):
        apps.submit(fonds, cast["bernd"], app_id)
    apps.submit(fonds, cast["anna"], app_id)
    with pytest.raises(PermissionDenied):
        decisions.start_review(fonds, cast["anna"], app_id)
    with pytest.raises(NotFound):  # a jury member sees only what is on an agenda they sit on
        decisions.start_review(fonds, cast["juror"], app_id)


def test_a_blocking_finding_refuses_submission_and_changes_nothing(fonds: Engine, cast: dict[str, Actor]) -> None:
    app_id = apps.create_draft(
        fonds,
        cast["anna"],
        QF,
        quartiersfonds_input(
            requested_cents=400_000,
            cost_items=(apps.CostItemInput("material", "Sehr viel Material", 400_000),),
        ),
    )
    with pytest.raises(GuardFailed) as err:
        apps.submit(fonds, cast["anna"], app_id)
    assert "3.000,00 €" in str(err.value)
    assert state(fonds, app_id) == "draft"
    with fonds.db.read() as s:
        assert s.get(Application, app_id).file_number is None  # type: ignore[union-attr]
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_engine_offers_exactly_the_steps_that_are_possible_now(fonds: Engine, cast: dict[str, Actor]) -> None:
    from fondsengine.applications.queries import available_actions

    def offered(actor: Actor, app_id: int) -> dict[str, bool]:
        return {a.trigger: a.enabled for a in available_actions(fonds, actor, app_id)}

    qf = on_agenda(fonds, cast)
    assert offered(cast["anna"], qf) == {"withdraw": True}
    assert offered(cast["office"], qf)["jury_approve"] is True
    decide_on_paper(fonds, cast["office"], qf, "approve")
    office_steps = offered(cast["office"], qf)
    assert office_steps["record_payment"] is True  # an advance is possible (Quartiersfonds)
    assert office_steps["lapse"] is False  # the period to call the grant is still running
    assert "submit_proof" in offered(cast["anna"], qf) and "record_payment" not in offered(cast["anna"], qf)

    cf = on_agenda(fonds, cast, CF)
    decide_on_paper(fonds, cast["office"], cf, "recommend")
    decisions.record_city_grant(fonds, cast["city"], cf, granted_on=date(2027, 3, 20), grant_file_number="61-1")
    steps = {a.trigger: a for a in available_actions(fonds, cast["office"], cf)}
    assert steps["record_payment"].enabled is False
    assert "Erstattungsprinzip" in " ".join(steps["record_payment"].reasons)


def test_the_engine_says_how_much_the_applicant_may_call_now_and_why_not(fonds: Engine, cast: dict[str, Actor]) -> None:
    from fondsengine.payments.service import payment_allowance

    qf = on_agenda(fonds, cast)
    assert payment_allowance(fonds, cast["anna"], qf).reason == (
        "Eine Auszahlung kann erst nach der Bewilligung angefordert werden."
    )
    decide_on_paper(fonds, cast["office"], qf, "approve")
    allowance = payment_allowance(fonds, cast["anna"], qf)
    assert (allowance.payable_cents, allowance.label, allowance.reason) == (96_000, "Abschlag", None)
    payments.request_payment(fonds, cast["anna"], qf, amount_cents=50_000, kind="advance",
                             iban="DE89370400440532013000", account_holder="Anna Beispiel")  # fmt: skip
    assert payment_allowance(fonds, cast["anna"], qf).reason == "Es gibt bereits eine offene Auszahlungsanforderung."

    cf = on_agenda(fonds, cast, CF)
    decide_on_paper(fonds, cast["office"], cf, "recommend")
    decisions.record_city_grant(fonds, cast["city"], cf, granted_on=date(2027, 3, 20), grant_file_number="61-2")
    reason = payment_allowance(fonds, cast["bernd"], cf).reason
    assert reason is not None and "Erstattungsprinzip" in reason
    with pytest.raises(NotFound):
        payment_allowance(fonds, cast["bernd"], qf)
