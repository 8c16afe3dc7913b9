"""A jury decision entered by the office exists only with its record (paper session), through the web."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import func, select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.model import AgendaItem, Application, AuditEvent, Conflict, Letter, OutboxMessage
from tests.support.files import simple_pdf
from tests.web.builders import QF, World, draft_for, seated_jury
from tests.web.conftest import login


def _on_agenda(world: World) -> tuple[int, int]:
    f, office = world.fonds, Actor(world.office)
    app_id = draft_for(world, world.anna)
    apps.submit(f, Actor(world.anna), app_id)
    decisions.start_review(f, office, app_id)
    with f.db.read() as s:
        checklist = f.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(f, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(f, office, app_id)
    session_id = decisions.create_session(f, office, QF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus")
    decisions.schedule(f, office, app_id, session_id)
    world.clock.set(datetime(2026, 3, 11, 18, tzinfo=UTC))
    return app_id, session_id


def _state(world: World, app_id: int) -> str:
    with world.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.state


def _protocol() -> dict[str, object]:
    return {"protocol": (io.BytesIO(simple_pdf()), "protokoll-2026-03-11.pdf", "application/pdf")}


def test_an_office_entered_jury_decision_without_votes_or_protocol_is_refused(
    world: World, client: FlaskClient
) -> None:
    app_id, session_id = _on_agenda(world)
    login(client, "buero@example.org")
    url = f"/verwaltung/antraege/{app_id}/aktion/jury_approve"

    not_opened = client.post(url, data={"yes": "6", "no": "2", "abstain": "1", **_protocol()})
    assert not_opened.status_code == 400
    assert "Die Sitzung ist nicht eröffnet" in not_opened.get_data(as_text=True)

    seated_jury(world, session_id)
    page = client.get(url).get_data(as_text=True)
    assert "Protokoll des Beschlusses" in page and "Jurymitglied 01" in page

    no_counts = client.post(url, data={})
    assert no_counts.status_code == 400
    assert "Ein Beschluss der Jury braucht sein Protokoll" in no_counts.get_data(as_text=True)
    no_protocol = client.post(url, data={"yes": "6", "no": "2", "abstain": "1"})
    assert "Bitte laden Sie das unterschriebene Protokoll der Sitzung hoch (PDF)." in no_protocol.get_data(as_text=True)
    too_many = client.post(url, data={"yes": "8", "no": "2", "abstain": "0", **_protocol()})
    assert "Gezählt sind 10 Stimmen, stimmberechtigt anwesend waren aber nur 9 Mitglieder" in too_many.get_data(
        as_text=True
    )
    assert _state(world, app_id) == "on_agenda"


def test_paper_counts_follow_the_tally_rules_and_close_the_item_with_the_protocol(
    world: World, client: FlaskClient
) -> None:
    app_id, session_id = _on_agenda(world)
    jury = seated_jury(world, session_id)
    login(client, "buero@example.org")
    url = f"/verwaltung/antraege/{app_id}/aktion/jury_approve"

    # more no than yes: the counts say rejected, so "approve" is refused
    wrong = client.post(url, data={"yes": "3", "no": "5", "abstain": "1", **_protocol()})
    assert wrong.status_code == 400
    assert "Nach den eingetragenen Stimmen ist der Antrag abgelehnt" in wrong.get_data(as_text=True)
    # one member left the room: 8 present voters remain, the quorum of 8 still holds
    done = client.post(url, data={"yes": "5", "no": "2", "abstain": "1", "left_room": [str(jury[3])], **_protocol()})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    assert _state(world, app_id) == "approved"
    with world.fonds.db.read() as s:
        item = s.scalar(select(AgendaItem).where(AgendaItem.application_id == app_id))
        assert item is not None and item.tally is not None
        assert (item.status, item.outcome) == ("closed", "approve")
        assert (item.tally["yes"], item.tally["no"], item.tally["abstain"]) == (5, 2, 1)
        assert item.tally["excluded"] == [jury[3]]
        assert item.tally["paper"]["protocol_name"] == "protokoll-2026-03-11.pdf"
        assert len(item.tally["paper"]["protocol_sha256"]) == 64
        conflicts = list(s.scalars(select(Conflict.user_id).where(Conflict.agenda_item_id == item.id)))
    assert conflicts == [jury[3]]


def test_a_paper_session_without_quorum_records_no_decision(world: World, client: FlaskClient) -> None:
    app_id, session_id = _on_agenda(world)
    jury = seated_jury(world, session_id)
    login(client, "buero@example.org")
    response = client.post(
        f"/verwaltung/antraege/{app_id}/aktion/jury_reject",
        data={"yes": "1", "no": "5", "abstain": "0", "left_room": [str(j) for j in jury[:2]],
              "reason": "Zu teuer", **_protocol()},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Kein Beschluss möglich" in response.get_data(as_text=True)
    assert _state(world, app_id) == "on_agenda"


def _written(world: World, app_id: int) -> tuple[str, str, int, int, int]:
    """What a decision writes: state, agenda item, the application's audit rows, letters, mails."""
    with world.fonds.db.read() as s:
        item = s.scalar(select(AgendaItem.status).where(AgendaItem.application_id == app_id))
        audit = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.application_id == app_id))
        letters = s.scalar(select(func.count()).select_from(Letter).where(Letter.application_id == app_id))
        mails = s.scalar(select(func.count()).select_from(OutboxMessage))
    return _state(world, app_id), str(item), int(audit or 0), int(letters or 0), int(mails or 0)


def test_a_jury_decision_posted_without_the_paper_fields_shows_the_german_error_and_writes_nothing(
    world: World, client: FlaskClient
) -> None:
    app_id, session_id = _on_agenda(world)
    seated_jury(world, session_id)
    login(client, "buero@example.org")
    before = _written(world, app_id)
    assert before[:2] == ("on_agenda", "open")
    for trigger, data in (("jury_approve", {}), ("jury_reject", {"reason": "Zu teuer"})):
        response = client.post(f"/verwaltung/antraege/{app_id}/aktion/{trigger}", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, trigger
        assert "Ein Beschluss der Jury braucht sein Protokoll" in page, trigger
        assert "Ja, mit Nein und mit Enthaltung" in page, trigger
        assert _written(world, app_id) == before, trigger

    # the deferral (Vertagung) decides nothing and needs no votes
    deferred = client.post(f"/verwaltung/antraege/{app_id}/aktion/jury_defer", data={"reason": "Unterlagen fehlen"})
    assert deferred.status_code == 302, deferred.get_data(as_text=True)[:2000]
    state, item, audit, letters, _mails = _written(world, app_id)
    assert (state, item, letters) == ("reviewed", "closed", before[3])
    assert audit == before[2] + 1
