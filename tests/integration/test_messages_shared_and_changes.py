"""Issue 17 on SQLite and PostgreSQL: a message shared with the jury's papers, requests for changes
and their answers among the messages, a guideline draft deleted, the volunteer pool of a resident."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.message_sharing import (
    jury_messages,
    share_message_with_jury,
    shared_attachment,
    unshare_message_with_jury,
)
from fondsengine.applications.messages import messages_of, send_message
from fondsengine.applications.records import AttachmentInput
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.funds import drafts
from fondsengine.jury import usecases as jury
from fondsengine.jury.pool import my_pools
from fondsengine.model import AuditEvent
from tests.integration.test_jury_support import FUND, Cast, agenda, app_of, load_test_fund, make_cast, uid
from tests.support.factories import CF, person, quartiersfonds_input
from tests.support.files import simple_pdf


@pytest.fixture
def cast(fonds: Engine, tmp_path: Path) -> Cast:
    load_test_fund(fonds, tmp_path)
    return make_cast(fonds)


def test_a_shared_message_and_its_file_reach_the_jury_and_nothing_else_does(fonds: Engine, cast: Cast) -> None:
    _, (item, _other) = agenda(fonds, cast, [cast.anna, cast.anna])
    app_id = app_of(fonds, item).id
    file = AttachmentInput("other", "angebot.pdf", "application/pdf", simple_pdf())
    shared = send_message(fonds, cast.anna, app_id, "Das neue Angebot.", file)
    private = send_message(fonds, cast.anna, app_id, "Meine Telefonnummer.")
    assert jury_messages(fonds, cast.ida, app_id) == []
    with pytest.raises(NotFound):
        messages_of(fonds, cast.ida, app_id)  # the jury never reads the record's messages
    with pytest.raises(NotFound):
        share_message_with_jury(fonds, cast.ida, app_id, shared)  # a member cannot see the record
    with pytest.raises(PermissionDenied):
        share_message_with_jury(fonds, cast.anna, app_id, shared)  # the applicant reads it, but may not share
    share_message_with_jury(fonds, cast.office, app_id, shared)
    with pytest.raises(InvalidInput, match="schon vor"):
        share_message_with_jury(fonds, cast.office, app_id, shared)
    assert [m.text for m in jury_messages(fonds, cast.ida, app_id)] == ["Das neue Angebot."]
    row, content = shared_attachment(fonds, cast.ida, app_id, shared)
    assert row.original_name == "angebot.pdf" and content == simple_pdf()
    with pytest.raises(NotFound):
        shared_attachment(fonds, cast.ida, app_id, private)
    outsider = person(fonds, "Olga Außen", "olga@example.org")
    with pytest.raises(NotFound):
        jury_messages(fonds, outsider, app_id)
    unshare_message_with_jury(fonds, cast.office, app_id, shared)
    with pytest.raises(InvalidInput, match="nicht vor"):
        unshare_message_with_jury(fonds, cast.office, app_id, shared)
    assert jury_messages(fonds, cast.ida, app_id) == []
    with pytest.raises(NotFound):
        shared_attachment(fonds, cast.ida, app_id, shared)
    with fonds.db.read() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("%_message_with_jury")).order_by(AuditEvent.id)
        ).all()
    assert actions == ["share_message_with_jury", "unshare_message_with_jury"]


def test_requests_for_changes_and_answers_are_messages_in_order(fonds: Engine, cast: Cast) -> None:
    app_id = apps.create_draft(fonds, cast.anna, FUND, quartiersfonds_input())
    apps.submit(fonds, cast.anna, app_id)
    send_message(fonds, cast.anna, app_id, "Eine Frage vorab.")
    decisions.start_review(fonds, cast.office, app_id)
    fonds.clock.advance(minutes=1)  # type: ignore[attr-defined]
    decisions.request_changes(fonds, cast.office, app_id, "Bitte ein zweites Angebot.")
    fonds.clock.advance(minutes=1)  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput):
        apps.resubmit(fonds, cast.anna, app_id, answer="x" * 6000)
    apps.resubmit(fonds, cast.anna, app_id, answer="Angebot angehängt.")
    fonds.clock.advance(minutes=1)  # type: ignore[attr-defined]
    send_message(fonds, cast.office, app_id, "Danke.")
    seen = [(m.kind, m.from_office, m.text) for m in messages_of(fonds, cast.anna, app_id)]
    assert seen == [
        ("message", False, "Eine Frage vorab."),
        ("request", True, "Bitte ein zweites Angebot."),
        ("answer", False, "Angebot angehängt."),
        ("message", True, "Danke."),
    ]
    assert [m.kind for m in messages_of(fonds, cast.office, app_id)] == ["message", "request", "answer", "message"]


def test_only_an_unadopted_draft_is_deleted_and_only_by_the_office(fonds: Engine, cast: Cast) -> None:
    draft = drafts.save_draft(fonds, cast.office, FUND, "name: kaputt\n")
    with pytest.raises((NotFound, PermissionDenied)):
        drafts.delete_draft(fonds, cast.anna, draft.id)
    assert drafts.delete_draft(fonds, cast.office, draft.id) == FUND
    with pytest.raises(NotFound):
        drafts.draft_of(fonds, cast.office, draft.id)
    with fonds.db.read() as s:
        text = fonds.catalog.current(s, FUND)[1].content
    adopted = drafts.save_draft(fonds, cast.office, FUND, text + "# neue Fassung\n")
    drafts.adopt_draft(
        fonds, cast.office, adopted.id, council_date=date(2026, 11, 1), council_reference="DS 9/2026",
        decision=drafts.DecisionFile("Beschluss.pdf", "application/pdf", simple_pdf()),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="nicht löschen"):
        drafts.delete_draft(fonds, cast.office, adopted.id)
    assert drafts.draft_of(fonds, cast.office, adopted.id).adopted_version_id is not None


def test_a_resident_joins_and_leaves_the_pool_of_a_fund_that_draws_by_lot(fonds: Engine, cast: Cast) -> None:
    bea = person(fonds, "Bea Bürger", "bea@example.org")
    places = {p.fund_id: p for p in my_pools(fonds, bea)}
    assert FUND in places and CF not in places  # the Cityfonds elects its jury
    assert places[FUND].status == "out"
    with pytest.raises(InvalidInput, match="nicht aus Freiwilligen"):
        jury.register_volunteer(fonds, bea, CF, uid(bea), "trader")
    jury.register_volunteer(fonds, bea, FUND, uid(bea), "resident")
    place = next(p for p in my_pools(fonds, bea) if p.fund_id == FUND)
    assert (place.status, place.group) == ("in", "resident")
    assert uid(bea) in [c.id for c in jury.draw_pool(fonds, FUND)]
    jury.withdraw_volunteer(fonds, bea, FUND, uid(bea))
    assert next(p for p in my_pools(fonds, bea) if p.fund_id == FUND).status == "out"
    with pytest.raises(NotFound):
        jury.withdraw_volunteer(fonds, bea, FUND, uid(bea))
