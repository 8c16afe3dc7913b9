"""The jury member's journey: a past session is not 'upcoming', an accepted invitation is not offered again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.web.builders import World
from tests.web.conftest import login
from tests.web.test_jury_support import Jury, build_jury


@pytest.fixture()
def j(world: World, tmp_path: Path) -> Jury:
    return build_jury(world, tmp_path)


def _member(world: World) -> FlaskClient:
    client = world.app.test_client()
    login(client, "ida@example.org")
    return client


def _section(html: str, heading: str) -> str:
    start = html.index(heading)
    rest = html[start:]
    end = rest.find("<section", 1)
    return rest if end < 0 else rest[:end]


def test_a_session_whose_day_has_passed_is_listed_as_past_and_not_planned(j: Jury) -> None:
    ida = _member(j.world)
    upcoming = _section(ida.get("/jury/").get_data(as_text=True), "Anstehende Sitzungen")
    assert "Jurysitzung am 10.03.2027, 18:00 Uhr" in upcoming and "Ich komme" in upcoming
    j.world.clock.set(datetime(2027, 3, 12, 9, tzinfo=UTC))
    html = ida.get("/jury/").get_data(as_text=True)
    upcoming = _section(html, "Anstehende Sitzungen")
    assert "10.03.2027" not in upcoming
    assert "Jurysitzung am 10.03.2027, 18:00 Uhr" in html  # under the past sessions
    assert "Termin vorbei, noch nicht abgeschlossen" in html
    assert "Ich komme" not in html


def test_after_accepting_the_session_page_no_longer_offers_ich_komme(j: Jury) -> None:
    ida = _member(j.world)
    page = ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert ">Ich komme</button>" in page and ">Ich kann nicht kommen</button>" in page
    ida.post(f"/jury/sitzungen/{j.session_id}/zusage", data={"coming": "ja", "zurueck": "sitzung"})
    page = ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Sie haben zugesagt." in page
    assert ">Ich komme</button>" not in page and ">Ich kann nicht kommen</button>" in page
    ida.post(f"/jury/sitzungen/{j.session_id}/zusage", data={"coming": "nein", "zurueck": "sitzung"})
    page = ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert ">Ich komme</button>" in page and ">Ich kann nicht kommen</button>" not in page
