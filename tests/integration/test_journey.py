"""The `journey.to(state)` test helper finds its way through the workflow graph via the services."""

from __future__ import annotations

import pytest

from fondsengine.engine import Actor, Engine
from fondsengine.model import Application, AuditEvent
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input
from tests.support.journey import Journey


@pytest.fixture
def office(fonds: Engine) -> Actor:
    roles = ((QF, "manager"), (CF, "manager"), (CF, "city_approver"))  # the city office also grants
    return person(fonds, "Büro mitten@witten", "buero@example.org", *roles)


def _trail(fonds: Engine, app_id: int) -> tuple[str, list[str]]:
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        steps = [e.action for e in s.query(AuditEvent).filter_by(application_id=app_id).order_by(AuditEvent.id)
                 if e.from_state != e.to_state or e.action == "record_payment"]  # fmt: skip
        return app.state, steps


def test_the_journey_reaches_each_state_by_the_steps_the_engine_offers(fonds: Engine, office: Actor) -> None:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    qf = Journey(fonds, office=office, applicant=anna, fund=QF, data=quartiersfonds_input())
    changes = qf.to("changes_requested")
    assert qf.taken == ["submit", "start_review", "request_changes"]
    assert _trail(fonds, changes)[0] == "changes_requested"
    qf.to("reviewed", changes)  # onwards from where it stands
    assert qf.taken == ["resubmit", "start_review", "complete_review"]
    paid = qf.to("paid")
    state, steps = _trail(fonds, paid)
    assert state == "paid" and steps[-1] == "record_payment"
    assert steps[:4] == ["create_draft", "submit", "start_review", "complete_review"]
    data = quartiersfonds_input()
    jury = Journey(fonds, office=office, applicant=anna, fund=QF, data=data, avoid=("decide_approve",))
    assert _trail(fonds, jury.to("approved"))[0] == "approved"
    assert jury.taken[-2:] == ["schedule", "jury_approve"]
    assert _trail(fonds, qf.to("withdrawn"))[0] == "withdrawn"
    with pytest.raises(AssertionError, match="cannot be reached"):
        qf.to("draft", paid)


def test_the_two_step_journey_goes_through_the_city(fonds: Engine, office: Actor) -> None:
    bernd = person(fonds, "Bernd Händler", "bernd@example.org")
    cf = Journey(fonds, office=office, applicant=bernd, fund=CF, data=cityfonds_input(), avoid=("decide_approve",))
    app_id = cf.to("approved")
    assert cf.taken[-3:] == ["schedule", "jury_recommend", "city_grant"]
    assert _trail(fonds, app_id)[0] == "approved"
