"""Proof of use (Verwendungsnachweis), settlement, refunds, closing and lapse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.applications.records import AttachmentInput, new_attachment
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine, UnitOfWork
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.calc import (
    counts_net,
    net_cents,
    paid_to_own_group,
    settled_cents,
    volunteer_counted_cents,
)
from fondsengine.guidelines.findings import ApplicationData, CostLine
from fondsengine.guidelines.model import Guideline
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.effects import commitment_year
from fondsengine.lifecycle.fire import fire, guideline_of
from fondsengine.lifecycle.guards import Known
from fondsengine.lifecycle.views import application_data
from fondsengine.model import Application, ProofOfUse, Receipt, Refund
from fondsengine.money import format_euro
from fondsengine.payments.numerical import ActualFinancing
from fondsengine.payments.receipt_checks import BLOCK, ReceiptFinding, ReceiptLine, check_receipts
from fondsengine.workflow.use_cases import (
    ACCEPT_PROOF,
    CLAIM_REFUND,
    CLOSE,
    LAPSE,
    RECORD_REFUND,
    RETURN_PROOF,
    SUBMIT_PROOF,
)


@dataclass(frozen=True)
class ReceiptInput:
    """One line of the receipt list as entered."""

    paid_on: date
    payee: str
    purpose: str
    category: str
    amount_cents: int
    attachment_id: int | None = None  # an attachment already uploaded
    attachment: AttachmentInput | None = None  # or a new upload, stored in the same transaction
    vat_percent: int | None = None  # VAT rate printed on the receipt (19, 7, 0); None: the guideline's


def _load(uow: UnitOfWork, actor: Actor, application_id: int) -> tuple[Application, frozenset[str]]:
    return authz.load_visible_application(uow.session, actor, application_id, local_date(uow.fonds.clock.now()))


def current_proof(uow: UnitOfWork, app: Application) -> ProofOfUse | None:
    """The latest proof of use of an application."""
    return uow.session.scalar(
        select(ProofOfUse).where(ProofOfUse.application_id == app.id).order_by(ProofOfUse.id.desc()).limit(1)
    )


def submit_proof(
    fonds: Engine,
    actor: Actor,
    application_id: int,
    *,
    report: str,
    receipts: Sequence[ReceiptInput],
    participants_reached: int | None = None,
    photos: Sequence[AttachmentInput] = (),
    actual: ActualFinancing | None = None,
    confirmed: bool = False,
) -> int:
    """The applicant submits the proof of use: report, receipt list and the numerical proof (money
    actually had besides the grant; None: as in the financing plan), confirmed as correct."""
    if not report.strip():
        raise InvalidInput("Bitte beschreiben Sie im Sachbericht, was im Projekt passiert ist.", field="report")
    if not receipts:
        raise InvalidInput("Bitte führen Sie mindestens einen Beleg auf.", field="receipts")
    for i, r in enumerate(receipts, start=1):
        if r.amount_cents <= 0:
            raise InvalidInput(f"Beleg {i}: Der Betrag muss größer als 0,00 € sein.", field="receipts")
        if not r.payee.strip() or not r.purpose.strip():
            raise InvalidInput(f"Beleg {i}: Bitte Empfänger und Zweck angeben.", field="receipts")
        if r.vat_percent is not None and not 0 <= r.vat_percent <= 100:
            raise InvalidInput(f"Beleg {i}: Der Umsatzsteuersatz muss zwischen 0 und 100 % liegen.", field="receipts")
    if participants_reached is not None and participants_reached < 0:
        raise InvalidInput("Die Zahl der Teilnehmenden darf nicht negativ sein.", field="participants_reached")
    if actual is not None:
        actual.check()
    if not confirmed:
        raise InvalidInput(
            "Bitte bestätigen Sie, dass Ihre Angaben im Verwendungsnachweis richtig und vollständig sind.",
            field="confirmed",
        )
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, _ = _load(uow, actor, application_id)
        fire(uow, actor, app, SUBMIT_PROOF, now=now)
        stated = actual or ActualFinancing(0, app.own_funds_cents, app.other_funding_cents)
        proof = ProofOfUse(
            application_id=app.id,
            report=report.strip(),
            participants_reached=participants_reached,
            status="submitted",
            submitted_at=now,
            income_cents=stated.income_cents,
            own_funds_cents=stated.own_funds_cents,
            other_funding_cents=stated.other_funding_cents,
            confirmed_at=now,
        )
        s.add(proof)
        s.flush()
        for photo in photos:
            new_attachment(uow, app, actor, photo, now)
        for pos, r in enumerate(receipts, start=1):
            attachment_id = r.attachment_id
            if r.attachment is not None:
                attachment_id = new_attachment(uow, app, actor, r.attachment, now).id
            s.add(
                Receipt(
                    proof_id=proof.id,
                    position=pos,
                    paid_on=r.paid_on,
                    payee=r.payee.strip(),
                    purpose=r.purpose.strip(),
                    category=r.category,
                    amount_cents=r.amount_cents,
                    attachment_id=attachment_id,
                    status="pending",
                    vat_percent=r.vat_percent,
                )
            )
        app.participants_reached = participants_reached
        uow.commit()
        return proof.id


def _findings(
    s: Session, app: Application, guideline: Guideline, proof: ProofOfUse, today: date
) -> list[ReceiptFinding]:
    receipts = list(s.scalars(select(Receipt).where(Receipt.proof_id == proof.id).order_by(Receipt.position)))
    return findings_of_receipts(app, guideline, proof, receipts, today)


def findings_of_receipts(
    app: Application, guideline: Guideline, proof: ProofOfUse, receipts: list[Receipt], today: date
) -> list[ReceiptFinding]:
    """The engine's findings about the receipts of a proof of use (pure, from loaded rows)."""
    return check_receipts(
        guideline,
        [ReceiptLine(r.position, r.paid_on, r.payee, r.category, r.amount_cents) for r in receipts],
        plan_categories={c.category for c in app.cost_items},
        project_start=app.project_start,
        project_end=app.project_end,
        approved_on=local_date(app.decided_at) if app.decided_at else None,
        today=local_date(proof.submitted_at) if proof.submitted_at else today,
        applicant_names=[n for n in (app.contact_name, app.organisation) if n],
        group_members=[str(m) for m in app.group_members or ()],
    )


def receipt_findings(fonds: Engine, actor: Actor, application_id: int) -> list[ReceiptFinding]:
    """The engine's findings about the receipts of the latest proof of use (for the office)."""
    with fonds.db.read() as s:
        today = local_date(fonds.clock.now())
        app, roles = authz.load_visible_application(s, actor, application_id, today)
        if not roles & {"manager", "auditor"}:
            raise PermissionDenied("Die Prüfung der Belege sieht nur die Geschäftsführung.")
        proof = s.scalar(
            select(ProofOfUse).where(ProofOfUse.application_id == app.id).order_by(ProofOfUse.id.desc()).limit(1)
        )
        if proof is None:
            return []
        return _findings(s, app, fonds.catalog.guideline(s, app.guideline_version_id), proof, today)


def review_receipt(
    fonds: Engine,
    actor: Actor,
    receipt_id: int,
    *,
    accepted: bool,
    reason: str | None = None,
    accepted_cents: int | None = None,
) -> None:
    """The office accepts (in full or in part) or rejects one receipt. A rejection, a partial
    acceptance and the full acceptance of a receipt with a blocking finding need a reason."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        # the receipt, its proof and the proof's other receipts (the findings compare them) in one read
        same_proof = select(Receipt.proof_id).where(Receipt.id == receipt_id).scalar_subquery()
        rows = s.execute(
            select(Receipt, ProofOfUse)
            .join(ProofOfUse, ProofOfUse.id == Receipt.proof_id)
            .where(Receipt.proof_id == same_proof)
            .order_by(Receipt.position)
        ).all()
        receipts = [r for r, _proof in rows]
        receipt = next((r for r in receipts if r.id == receipt_id), None)
        if receipt is None:
            raise NotFound("Diesen Beleg gibt es nicht.")
        proof = rows[0][1]
        app, roles = _load(uow, actor, proof.application_id)
        if "manager" not in roles:
            raise PermissionDenied("Belege prüft nur die Geschäftsführung.")
        if proof.status != "submitted":
            raise InvalidInput("Dieser Verwendungsnachweis ist nicht in Prüfung.")
        if not accepted and not (reason and reason.strip()):
            raise InvalidInput("Bitte begründen Sie, warum der Beleg nicht anerkannt wird.", field="reason")
        full = not accepted or accepted_cents is None or accepted_cents == receipt.amount_cents
        part = None if full else accepted_cents
        if part is not None and not 0 <= part < receipt.amount_cents:
            raise InvalidInput(
                f"Anerkannt werden können 0,00 € bis {format_euro(receipt.amount_cents)}.", field="accepted_cents"
            )
        explained = bool(reason and reason.strip())
        if part is not None and not explained:
            raise InvalidInput("Bitte begründen Sie, warum der Beleg nur zum Teil anerkannt wird.", field="reason")
        if accepted and part is None and not explained:
            blocking = [
                f
                for f in findings_of_receipts(
                    app, guideline_of(uow, app), proof, receipts, local_date(fonds.clock.now())
                )
                if f.position == receipt.position and f.severity == BLOCK
            ]
            if blocking:
                raise InvalidInput(
                    "Dieser Beleg ist so nicht anerkennbar: "
                    + " ".join(f"{f.message}{f' ({f.clause})' if f.clause else ''}" for f in blocking)
                    + " Bitte erkennen Sie ihn zum Teil an, lehnen Sie ihn ab oder begründen Sie die Anerkennung.",
                    field="reason",
                )
        receipt.status = "accepted" if accepted else "rejected"
        receipt.accepted_cents = part
        receipt.reject_reason = (reason or "").strip() if (not accepted or explained) else None
        record(
            s,
            actor=actor,
            role="manager",
            action="review_receipt",
            at=fonds.clock.now(),
            fund_id=app.fund_id,
            application_id=app.id,
            reason=receipt.reject_reason,
            data={
                "receipt_id": receipt.id,
                "accepted": accepted,
                "amount_cents": receipt.amount_cents,
                "accepted_cents": receipt.amount_cents if accepted and part is None else (part or 0),
            },
        )
        uow.commit()


def recognised_cents(receipt: Receipt) -> int:
    """What of an accepted receipt is recognised (all of it unless it was accepted in part)."""
    return receipt.amount_cents if receipt.accepted_cents is None else receipt.accepted_cents


def proof_eligible_cents(
    guideline: Guideline,
    declared: ApplicationData,
    receipts: Sequence[tuple[str, str, int, int | None]],
) -> int:
    """Eligible costs proved by the accepted receipts (category, payee, recognised cents, VAT rate
    in percent printed on the receipt or None): net of VAT for applicants who deduct input tax, at the
    receipt's own rate (the guideline's rate when the receipt gives none), without fees paid to the
    applicant's own group."""
    total = 0
    for category_id, payee, cents, percent in receipts:
        category = guideline.costs.category(category_id)
        line = CostLine(category_id, "", cents, payee=payee)
        if category is not None and category.not_for_group_members and paid_to_own_group(line, declared):
            continue
        if counts_net(declared, guideline):
            share = guideline.costs.vat_share if percent is None else Fraction(percent, 100)
            cents = net_cents(cents, None, share)
        total += cents
    return total


def actual_financing(proof: ProofOfUse, declared: ApplicationData) -> ActualFinancing:
    """The money the proof states besides the grant; what the proof leaves open counts as planned
    (proofs from before the numerical proof)."""
    return ActualFinancing(
        income_cents=proof.income_cents or 0,
        own_funds_cents=declared.own_funds_cents if proof.own_funds_cents is None else proof.own_funds_cents,
        other_funding_cents=(
            declared.other_funding_cents if proof.other_funding_cents is None else proof.other_funding_cents
        ),
    )


def accept_proof(fonds: Engine, actor: Actor, application_id: int) -> int:
    """Accept the proof: fix the amount due (settled) and release the unused commitment. Returns it."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, _ = _load(uow, actor, application_id)
        proof = current_proof(uow, app)
        if proof is None or proof.status != "submitted":
            raise InvalidInput("Es liegt kein Verwendungsnachweis zur Prüfung vor.")
        receipts = list(s.scalars(select(Receipt).where(Receipt.proof_id == proof.id)))
        pending = [r.position for r in receipts if r.status == "pending"]
        if pending:
            raise InvalidInput("Noch nicht geprüfte Belege: " + ", ".join(f"Nr. {p}" for p in pending) + ".")
        guideline = guideline_of(uow, app)
        declared = application_data(app)
        accepted = [
            (r.category, r.payee, recognised_cents(r), r.vat_percent) for r in receipts if r.status == "accepted"
        ]
        eligible = proof_eligible_cents(guideline, declared, accepted)
        actual = actual_financing(proof, declared)
        due = settled_cents(
            guideline,
            approved_cents=app.approved_cents or 0,
            eligible_spent_cents=eligible,
            own_and_other_cents=actual.own_funds_cents
            + volunteer_counted_cents(declared, guideline)
            + actual.outside_cents,
            outside_cents=actual.outside_cents,
        )
        app.settled_cents = due
        proof.status, proof.decided_at, proof.decided_by_id, proof.eligible_cents = (
            "accepted",
            now,
            actor.user_id,
            eligible,
        )
        fire(
            uow,
            actor,
            app,
            ACCEPT_PROOF,
            amount_cents=due,
            now=now,
            extra={"eligible_cents": eligible, "settled_cents": due},
            known=Known(proof=proof, receipts=receipts),
        )
        uow.commit()
        return due


def return_proof(fonds: Engine, actor: Actor, application_id: int, reason: str) -> None:
    """Send the proof back to the applicant for changes."""
    with fonds.unit_of_work() as uow:
        app, _ = _load(uow, actor, application_id)
        proof = current_proof(uow, app)
        fire(uow, actor, app, RETURN_PROOF, reason=reason)
        if proof is not None:
            proof.status, proof.return_reason = "returned", reason
        uow.commit()


def claim_refund(
    fonds: Engine,
    actor: Actor,
    application_id: int,
    *,
    amount_cents: int | None = None,
    reason: str = "",
) -> int:
    """Claim money back: after the proof the overpaid part; before it an amount the office states.

    Locks first, then checks: the application's row, then the budget years the claim touches in
    ascending order (the application's year, which keeps the sum of its claims, and the year of its
    commitment, where a claim before the proof releases the rest), so concurrent claims and bookings on
    the same years queue instead of deadlocking. The step's effects book the release
    (`release_on_refund_claim`) and write the letter."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, _ = _load(uow, actor, application_id)
        ledger.lock_years(s, app.fund_id, (app.budget_year, commitment_year(s, app)))
        bookings = ledger.application_bookings(s, app.id)  # read under the locks
        guideline = guideline_of(uow, app)
        paid = bookings[0].paid_net
        if app.settled_cents is not None:
            amount = paid - app.settled_cents
            if amount_cents is not None and amount_cents != amount:
                raise InvalidInput(f"Zurückzufordern sind genau {format_euro(amount)}.", field="amount")
        else:
            if amount_cents is None or amount_cents <= 0:
                raise InvalidInput("Bitte geben Sie den zurückzufordernden Betrag an.", field="amount")
            amount = amount_cents
        fire(
            uow,
            actor,
            app,
            CLAIM_REFUND,
            amount_cents=amount,
            reason=reason or None,
            now=now,
            known=Known(bookings=bookings),
        )
        s.add(
            Refund(
                application_id=app.id,
                fund_id=app.fund_id,
                claimed_cents=amount,
                received_cents=0,
                reason=reason,
                due_on=local_date(now) + timedelta(days=guideline.proof.refund_due_days),
                claimed_at=now,
            )
        )
        ledger.add_claim(s, app.fund_id, app.budget_year, amount)
        uow.commit()
        return amount


def record_refund(fonds: Engine, actor: Actor, application_id: int, *, amount_cents: int) -> None:
    """Record money paid back. The workflow's step books it (`book_refund`): a part of the claim keeps the
    application waiting for the rest, the last part documents it (the step's transitions in file order).
    Locks the application, its budget year and the open claim before it checks anything."""
    if amount_cents <= 0:
        raise InvalidInput("Der Betrag muss größer als 0,00 € sein.", field="amount")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = _load(uow, actor, application_id)
        ledger.lock_year(s, app.fund_id, app.budget_year)  # the year the money returns to, before any check
        if "manager" not in roles:
            raise PermissionDenied("Rückzahlungen bucht nur die Geschäftsführung.")
        claim = s.scalar(
            select(Refund)
            .where(Refund.application_id == app.id, Refund.received_cents < Refund.claimed_cents)
            .order_by(Refund.id)
            .with_for_update()
        )
        if claim is None:
            raise InvalidInput("Es gibt keine offene Rückforderung.")
        open_amount = claim.claimed_cents - claim.received_cents
        if amount_cents > open_amount:
            raise InvalidInput(f"Offen sind nur {format_euro(open_amount)}.", field="amount")
        claim.received_cents += amount_cents
        if claim.received_cents == claim.claimed_cents:
            claim.settled_at = now
        record(
            s,
            actor=actor,
            role="manager",
            action="book_refund",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"amount_cents": amount_cents},
        )
        s.flush()  # the claim as received so far: the step's guards choose its transition by it
        fire(uow, actor, app, RECORD_REFUND, amount_cents=amount_cents, now=now)
        uow.commit()


def close(fonds: Engine, actor: Actor, application_id: int) -> None:
    """Close a settled application (paid equals due): documented."""
    with fonds.unit_of_work() as uow:
        app, _ = _load(uow, actor, application_id)
        fire(uow, actor, app, CLOSE)
        uow.commit()


def lapse(fonds: Engine, actor: Actor, application_id: int) -> None:
    """Let an approval lapse that was not called in time (releases the budget)."""
    with fonds.unit_of_work() as uow:
        app, _ = _load(uow, actor, application_id)
        fire(uow, actor, app, LAPSE)
        uow.commit()
