"""The office queue's read model (fondsengine.applications.queue) and the page's read session
(fondsengine.engine.PageRead): authorised once through the actor, plain rows, the same answer in a
handed-over session as in its own."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from fondsengine.applications import service as apps
from fondsengine.applications.queue import SORTS, QueueFilter, QueueRow, office_queue, queue_export
from fondsengine.engine import Actor
from fondsengine.errors import PermissionDenied
from tests.web.builders import QF, World, draft_for
from tests.web.conftest import login
from webapp.manage.queue import SORT_LABELS

CF = "witten-cityfonds"


def _submitted(world: World, user: int, title: str) -> int:
    app_id = draft_for(world, user, title=title)
    apps.submit(world.fonds, Actor(user), app_id)
    return app_id


def test_the_queue_lists_the_managed_funds_submitted_applications_as_plain_rows(world: World) -> None:
    first = _submitted(world, world.anna, "Sommerfest")
    second = _submitted(world, world.bert, "Repair-Café")
    draft_for(world, world.anna, title="Noch ein Entwurf")  # drafts are never in the queue
    page = office_queue(world.fonds, Actor(world.office), QueueFilter())
    assert [fc.id for fc in page.funds] == [QF]
    assert tuple(page.filter.fund_ids) == (QF,)
    assert page.total == 2 and page.pages == 1 and page.page == 1
    assert all(isinstance(r, QueueRow) for r in page.rows)
    assert {r.id for r in page.rows} == {first, second}
    assert {r.title for r in page.rows} == {"Sommerfest", "Repair-Café"}
    assert all(page.labels[(r.workflow_version_id, r.state)] for r in page.rows)
    assert page.states and page.kinds and page.categories


def test_only_the_funds_managers_read_the_queue(world: World) -> None:
    _submitted(world, world.anna, "Sommerfest")
    for refused in (QueueFilter(fund_ids=(CF,)), QueueFilter(fund_ids=(QF, CF))):
        with pytest.raises(PermissionDenied):
            office_queue(world.fonds, Actor(world.office), refused)
        with pytest.raises(PermissionDenied):
            queue_export(world.fonds, Actor(world.office), refused)
    with pytest.raises(PermissionDenied):
        office_queue(world.fonds, Actor(world.anna), QueueFilter())
    with pytest.raises(PermissionDenied):
        queue_export(world.fonds, Actor(world.anna), QueueFilter(fund_ids=(QF,)))


def test_the_export_reads_the_ticked_applications_of_the_filter(world: World) -> None:
    first = _submitted(world, world.anna, "Sommerfest")
    _submitted(world, world.bert, "Repair-Café")
    export = queue_export(world.fonds, Actor(world.office), QueueFilter(selected=(first,)))
    assert [r.id for r in export.rows] == [first]
    assert export.kinds[export.rows[0].applicant_kind]


def test_a_handed_over_read_session_gives_the_same_page_and_stays_open(world: World) -> None:
    _submitted(world, world.anna, "Sommerfest")
    office = Actor(world.office)
    reads = world.fonds.page_read()
    try:
        session = reads.session
        assert reads.session is session  # opened once, on first use
        shared = office_queue(world.fonds, office, QueueFilter(text="sommer"), read=session)
        assert session.in_transaction()  # the read model leaves the page's session open for the layout
        assert reads.session is session
    finally:
        reads.close()
    assert reads.session is not session  # closed: the next use opens a new one
    reads.close()
    alone = office_queue(world.fonds, office, QueueFilter(text="sommer"))
    assert shared == alone and shared.total == 1


def test_the_page_refuses_a_fund_the_office_does_not_manage(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    assert client.get("/verwaltung/antraege").status_code == 200
    assert client.get(f"/verwaltung/antraege?fonds={CF}").status_code == 403
    assert client.get(f"/verwaltung/antraege.csv?fonds={CF}").status_code == 403
    assert client.get(f"/verwaltung/antraege.csv?fonds={CF}&jahr=x").status_code == 403  # before the 400
    assert client.get(f"/verwaltung/antraege.csv?fonds={QF}&jahr=x").status_code == 400


def test_every_sort_key_of_the_engine_has_a_label_on_the_page() -> None:
    assert set(SORT_LABELS) == set(SORTS)
