"""Every route of the url_map × every role × every state, as tests/web/authz_table.py says.

GET (and POSTs that only read) as every role: allowed roles get an answer, refused roles get
403/404 (anonymous visitors: the login page). POSTs that change data as every refused role: 403/404
and the database unchanged. Every private answer carries no-store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import url_for
from werkzeug.test import TestResponse

from tests.web.authz_table import TABLE, Row
from tests.web.authz_world import ROLES, STATES, AuthzWorld, build, fingerprint

TRIGGER = {
    "draft": "submit",
    "in_review": "complete_review",
    "on_agenda": "unschedule",
    "approved": "lapse",
    "paid": "claim_refund",
}
FORM_TRIGGER = {"in_review": "request_changes", "approved": "record_payment", "paid": "record_payment"}
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
    "kind": "advance",
    "amount": "100,00",
    "iban": "DE89 3704 0044 0532 0130 00",
    "account_holder": "Anna Beispiel",
    "reason": "Weil es so ist.",
    "message": "Bitte ergänzen.",
    "note": "Eine Notiz",
    "text": "Eine Notiz",
    "choice": "yes",
    "coming": "1",
    "name": "Neue Person",
    "email": "neu@example.org",
    "role": "jury_member",
    "fonds": "witten-quartiersfonds",
    "starts_at": "2026-04-01T16:00",
    "place": "Rathaus",
    "report": "Es war schön.",
    "action": "submit",
    "on": "2026-01-05",
    "accepted": "1",
}


@pytest.fixture(scope="module")
def aw(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[AuthzWorld]:
    world = build(template_db, tmp_path_factory.mktemp("authz"))
    yield world
    world.world.fonds.db.dispose()


def _url(aw: AuthzWorld, endpoint: str, row: Row, state: str) -> str:
    rule = next(r for r in aw.world.app.url_map.iter_rules() if r.endpoint == endpoint)
    values: dict[str, Any] = {}
    for arg in rule.arguments:
        if arg == "application_id":
            values[arg] = aw.app[state]
        elif arg == "attachment_id":
            values[arg] = aw.attachment[state]
        elif arg == "message_id":
            values[arg] = aw.message[state]
        elif arg == "letter_id":
            values[arg] = aw.letter[state]
        elif arg == "session_id":
            values[arg] = aw.session_past if row.args.get("session") == "past" else aw.session_planned
        elif arg == "item_id":
            values[arg] = aw.item
        elif arg == "trigger":
            values[arg] = FORM_TRIGGER[state] if endpoint == "manage.action" else TRIGGER[state]
        elif arg == "draft_id":
            values[arg] = aw.guideline_draft
        elif arg == "version_id":
            values[arg] = aw.guideline_version
        elif arg == "adoption_id":
            values[arg] = aw.guideline_adoption
        elif arg == "receipt_id":
            values[arg] = 1
        elif arg == "token":
            values[arg] = "kein-gueltiger-token"
        else:
            values[arg] = row.args[arg]
    with aw.world.app.test_request_context():
        return url_for(endpoint, **values)


def _form(aw: AuthzWorld, state: str) -> dict[str, str]:
    jury = str(aw.users["jury_on"])
    return {
        **FORM,
        "trigger": TRIGGER.get(state, "submit"),
        "from_state": state,
        "present": jury,
        "chair": jury,
        "user_id": jury,
        "person_name": "Erika Papier",
        "application_id": str(aw.app.get(state, 0)),
        "selected": str(aw.app.get(state, 0)),
        "session_id": str(aw.session_planned),
    }


def _refused(role: str, response: TestResponse) -> bool:
    if response.status_code in (403, 404):
        return True
    location = response.headers.get("Location", "")
    return role == "anonymous" and response.status_code == 302 and location.startswith("/anmelden")


def _private_headers_ok(role: str, endpoint: str, response: TestResponse) -> bool:
    private = (role != "anonymous" and endpoint != "static") or response.headers.get(
        "Content-Disposition", ""
    ).startswith("attachment")
    if not private:
        return True
    return "no-store" in response.headers.get("Cache-Control", "") and response.headers.get("Pragma") == "no-cache"


def _states(row: Row) -> tuple[str, ...]:
    return tuple(s for s in STATES if s in row.states) if row.scope == "application" else ("-",)


def test_every_route_of_the_url_map_is_in_the_table_and_every_row_is_a_route(aw: AuthzWorld) -> None:
    routes = {
        (rule.endpoint, method)
        for rule in aw.world.app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert sorted(routes - set(TABLE)) == [], "add these routes to tests/web/authz_table.py"
    assert sorted(set(TABLE) - routes) == [], "these rows of tests/web/authz_table.py are no routes"


@pytest.mark.parametrize(("endpoint", "method"), sorted(k for k, row in TABLE.items() if not row.posts))
def test_each_role_reaches_exactly_what_the_table_allows(aw: AuthzWorld, endpoint: str, method: str) -> None:
    row = TABLE[(endpoint, method)]
    if method == "POST" and row.why:
        return  # a public login flow posted by its own tests (row.why)
    wrong: list[str] = []
    for role in ROLES:
        client = aw.clients[role]
        for state in _states(row):
            url = _url(aw, endpoint, row, state)
            response = client.get(url) if method == "GET" else client.post(url, data=_form(aw, state))
            seen = f"{role:14} {state:10} {method} {url} -> {response.status_code}"
            if response.status_code >= 500:
                wrong.append(f"{seen} (server error)")
            elif not row.why and row.may(role, state) == _refused(role, response):
                wrong.append(f"{seen} (table: {'allowed' if row.may(role, state) else 'refused'})")
            if not _private_headers_ok(role, endpoint, response):
                wrong.append(f"{seen} without Cache-Control: no-store / Pragma: no-cache")
    assert not wrong, "\n" + "\n".join(wrong)


@pytest.mark.parametrize(("endpoint", "method"), sorted(k for k, row in TABLE.items() if row.posts))
def test_each_refused_role_changes_nothing_with_a_post(aw: AuthzWorld, endpoint: str, method: str) -> None:
    row = TABLE[(endpoint, method)]
    wrong: list[str] = []
    for role in ROLES:
        states = [s for s in _states(row) if not row.may(role, s)]
        if not states:
            continue
        client = aw.clients[role]
        before = fingerprint(aw)
        for state in states:
            url = _url(aw, endpoint, row, state)
            response = client.post(url, data=_form(aw, state))
            if not _refused(role, response):
                wrong.append(f"{role:14} {state:10} POST {url} -> {response.status_code} (table: refused)")
            if not _private_headers_ok(role, endpoint, response):
                wrong.append(f"{role:14} {state:10} POST {url} without no-store")
        if fingerprint(aw) != before:
            wrong.append(f"{role:14} POST {endpoint}: the database changed")
    assert not wrong, "\n" + "\n".join(wrong)


def test_public_pages_for_visitors_stay_cacheable_and_a_member_page_does_not(aw: AuthzWorld) -> None:
    visitor = aw.clients["anonymous"].get("/")
    assert visitor.status_code == 200
    assert "no-store" not in visitor.headers.get("Cache-Control", "")
    member = aw.clients["owner"].get("/")
    assert (member.headers["Cache-Control"], member.headers["Pragma"]) == ("no-store", "no-cache")
    export = aw.clients["manager"].get("/verwaltung/auszahlungen.csv")
    assert export.status_code == 200
    assert (export.headers["Cache-Control"], export.headers["Pragma"]) == ("no-store", "no-cache")
