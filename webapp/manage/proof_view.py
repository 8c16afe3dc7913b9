"""The numerical proof on the office's application page: planned against actual, from loaded rows."""

from __future__ import annotations

from collections.abc import Sequence

from fondsengine.model import Application, ProofOfUse, Receipt
from fondsengine.payments.numerical import ActualFinancing, NumericalProof, ReceiptAmount, compare


def _recognised(receipt: Receipt) -> int | None:
    if receipt.status == "pending":
        return None
    if receipt.status == "rejected":
        return 0
    return int(receipt.amount_cents if receipt.accepted_cents is None else receipt.accepted_cents)


def numerical_proof(app: Application, proof: ProofOfUse | None, receipts: Sequence[Receipt]) -> NumericalProof | None:
    """Costs per category and the financing of the latest proof, planned against actual (None: no proof)."""
    if proof is None:
        return None
    actual = (
        ActualFinancing(proof.income_cents or 0, proof.own_funds_cents, proof.other_funding_cents or 0)
        if proof.own_funds_cents is not None
        else None
    )
    return compare(
        [(c.category, c.amount_cents) for c in app.cost_items],
        [ReceiptAmount(r.category, r.amount_cents, _recognised(r)) for r in receipts],
        planned_financing={
            "grant": app.approved_cents or 0,
            "own_funds": app.own_funds_cents,
            "other_funding": app.other_funding_cents,
        },
        actual=actual,
        settled_cents=app.settled_cents,
    )
