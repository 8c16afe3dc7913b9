"""Deadlines the office tracks: the answer to a request for changes ("bis zum <date>", the same date the
letter names) and the rule to use called money within the guideline's months (one field,
`issuance.use_within_months`); each past its date appears in the office's to-do list."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.todo import office_todo
from fondsengine.clock import BERLIN
from fondsengine.engine import Actor, Engine
from fondsengine.letters.store import letter_data
from fondsengine.model import Application, Letter
from fondsengine.payments import service as payments
from tests.integration.test_receipt_review import _approved
from tests.support.factories import QF, person, quartiersfonds_input


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
