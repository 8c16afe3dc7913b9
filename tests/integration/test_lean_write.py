"""The lean write path of a workflow step (issue 19): one guarded Core UPDATE of the application.

`lifecycle.fire` writes the new state with `UPDATE applications ... WHERE id = :id AND state = :from
AND row_version = :v`. A row that changed behind the step's back (a concurrent writer the row lock
did not keep out) must stop the step with the German conflict error and leave nothing behind; a
step that goes through must leave the loaded object, the counter table and the hash chains exactly
as an ORM write would. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select, update

from fondsengine.applications import counts
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import APPLICATION_CHANGED, ConcurrentChange
from fondsengine.integrity.check import verify
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.fire import fire
from fondsengine.model import Application, AuditEvent, OutboxMessage
from fondsengine.workflow.use_cases import START_REVIEW
from tests.support.factories import QF, person, quartiersfonds_input
from tests.support.journey import Journey


@pytest.fixture
def office(fonds: Engine) -> Actor:
    return person(fonds, "Büro mitten@witten", "buero@example.org", (QF, "manager"))


def submitted(fonds: Engine, office: Actor) -> int:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    return Journey(fonds, office=office, applicant=anna, fund=QF, data=quartiersfonds_input()).to("submitted")


def _audit_and_outbox(fonds: Engine, app_id: int) -> tuple[int, int]:
    with fonds.db.read() as s:
        events = s.scalar(select(func.count()).where(AuditEvent.application_id == app_id)) or 0
        mails = s.scalar(select(func.count()).where(OutboxMessage.application_id == app_id)) or 0
    return events, mails


@pytest.mark.parametrize("column", ["row_version", "state"])
def test_a_row_changed_behind_the_step_stops_it_with_the_conflict_error(
    fonds: Engine, office: Actor, column: str
) -> None:
    app_id = submitted(fonds, office)
    before = _audit_and_outbox(fonds, app_id)
    with fonds.unit_of_work() as uow, pytest.raises(ConcurrentChange) as caught:
        s = uow.session
        app, _ = authz.load_visible_application(s, office, app_id, local_date(fonds.clock.now()))
        t = Application.__table__
        change = {"row_version": t.c.row_version + 1} if column == "row_version" else {"state": "in_review"}
        s.execute(update(t).where(t.c.id == app_id).values(**change))  # behind the loaded object
        fire(uow, office, app, START_REVIEW)
        uow.commit()
    assert str(caught.value) == APPLICATION_CHANGED
    with fonds.db.read() as s:
        row = s.get(Application, app_id)
        assert row is not None and row.state == "submitted"  # nothing of the step was committed
    assert _audit_and_outbox(fonds, app_id) == before
    with fonds.db.read() as s:
        assert counts.stored(s) == counts.fold(s)


def test_a_step_leaves_the_object_clean_and_counters_and_chains_exact(fonds: Engine, office: Actor) -> None:
    app_id = submitted(fonds, office)
    with fonds.db.read() as s:
        row = s.get(Application, app_id)
        assert row is not None
        version = row.row_version
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, _ = authz.load_visible_application(s, office, app_id, local_date(now))
        fire(uow, office, app, START_REVIEW)
        assert (app.state, app.row_version, app.updated_at) == ("in_review", version + 1, now)
        assert app not in s.dirty and not inspect(app).attrs.state.history.has_changes()
        uow.commit()
    with fonds.db.read() as s:
        row = s.get(Application, app_id)
        assert row is not None
        assert (row.state, row.row_version) == ("in_review", version + 1)
        assert counts.stored(s) == counts.fold(s)
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.application_id == app_id).order_by(AuditEvent.id.desc()).limit(1)
        ).one()
        assert (event.action, event.from_state, event.to_state) == ("start_review", "submitted", "in_review")
        assert event.chain_seq is not None
    assert verify(fonds).findings == []
