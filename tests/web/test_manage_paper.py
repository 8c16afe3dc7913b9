"""Paper applications: the office enters one for a resident; the audit trail says who for whom."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.model import Application, AuditEvent, User
from tests.web.builders import QF, World
from tests.web.conftest import login


def _form(**changes: str) -> dict[str, str]:
    data = {
        "person_name": "Erika Papier",
        "person_email": "",
        "applicant_kind": "resident",
        "contact_name": "Erika Papier",
        "contact_street": "Wiesenstraße 3",
        "contact_postcode": "58452",
        "contact_city": "Witten",
        "contact_phone": "02302 12345",
        "area_link": "lives",
        "nonprofit": "1",
        "benefits_area": "1",
        "title": "Bücherschrank am Rathausplatz",
        "description": "Ein offener Bücherschrank für alle.",
        "place": "Rathausplatz",
        "street": "Marktstraße 1",
        "postcode": "58452",
        "project_start": "2026-05-01",
        "project_end": "2026-05-31",
        "participants_expected": "200",
        "prior_consultation_on": "2026-01-05",
        "cost-1-category": "material",
        "cost-1-description": "Schrank und Schloss",
        "cost-1-amount": "450,00",
        "requested": "450,00",
        "decl-not_started": "1",
        "decl-no_double_funding": "1",
        "decl-publicity": "1",
        "extra-participants_expected": "200",
        "extra-neighbourhood_benefit": "Nachbarn tauschen Bücher.",
    }
    return {**data, **changes}


def test_the_office_enters_a_paper_application_for_a_resident_without_an_account(
    world: World, client: FlaskClient
) -> None:
    login(client, "buero@example.org")
    assert client.get(f"/verwaltung/papierantrag?fonds={QF}").status_code == 200

    response = client.post(f"/verwaltung/papierantrag?fonds={QF}", data=_form())

    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with world.fonds.db.read() as s:
        app = s.scalars(select(Application)).one()
        person = s.get(User, app.applicant_id)
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "create_draft")).one()
        assert person is not None
        assert (person.name, person.email, person.password_hash) == ("Erika Papier", None, None)
        assert (app.state, app.entered_by_id, app.requested_cents) == ("draft", world.office, 45_000)
        assert (event.actor_id, event.on_behalf_of_id) == (world.office, person.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Innenstadt-Büro für Erika Papier" in page
    submitted = client.post(f"/verwaltung/antraege/{app.id}/schritt", data={"trigger": "submit", "from_state": "draft"})
    assert submitted.status_code == 302
    with world.fonds.db.read() as s:
        assert s.get(Application, app.id).state == "submitted"  # type: ignore[union-attr]


def test_a_paper_application_for_a_known_address_goes_to_that_account(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    response = client.post(
        f"/verwaltung/papierantrag?fonds={QF}", data=_form(person_email="Anna@Example.org", person_name="")
    )
    assert response.status_code == 302
    with world.fonds.db.read() as s:
        assert s.scalars(select(Application.applicant_id)).one() == world.anna


def test_an_unreadable_amount_keeps_the_entries_and_names_the_field(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    response = client.post(f"/verwaltung/papierantrag?fonds={QF}", data=_form(requested="viel"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#f-requested"' in html
    assert 'value="Bücherschrank am Rathausplatz"' in html
    with world.fonds.db.read() as s:
        assert s.scalars(select(Application)).all() == []


def test_a_resident_cannot_enter_paper_applications(world: World, client: FlaskClient) -> None:
    login(client, "anna@example.org")
    assert client.get("/verwaltung/papierantrag").status_code == 403
    assert client.post(f"/verwaltung/papierantrag?fonds={QF}", data=_form()).status_code == 403


def _counts(world: World) -> tuple[int, int, int]:
    with world.fonds.db.read() as s:
        users = len(s.scalars(select(User.id)).all())
        applications = len(s.scalars(select(Application.id)).all())
        events = len(s.scalars(select(AuditEvent.id)).all())
    return users, applications, events


def test_a_paper_application_the_engine_refuses_creates_no_person_and_no_draft(
    world: World, client: FlaskClient
) -> None:
    login(client, "buero@example.org")
    before = _counts(world)
    # the form parses; the engine refuses the project end before its start
    response = client.post(
        f"/verwaltung/papierantrag?fonds={QF}", data=_form(project_start="2026-06-01", project_end="2026-05-01")
    )
    assert response.status_code == 400
    assert "Das Projektende liegt vor dem Projektbeginn." in response.get_data(as_text=True)
    # an address that is none
    response = client.post(f"/verwaltung/papierantrag?fonds={QF}", data=_form(person_email="kein-at-zeichen"))
    assert response.status_code == 400
    assert _counts(world) == before
    with world.fonds.db.read() as s:
        assert s.scalar(select(User.id).where(User.name == "Erika Papier")) is None


def test_a_paper_application_creates_its_person_and_draft_together_and_once_for_a_double_post(
    world: World, client: FlaskClient
) -> None:
    login(client, "buero@example.org")
    users, applications, events = _counts(world)
    first = client.post(f"/verwaltung/papierantrag?fonds={QF}", data=_form(form_token="papier-1"))
    again = client.post(f"/verwaltung/papierantrag?fonds={QF}", data=_form(form_token="papier-1"))
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert _counts(world) == (users + 1, applications + 1, events + 2)  # create_user + create_draft
    with world.fonds.db.read() as s:
        person = s.scalars(select(User).where(User.name == "Erika Papier")).one()
        created = [
            (e.actor_id, e.actor_role)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "create_user"))
            if e.data.get("user_id") == person.id
        ]
        assert created == [(world.office, "manager")]
