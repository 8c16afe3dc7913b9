"""The outbox dispatcher: letters rendered once, each mail sent once, retries, preferences."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.clock import FixedClock
from fondsengine.engine import Actor, Engine
from fondsengine.model import Letter, OutboxMessage, User
from fondsengine.notify import FakeMailer
from fondsengine.notify.outbox import dispatch, make_after_commit_dispatch, undeliverable
from tests.support.factories import QF, person, quartiersfonds_input, with_bank_account
from tests.support.jury import decide_on_paper


def make_cast(fonds: Engine) -> dict[str, Actor]:
    """An applicant, an office manager and a jury member of the Quartiersfonds."""
    return {
        "anna": person(fonds, "Anna Beispiel", "anna@example.org"),
        "office": person(fonds, "Büro mitten@witten", "buero@example.org", (QF, "manager")),
        "juror": person(fonds, "Jana Jury", "jana@example.org", (QF, "jury_member")),
    }


def approved_application(fonds: Engine, cast: dict[str, Actor], **changes: object) -> int:
    """An application of Anna approved by the jury (receipt and approval letters queued)."""
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input(**changes))
    apps.submit(fonds, cast["anna"], app_id)
    decisions.start_review(fonds, cast["office"], app_id)
    with fonds.db.read() as s:
        g = fonds.catalog.current(s, QF)[2]
    decisions.record_review(fonds, cast["office"], app_id, {i.id: ("fulfilled", "") for i in g.review_checklist})
    decisions.complete_review(fonds, cast["office"], app_id)
    session_id = decisions.create_session(
        fonds, cast["office"], QF, datetime(2027, 3, 10, 17, 0, tzinfo=UTC), "Rathaus, Raum 101"
    )
    decisions.schedule(fonds, cast["office"], app_id, session_id)
    decide_on_paper(fonds, cast["office"], app_id, "approve", conditions=["Logo verwenden"])
    return with_bank_account(fonds, cast["office"], app_id)


def outbox_rows(fonds: Engine) -> list[OutboxMessage]:
    with fonds.db.read() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def cast(fonds: Engine) -> dict[str, Actor]:
    return make_cast(fonds)


def test_a_letter_pdf_is_rendered_once_with_its_hash_and_attached_to_the_mail(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock, tmp_path: object
) -> None:
    app_id = approved_application(fonds, cast)
    mailer = FakeMailer()
    report = dispatch(fonds, mailer, now=clock.now())
    with fonds.db.read() as s:
        letters = list(s.scalars(select(Letter).where(Letter.application_id == app_id).order_by(Letter.id)))
    assert [x.kind for x in letters] == ["receipt", "approval"]
    assert report.letters_rendered == 2
    approval = letters[1]
    assert approval.pdf is not None and approval.pdf.startswith(b"%PDF")
    assert approval.sha256 == hashlib.sha256(approval.pdf).hexdigest()
    to_anna = mailer.to("anna@example.org")
    decision = [m for m in to_anna if "bewilligt" in m.subject]
    assert len(decision) == 1
    assert decision[0].attachments[0].content == approval.pdf
    assert decision[0].attachments[0].filename.startswith("Bewilligungsbescheid-")
    assert decision[0].message_id is not None and decision[0].message_id.startswith("outbox-")
    assert "Bewilligt:" in decision[0].text and "1.200,00 €" in decision[0].text  # never "0,00 €"
    assert "0,00 €" not in decision[0].text.replace("1.200,00 €", "")
    # the link to the application from the configured base URL, the state in German
    link = fonds.settings.base_url.rstrip("/") + f"/antraege/{app_id}"
    assert link in decision[0].text and fonds.settings.base_url.startswith("http")
    assert "Bewilligt" in decision[0].text and "approved" not in decision[0].text

    pdf_path = tmp_path / "approval.pdf"  # type: ignore[operator]
    pdf_path.write_bytes(approval.pdf)
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Repair-Café im Wiesenviertel" in text and "1.200,00 €" in text and "Logo verwenden" in text

    clock.advance(days=1)
    again = dispatch(fonds, mailer, now=clock.now())
    with fonds.db.read() as s:
        stored = s.get(Letter, approval.id)
        assert stored is not None
        assert (stored.sha256, stored.rendered_at) == (approval.sha256, approval.rendered_at)
    assert again.letters_rendered == 0 and again.sent == 0


def test_every_queued_mail_is_sent_exactly_once_and_marked_sent(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock
) -> None:
    approved_application(fonds, cast)
    mailer = FakeMailer()
    first = dispatch(fonds, mailer, now=clock.now())
    second = dispatch(fonds, mailer, now=clock.now())
    rows = outbox_rows(fonds)
    assert first.sent == len(rows) == len(mailer.sent) and second.sent == 0
    assert {r.status for r in rows} == {"sent"}
    assert len({m.message_id for m in mailer.sent}) == len(rows)


def test_a_temporary_failure_is_retried_with_backoff_and_a_permanent_one_is_shown_to_the_office(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock
) -> None:
    approved_application(fonds, cast)
    rows = outbox_rows(fonds)
    mailer = FakeMailer()
    mailer.fail_next(1, temporary=True)
    mailer.fail_next(1, temporary=False)
    report = dispatch(fonds, mailer, now=clock.now())
    assert (report.retried, report.dead, report.sent) == (1, 1, len(rows) - 2)
    by_id = {r.id: r for r in outbox_rows(fonds)}
    retry = by_id[rows[0].id]
    assert (retry.status, retry.attempts) == ("pending", 1)
    assert retry.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert "421" in (retry.last_error or "")

    assert dispatch(fonds, mailer, now=clock.now() + timedelta(seconds=30)).sent == 0
    assert dispatch(fonds, mailer, now=clock.now() + timedelta(minutes=1)).sent == 1
    listed = undeliverable(fonds, QF)
    assert [u.id for u in listed] == [rows[1].id]
    assert listed[0].title == "Repair-Café im Wiesenviertel" and "550" in (listed[0].last_error or "")
    assert undeliverable(fonds, "witten-cityfonds") == []


def test_opted_out_notifications_are_skipped_but_letters_are_always_sent(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock
) -> None:
    with fonds.unit_of_work() as uow:
        uow.session.execute(
            update(User).where(User.id == cast["office"].user_id).values(notification_prefs={"office_attention": False})
        )
        uow.session.execute(
            update(User)
            .where(User.id == cast["anna"].user_id)
            .values(notification_prefs={"letter_approval": False, "status_changed": False})
        )
        uow.commit()
    approved_application(fonds, cast)
    mailer = FakeMailer()
    report = dispatch(fonds, mailer, now=clock.now())
    assert mailer.to("buero@example.org") == []
    assert any("bewilligt" in m.subject for m in mailer.to("anna@example.org"))
    skipped = [r for r in outbox_rows(fonds) if r.last_error and "abbestellt" in r.last_error]
    assert report.skipped == len(skipped) > 0
    assert {r.topic for r in skipped} <= {"office_attention", "status_changed"}


def test_a_row_left_sending_by_a_crashed_dispatcher_goes_back_to_pending_after_the_lease(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock
) -> None:
    approved_application(fonds, cast)
    row = outbox_rows(fonds)[0]
    with fonds.unit_of_work() as uow:
        uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status="sending", attempts=1, next_attempt_at=clock.now())
        )
        uow.commit()
    mailer = FakeMailer()
    early = dispatch(fonds, mailer, now=clock.now() + timedelta(minutes=5))
    assert early.reclaimed == 0 and all(m.message_id != f"outbox-{row.id}" for m in mailer.sent)
    late = dispatch(fonds, mailer, now=clock.now() + timedelta(minutes=20))
    assert late.reclaimed == 1
    assert [m.message_id for m in mailer.sent].count(f"outbox-{row.id}") == 1
    assert {r.id: r for r in outbox_rows(fonds)}[row.id].attempts == 2


def test_the_after_commit_hook_sends_right_away_and_never_fails_the_users_action(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock
) -> None:
    mailer = FakeMailer()
    fonds.after_commit.append(make_after_commit_dispatch(mailer))
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    apps.submit(fonds, cast["anna"], app_id)
    assert any(m.subject.startswith("Eingangsbestätigung") for m in mailer.to("anna@example.org"))

    class Broken:
        def send(self, message: object) -> None:
            raise RuntimeError("kaputt")

    decisions.start_review(fonds, cast["office"], app_id)
    fonds.after_commit[:] = [make_after_commit_dispatch(Broken())]
    decisions.request_changes(fonds, cast["office"], app_id, "Bitte den Kostenvoranschlag beilegen.")
    pending = [r for r in outbox_rows(fonds) if r.status == "pending"]
    assert pending and all("Interner Fehler" in (r.last_error or "") for r in pending)


def test_after_a_commit_only_the_mails_and_letters_of_that_unit_of_work_are_dispatched(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock
) -> None:
    """Older pending mails and letters stay for the scheduler; a use case that queues nothing sends nothing."""
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    apps.submit(fonds, cast["anna"], app_id)  # no hook yet: its receipt letter and mails stay pending
    decisions.start_review(fonds, cast["office"], app_id)
    older = {r.id for r in outbox_rows(fonds) if r.status == "pending"}
    assert older
    with fonds.db.read() as s:
        unrendered = set(s.scalars(select(Letter.id).where(Letter.pdf.is_(None))))
    assert unrendered

    mailer = FakeMailer()
    fonds.after_commit.append(make_after_commit_dispatch(mailer))
    statements: list[str] = []
    from sqlalchemy import event

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(fonds.db.engine, "before_cursor_execute", count)
    try:
        apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input(title="Zweiter Entwurf"))
        after_draft = len(statements)
        decisions.request_changes(fonds, cast["office"], app_id, "Bitte den Kostenvoranschlag beilegen.")
    finally:
        event.remove(fonds.db.engine, "before_cursor_execute", count)
    reads = [st for st in statements[:after_draft] if st.lstrip().upper().startswith("SELECT")]
    assert not any("outbox_messages" in st or "FROM letters" in st for st in reads)  # nothing queued, nothing read
    rows = {r.id: r for r in outbox_rows(fonds)}
    new = set(rows) - older
    assert new and all(rows[i].status == "sent" for i in new)
    assert all(rows[i].status == "pending" for i in older)  # left for the scheduler's send_mail job
    assert {m.message_id for m in mailer.sent} == {f"outbox-{i}" for i in new}
    with fonds.db.read() as s:
        assert set(s.scalars(select(Letter.id).where(Letter.pdf.is_(None)))) == unrendered
    report = dispatch(fonds, mailer, now=clock.now())  # the scheduler's run takes the rest
    assert report.sent == len(older) and report.letters_rendered == len(unrendered)


def test_the_receipt_names_the_session_and_the_request_for_changes_a_date_to_answer_by(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock, tmp_path: object
) -> None:
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    apps.submit(fonds, cast["anna"], app_id)  # 25.11.2026: the round "Frühjahr 2027" (session 10.03.2027)
    decisions.start_review(fonds, cast["office"], app_id)
    decisions.request_changes(fonds, cast["office"], app_id, "Bitte den Kostenplan aufschlüsseln.")
    dispatch(fonds, FakeMailer(), now=clock.now())
    with fonds.db.read() as s:
        letters = {x.kind: x for x in s.scalars(select(Letter).where(Letter.application_id == app_id))}
    texts = {}
    for kind in ("receipt", "changes"):
        pdf = letters[kind].pdf
        assert pdf is not None, kind
        path = tmp_path / f"{kind}.pdf"  # type: ignore[operator]
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        texts[kind] = " ".join(out.split())
    assert "in ihrer Sitzung am 10.03.2027." in texts["receipt"]
    assert "Bitte ergänzen Sie den Antrag bis zum 09.12.2026." in texts["changes"]
    assert " am ." not in texts["receipt"] and "bis zum ." not in texts["changes"]
