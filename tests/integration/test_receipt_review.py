"""The proof of use checks what it pays: receipt findings before accepting, partial acceptance with a
reason, the grant recomputed from the guideline (caps, share rule), the refund following from it."""

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
from fondsengine.model import Application, Letter, ProofOfUse, Receipt
from fondsengine.money import format_euro
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input, with_bank_account
from tests.support.jury import decide_on_paper

DAY = date(2026, 11, 25)  # the test clock's day: the approval and the receipts


def _approved(fonds: Engine, fund_id: str) -> tuple[int, Actor, Actor]:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"), (CF, "manager"))
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    app_id = apps.create_draft(fonds, anna, fund_id, quartiersfonds_input() if fund_id == QF else cityfonds_input())
    apps.submit(fonds, anna, app_id)
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, fund_id)[2].review_checklist
    decisions.start_review(fonds, office, app_id)
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(fonds, office, app_id)
    sid = decisions.create_session(fonds, office, fund_id, datetime(2027, 3, 10, 17, tzinfo=UTC), "Rathaus")
    decisions.schedule(fonds, office, app_id, sid)
    if fund_id == QF:
        decide_on_paper(fonds, office, app_id, "approve")
    else:
        city = person(fonds, "Stadt", "stadt@example.org", (CF, "city_approver"))
        decide_on_paper(fonds, office, app_id, "recommend")
        decisions.record_city_grant(fonds, city, app_id, granted_on=DAY, grant_file_number="61-1")
    with_bank_account(fonds, office, app_id)
    return app_id, office, anna


def _receipts(fonds: Engine, app_id: int) -> dict[int, int]:
    with fonds.db.read() as s:
        ids = s.execute(
            select(Receipt.position, Receipt.id)
            .join(ProofOfUse, ProofOfUse.id == Receipt.proof_id)
            .where(ProofOfUse.application_id == app_id)
        ).all()
    return {p: i for p, i in ids}


def test_catering_above_its_cap_is_accepted_only_in_part_and_the_refund_follows(fonds: Engine) -> None:
    app_id, office, anna = _approved(fonds, QF)  # 1.200 € approved
    payments.record_payment(fonds, office, app_id, amount_cents=96_000, kind="advance")
    proofs.submit_proof(
        fonds,
        anna,
        app_id,
        report="Sechs Treffen.",
        receipts=[
            ReceiptInput(DAY, "Baumarkt", "Ersatzteile", "material", 70_000),
            ReceiptInput(DAY, "Bäckerei", "Kuchen für alle", "catering", 30_000),
            ReceiptInput(DAY, "Lohnbüro", "Honorar Orga", "personnel", 20_000),
        ],
        confirmed=True,
    )
    findings = proofs.receipt_findings(fonds, office, app_id)
    by_pos = {(f.position, f.code): f for f in findings}
    assert by_pos[(2, "category_cap")].recognisable_cents == 10_000  # 10 % of the 1.000 € eligible
    assert by_pos[(2, "category_cap")].clause == "§ 5 Abs. 3"
    assert (2, "category_not_planned") in by_pos
    assert by_pos[(3, "category_not_eligible")].clause == "§ 5 Abs. 5"
    assert all(f.position != 1 or f.severity == "warn" for f in findings)  # the material receipt is fine
    ids = _receipts(fonds, app_id)

    with pytest.raises(InvalidInput, match=r"höchstens .*\(§ 5 Abs. 3\)"):
        proofs.review_receipt(fonds, office, ids[2], accepted=True)
    with pytest.raises(InvalidInput, match="zum Teil"):
        proofs.review_receipt(fonds, office, ids[2], accepted=True, accepted_cents=10_000)
    with pytest.raises(InvalidInput, match="nicht förderfähig"):
        proofs.review_receipt(fonds, office, ids[3], accepted=True)
    proofs.review_receipt(fonds, office, ids[1], accepted=True)
    proofs.review_receipt(fonds, office, ids[2], accepted=True, accepted_cents=10_000, reason="Bewirtung über 10 %")
    proofs.review_receipt(fonds, office, ids[3], accepted=False, reason="Personalkosten sind nicht förderfähig")
    with fonds.db.read() as s:
        part = s.get(Receipt, ids[2])
        assert part is not None and (part.accepted_cents, part.reject_reason) == (10_000, "Bewirtung über 10 %")

    assert proofs.accept_proof(fonds, office, app_id) == 80_000  # 700 € material + 100 € catering
    with fonds.db.read() as s:
        letter = s.scalar(select(Letter).where(Letter.application_id == app_id, Letter.kind == "proof_result"))
        assert letter is not None
        g = fonds.catalog.current(s, QF)[2]
    result = letter_data("proof_result", letter.data, g, DAY)
    # the letter asks for the 160 € back instead of calling the grant "abgeschlossen"
    assert (result.refund_cents, result.final_payment_cents) == (16_000, 0)  # type: ignore[attr-defined]
    assert [r.reason for r in result.receipts][1] == f"anerkannt {format_euro(10_000)}: Bewirtung über 10 %"  # type: ignore[attr-defined]
    assert proofs.claim_refund(fonds, office, app_id, reason="Weniger anerkannt") == 16_000  # 960 € - 800 €
    with fonds.db.read() as s:
        bal = ledger.application_balance(s, app_id)
    assert (bal.committed, bal.paid) == (80_000, 96_000)


def test_the_share_rule_recomputes_the_grant_from_the_real_costs(fonds: Engine) -> None:
    app_id, office, anna = _approved(fonds, CF)  # 2.000 € = 50 % of 4.000 € costs
    proofs.submit_proof(
        fonds,
        anna,
        app_id,
        report="Lichterwochen.",
        receipts=[ReceiptInput(DAY, "Elektro Ruhr", "Lichterketten", "material", 300_000)],
        confirmed=True,
    )
    ids = _receipts(fonds, app_id)
    proofs.review_receipt(fonds, office, ids[1], accepted=True)
    assert proofs.accept_proof(fonds, office, app_id) == 150_000  # 50 % of the 3.000 € really spent
    with pytest.raises(InvalidInput, match=r"genau 1\.500,00"):
        payments.record_payment(fonds, office, app_id, amount_cents=200_000, kind="final")
    payments.record_payment(fonds, office, app_id, amount_cents=150_000, kind="final")
    with fonds.db.read() as s:
        bal = ledger.application_balance(s, app_id)
        app = s.get(Application, app_id)
        assert app is not None and app.state == "documented"
    assert (bal.committed, bal.paid_net) == (150_000, 150_000)


def test_receipts_outside_the_period_in_the_future_or_of_an_unknown_category_are_not_paid(fonds: Engine) -> None:
    app_id, office, anna = _approved(fonds, QF)  # approved on 25.11.2026; project 10.04. to 30.09.2027
    payments.record_payment(fonds, office, app_id, amount_cents=96_000, kind="advance")
    fonds.clock.set(datetime(2027, 10, 20, 9, tzinfo=UTC))  # type: ignore[attr-defined]
    proofs.submit_proof(
        fonds,
        anna,
        app_id,
        report="Sechs Treffen.",
        receipts=[
            ReceiptInput(date(2027, 5, 2), "Baumarkt", "Ersatzteile", "material", 50_000),
            ReceiptInput(date(2026, 11, 1), "Baumarkt", "Vorab gekauft", "material", 10_000),
            ReceiptInput(date(2027, 1, 15), "Druckerei", "Flyer", "publicity", 5_000),
            ReceiptInput(date(2027, 10, 15), "Druckerei", "Nachdruck", "publicity", 5_000),
            ReceiptInput(date(2027, 10, 30), "Baumarkt", "Noch nicht gekauft", "material", 10_000),
            ReceiptInput(date(2027, 5, 3), "Zoo", "Einhornfutter", "unicorns", 10_000),
        ],
        confirmed=True,
    )
    findings = proofs.receipt_findings(fonds, office, app_id)
    codes = {(f.position, f.code): f for f in findings}
    assert (2, "before_approval") in codes and codes[(2, "before_approval")].severity == "block"
    assert codes[(3, "before_project")].severity == "warn"
    assert codes[(4, "after_project")].severity == "warn"
    assert codes[(5, "date_in_future")].severity == "block"
    assert codes[(6, "category_unknown")].severity == "block"
    assert all(f.clause for f in findings if f.severity == "block")  # each finding cites its rule
    assert not [f for f in findings if f.position == 1 and f.severity == "block"]
    ids = _receipts(fonds, app_id)
    for pos in (2, 5, 6):  # the office cannot accept a receipt the guideline rules out
        with pytest.raises(InvalidInput):
            proofs.review_receipt(fonds, office, ids[pos], accepted=True)
        proofs.review_receipt(fonds, office, ids[pos], accepted=False, reason="nicht förderfähig")
    for pos in (1, 3, 4):  # outside the project period: a warning the office weighs, here accepted
        proofs.review_receipt(fonds, office, ids[pos], accepted=True)
    assert proofs.accept_proof(fonds, office, app_id) == 60_000  # 500 + 50 + 50 €, nothing of the rest
    assert proofs.claim_refund(fonds, office, app_id, reason="Belege nicht förderfähig") == 36_000
