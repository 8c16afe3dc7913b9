"""A workflow version stored before its steps declared their use case still works: the catalogue
gives its steps the declarations of the latest other stored version of the same workflow (by trigger)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from fondsengine import ledger
from fondsengine.engine import Engine
from fondsengine.funds.catalog import Catalog
from fondsengine.model import Application, AuditEvent, LedgerEntry, WorkflowVersion
from fondsengine.payments import proofs
from fondsengine.payments.proofs import ReceiptInput
from fondsengine.workflow.loader import PAGE_DECLARATIONS, load_workflow_text
from tests.support.factories import QF, person, quartiersfonds_input
from tests.support.journey import Journey

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "bewohnerfonds.yaml"
DECLARED = re.compile(rf"^    (?:{'|'.join(PAGE_DECLARATIONS)}): .*\n", flags=re.M)


def _older_text() -> str:
    """The shipped file as it was before the declarations (without them and without paper_record)."""
    return DECLARED.sub("", SHIPPED.read_text(encoding="utf-8")).replace(", paper_record]", "]")


def test_an_older_version_takes_the_declarations_of_the_latest_by_trigger(fonds: Engine) -> None:
    older = _older_text()
    assert not any(t.use_case for t in load_workflow_text(older, source="x", workflow_id="x").transitions)
    with fonds.unit_of_work() as uow:
        s = uow.session
        newest_id = s.scalar(
            select(WorkflowVersion.id)
            .where(WorkflowVersion.workflow_id == "bewohnerfonds")
            .order_by(WorkflowVersion.id.desc())
        )
        row = WorkflowVersion(
            workflow_id="bewohnerfonds", version_hash="older", content=older, source="alt.yaml",
            loaded_at=datetime(2025, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        s.add(row)
        s.flush()
        older_id = row.id
        uow.commit()
    assert newest_id is not None
    with fonds.db.read() as s:
        old = Catalog().workflow(s, older_id)
        new = Catalog().workflow(s, newest_id)
    steps = {t.trigger: t for t in old.transitions}
    newest = {t.trigger: t for t in new.transitions}
    assert steps["decide_approve"].use_case == "decide_approve"
    assert steps["jury_reject"].use_case == "jury_decision" and "paper_record" in steps["jury_reject"].asks
    assert steps["request_changes"].reason_required == newest["request_changes"].reason_required
    assert steps["withdraw"].applicant_page == "withdrawal"
    assert steps["submit_proof"].use_case == "submit_proof"  # the applicant's own page, not an office step
    assert old.version_hash != new.version_hash and old.states == new.states  # the older version itself stays


def test_a_version_stored_before_the_step_meanings_takes_them_of_the_latest_by_trigger(fonds: Engine) -> None:
    """A version that declares its use cases but not yet `jury_outcome` / `granting` (stored before
    the jury's decisions and the granting body's steps declared their meaning) takes those."""
    older = re.sub(r"^    (?:jury_outcome|granting): .*\n", "", SHIPPED.read_text(encoding="utf-8"), flags=re.M)
    parsed = load_workflow_text(older, source="x", workflow_id="x")
    assert any(t.use_case for t in parsed.transitions)
    assert parsed.step_with(jury_outcome="approve") is None
    with fonds.unit_of_work() as uow:
        row = WorkflowVersion(
            workflow_id="bewohnerfonds", version_hash="before-meanings", content=older, source="alt.yaml",
            loaded_at=datetime(2025, 6, 1, tzinfo=UTC),
        )  # fmt: skip
        uow.session.add(row)
        uow.session.flush()
        older_id = row.id
        uow.commit()
    with fonds.db.read() as s:
        old = Catalog().workflow(s, older_id)
    assert old.step_with(jury_outcome="approve") == "jury_approve"
    assert old.step_with(jury_outcome="defer") == "jury_defer"
    assert old.step_with(granting="above_jury") == "external_approve"
    assert {t.trigger: t.use_case for t in old.transitions} == {t.trigger: t.use_case for t in parsed.transitions}


def _before_refund_bookings() -> str:
    """The shipped file as it was before its refund steps declared their bookings (the use cases booked
    them in code): without the two effects and without the part refund's transition."""
    text = SHIPPED.read_text(encoding="utf-8").replace(", release_on_refund_claim", "")
    part = re.compile(
        r"^  - trigger: record_refund\n(?:    .*\n)*?    guards: \[refund_open\]\n    effects: \[book_refund\]\n\n",
        flags=re.M,
    )
    text, found = part.subn("", text)
    assert found == 1
    booked = "    guards: [refund_received]\n    effects: [book_refund]\n"
    return text.replace(booked, "    guards: [refund_received]\n")


def test_an_application_on_a_version_from_before_the_refund_bookings_books_its_refunds_as_before(
    fonds: Engine,
) -> None:
    older = _before_refund_bookings()
    parsed = load_workflow_text(older, source="x", workflow_id="bewohnerfonds")
    assert not [t for t in parsed.transitions if {"book_refund", "release_on_refund_claim"} & set(t.effects)]
    assert len(parsed.steps("record_refund")) == 1
    with fonds.unit_of_work() as uow:
        row = WorkflowVersion(
            workflow_id="bewohnerfonds", version_hash="before-refund-bookings", content=older, source="alt.yaml",
            loaded_at=datetime(2026, 6, 1, tzinfo=UTC),
        )  # fmt: skip
        uow.session.add(row)
        uow.session.flush()
        older_id = row.id
        uow.commit()
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    walk = Journey(fonds, office=office, applicant=person(fonds, "Anna", "anna@example.org"), fund=QF,
                   data=quartiersfonds_input())  # fmt: skip
    app_id = walk.to("submitted")
    with fonds.unit_of_work() as uow:
        app = uow.session.get(Application, app_id)
        assert app is not None
        app.workflow_version_id = older_id  # bound to the older version, as if submitted while it was in force
        uow.commit()
    walk.to("paid", app_id)
    with fonds.db.read() as s:
        paid = ledger.application_balance(s, app_id).paid_net
    assert paid > 30_000
    assert proofs.claim_refund(fonds, office, app_id, amount_cents=30_000, reason="Projekt kleiner") == 30_000
    proofs.record_refund(fonds, office, app_id, amount_cents=10_000)  # a part: the rest stays open
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.state == "refund_claimed" and app.settled_cents == paid - 30_000
    proofs.record_refund(fonds, office, app_id, amount_cents=20_000)
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.state == "documented" and app.workflow_version_id == older_id
        entries = s.execute(
            select(LedgerEntry.kind, LedgerEntry.amount_cents, LedgerEntry.note)
            .where(LedgerEntry.application_id == app_id, LedgerEntry.kind.in_(("release", "refund")))
            .order_by(LedgerEntry.id)
        ).all()
        bal = ledger.application_balance(s, app_id)
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.application_id == app_id)
                                 .order_by(AuditEvent.id)))  # fmt: skip
    committed = app.approved_cents or 0
    assert [tuple(e) for e in entries] == [
        ("release", committed - (paid - 30_000), "Freigabe: Rückforderung"),
        ("refund", 10_000, "Rückzahlung eingegangen"),
        ("refund", 20_000, "Rückzahlung eingegangen"),
    ]
    assert (bal.committed, bal.paid_net) == (paid - 30_000, paid - 30_000)
    assert actions[-5:] == ["claim_refund", "book_refund", "record_refund", "book_refund", "record_refund"]


def test_an_application_on_a_version_from_before_the_proof_declared_its_use_case_still_submits_its_proof(
    fonds: Engine,
) -> None:
    """The versions stored before `submit_proof`, `external_approve` and `external_reject` declared
    their use case (every other step did): `lifecycle.fire` finds a step by its use case, so the
    catalogue gives these steps the use case of the same trigger in the latest version."""
    undeclared = ("submit_proof", "external_approve", "external_reject")
    older = re.sub(rf"^    use_case: (?:{'|'.join(undeclared)})\n", "", SHIPPED.read_text(encoding="utf-8"), flags=re.M)
    parsed = load_workflow_text(older, source="x", workflow_id="bewohnerfonds")
    assert {t.trigger for t in parsed.transitions if t.use_case is None} == set(undeclared)
    with fonds.unit_of_work() as uow:
        row = WorkflowVersion(
            workflow_id="bewohnerfonds", version_hash="before-proof-use-case", content=older, source="alt.yaml",
            loaded_at=datetime(2026, 9, 1, tzinfo=UTC),
        )  # fmt: skip
        uow.session.add(row)
        uow.session.flush()
        older_id = row.id
        uow.commit()
    with fonds.db.read() as s:
        old = Catalog().workflow(s, older_id)
    assert {t.trigger: t.use_case for t in old.transitions if t.trigger in undeclared} == {u: u for u in undeclared}
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = person(fonds, "Anna", "anna@example.org")
    walk = Journey(fonds, office=office, applicant=anna, fund=QF, data=quartiersfonds_input())
    app_id = walk.to("submitted")
    with fonds.unit_of_work() as uow:
        app = uow.session.get(Application, app_id)
        assert app is not None
        app.workflow_version_id = older_id
        uow.commit()
    walk.to("paid", app_id)
    receipt = ReceiptInput(date(2026, 11, 25), "Baumarkt Witten", "Ersatzteile", "material", 60_000)
    proofs.submit_proof(fonds, anna, app_id, report="Sechs Treffen.", participants_reached=40, receipts=[receipt],
                        confirmed=True)  # fmt: skip
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.application_id == app_id)))
    assert app is not None and app.state == "proof_submitted" and app.workflow_version_id == older_id
    assert "submit_proof" in actions
