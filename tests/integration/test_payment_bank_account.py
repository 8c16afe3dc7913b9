"""Payments: never booked without a valid IBAN and account holder; the payment letter names the
kind, the masked IBAN and what remains; the refund letter the fund's account and the interest note."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from fondsengine import ledger
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.letters.store import letter_data
from fondsengine.model import AuditEvent, Letter, Payment
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from tests.support.factories import QF, TEST_IBAN, person, quartiersfonds_input
from tests.support.jury import decide_on_paper


def _approved(fonds: Engine) -> tuple[int, Actor, Actor]:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, app_id)
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, QF)[2].review_checklist
    decisions.start_review(fonds, office, app_id)
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(fonds, office, app_id)
    sid = decisions.create_session(fonds, office, QF, datetime(2027, 3, 10, 17, tzinfo=UTC), "Rathaus")
    decisions.schedule(fonds, office, app_id, sid)
    decide_on_paper(fonds, office, app_id, "approve")  # 1.200 €
    return app_id, office, anna


def _letters(fonds: Engine, app_id: int, kind: str) -> list[Letter]:
    with fonds.db.read() as s:
        rows = list(s.scalars(select(Letter).where(Letter.application_id == app_id, Letter.kind == kind)))
        s.expunge_all()
        return rows


def test_no_payment_is_booked_without_a_valid_iban_and_holder(fonds: Engine) -> None:
    app_id, office, anna = _approved(fonds)
    with pytest.raises(InvalidInput, match="Ohne gültige IBAN"):
        payments.record_payment(fonds, office, app_id, amount_cents=50_000, kind="advance")
    with fonds.db.read() as s:
        assert ledger.application_balance(s, app_id).paid == 0
        assert s.scalar(select(Payment.id).where(Payment.application_id == app_id)) is None
    with pytest.raises(InvalidInput, match="Prüfziffer"):
        payments.set_bank_account(fonds, anna, app_id, iban="DE89 3704 0044 0532 0130 01", account_holder="Anna")
    with pytest.raises(InvalidInput, match="Kontoinhaber"):
        payments.set_bank_account(fonds, anna, app_id, iban=TEST_IBAN, account_holder="  ")
    bban = "3704004405320130AB"  # right length and check sum, but a German account number has only digits
    check = 98 - int("".join(str(int(ch, 36)) for ch in bban + "DE00")) % 97
    with pytest.raises(InvalidInput, match="Aufbau der Kontonummern in DE"):
        payments.set_bank_account(fonds, anna, app_id, iban=f"DE{check:02d}{bban}", account_holder="Anna")

    payments.set_bank_account(fonds, anna, app_id, iban=TEST_IBAN.lower(), account_holder=" Anna Beispiel ")
    pid = payments.record_payment(fonds, office, app_id, amount_cents=50_000, kind="advance")
    with fonds.db.read() as s:
        paid = s.get(Payment, pid)
        assert paid is not None and (paid.iban, paid.account_holder) == (TEST_IBAN.replace(" ", ""), "Anna Beispiel")
        audit = s.scalar(select(AuditEvent).where(AuditEvent.action == "set_bank_account"))
        assert audit is not None and audit.data == {"iban_last4": "3000"}  # not the whole IBAN

    (letter,) = _letters(fonds, app_id, "payment")
    with fonds.db.read() as s:
        g = fonds.catalog.current(s, QF)[2]
    data = letter_data("payment", letter.data, g, date(2026, 11, 25))
    assert data.payment_label == "Abschlag"  # type: ignore[attr-defined]
    assert data.iban.endswith("3000") and "0532" not in data.iban  # type: ignore[attr-defined]
    assert data.remaining_cents == 120_000 - 50_000  # type: ignore[attr-defined]


def test_the_refund_letter_names_the_funds_account_the_deadline_and_the_interest_note(fonds: Engine) -> None:
    app_id, office, anna = _approved(fonds)
    payments.set_bank_account(fonds, anna, app_id, iban=TEST_IBAN, account_holder="Anna")
    payments.record_payment(fonds, office, app_id, amount_cents=96_000, kind="advance")
    proofs.submit_proof(
        fonds,
        anna,
        app_id,
        report="Gemacht.",
        receipts=[ReceiptInput(date(2026, 11, 25), "Baumarkt", "Material", "material", 50_000)],
        confirmed=True,
    )
    with fonds.db.read() as s:
        from fondsengine.model import Receipt

        (rid,) = s.scalars(select(Receipt.id))
    proofs.review_receipt(fonds, office, rid, accepted=True)
    proofs.accept_proof(fonds, office, app_id)
    assert proofs.claim_refund(fonds, office, app_id, reason="Weniger ausgegeben") == 46_000
    (letter,) = _letters(fonds, app_id, "refund")
    with fonds.db.read() as s:
        g = fonds.catalog.current(s, QF)[2]
    data = letter_data("refund", letter.data, g, date(2026, 11, 25))
    assert data.pay_to_iban == g.proof.refund_iban and data.pay_to_iban  # type: ignore[attr-defined]
    assert data.pay_to_holder == "Stadtkasse Witten"  # type: ignore[attr-defined]
    assert data.refund_cents == 46_000 and data.due_on == date(2026, 12, 25)  # type: ignore[attr-defined]
    assert data.interest_note and "verzinst" in data.interest_note  # type: ignore[attr-defined]
    assert [r.text for r in data.reasons] == ["Weniger ausgegeben"]  # type: ignore[attr-defined]
