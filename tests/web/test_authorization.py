"""Every applicant route: without login, with another resident's login, with the owner's login."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.builders import World, approved_for, draft_for
from tests.web.conftest import login

# (method, path with {id}, which application: draft or approved, statuses the owner may get)
ROUTES = [
    ("GET", "/antraege/{id}", "draft", {200}),
    ("GET", "/antraege/{id}/bearbeiten", "draft", {200}),
    ("POST", "/antraege/{id}/bearbeiten", "draft", {302}),
    ("GET", "/antraege/{id}/zurueckziehen", "draft", {200}),
    ("POST", "/antraege/{id}/zurueckziehen", "draft", {302}),
    ("POST", "/antraege/{id}/schritt", "draft", {302}),
    ("POST", "/antraege/{id}/anhaenge", "draft", {302}),
    ("GET", "/antraege/{id}/auszahlung", "approved", {200}),
    ("POST", "/antraege/{id}/auszahlung", "approved", {302}),
    ("GET", "/antraege/{id}/verwendungsnachweis", "approved", {200}),
    ("POST", "/antraege/{id}/verwendungsnachweis", "approved", {200, 400}),
]

FORM = {
    "title": "Fest",
    "applicant_kind": "resident",
    "contact_name": "Anna Beispiel",
    "contact_street": "Wiesenstraße 3",
    "contact_postcode": "58452",
    "contact_city": "Witten",
    "requested": "100,00",
    "cost-1-category": "material",
    "cost-1-description": "Deko",
    "cost-1-amount": "100,00",
    "trigger": "submit",
    "kind": "advance",
    "amount": "100,00",
    "iban": "DE89 3704 0044 0532 0130 00",
    "account_holder": "Anna Beispiel",
}


def _call(client: FlaskClient, method: str, path: str):  # type: ignore[no-untyped-def]
    return client.get(path) if method == "GET" else client.post(path, data=FORM)


@pytest.fixture()
def ids(world: World) -> dict[str, int]:
    return {"draft": draft_for(world, world.anna), "approved": approved_for(world, world.anna)}


@pytest.mark.parametrize(("method", "path", "which", "owner_ok"), ROUTES)
def test_without_login_every_applicant_route_sends_to_the_login_page(
    client: FlaskClient, ids: dict[str, int], method: str, path: str, which: str, owner_ok: set[int]
) -> None:
    response = _call(client, method, path.format(id=ids[which]))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/anmelden")


@pytest.mark.parametrize(("method", "path", "which", "owner_ok"), ROUTES)
def test_another_resident_gets_404_on_every_applicant_route(
    client: FlaskClient, ids: dict[str, int], method: str, path: str, which: str, owner_ok: set[int]
) -> None:
    login(client, "bert@example.org")
    response = _call(client, method, path.format(id=ids[which]))
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path", "which", "owner_ok"), ROUTES)
def test_the_owner_reaches_every_applicant_route(
    client: FlaskClient, ids: dict[str, int], method: str, path: str, which: str, owner_ok: set[int]
) -> None:
    login(client, "anna@example.org")
    response = _call(client, method, path.format(id=ids[which]))
    assert response.status_code in owner_ok


def test_a_resident_sees_only_their_own_applications_in_the_overview(client: FlaskClient, world: World) -> None:
    draft_for(world, world.anna, title="Annas Fest")
    draft_for(world, world.bert, title="Berts Flohmarkt")
    login(client, "anna@example.org")
    page = client.get("/antraege").get_data(as_text=True)
    assert "Annas Fest" in page
    assert "Berts Flohmarkt" not in page


def test_files_and_letters_of_another_resident_are_404(client: FlaskClient, world: World) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "bert@example.org")
    assert client.get(f"/antraege/{app_id}/anhaenge/1").status_code == 404
    assert client.get(f"/antraege/{app_id}/dokumente/1").status_code == 404


def test_the_jury_page_is_404_for_a_resident(client: FlaskClient, world: World) -> None:
    login(client, "anna@example.org")
    assert client.get("/jury/").status_code == 404
