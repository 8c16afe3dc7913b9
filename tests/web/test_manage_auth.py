"""Every office route: no login, a resident, a jury member, a manager of the other fund, the manager."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from tests.web.builders import PASSWORD, QF, World, draft_for
from tests.web.conftest import login

CF = "witten-cityfonds"


@dataclass
class Setup:
    world: World
    app_id: int
    session_id: int


@pytest.fixture()
def setup(world: World) -> Setup:
    """A submitted application in review, a planned session, a jury member and the Cityfonds office."""
    f = world.fonds
    jury = create_user(f, name="Jule Jury", email="jury@example.org", password=PASSWORD, confirmed=True)
    grant_role(f, Actor.scheduler(), user_id=jury, fund_id=QF, role="jury_member", group="resident")
    other = create_user(f, name="City-Büro", email="city@example.org", password=PASSWORD, confirmed=True)
    grant_role(f, Actor.scheduler(), user_id=other, fund_id=CF, role="manager")
    app_id = draft_for(world, world.anna)
    apps.submit(f, Actor(world.anna), app_id)
    decisions.start_review(f, Actor(world.office), app_id)
    session_id = decisions.create_session(f, Actor(world.office), QF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus")
    return Setup(world, app_id, session_id)


def _get_routes(s: Setup) -> list[str]:
    a = s.app_id
    return [
        f"/verwaltung/?fonds={QF}",
        f"/verwaltung/antraege?fonds={QF}",
        f"/verwaltung/antraege.csv?fonds={QF}",
        f"/verwaltung/antraege.xlsx?fonds={QF}",
        f"/verwaltung/antraege/{a}",
        f"/verwaltung/antraege/{a}/aktion/request_changes",
        f"/verwaltung/sitzungen?fonds={QF}",
        f"/verwaltung/sitzungen/{s.session_id}",
        f"/verwaltung/papierantrag?fonds={QF}",
        f"/verwaltung/auszahlungen?fonds={QF}",
        f"/verwaltung/auszahlungen.csv?fonds={QF}",
        f"/verwaltung/auszahlungen.xlsx?fonds={QF}",
        f"/verwaltung/rollen?fonds={QF}",
        f"/verwaltung/jahresuebersicht?fonds={QF}",
        f"/verwaltung/jahresuebersicht.csv?fonds={QF}",
        f"/verwaltung/jahresuebersicht.xlsx?fonds={QF}",
    ]


def _post_routes(s: Setup) -> list[tuple[str, dict[str, str]]]:
    a = s.app_id
    return [
        (f"/verwaltung/antraege/{a}/schritt", {"trigger": "complete_review"}),
        (f"/verwaltung/antraege/{a}/aktion/request_changes", {"reason": "Bitte Kostenvoranschlag beilegen."}),
        (f"/verwaltung/antraege/{a}/pruefung", {"r-complete": "fulfilled"}),
        (f"/verwaltung/antraege/{a}/beratung", {"on": "2026-01-05"}),
        (f"/verwaltung/antraege/{a}/belege/1", {"decision": "accept"}),
        ("/verwaltung/sitzungen", {"fonds": QF, "day": "2026-06-01", "time": "18:00", "place": "Rathaus"}),
        (f"/verwaltung/sitzungen/{s.session_id}", {"application": str(a)}),
        (f"/verwaltung/papierantrag?fonds={QF}", {"title": "Auf Papier"}),
        (f"/verwaltung/auszahlungen?fonds={QF}", {"payment_id": "1"}),
        (f"/verwaltung/sitzungen/{s.session_id}/einladen", {}),
        (f"/verwaltung/antraege/{a}/notizen", {"note": "intern"}),
        ("/verwaltung/antraege/tagesordnung", {"session_id": str(s.session_id), "auswahl": str(a)}),
        ("/verwaltung/antraege.csv", {"fonds": QF, "auswahl": str(a)}),
        ("/verwaltung/rollen", {"fonds": QF, "email": "x@example.org", "role": "auditor"}),
        ("/verwaltung/rollen/entziehen", {"fonds": QF, "user_id": "1", "role": "auditor"}),
    ]


def _state(s: Setup) -> str:
    with s.world.fonds.db.read() as db:
        from fondsengine.model import Application

        row = db.get(Application, s.app_id)
        assert row is not None
        return row.state


def test_every_office_page_sends_an_anonymous_visitor_to_the_login(setup: Setup, client: FlaskClient) -> None:
    for url in _get_routes(setup):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/anmelden" in response.headers["Location"], url
    for url, data in _post_routes(setup):
        response = client.post(url, data=data)
        assert response.status_code == 302, url
        assert "/anmelden" in response.headers["Location"], url
    assert _state(setup) == "in_review"


@pytest.mark.parametrize("email", ["anna@example.org", "bert@example.org", "jury@example.org", "city@example.org"])
def test_people_who_do_not_manage_the_fund_get_no_office_page(setup: Setup, client: FlaskClient, email: str) -> None:
    login(client, email)
    for url in _get_routes(setup):
        assert client.get(url).status_code in (403, 404), (email, url)
    for url, data in _post_routes(setup):
        assert client.post(url, data=data).status_code in (403, 404), (email, url)
    assert _state(setup) == "in_review"


def test_the_applicant_and_the_jury_member_are_refused_with_403_not_a_missing_page(
    setup: Setup, client: FlaskClient
) -> None:
    login(client, "anna@example.org")
    assert client.get(f"/verwaltung/antraege/{setup.app_id}").status_code == 403
    assert client.get("/verwaltung/").status_code == 403
    client.post("/abmelden")
    login(client, "jury@example.org")
    # an application on none of the member's agendas does not exist for them (least privilege)
    assert client.get(f"/verwaltung/antraege/{setup.app_id}").status_code == 404
    assert client.get(f"/verwaltung/sitzungen/{setup.session_id}").status_code == 403


def test_the_manager_of_the_other_fund_sees_only_its_own_dashboard(setup: Setup, client: FlaskClient) -> None:
    login(client, "city@example.org")
    own = client.get("/verwaltung/")
    assert own.status_code == 200
    assert "Cityfonds" in own.get_data(as_text=True)
    assert client.get(f"/verwaltung/antraege/{setup.app_id}").status_code == 404
    assert client.get(f"/verwaltung/?fonds={QF}").status_code == 403
    queue = client.get("/verwaltung/antraege").get_data(as_text=True)
    assert "Nachbarschaftsfest" not in queue


def test_the_manager_of_the_fund_may_open_every_office_page(setup: Setup, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    for url in _get_routes(setup):
        assert client.get(url).status_code == 200, url


def test_the_manager_of_the_fund_may_post_to_every_office_route(setup: Setup, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    for url, data in _post_routes(setup):
        status = client.post(url, data=data).status_code
        if "/belege/1" in url:
            assert status == 404  # there is no receipt 1 on this application
        else:
            assert status in (200, 302, 400), (url, status)
    assert _state(setup) == "changes_requested"
