"""The office corrects an application before the decision: a revision with a diff, audited, the applicant told."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.service import CostItemInput
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.model import ApplicationRevision, AuditEvent, OutboxMessage
from tests.support.factories import QF, person, quartiersfonds_input
from tests.support.jury import decide_on_paper


def test_the_office_corrects_an_application_before_the_decision(fonds: Engine) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    data = quartiersfonds_input(place="")  # the paper form left the place empty
    app_id = apps.create_draft(fonds, anna, QF, data)
    apps.submit(fonds, anna, app_id)
    decisions.start_review(fonds, office, app_id)

    fixed = replace(
        data,
        place="Gemeindesaal St. Johannis",
        cost_items=(*data.cost_items[:2], CostItemInput("rental", "Saalmiete (8 Termine)", 20_000)),
    )
    with pytest.raises(PermissionDenied):
        apps.correct_application(fonds, anna, app_id, fixed, reason="selbst")
    with pytest.raises(InvalidInput, match="begründen"):
        apps.correct_application(fonds, office, app_id, fixed, reason=" ")
    changed = apps.correct_application(fonds, office, app_id, fixed, reason="Ort laut Telefonat ergänzt")
    assert changed == ["cost_items", "place"]
    with pytest.raises(InvalidInput, match="nichts geändert"):
        apps.correct_application(fonds, office, app_id, fixed, reason="noch einmal")

    with fonds.db.read() as s:
        revisions = list(
            s.scalars(
                select(ApplicationRevision)
                .where(ApplicationRevision.application_id == app_id)
                .order_by(ApplicationRevision.number)
            )
        )
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "office_correction"))
        mail = s.scalar(select(OutboxMessage).where(OutboxMessage.topic == "application_corrected"))
    before, after = revisions[-2].snapshot, revisions[-1].snapshot
    assert (before["place"], after["place"]) == ("", "Gemeindesaal St. Johannis")
    assert after["cost_items"][2]["description"] == "Saalmiete (8 Termine)"
    assert event is not None and event.reason == "Ort laut Telefonat ergänzt"
    assert event.data == {"fields": ["cost_items", "place"]}
    assert mail is not None and mail.recipient_id == anna.user_id
    assert mail.payload["reason"] == "Ort laut Telefonat ergänzt"

    # after the decision nothing can be corrected any more
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(fonds, office, app_id)
    sid = decisions.create_session(fonds, office, QF, datetime(2027, 3, 10, 17, tzinfo=UTC), "Rathaus")
    decisions.schedule(fonds, office, app_id, sid)
    decide_on_paper(fonds, office, app_id, "approve")
    with pytest.raises(InvalidInput, match="Nach der Entscheidung"):
        apps.correct_application(fonds, office, app_id, data, reason="zurück")
