"""The numerical proof of use through the service functions: the applicant states income, own money and
third-party funds and confirms the proof; the grant and the refund follow from these under the guideline's
type of financing (the Cityfonds: share financing, 50 %)."""

from __future__ import annotations

import pytest

from fondsengine import ledger
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput
from fondsengine.model import ProofOfUse
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.numerical import ActualFinancing
from fondsengine.payments.proofs import ReceiptInput
from fondsengine.reports.data import rollup_data
from tests.integration.test_receipt_review import DAY, _approved, _receipts
from tests.support.factories import CF

LIGHTS = [ReceiptInput(DAY, "Elektro Ruhr", "Lichterketten", "material", 300_000)]


def test_a_proof_is_only_taken_with_the_applicants_confirmation_and_amounts_that_are_not_negative(
    fonds: Engine,
) -> None:
    app_id, _office, bernd = _approved(fonds, CF)
    with pytest.raises(InvalidInput, match="bestätigen Sie") as unconfirmed:
        proofs.submit_proof(fonds, bernd, app_id, report="Lichterwochen.", receipts=LIGHTS)
    assert unconfirmed.value.field == "confirmed"
    with pytest.raises(InvalidInput, match="Einnahmen"):
        proofs.submit_proof(
            fonds, bernd, app_id, report="Lichterwochen.", receipts=LIGHTS,
            actual=ActualFinancing(income_cents=-100), confirmed=True,
        )  # fmt: skip
    with fonds.db.read() as s:
        assert s.query(ProofOfUse).count() == 0  # nothing stored by a refused proof
    stated = ActualFinancing(income_cents=12_000, own_funds_cents=150_000, other_funding_cents=0)
    proofs.submit_proof(fonds, bernd, app_id, report="Lichterwochen.", receipts=LIGHTS, actual=stated, confirmed=True)
    with fonds.db.read() as s:
        proof = s.query(ProofOfUse).one()
        assert (proof.income_cents, proof.own_funds_cents, proof.other_funding_cents) == (12_000, 150_000, 0)
        assert proof.confirmed_at == fonds.clock.now()


def test_a_proof_without_stated_money_takes_the_financing_plan(fonds: Engine) -> None:
    app_id, _office, bernd = _approved(fonds, CF)  # plan: 2.000 € own money, no third-party funds
    proofs.submit_proof(fonds, bernd, app_id, report="Lichterwochen.", receipts=LIGHTS, confirmed=True)
    with fonds.db.read() as s:
        proof = s.query(ProofOfUse).one()
        assert (proof.income_cents, proof.own_funds_cents, proof.other_funding_cents) == (0, 200_000, 0)


def test_third_party_funds_and_income_in_the_proof_cut_the_share_grant_and_the_final_payment_follows(
    fonds: Engine,
) -> None:
    app_id, office, bernd = _approved(fonds, CF)  # 2.000 € = 50 % of 4.000 € planned costs, paid after the proof
    stated = ActualFinancing(income_cents=80_000, own_funds_cents=100_000, other_funding_cents=100_000)
    proofs.submit_proof(fonds, bernd, app_id, report="Lichterwochen.", receipts=LIGHTS, actual=stated, confirmed=True)
    proofs.review_receipt(fonds, office, _receipts(fonds, app_id)[1], accepted=True)
    # 50 % of the 3.000 € spent would be 1.500 €; with 1.000 € from a sponsor and 800 € income the
    # grant may only cover the remaining 1.200 € (no over-financing)
    assert proofs.accept_proof(fonds, office, app_id) == 120_000
    with pytest.raises(InvalidInput, match=r"genau 1\.200,00"):
        payments.record_payment(fonds, office, app_id, amount_cents=150_000, kind="final")
    payments.record_payment(fonds, office, app_id, amount_cents=120_000, kind="final")
    with fonds.db.read() as s:
        bal = ledger.application_balance(s, app_id)
    assert (bal.committed, bal.paid_net) == (120_000, 120_000)  # the other 800 € are free again
    # the roll-up for the Land states the money the proof states, not the plan's
    (project,) = [p for p in rollup_data(fonds, office, CF, 2027).projects if p.approved_cents]
    assert (project.own_funds_cents, project.other_funding_cents, project.paid_cents) == (100_000, 100_000, 120_000)
