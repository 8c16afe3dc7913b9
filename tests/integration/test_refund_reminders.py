"""A refund claim not paid by its due date: the applicant is reminded by mail (a day and two weeks after
the due date, each once), with the open amount and the fund's account; the office's to-do list marks it
overdue; a refund paid in full is never reminded again."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from fondsengine.applications.todo import office_todo
from fondsengine.clock import BERLIN
from fondsengine.engine import Engine
from fondsengine.jobs.table import run_job
from fondsengine.model import OutboxMessage, Refund
from fondsengine.notify.outbox_messages import MailContext, build_message
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from tests.integration.test_receipt_review import DAY, _approved, _receipts
from tests.support.factories import QF


def _noon(day: object) -> datetime:
    return datetime.combine(day, time(12), tzinfo=BERLIN).astimezone(UTC)  # type: ignore[arg-type]


def _reminders(fonds: Engine) -> list[OutboxMessage]:
    with fonds.db.read() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.topic == "refund_overdue")))


def test_an_unpaid_refund_is_reminded_twice_each_once_and_listed_overdue_for_the_office(fonds: Engine) -> None:
    app_id, office, anna = _approved(fonds, QF)  # 1.200 € approved
    payments.record_payment(fonds, office, app_id, amount_cents=96_000, kind="advance")
    receipts = [ReceiptInput(DAY, "Baumarkt", "Ersatzteile", "material", 70_000)]
    proofs.submit_proof(fonds, anna, app_id, report="Sechs Treffen.", receipts=receipts, confirmed=True)
    proofs.review_receipt(fonds, office, _receipts(fonds, app_id)[1], accepted=True)
    proofs.accept_proof(fonds, office, app_id)
    assert proofs.claim_refund(fonds, office, app_id, reason="Weniger ausgegeben") == 26_000
    with fonds.db.read() as s:
        due_on = s.scalars(select(Refund.due_on)).one()
    proofs.record_refund(fonds, office, app_id, amount_cents=6_000)  # part of it arrived

    assert run_job(fonds, "refund_reminders", _noon(due_on)) == 0  # due today: not yet overdue
    assert run_job(fonds, "refund_reminders", _noon(due_on + timedelta(days=1))) == 1
    assert run_job(fonds, "refund_reminders", _noon(due_on + timedelta(days=2))) == 0  # once
    assert run_job(fonds, "refund_reminders", _noon(due_on + timedelta(days=14))) == 1  # the second one
    assert run_job(fonds, "refund_reminders", _noon(due_on + timedelta(days=40))) == 0

    first = _reminders(fonds)[0]
    assert first.application_id == app_id and first.recipient_id is not None
    ctx = MailContext(base_url="https://fonds.example", office="Innenstadt-Büro", fund_name="Dein Projektgeld",
                      application_id=app_id)  # fmt: skip
    mail = build_message(first.topic, first.payload, "anna@example.org", "Anna", ctx)
    assert "Rückzahlung" in mail.subject
    body = mail.text
    assert "200,00" in body and "260,00" in body and "60,00" in body  # open, claimed, received
    assert "DE29 4525 0035 0000 0000 19" in body and "Stadtkasse Witten" in body
    assert "Basiszinssatz" in body  # the guideline's interest note
    assert f"https://fonds.example/antraege/{app_id}" in body

    fonds.clock.set(_noon(due_on + timedelta(days=3)))  # type: ignore[attr-defined]
    (refunds,) = [g for g in office_todo(fonds, office) if g.key == "refund_open"]
    assert [(i.application_id, i.amount_cents, i.overdue) for i in refunds.items] == [(app_id, 20_000, True)]

    proofs.record_refund(fonds, office, app_id, amount_cents=20_000)  # paid in full
    assert run_job(fonds, "refund_reminders", _noon(due_on + timedelta(days=60))) == 0
    (refunds,) = [g for g in office_todo(fonds, office) if g.key == "refund_open"]
    assert refunds.total == 0
