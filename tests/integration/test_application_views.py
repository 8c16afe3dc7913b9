"""The read models of the two application pages (fondsengine.applications.views) on both databases.

Each page is read in one session with the application loaded and authorised once; what it holds is
what the single reads (which keep their own checks) give, and the rules of who may read it are the
same: the office's page for the fund's managers, the status page for those who may read the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, inspect, select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.messages import messages_of, send_message
from fondsengine.applications.notes import add_note, notes_of
from fondsengine.applications.queries import available_actions, findings_for, timeline
from fondsengine.applications.records import AttachmentInput, attachments_of
from fondsengine.applications.views import applicant_application_view, office_application_view, office_reads
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.json_reads import read_together
from fondsengine.letters.access import letters_of_application
from fondsengine.model import Application, Receipt
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from fondsengine.payments.service import lapse_notice, payments_of
from tests.support.factories import CF, QF, person, quartiersfonds_input, with_bank_account
from tests.support.jury import decide_on_paper


@contextmanager
def _statements(fonds: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            seen.append(statement)

    event.listen(fonds.db.engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(fonds.db.engine, "before_cursor_execute", on_execute)


def _approved(fonds: Engine) -> tuple[int, Actor, Actor]:
    """An approved Quartiersfonds application with a bank account, a note and a message each way."""
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, app_id)
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, QF)[2].review_checklist
    decisions.start_review(fonds, office, app_id)
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(fonds, office, app_id)
    session = decisions.create_session(fonds, office, QF, datetime(2026, 12, 2, 17, tzinfo=UTC), "Rathaus")
    decisions.schedule(fonds, office, app_id, session)
    decide_on_paper(fonds, office, app_id, "approve")
    with_bank_account(fonds, office, app_id)
    add_note(fonds, office, app_id, "Telefonisch nachgefragt.")
    send_message(fonds, anna, app_id, "Wann kommt das Geld?")
    send_message(fonds, office, app_id, "Nach Ihrer Anforderung.")
    return app_id, office, anna


def test_the_office_page_holds_what_the_single_reads_give(fonds: Engine) -> None:
    app_id, office, _anna = _approved(fonds)
    with _statements(fonds) as seen:
        view = office_application_view(fonds, office, app_id)
    assert len(seen) <= 7, seen  # the page's own read, without the login and the layout
    assert view.app.id == app_id and view.state.id == view.app.state
    assert [c.position for c in view.app.cost_items] == sorted(c.position for c in view.app.cost_items)
    assert list(view.findings) == findings_for(fonds, office, app_id)
    assert list(view.actions) == available_actions(fonds, office, app_id)
    assert [e.event.id for e in view.timeline] == [e.id for e in timeline(fonds, office, app_id)]
    assert {e.actor_name for e in view.timeline} >= {"Büro", "Anna Beispiel"}
    assert list(view.letters) == letters_of_application(fonds, office, app_id)
    assert [a.id for a in view.attachments] == [a.id for a in attachments_of(fonds, office, app_id)]
    assert [p.id for p in view.payments] == [p.id for p in payments_of(fonds, office, app_id)]
    assert list(view.notes) == notes_of(fonds, office, app_id)
    assert list(view.messages) == messages_of(fonds, office, app_id)
    assert [m.text for m in view.messages] == ["Wann kommt das Geld?", "Nach Ihrer Anforderung."]
    assert set(view.money.review) == {i.id for i in view.guideline.review_checklist}
    assert [a.status for a in view.money.agenda] and view.money.proof is None and not view.money.refunds
    assert len(view.revisions) == 1  # submitted once: nothing to compare yet


def test_the_office_page_is_for_the_funds_managers_only(fonds: Engine) -> None:
    app_id, _office, anna = _approved(fonds)
    with pytest.raises(PermissionDenied):
        office_application_view(fonds, anna, app_id)  # the owner reads the record, but is no manager
    other_office = person(fonds, "Cityfonds-Büro", "city-buero@example.org", (CF, "manager"))
    with pytest.raises(NotFound):
        office_application_view(fonds, other_office, app_id)
    with pytest.raises(NotFound):
        office_application_view(fonds, person(fonds, "Fremd", "fremd@example.org"), app_id)
    with pytest.raises(NotFound):
        office_application_view(fonds, anna, app_id + 1000)


def test_the_status_page_holds_what_the_single_reads_give(fonds: Engine) -> None:
    app_id, office, anna = _approved(fonds)
    for reader in (anna, office):
        view = applicant_application_view(fonds, reader, app_id)
        assert view.lapse == lapse_notice(fonds, reader, app_id) and view.lapse is not None
        assert list(view.actions) == available_actions(fonds, reader, app_id)
        assert [e.event.id for e in view.timeline] == [e.id for e in timeline(fonds, reader, app_id)]
        assert list(view.letters) == letters_of_application(fonds, reader, app_id)
        assert list(view.messages) == messages_of(fonds, reader, app_id)
        assert view.findings == () and view.changes_requested is None  # not editable
        assert view.organisation is None and view.my_organisations == ()


def test_the_status_page_of_a_draft_gives_findings_and_only_to_its_readers(fonds: Engine) -> None:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    view = applicant_application_view(fonds, anna, app_id)
    assert view.state.initial and list(view.findings) == findings_for(fonds, anna, app_id)
    with pytest.raises(NotFound):
        applicant_application_view(fonds, person(fonds, "Fremd", "fremd@example.org"), app_id)
    auditor = person(fonds, "Prüferin", "pruef@example.org", (QF, "auditor"))
    with pytest.raises(NotFound):  # the auditors never read a resident's draft
        applicant_application_view(fonds, auditor, app_id)


def _plain(value: Any) -> Any:
    """A row's value to compare: an entity as its column values (large binaries aside)."""
    mapper = inspect(type(value), raiseerr=False)
    if mapper is None:
        return value
    return {a.key: getattr(value, a.key) for a in mapper.column_attrs if a.key != "pdf"}


def test_the_page_lists_read_together_are_what_their_own_statements_give(fonds: Engine) -> None:
    """Every value of every list (entities, names, times, JSON snapshots, flags, money) and the
    order, on both databases, with a proof of use, receipts and a refund on the page."""
    app_id, office, anna = _approved(fonds)
    payments.record_payment(fonds, office, app_id, amount_cents=50_000, kind="advance")
    offer = AttachmentInput("other", "angebot.pdf", "application/pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    send_message(fonds, anna, app_id, "Das Angebot im Anhang.", attachment=offer)
    proofs.submit_proof(
        fonds,
        anna,
        app_id,
        report="Ein Fest mit 80 Gästen.",
        participants_reached=80,
        receipts=[
            ReceiptInput(date(2026, 11, 25), "Baumarkt", "Material", "material", 20_000),
            ReceiptInput(date(2026, 11, 26), "Druckerei", "Plakate", "publicity", 10_000),
        ],
        confirmed=True,
    )
    with fonds.db.read() as s:
        workflow = fonds.catalog.workflow(s, s.get(Application, app_id).workflow_version_id)  # type: ignore[union-attr]
        receipt_ids = [r.id for r in s.scalars(select(Receipt).order_by(Receipt.position))]
    proofs.review_receipt(fonds, office, receipt_ids[0], accepted=True)
    proofs.review_receipt(fonds, office, receipt_ids[1], accepted=False, reason="Nicht im Kostenplan")
    proofs.accept_proof(fonds, office, app_id)
    proofs.claim_refund(fonds, office, app_id, reason="Weniger ausgegeben")
    proofs.record_refund(fonds, office, app_id, amount_cents=30_000)
    reads, params = office_reads(workflow), {"application_id": app_id}
    with fonds.db.read() as s:
        together = read_together(s, lambda: reads, params=params)
        alone = {name: s.execute(read, params).all() for name, read in reads.items()}
    assert set(together) == set(alone)
    for name, rows in alone.items():
        expected = [tuple(_plain(v) for v in row) for row in rows]
        got = [tuple(_plain(v) for v in row) for row in together[name]]
        if name in ("messages", "review"):  # no order of their own (the page sorts, or keys them)
            expected, got = sorted(expected, key=repr), sorted(got, key=repr)
        assert got == expected, name
        assert [r._fields for r in together[name]] == [r._fields for r in rows], name
    assert all(together[name] for name in alone), [name for name in alone if not together[name]]


def test_the_prepared_statement_reads_each_application_its_own_lists(fonds: Engine) -> None:
    """The page's one statement is built once and kept: a second application gets its own rows."""
    app_id, office, anna = _approved(fonds)
    other = apps.create_draft(fonds, anna, QF, quartiersfonds_input(title="Lesecafé"))
    apps.submit(fonds, anna, other)
    send_message(fonds, office, other, "Bitte reichen Sie noch ein Angebot ein.")
    for application in (app_id, other, app_id):
        view = office_application_view(fonds, office, application)
        assert [e.event.id for e in view.timeline] == [e.id for e in timeline(fonds, office, application)]
        assert list(view.messages) == messages_of(fonds, office, application)
        assert list(view.notes) == notes_of(fonds, office, application)
        status = applicant_application_view(fonds, anna, application)
        assert [e.event.id for e in status.timeline] == [e.event.id for e in view.timeline]
        assert list(status.messages) == list(view.messages)
    assert office_application_view(fonds, office, other).messages[-1].text == "Bitte reichen Sie noch ein Angebot ein."
