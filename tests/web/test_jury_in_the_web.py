"""Issue 17 in the web (test client): the office starts a vote by circulation and draws members by
lot; anyone re-checks the draw; the jury comments and scores; organisations and co-applicants."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.accounts import organisations as orgs
from fondsengine.engine import Actor
from fondsengine.jury import usecases as jury
from fondsengine.model import AgendaItem, Application, JurySession
from tests.integration.test_jury_in_the_web import CRITERIA
from tests.integration.test_jury_support import FUND, reviewed, uid
from tests.support.factories import person
from tests.web.builders import World, draft_for
from tests.web.conftest import login
from tests.web.test_jury_support import build_jury


def test_the_office_starts_a_circulation_on_the_ticked_items_with_a_deadline(
    world: World, client: FlaskClient, tmp_path: Path
) -> None:
    j = build_jury(world, tmp_path)
    first = reviewed(world.fonds, j.cast, j.cast.anna, title="Lesecafé")
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/sitzungen?fonds={FUND}").get_data(as_text=True)
    assert "Umlaufverfahren starten" in page and "Lesecafé" in page
    assert 'value="2026-12-02"' in page  # today + the guideline's circulation_days (7)
    none = client.post("/verwaltung/sitzungen/umlauf", data={"fonds": FUND, "deadline_day": "2026-12-02"})
    assert none.status_code == 400 and "Bitte wählen Sie mindestens einen Antrag aus." in none.get_data(as_text=True)
    past = client.post(
        "/verwaltung/sitzungen/umlauf",
        data={"fonds": FUND, "application": str(first), "deadline_day": "2026-11-20", "deadline_time": "18:00"},
    )
    assert past.status_code == 400 and "muss in der Zukunft liegen" in past.get_data(as_text=True)
    assert "checked" in past.get_data(as_text=True)  # the choice is kept
    done = client.post(
        "/verwaltung/sitzungen/umlauf",
        data={"fonds": FUND, "application": str(first), "deadline_day": "2026-12-02", "deadline_time": "18:00"},
    )
    assert done.status_code == 302
    with world.fonds.db.read() as s:
        js = s.scalars(select(JurySession).where(JurySession.circulation.is_(True))).one()
        assert js.vote_deadline is not None and js.vote_deadline.isoformat() == "2026-12-02T17:00:00+00:00"
        assert s.scalars(select(AgendaItem.application_id).where(AgendaItem.session_id == js.id)).all() == [first]
    member = world.app.test_client()
    login(member, "ida@example.org")
    session_page = member.get(f"/jury/sitzungen/{js.id}").get_data(as_text=True)
    assert "Umlaufverfahren bis 02.12.2026, 18:00 Uhr" in session_page and "Stimme abgeben" in session_page


def test_the_office_draws_by_lot_and_anyone_re_checks_the_draw(
    world: World, client: FlaskClient, tmp_path: Path
) -> None:
    j = build_jury(world, tmp_path)
    for n in range(4):
        v = person(world.fonds, f"Freiwillige {n}", f"frei{n}@example.org")
        jury.register_volunteer(world.fonds, j.office, FUND, uid(v), "resident")
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/losziehung?fonds={FUND}").get_data(as_text=True)
    assert "Pool der Freiwilligen (4)" in page and "Freiwillige 3" in page
    wrong = client.post("/verwaltung/losziehung", data={"fonds": FUND, "size": "5", "seed": "abc"})
    assert wrong.status_code == 400 and "im Pool sind aber nur 4" in wrong.get_data(as_text=True)
    drawn = client.post("/verwaltung/losziehung", data={"fonds": FUND, "size": "2", "seed": "Ziehung am 25.11."})
    assert drawn.status_code == 302
    page = client.get(f"/verwaltung/losziehung?fonds={FUND}").get_data(as_text=True)
    assert "Ziehung am 25.11." in page and "Pool der Freiwilligen (2)" in page
    fingerprint = re.search(r'<code class="break">([0-9a-f]{64})</code>', page)
    assert fingerprint is not None
    visitor = world.app.test_client()
    listing = visitor.get(f"/jury/losziehungen/{FUND}")
    assert listing.status_code == 200
    check = visitor.get("/jury/losziehungen/pruefung/1").get_data(as_text=True)
    assert "Geprüft: Die Losziehung ist korrekt." in check and fingerprint.group(1) in check
    assert "Freiwillige" not in check  # people appear as numbers only
    assert visitor.get("/jury/losziehungen/pruefung/2").status_code == 404
    assert visitor.get("/jury/losziehungen/witten-cityfonds").status_code == 404  # no draw recorded there


def test_comments_and_scores_reach_the_jury_and_office_and_never_the_applicant(
    world: World, client: FlaskClient, tmp_path: Path
) -> None:
    j = build_jury(world, tmp_path, **CRITERIA)  # type: ignore[arg-type]
    first, _ = j.items
    login(client, "ida@example.org")
    empty = client.post(f"/jury/top/{first}/kommentar", data={"comment": " "})
    assert empty.status_code == 400 and "Bitte schreiben Sie einen Kommentar." in empty.get_data(as_text=True)
    assert client.post(f"/jury/top/{first}/kommentar", data={"comment": "Gute Idee fürs Viertel."}).status_code == 302
    too_many = client.post(f"/jury/top/{first}/bewertung", data={"points-nutzen": "9"})
    assert too_many.status_code == 400 and 'id="e-points-nutzen-' in too_many.get_data(as_text=True)
    assert (
        client.post(f"/jury/top/{first}/bewertung", data={"points-nutzen": "4", "points-beteiligung": "2"}).status_code
        == 302
    )
    member_page = client.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Gute Idee fürs Viertel." in member_page
    assert "nur für Vorsitz und Geschäftsführung" not in member_page  # Ida does not chair (yet)
    office = world.app.test_client()
    login(office, "buero@example.org")
    office_page = office.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Gute Idee fürs Viertel." in office_page and "4,0 von 5" in office_page
    applicant = world.app.test_client()
    login(applicant, "anna@example.org")
    assert applicant.get(f"/jury/sitzungen/{j.session_id}").status_code == 404
    assert applicant.post(f"/jury/top/{first}/kommentar", data={"comment": "Ich auch"}).status_code == 404
    with world.fonds.db.read() as s:
        item = s.get(AgendaItem, first)
        assert item is not None
        app = s.get(Application, item.application_id)
        assert app is not None
    detail = applicant.get(f"/antraege/{app.id}").get_data(as_text=True)
    assert "Gute Idee" not in detail and "Kommentar" not in detail


def test_a_co_applicant_edits_the_draft_of_the_organisation(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    created = client.post("/konto/organisationen", data={"name": "Verein Wiesenviertel", "kind": "association"})
    assert created.status_code == 302
    missing = client.post("/konto/organisationen", data={"name": " ", "kind": "association"})
    assert missing.status_code == 400
    (org,) = orgs.organisations_of(world.fonds, Actor(world.anna))
    unknown = client.post(f"/konto/organisationen/{org.id}/mitglieder", data={"email": "niemand@example.org"})
    assert unknown.status_code == 400 and "kein bestätigtes Konto" in unknown.get_data(as_text=True)
    assert (
        client.post(f"/konto/organisationen/{org.id}/mitglieder", data={"email": "bert@example.org"}).status_code == 302
    )
    page = client.get("/konto/organisationen").get_data(as_text=True)
    assert "Bert Nachbar" in page and "vertritt die Organisation" in page
    app_id = draft_for(world, world.anna, title="Hoffest")
    detail = client.get(f"/antraege/{app_id}").get_data(as_text=True)
    assert "Für eine Organisation beantragen" in detail
    assert client.post(f"/antraege/{app_id}/organisation", data={"organisation": str(org.id)}).status_code == 302
    bert = world.app.test_client()
    login(bert, "bert@example.org")
    assert "Hoffest" in bert.get("/antraege").get_data(as_text=True)
    assert "Ein Antrag der Organisation" in bert.get(f"/antraege/{app_id}").get_data(as_text=True)
    assert (
        bert.post(f"/konto/organisationen/{org.id}/mitglieder", data={"email": "anna@example.org"}).status_code == 403
    )
    form = bert.get(f"/antraege/{app_id}/bearbeiten")
    assert form.status_code == 200
