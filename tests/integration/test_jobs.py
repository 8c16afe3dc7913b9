"""Scheduled jobs driven by passing `now`: lapse, year end, retention, reminders, digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine import ledger
from fondsengine.applications import decisions
from fondsengine.clock import FixedClock
from fondsengine.engine import Actor, Engine
from fondsengine.funds.loading import load_funds
from fondsengine.jobs.table import list_jobs, run_job
from fondsengine.model import Application, BudgetYear, LedgerEntry, Letter, OutboxMessage, Payment
from fondsengine.notify import FakeMailer
from fondsengine.payments import service as payments
from tests.integration.test_outbox import approved_application, make_cast
from tests.support.factories import QF

ROOT = Path(__file__).resolve().parents[2]


def berlin(y: int, m: int, d: int, hour: int = 9) -> datetime:
    return datetime(y, m, d, hour - 1, 0, tzinfo=UTC)


@pytest.fixture
def cast(fonds: Engine) -> dict[str, Actor]:
    return make_cast(fonds)


def app_row(fonds: Engine, app_id: int) -> Application:
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app


def topics(fonds: Engine) -> list[str]:
    with fonds.db.read() as s:
        return list(s.scalars(select(OutboxMessage.topic).order_by(OutboxMessage.id)))


def test_an_uncalled_approval_lapses_releases_the_budget_and_sends_the_lapse_letter(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock
) -> None:
    app_id = approved_application(fonds, cast)
    due = app_row(fonds, app_id).lapse_due_on
    assert due is not None
    assert run_job(fonds, "approval_lapse", berlin(due.year, due.month, due.day)) == 0
    after = berlin(due.year, due.month, due.day) + timedelta(days=1)
    assert run_job(fonds, "approval_lapse", after) == 1
    assert run_job(fonds, "approval_lapse", after) == 0
    assert app_row(fonds, app_id).state == "lapsed"
    with fonds.db.read() as s:
        bal = ledger.balance(s, QF, 2027)
    assert (bal.committed, bal.free) == (0, bal.available)
    mailer = FakeMailer()
    run_job(fonds, "send_mail", after, mailer=mailer)
    lapse_mails = [m for m in mailer.to("anna@example.org") if "erloschen" in m.subject]
    assert len(lapse_mails) == 1 and lapse_mails[0].attachments[0].content.startswith(b"%PDF")
    with fonds.db.read() as s:
        letter = s.scalar(select(Letter).where(Letter.kind == "lapse"))
    assert letter is not None and letter.sha256 is not None and letter.created_at == after


def test_an_approval_with_a_payment_does_not_lapse(fonds: Engine, cast: dict[str, Actor]) -> None:
    app_id = approved_application(fonds, cast)
    payments.record_payment(fonds, cast["office"], app_id, amount_cents=50_000, kind="advance")
    due = app_row(fonds, app_id).lapse_due_on
    assert due is not None
    after = due + timedelta(days=1)
    assert run_job(fonds, "approval_lapse", berlin(after.year, after.month, after.day)) == 0
    assert app_row(fonds, app_id).state == "paid"


def test_year_end_expires_the_free_money_once_and_closes_the_year(fonds: Engine, cast: dict[str, Actor]) -> None:
    approved_application(fonds, cast)
    run_job(fonds, "year_end", berlin(2027, 12, 31, 23))  # closes the years before 2027
    with fonds.db.read() as s:
        assert s.scalar(select(BudgetYear.closed_at).where(BudgetYear.fund_id == QF, BudgetYear.year == 2027)) is None
    assert run_job(fonds, "year_end", berlin(2028, 1, 1, 2)) >= 1
    assert run_job(fonds, "year_end", berlin(2028, 1, 2, 2)) == 0
    with fonds.db.read() as s:
        bal = ledger.balance(s, QF, 2027)
        entries = s.execute(
            select(LedgerEntry.kind, LedgerEntry.amount_cents).where(
                LedgerEntry.fund_id == QF, LedgerEntry.budget_year == 2027
            )
        ).all()
        closed = s.scalar(select(BudgetYear.closed_at).where(BudgetYear.fund_id == QF, BudgetYear.year == 2027))
    assert ("expiry", 2_000_000 - 120_000) in entries
    assert (bal.committed, bal.free, bal.expired) == (120_000, 0, 1_880_000)
    assert closed == berlin(2028, 1, 1, 2)


def test_year_end_carries_the_free_money_over_when_the_guideline_says_so(fonds: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "richtlinien"
    folder.mkdir()
    text = (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8")
    assert "carry_over: false" in text
    (folder / "uebertrag-fonds.yaml").write_text(
        text.replace("carry_over: false", "carry_over: true"), encoding="utf-8"
    )
    load_funds(fonds, Actor.scheduler(), folder, ROOT / "workflows")
    with fonds.db.read() as s:
        years = sorted(s.scalars(select(BudgetYear.year).where(BudgetYear.fund_id == "uebertrag-fonds")))
    first = years[0]
    with fonds.db.read() as s:
        free_before = ledger.balance(s, "uebertrag-fonds", first).free
        next_before = ledger.balance(s, "uebertrag-fonds", first + 1).available
    run_job(fonds, "year_end", berlin(first + 1, 1, 1, 2))
    with fonds.db.read() as s:
        old = ledger.balance(s, "uebertrag-fonds", first)
        new = ledger.balance(s, "uebertrag-fonds", first + 1)
        kinds = s.execute(
            select(LedgerEntry.budget_year, LedgerEntry.kind, LedgerEntry.amount_cents)
            .where(LedgerEntry.fund_id == "uebertrag-fonds", LedgerEntry.kind == "carry_over")
            .order_by(LedgerEntry.id)
        ).all()
    assert kinds == [(first, "carry_over", -free_before), (first + 1, "carry_over", free_before)]
    assert (old.free, old.expired, old.carried) == (0, 0, -free_before)
    assert new.available == next_before + free_before


def test_retention_anonymises_personal_data_but_keeps_amounts_dates_and_states(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = approved_application(fonds, cast)
    payments.record_payment(fonds, cast["office"], app_id, amount_cents=50_000, kind="advance")
    other = approved_application(fonds, cast, title="Pflanzkübel für die Ecke")
    decisions_closed = berlin(2028, 6, 1)
    with fonds.unit_of_work() as uow:  # a closed, documented application (shortcut for the test)
        app = uow.session.get(Application, app_id)
        assert app is not None
        app.iban, app.account_holder, app.closed_at = "DE89370400440532013000", "Anna Beispiel", decisions_closed
        uow.commit()
    years = fonds.catalog.guideline
    with fonds.db.read() as s:
        retention_years = years(s, app_row(fonds, app_id).guideline_version_id).retention.years
    before = app_row(fonds, app_id)
    assert run_job(fonds, "retention", berlin(2028 + retention_years, 5, 31)) == 0
    assert run_job(fonds, "retention", berlin(2028 + retention_years, 6, 2)) == 1
    assert run_job(fonds, "retention", berlin(2028 + retention_years, 6, 3)) == 0
    after = app_row(fonds, app_id)
    assert (after.contact_name, after.contact_email, after.contact_street, after.iban) == (
        "anonymisiert",
        None,
        None,
        None,
    )
    assert after.description == "" and after.anonymised_at is not None
    assert (after.requested_cents, after.approved_cents, after.state, after.decided_at, after.title) == (
        before.requested_cents,
        before.approved_cents,
        before.state,
        before.decided_at,
        before.title,
    )
    with fonds.db.read() as s:
        pay = s.scalar(select(Payment).where(Payment.application_id == app_id))
        letters = list(s.scalars(select(Letter).where(Letter.application_id == app_id)))
    assert pay is not None and pay.iban is None and pay.amount_cents == 50_000
    assert all(x.data["applicant_name"] is None and x.pdf is None for x in letters)
    untouched = app_row(fonds, other)
    assert (untouched.contact_name, untouched.anonymised_at) == ("Anna Beispiel", None)


def test_proof_of_use_reminders_go_out_once_per_stage_and_escalate_to_the_office(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = approved_application(fonds, cast)
    due = app_row(fonds, app_id).proof_due_on
    assert due is not None

    def on(day: date) -> datetime:
        return berlin(day.year, day.month, day.day)

    assert run_job(fonds, "proof_reminders", on(due - timedelta(days=20))) == 0
    assert run_job(fonds, "proof_reminders", on(due - timedelta(days=14))) == 1
    assert run_job(fonds, "proof_reminders", on(due - timedelta(days=10))) == 0
    assert run_job(fonds, "proof_reminders", on(due)) == 1
    assert run_job(fonds, "proof_reminders", on(due + timedelta(days=1))) == 1
    assert run_job(fonds, "proof_reminders", on(due + timedelta(days=5))) == 0
    assert run_job(fonds, "proof_reminders", on(due + timedelta(days=30))) == 1
    assert run_job(fonds, "proof_reminders", on(due + timedelta(days=31))) == 0
    mailer = FakeMailer()
    run_job(fonds, "send_mail", on(due + timedelta(days=31)), mailer=mailer)
    anna = [m.subject for m in mailer.to("anna@example.org")]
    assert sum("Verwendungsnachweis" in x or "Überfällig" in x or "Heute fällig" in x for x in anna) == 3
    office = [m for m in mailer.to("buero@example.org") if "überfällig" in m.subject]
    assert len(office) == 1 and "30 Tage" in office[0].subject and office[0].reply_to == "anna@example.org"


def test_jury_members_are_invited_with_the_agenda_and_reminded_the_day_before(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    approved_application(fonds, cast)
    starts = datetime(2027, 4, 21, 16, 0, tzinfo=UTC)
    sid = decisions.create_session(fonds, cast["office"], QF, starts, "Rathaus, Raum 102")
    assert run_job(fonds, "jury_invitation", starts - timedelta(days=15)) == 0
    assert run_job(fonds, "jury_invitation", starts - timedelta(days=14)) == 1
    assert run_job(fonds, "jury_invitation", starts - timedelta(days=13)) == 0
    assert run_job(fonds, "jury_reminder", starts - timedelta(days=2)) == 0
    assert run_job(fonds, "jury_reminder", starts - timedelta(hours=20)) == 1
    assert run_job(fonds, "jury_reminder", starts - timedelta(hours=2)) == 0
    mailer = FakeMailer()
    run_job(fonds, "send_mail", starts - timedelta(hours=1), mailer=mailer)
    subjects = [m.subject for m in mailer.to("jana@example.org")]
    assert "Einladung zur Jurysitzung am 21.04.2027" in subjects
    assert any(x.startswith("Erinnerung: Jurysitzung am 21.04.2027") for x in subjects)
    from fondsengine.model import Attendance

    with fonds.db.read() as s:
        att = s.scalar(select(Attendance).where(Attendance.session_id == sid))
    assert att is not None and att.invited_at == starts - timedelta(days=14)


def test_the_daily_digest_goes_to_the_office_once_a_day_and_lists_what_needs_attention(
    fonds: Engine, cast: dict[str, Actor], clock: FixedClock
) -> None:
    from fondsengine.applications import service as apps
    from tests.support.factories import quartiersfonds_input

    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    apps.submit(fonds, cast["anna"], app_id)
    now = clock.now()
    assert run_job(fonds, "daily_digest", now) == 1
    assert run_job(fonds, "daily_digest", now + timedelta(hours=3)) == 0
    assert run_job(fonds, "daily_digest", now + timedelta(days=1)) == 1
    mailer = FakeMailer()
    run_job(fonds, "send_mail", now + timedelta(days=1), mailer=mailer)
    digests = [m for m in mailer.to("buero@example.org") if m.subject.startswith("Tagesübersicht")]
    assert len(digests) == 2 and "Formale Prüfung (1)" in digests[0].text
    assert "Repair-Café im Wiesenviertel" in digests[0].text


def test_residents_with_a_draft_are_reminded_seven_days_before_the_round_deadline(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    from fondsengine.applications import service as apps
    from tests.support.factories import quartiersfonds_input

    apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    with fonds.db.read() as s:
        g = fonds.catalog.current(s, QF)[2]
    rnd = g.timing.rounds[-1]
    d = rnd.deadline
    assert run_job(fonds, "round_deadline", berlin(d.year, d.month, d.day) - timedelta(days=8)) == 0
    assert run_job(fonds, "round_deadline", berlin(d.year, d.month, d.day) - timedelta(days=7)) == 1
    assert run_job(fonds, "round_deadline", berlin(d.year, d.month, d.day) - timedelta(days=1)) == 0
    assert topics(fonds).count("round_deadline") == 1


def test_every_job_is_registered_with_a_german_description_and_unknown_names_are_refused(
    fonds: Engine,
) -> None:
    from fondsengine.errors import NotFound

    names = [j.name for j in list_jobs()]
    assert names[0] == "send_mail" and {"year_end", "retention", "daily_digest", "approval_lapse"} <= set(names)
    with pytest.raises(NotFound, match="Einen Job „nope“ gibt es nicht"):
        run_job(fonds, "nope", datetime(2027, 1, 1, tzinfo=UTC))
    assert run_job(fonds, "circulation_close", datetime(2027, 1, 1, tzinfo=UTC)) == 0
