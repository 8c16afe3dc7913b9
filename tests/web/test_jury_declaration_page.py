"""The declaration on conflicts of interest on the jury's session page (`jury.conflict.declaration_required`):
offered before the vote buttons, a plain form (no JavaScript), CSRF-checked, the office's view of who is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.model import Conflict, Vote
from tests.integration.test_jury_support import uid
from tests.web.builders import World
from tests.web.conftest import login
from tests.web.test_jury_support import Jury, build_jury, opened


@pytest.fixture()
def j(world: World, tmp_path: Path) -> Jury:
    jury = build_jury(world, tmp_path, declaration_required=True)
    opened(jury)
    return jury


def as_user(world: World, email: str) -> FlaskClient:
    client = world.app.test_client()
    login(client, email)
    return client


def section(html: str, item: int) -> str:
    """The card of one agenda item."""
    match = re.search(rf'<section class="card" id="top-{item}".*?</section>', html, re.S)
    assert match, f"no card for item {item}"
    return match.group(0)


def test_the_member_is_offered_the_declaration_before_the_vote_and_votes_after_it(j: Jury) -> None:
    ida, item = as_user(j.world, "ida@example.org"), j.items[0]
    card = section(ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True), item)
    assert f'action="/jury/top/{item}/nicht-befangen"' in card
    assert f'action="/jury/top/{item}/stimme"' not in card  # no vote buttons yet
    assert "Bevor Sie abstimmen, erklären Sie bitte, ob Sie bei diesem Punkt befangen sind (§ 7 Abs. 6" in card
    assert 'name="csrf_token"' in card.split("nicht-befangen")[1][:200]
    assert card.index("nicht-befangen") < card.index("Ich bin befangen, weil")  # both answers offered

    refused = ida.post(f"/jury/top/{item}/stimme", data={"choice": "yes"})  # a vote without it
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert f'<a href="#f-declaration-{item}">Bitte erklären Sie zuerst, ob Sie bei diesem Punkt befangen sind' in page
    assert f'id="f-declaration-{item}"' in page  # the summary's link has its target

    response = ida.post(f"/jury/top/{item}/nicht-befangen")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#top-{item}")
    card = section(ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True), item)
    assert "Sie haben erklärt, dass Sie bei diesem Punkt nicht befangen sind." in card
    assert f'action="/jury/top/{item}/stimme"' in card
    assert ida.post(f"/jury/top/{item}/stimme", data={"choice": "yes"}).status_code == 302
    with j.world.fonds.db.read() as s:
        assert (
            s.scalar(select(Vote.choice).where(Vote.agenda_item_id == item, Vote.user_id == uid(j.cast.ida))) == "yes"
        )
    other = section(ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True), j.items[1])
    assert f'action="/jury/top/{j.items[1]}/stimme"' not in other  # declared per item


def test_the_chair_and_the_office_see_who_has_not_declared_and_the_office_records_it_for_a_member(j: Jury) -> None:
    item = j.items[0]
    office = as_user(j.world, "buero@example.org")
    card = section(office.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True), item)
    assert "Noch nicht erklärt, ob befangen: Ida Ivers, Jan Jansen, Kim Kaya." in card
    assert f'<label for="f-declaration-{item}">„Nicht befangen“ vermerken für</label>' in card
    assert office.post(f"/jury/top/{item}/nicht-befangen", data={"user": str(uid(j.cast.jan))}).status_code == 302
    ida = as_user(j.world, "ida@example.org")  # Ida chairs
    card = section(ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True), item)
    assert "Noch nicht erklärt, ob befangen: Ida Ivers, Kim Kaya." in card
    with j.world.fonds.db.read() as s:
        rows = s.execute(select(Conflict.user_id, Conflict.conflicted, Conflict.recorded_by_id)).all()
    assert rows == [(uid(j.cast.jan), False, j.world.office)]


def test_a_declaration_without_a_valid_csrf_token_saves_nothing(j: Jury) -> None:
    ida = as_user(j.world, "ida@example.org")
    j.world.app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = ida.post(f"/jury/top/{j.items[0]}/nicht-befangen", data={"csrf_token": "stale"})
    finally:
        j.world.app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    with j.world.fonds.db.read() as s:
        assert s.scalars(select(Conflict)).all() == []
