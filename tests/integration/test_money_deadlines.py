"""Deadlines the office tracks: the answer to a request for changes ("bis zum <date>", the same date the
letter names) and the rule to use called money within the guideline's months (one field,
`issuance.use_within_months`); each past its date appears in the office's to-do list."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.todo import office_todo
from fondsengine.clock import BERLIN
from fondsengine.engine import Actor, Engine
from fondsengine.letters.store import letter_data
from fondsengine.model import Application, Letter, Payment
from fondsengine.payments import service as payments
from tests.integration.test_receipt_review import _approved
from tests.support.factories import QF, person, quartiersfonds_input, with_bank_account
from tests.support.jury import decide_on_paper


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=BERLIN).astimezone(UTC)


def _group(fonds: Engine, office: Actor, key: str, day: date) -> list[tuple[int | None, date | None, bool]]:
    fonds.clock.set(_at(day))  # type: ignore[attr-defined]
    (group,) = [g for g in office_todo(fonds, office) if g.key == key]
    return [(i.application_id, i.day, i.overdue) for i in group.items]


def test_an_unanswered_request_for_changes_is_overdue_after_the_date_the_letter_names(fonds: Engine) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, app_id)
    decisions.start_review(fonds, office, app_id)
    requested_on = date(2026, 11, 25)  # the test clock's day
    decisions.request_changes(fonds, office, app_id, "Bitte reichen Sie ein Angebot nach.")
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        due = app.changes_due_on
        g = fonds.catalog.guideline(s, app.guideline_version_id)
        letter = s.scalars(select(Letter).where(Letter.application_id == app_id, Letter.kind == "changes")).one()
    assert due == requested_on + timedelta(days=g.timing.changes_response_days)  # 14 days
    assert letter_data("changes", letter.data, g, requested_on).respond_by == due  # type: ignore[attr-defined]

    assert _group(fonds, office, "changes_overdue", due) == []  # answer due today: not yet overdue
    assert _group(fonds, office, "changes_overdue", due + timedelta(days=1)) == [(app_id, due, True)]
    apps.resubmit(fonds, anna, app_id)
    assert _group(fonds, office, "changes_overdue", due + timedelta(days=2)) == []  # answered


def test_an_advance_not_used_within_the_guidelines_months_is_listed_from_the_day_after(fonds: Engine) -> None:
    app_id, office, _anna = _approved(fonds, QF)  # Quartiersfonds: issuance.use_within_months = 2
    payments.record_payment(fonds, office, app_id, amount_cents=50_000, kind="advance")  # paid 25.11.2026
    use_by = date(2027, 1, 25)
    assert _group(fonds, office, "unused_advance", use_by - timedelta(days=1)) == []
    assert _group(fonds, office, "unused_advance", use_by + timedelta(days=1)) == [(app_id, use_by, True)]


def _second_approved(fonds: Engine, office: Actor, anna: Actor) -> int:
    """One more approved Quartiersfonds application of the same applicant (the steps of `_approved`)."""
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, app_id)
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, QF)[2].review_checklist
    decisions.start_review(fonds, office, app_id)
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(fonds, office, app_id)
    sid = decisions.create_session(fonds, office, QF, datetime(2027, 3, 11, 17, tzinfo=UTC), "Rathaus")
    decisions.schedule(fonds, office, app_id, sid)
    decide_on_paper(fonds, office, app_id, "approve")
    with_bank_account(fonds, office, app_id)
    return app_id


def test_the_unused_advances_are_read_in_the_order_of_payment_counted_up_to_the_cap(
    fonds: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fondsengine.applications import todo

    first, office, anna = _approved(fonds, QF)
    second = _second_approved(fonds, office, anna)
    # the later application is paid first, at the same (fixed) time: the list's order is the payments'
    # (time, then id), not the applications'; each application keeps the time of its first advance
    later = payments.record_payment(fonds, office, second, amount_cents=30_000, kind="advance")
    earlier = payments.record_payment(fonds, office, first, amount_cents=20_000, kind="advance")
    payments.record_payment(fonds, office, first, amount_cents=10_000, kind="instalment",
                            paid_at=_at(date(2026, 12, 1)))  # fmt: skip
    with fonds.db.read() as s:
        paid_at = {a.id: a.advance_paid_at for a in s.scalars(select(Application))}
        pays = {p.id: p.paid_at for p in s.scalars(select(Payment))}
    assert paid_at[first] == pays[earlier] and paid_at[second] == pays[later]  # the first advance, not the last
    assert later < earlier

    day = date(2027, 2, 2)  # both advances (25 November) and the instalment (1 December) older than 2 months
    (group,) = [g for g in office_todo(fonds, office, now=_at(day)) if g.key == "unused_advance"]
    assert [i.amount_cents for i in group.items] == [30_000, 20_000, 10_000]
    assert (group.total, group.capped) == (3, False)
    monkeypatch.setattr(todo, "LIST_LIMIT", 1)  # the two applications tie: the payment with the lower id
    monkeypatch.setattr(todo, "COUNT_CAP", 2)
    (group,) = [g for g in office_todo(fonds, office, now=_at(day)) if g.key == "unused_advance"]
    assert [i.amount_cents for i in group.items] == [30_000]
    assert (group.total, group.capped, group.total_label) == (2, True, "mehr als 2")
    monkeypatch.setattr(todo, "COUNT_CAP", 3)
    (group,) = [g for g in office_todo(fonds, office, now=_at(day)) if g.key == "unused_advance"]
    assert (group.total, group.capped, group.total_label) == (3, False, "3")
