"""The open-data API: schemathesis against the OpenAPI 3.1 document, ETag/Last-Modified, CORS, pagination,
rate limit, and figures that agree with the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from fondsengine import ledger
from fondsengine.engine import Actor
from fondsengine.payments import service as payments
from tests.support.public import RELEASED_TITLE, seed
from tests.web.builders import QF, World, build_world
from webapp.api.openapi import document


@pytest.fixture()
def api_world(template_db: Path, tmp_path: Path) -> Iterator[World]:
    w = build_world(template_db, tmp_path, ratelimit_api="100000 per minute")
    seed(w)
    yield w
    w.fonds.db.dispose()


OPERATIONS = sorted((method.upper(), path) for path, item in document()["paths"].items() for method in item)
EXAMPLES = 40  # per operation
REAL = {"fund_id": QF, "year": "2026", "project_id": "1"}  # seed(): project 1 is the released one


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_answers_without_server_errors_and_matches_the_document(
    api_world: World, method: str, path: str
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_world.app)
    operation = schema[path][method]
    calls: list[int] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        response = case.call_and_validate()
        calls.append(response.status_code)
        if case.path_parameters:  # the same case again on a fund, year and project that exist
            case.path_parameters = {k: REAL[k] for k in case.path_parameters}
            calls.append(case.call_and_validate().status_code)

    run()
    assert len(calls) >= 5  # hypothesis really called the operation
    assert all(code < 500 for code in calls)
    assert 200 in calls  # and some answers carried data that was checked against the schema


def test_the_document_is_openapi_3_1_and_lists_every_route_of_the_api(api_world: World) -> None:
    doc = api_world.app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    routes = {
        r.rule.replace("<", "{").replace(">", "}")
        for r in api_world.app.url_map.iter_rules()
        if r.endpoint.startswith("api.") and r.endpoint != "api.openapi"
    }
    assert routes == set(doc["paths"])


def test_etag_and_last_modified_let_a_client_skip_an_unchanged_answer(api_world: World) -> None:
    client = api_world.app.test_client()
    first = client.get("/api/v1/projects")
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get("/api/v1/projects", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/api/v1/projects", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_cors_allows_reading_from_any_origin_and_only_reading(api_world: World) -> None:
    client = api_world.app.test_client()
    got = client.get(f"/api/v1/funds/{QF}", headers={"Origin": "https://example.net"})
    assert got.headers["Access-Control-Allow-Origin"] == "*"
    assert got.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    pre = client.options(
        "/api/v1/projects", headers={"Origin": "https://example.net", "Access-Control-Request-Method": "GET"}
    )
    assert pre.status_code == 200 and pre.headers["Access-Control-Allow-Origin"] == "*"
    assert client.post("/api/v1/projects").status_code == 405


def test_pagination_walks_the_list_with_next_and_prev_links(api_world: World) -> None:
    client = api_world.app.test_client()
    funds = client.get("/api/v1/funds?per_page=1").get_json()
    assert funds["total"] == 2 and len(funds["items"]) == 1 and "next" in funds["links"]
    second = client.get(funds["links"]["next"]).get_json()
    assert second["page"] == 2 and second["items"][0]["id"] != funds["items"][0]["id"] and "prev" in second["links"]
    assert client.get("/api/v1/funds?per_page=101").status_code == 400
    projects = client.get("/api/v1/projects").get_json()
    assert [p["title"] for p in projects["items"]] == [RELEASED_TITLE]


def test_the_budget_figures_and_statistics_agree_with_the_ledger(api_world: World) -> None:
    w = api_world
    app_id = 1
    payments.record_payment(w.fonds, Actor(w.office), app_id, amount_cents=30_000, kind="advance")
    with w.fonds.db.read() as s:
        b = ledger.balance(s, QF, 2026)
    client = w.app.test_client()
    got = client.get(f"/api/v1/funds/{QF}/budget/2026").get_json()
    assert got["allocated"]["cents"] == b.available
    assert got["committed"]["cents"] == b.committed == 160_000
    assert got["paid"]["cents"] == b.paid_net == 30_000
    assert got["outstanding"]["cents"] == b.outstanding == 130_000
    assert got["free"]["cents"] == b.free == b.available - 160_000
    assert got["free"]["euro"] == f"{b.free / 100:.2f}"
    stats = client.get(f"/api/v1/funds/{QF}/statistics/2026").get_json()
    assert stats["applications"]["received"] == 2 and stats["applications"]["approved"] == 2
    assert stats["approved"]["cents"] == b.committed
    assert stats["paid"]["cents"] == b.paid_net
    assert client.get(f"/api/v1/funds/{QF}/budget/1800").status_code == 404


def test_the_api_has_a_rate_limit_per_client_address(template_db: Path, tmp_path: Path) -> None:
    w = build_world(template_db, tmp_path, ratelimit_api="3 per minute")
    client = w.app.test_client()
    codes = [client.get("/api/v1/funds").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/funds")
    assert limited.mimetype == "application/json" and limited.headers["Retry-After"] == "60"
    w.fonds.db.dispose()


def test_the_atom_feed_lists_newly_funded_public_projects(api_world: World) -> None:
    import xml.etree.ElementTree as ET

    feed = api_world.app.test_client().get(f"/fonds/{QF}/projekte.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles == [RELEASED_TITLE]
    assert root.findtext("a:updated", namespaces=ns)


def test_an_api_request_refused_before_the_view_is_answered_in_json(api_world: World) -> None:
    response = api_world.app.test_client().get("/api/v1/projects?fund=%00")
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["status"] == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
