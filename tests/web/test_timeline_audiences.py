"""One timeline, composed once (webapp/labels.timeline_lines), read by two audiences: the office sees
every event in German with who acted; the resident sees her language, without the jury's internal work
and without names."""

from __future__ import annotations

from fondsengine.applications import service as applications
from fondsengine.applications.records import add_attachment
from fondsengine.engine import Actor
from tests.support.files import simple_pdf
from tests.web.builders import World, draft_for
from tests.web.conftest import login
from webapp.uploads import CheckedFile, as_input

SUBMITTED_DE = "Antrag einreichen – neuer Stand: Eingereicht"
SUBMITTED_EN = "Submit application – new status: Submitted"
RELEASED = "Freigabe eines Anhangs für die Jury geändert"


def _timeline(page: str) -> str:
    return page[page.index('id="verlauf-titel"') :].split("</section>", 1)[0]


def test_the_office_and_the_resident_read_the_same_timeline_each_as_they_may(world: World) -> None:
    f = world.fonds
    app_id = draft_for(world, world.anna)
    applications.submit(f, Actor(world.anna), app_id)
    pdf = as_input(CheckedFile("angebot.pdf", "application/pdf", simple_pdf()), "cost_estimate")
    offer = add_attachment(f, Actor(world.anna), app_id, pdf)
    office = world.app.test_client()
    login(office, "buero@example.org")
    released = office.post(f"/verwaltung/antraege/{app_id}/anhaenge/{offer}/jury", data={"freigeben": "1"})
    assert released.status_code == 302

    desk = _timeline(office.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True))
    assert f'{SUBMITTED_DE} <span class="muted">(Anna Beispiel)</span>' in desk
    assert f'{RELEASED} <span class="muted">(Innenstadt-Büro)</span>' in desk

    anna = world.app.test_client()
    login(anna, "anna@example.org")
    own = _timeline(anna.get(f"/antraege/{app_id}").get_data(as_text=True))
    assert SUBMITTED_DE in own and "Datei angehängt" in own
    assert RELEASED not in own and "Anna Beispiel" not in own and "Innenstadt-Büro" not in own

    anna.post("/sprache", data={"sprache": "en", "weiter": "/konto"})
    english = _timeline(anna.get(f"/antraege/{app_id}").get_data(as_text=True))
    assert SUBMITTED_EN in english and "neuer Stand" not in english

    office.post("/sprache", data={"sprache": "en", "weiter": "/konto"})  # the office's pages stay German
    assert f"{SUBMITTED_DE} <span" in _timeline(office.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True))
