"""The journeys' server side: what a page says when a browser cannot keep files, who may delete files and
drafts, the 413 page, German labels in texts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from fondsengine.applications import service as applications
from fondsengine.applications.records import add_attachment, applications_of, attachments_of, remove_attachment
from fondsengine.engine import Actor
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.notify.outbox import dispatch
from fondsengine.payments import service as payments
from tests.support.files import simple_pdf
from tests.web.builders import World, approved_for, draft_for
from tests.web.conftest import login
from webapp.filters import filesize, stunden
from webapp.uploads import CheckedFile, as_input


def _pdf_input(name: str = "angebot.pdf") -> object:
    return as_input(CheckedFile(name, "application/pdf", simple_pdf()), "cost_estimate")


def test_without_javascript_summe_pruefen_names_each_chosen_file_to_choose_again(
    client: FlaskClient, world: World
) -> None:
    app_id = approved_for(world, world.anna)
    login(client, "anna@example.org")
    response = client.post(
        f"/antraege/{app_id}/verwendungsnachweis",
        data={
            "action": "check",
            "report": "Schön war es.",
            "receipt-1-paid_on": "2026-05-01",
            "receipt-1-amount": "600,00",
            "receipt-1-payee": "Zeltverleih",
            "receipt-1-purpose": "Zelt",
            "receipt-1-category": "rental",
            "receipt-1-file": (io.BytesIO(simple_pdf()), "beleg-zelt.pdf"),
            "photos": (io.BytesIO(b"\x89PNG\r\n\x1a\nxx"), "fest.png"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bitte wählen Sie diese Dateien noch einmal aus" in html
    assert "Beleg 1: „beleg-zelt.pdf“" in html and "Foto: „fest.png“" in html
    assert "Sie hatten „beleg-zelt.pdf“ gewählt" in html
    assert 'value="Zeltverleih"' in html  # the typed text stays
    assert "weniger ausgegeben als bewilligt" in html


def test_a_request_over_the_limit_gets_a_german_page_with_the_limit_and_the_way_back(
    client: FlaskClient, world: World
) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    limit = world.fonds.settings.upload_max_bytes
    response = client.post(
        f"/antraege/{app_id}/bearbeiten",
        data={"action": "upload", "file": (io.BytesIO(b"%PDF-" + b"0" * (limit + 600 * 1024)), "gross.pdf")},
        content_type="multipart/form-data",
        headers={"Referer": f"http://localhost/antraege/{app_id}/bearbeiten"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert f"höchstens <strong>{filesize(limit)}</strong>" in html
    assert f'href="http://localhost/antraege/{app_id}/bearbeiten"' in html
    assert "Zurück zum Formular" in html


def test_an_attachment_is_deleted_only_by_its_applicant_and_only_while_editable(world: World) -> None:
    f = world.fonds
    app_id = draft_for(world, world.anna)
    first = add_attachment(f, Actor(world.anna), app_id, _pdf_input("a.pdf"))  # type: ignore[arg-type]
    second = add_attachment(f, Actor(world.anna), app_id, _pdf_input("b.pdf"))  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        remove_attachment(f, Actor(world.bert), app_id, first)
    with pytest.raises(NotFound):
        remove_attachment(f, Actor(world.anna), app_id, 999_999)
    assert remove_attachment(f, Actor(world.anna), app_id, first) == "a.pdf"
    assert [a.original_name for a in attachments_of(f, Actor(world.anna), app_id)] == ["b.pdf"]
    applications.submit(f, Actor(world.anna), app_id)
    with pytest.raises(InvalidInput, match="keine Dateien mehr gelöscht"):
        remove_attachment(f, Actor(world.anna), app_id, second)


def test_a_submitted_application_cannot_be_deleted_as_a_draft(client: FlaskClient, world: World) -> None:
    f = world.fonds
    app_id = draft_for(world, world.anna)
    with pytest.raises(NotFound):
        applications.delete_draft(f, Actor(world.bert), app_id)
    applications.submit(f, Actor(world.anna), app_id)
    with pytest.raises(InvalidInput):
        applications.delete_draft(f, Actor(world.anna), app_id)
    login(client, "anna@example.org")
    response = client.post(f"/antraege/{app_id}/loeschen", follow_redirects=True)
    assert "Nur ein Entwurf, der noch nie eingereicht wurde" in response.get_data(as_text=True)
    assert [a.id for a in applications_of(f, Actor(world.anna))] == [app_id]


def test_the_edit_form_has_saving_as_its_first_submit_button(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    for url in (f"/antraege/{app_id}/bearbeiten", "/antrag/neu/witten-quartiersfonds"):
        html = client.get(url).get_data(as_text=True)
        form = html[html.index("<form method=\"post\" novalidate") :]
        first = form[form.index("<button") : form.index("</button>")]
        assert 'value="save"' in first, url


@pytest.mark.parametrize(
    ("value", "text"),
    [("8.00", "8 Stunden"), ("8.5", "8,5 Stunden"), (1, "1 Stunde"), ("12.25", "12,25 Stunden"), (None, "–")],
)
def test_hours_are_written_the_german_way(value: object, text: str) -> None:
    assert stunden(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(("n", "text"), [(300 * 1024, "300 KB"), (10 * 1024 * 1024, "10 MB"), (1536 * 1024, "1,5 MB")])
def test_size_limits_are_written_the_german_way(n: int, text: str) -> None:
    assert filesize(n) == text


def test_each_role_lands_on_its_own_start_page_and_several_roles_get_a_switcher(
    client: FlaskClient, world: World
) -> None:
    from fondsengine.accounts.users import grant_role
    from tests.web.builders import PASSWORD, QF

    response = client.post("/anmelden", data={"email": "buero@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/verwaltung/")
    html = client.get("/verwaltung/").get_data(as_text=True)
    assert 'aria-current="page" class="current-area">Verwaltung</a>' in html
    assert ">Meine Anträge</a>" in html
    client.post("/abmelden")
    grant_role(world.fonds, Actor.scheduler(), user_id=world.bert, fund_id=QF, role="jury_member")
    response = client.post("/anmelden", data={"email": "bert@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith("/jury/")
    html = client.get("/antraege").get_data(as_text=True)
    assert 'aria-current="page" class="current-area">Meine Anträge</a>' in html and ">Jury</a>" in html
    client.post("/abmelden")
    response = client.post("/anmelden", data={"email": "anna@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith("/antraege")
    assert "current-area" not in client.get("/antraege").get_data(as_text=True)  # one area: no switcher
    client.post("/abmelden")
    response = client.post(
        "/anmelden", data={"email": "buero@example.org", "password": PASSWORD, "next": "/konto"}
    )
    assert response.headers["Location"].endswith("/konto")  # an asked-for page still wins


def test_the_site_is_branded_with_the_office_and_has_a_favicon(client: FlaskClient, world: World) -> None:
    with world.fonds.db.read() as s:
        office = world.fonds.catalog.current(s, "witten-quartiersfonds")[2].office.name
    html = client.get("/").get_data(as_text=True)
    assert f'class="brand" href="/">{office}</a>' in html
    assert f"Ein Angebot von {office}" in html
    assert 'rel="icon" href="/static/favicon.svg"' in html
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in icon.data


@pytest.mark.parametrize(
    ("hours", "text"), [(168, "7 Tage"), (48, "2 Tage"), (24, "einen Tag"), (2, "2 Stunden"), (1, "eine Stunde")]
)
def test_a_links_validity_is_said_in_days_from_a_day_on(hours: int, text: str) -> None:
    from fondsengine.notify.messages import _hours

    assert _hours(hours) == text


def test_timelines_name_every_event_in_german_and_hide_the_jurys_votes_from_the_applicant() -> None:
    from webapp.labels import EVENT_TEXT, JURY_INTERNAL, event_text

    for action in ("add_attachment", "record_review", "cast_vote", "remove_attachment"):
        assert event_text(action, {}) == EVENT_TEXT[action] and "_" not in event_text(action, {})
    assert event_text("submit", {"submit": "Antrag einreichen"}) == "Antrag einreichen"
    assert event_text("something_new", {}) == "Bearbeitungsschritt"
    assert "cast_vote" in JURY_INTERNAL


def test_the_applicants_timeline_shows_no_votes_and_no_raw_event_names(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    add_attachment(world.fonds, Actor(world.anna), app_id, _pdf_input("a.pdf"))  # type: ignore[arg-type]
    login(client, "anna@example.org")
    html = client.get(f"/antraege/{app_id}").get_data(as_text=True)
    timeline = html[html.index('id="verlauf-titel"') :]
    assert "Datei angehängt" in timeline and "add_attachment" not in timeline


def test_a_new_application_form_has_no_ticked_declaration(client: FlaskClient, world: World) -> None:
    login(client, "anna@example.org")
    page = client.get("/antrag/neu/witten-quartiersfonds").get_data(as_text=True)
    assert 'name="nonprofit"' in page and 'name="decl-' in page
    assert " checked" not in page


def test_the_registration_error_summary_names_each_missing_field(client: FlaskClient, world: World) -> None:
    html = client.post("/registrieren", data={}).get_data(as_text=True)
    summary = html[html.index('class="error-summary"') : html.index("</div>", html.index('class="error-summary"'))]
    for label in ("Ihr Name", "E-Mail-Adresse", "Passwort", "Passwort wiederholen"):
        assert f"Bitte füllen Sie das Feld „{label}“ aus." in summary, label
    assert "dieses Feld" not in summary


def test_the_office_mail_names_the_state_in_german(world: World) -> None:
    app_id = draft_for(world, world.anna, title="Repair-Café")
    applications.submit(world.fonds, Actor(world.anna), app_id)
    dispatch(world.fonds, world.mailer, now=world.clock.now() + timedelta(minutes=1))

    office = [m for m in world.mailer.sent if "buero@example.org" in m.to and m.subject.startswith("Zu bearbeiten")]

    assert office and "Stand: Eingereicht" in office[0].text
    assert "submitted" not in office[0].text


def test_a_payment_booking_names_its_kind_in_german(world: World, client: FlaskClient) -> None:
    approved = approved_for(world, world.anna)
    payments.record_payment(world.fonds, Actor(world.office), approved, amount_cents=30_000, kind="advance")
    login(client, "buero@example.org")

    html = client.get("/verwaltung/buchungen").get_data(as_text=True)

    assert "Auszahlung (Abschlag)" in html and "(advance)" not in html
