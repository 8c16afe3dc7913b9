"""The OpenAPI 3.1 document of the open-data API (one place; the tests validate every response against it)."""

from __future__ import annotations

from typing import Any

NULL_STR = {"type": ["string", "null"]}
# a text in the query: the whole application refuses a NUL character and values over 100,000
# characters with 400 (webapp/fields.py, MAX_PARAM), so the document says so
QUERY_TEXT = {"type": "string", "pattern": "^[^\\x00]*$", "maxLength": 100_000}
MONEY = {
    "type": "object",
    "required": ["cents", "euro"],
    "properties": {"cents": {"type": "integer"}, "euro": {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"}},
    "additionalProperties": False,
}
ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    "additionalProperties": False,
}
LINKS = {
    "type": "object",
    "required": ["self"],
    "properties": {"self": {"type": "string"}, "next": {"type": "string"}, "prev": {"type": "string"}},
    "additionalProperties": False,
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _paged(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "links"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "links": _ref("Links"),
        },
        "additionalProperties": False,
    }


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(props), "properties": props, "additionalProperties": False}


SCHEMAS: dict[str, Any] = {
    "Money": MONEY,
    "Error": ERROR,
    "Links": LINKS,
    "FundSummary": _obj(
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "short_name": {"type": "string"},
            "summary": {"type": "string"},
            "area": {"type": "string"},
            "min_amount": _ref("Money"),
            "max_amount": _ref("Money"),
            "url": {"type": "string"},
        }
    ),
    "Fund": _obj(
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "short_name": {"type": "string"},
            "summary": {"type": "string"},
            "legal_basis": NULL_STR,
            "area": {"type": "string"},
            "applicant_kinds": {"type": "array", "items": {"type": "string"}},
            "excluded": {"type": "array", "items": {"type": "string"}},
            "nonprofit_required": {"type": "boolean"},
            "min_amount": _ref("Money"),
            "max_amount": _ref("Money"),
            "submission_mode": {"type": "string", "enum": ["rounds", "monthly", "open"]},
            "rounds": {
                "type": "array",
                "items": _obj(
                    {
                        "id": {"type": "string"},
                        "label": NULL_STR,
                        "deadline": {"type": "string", "format": "date"},
                        "session_date": {"type": "string", "format": "date"},
                    }
                ),
            },
            "next_jury_session": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "date": {"type": "string", "format": "date"},
                            "place": NULL_STR,
                            "deadline": {"type": ["string", "null"], "format": "date"},
                        }
                    ),
                ]
            },
            "budget_years": {"type": "array", "items": {"type": "integer"}},
            "budget_url": {"type": "string"},
            "projects_url": {"type": "string"},
            "feed_url": {"type": "string"},
        }
    ),
    "Budget": _obj(
        {
            "fund_id": {"type": "string"},
            "year": {"type": "integer"},
            "allocated": _ref("Money"),
            "committed": _ref("Money"),
            "paid": _ref("Money"),
            "free": _ref("Money"),
            "outstanding": _ref("Money"),
        }
    ),
    "Statistics": _obj(
        {
            "fund_id": {"type": "string"},
            "year": {"type": "integer"},
            "applications": _obj(
                {
                    k: {"type": "integer", "minimum": 0}
                    for k in ("received", "approved", "rejected", "withdrawn", "lapsed", "open")
                }
            ),
            "requested": _ref("Money"),
            "approved": _ref("Money"),
            "committed": _ref("Money"),
            "paid": _ref("Money"),
            "refunded": _ref("Money"),
        }
    ),
    "Project": _obj(
        {
            "id": {"type": "integer"},
            "fund_id": {"type": "string"},
            "fund_name": {"type": "string"},
            "year": {"type": "integer"},
            "title": {"type": "string"},
            "summary": NULL_STR,
            "organisation": NULL_STR,
            "approved": _ref("Money"),
            "project_start": {"type": ["string", "null"], "format": "date"},
            "project_end": {"type": ["string", "null"], "format": "date"},
            "decided_at": {"type": ["string", "null"], "format": "date-time"},
            "category": NULL_STR,
            "area_part": NULL_STR,
            "location": {
                "oneOf": [
                    {"type": "null"},
                    _obj(
                        {
                            "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                            "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                        }
                    ),
                ]
            },
            "photos": {"type": "array", "items": {"type": "string"}},
            "report": NULL_STR,
            "url": {"type": "string"},
        }
    ),
    "FundList": _paged("FundSummary"),
    "ProjectList": _paged("Project"),
}


def _json_response(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


ERRORS = {
    "304": {"description": "Unverändert (If-None-Match / If-Modified-Since)"},
    "429": _json_response("Zu viele Anfragen", "Error"),
}
PAGE_PARAMS = [
    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 1000000}},
    {"name": "per_page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
FUND_ID = {"name": "fund_id", "in": "path", "required": True, "schema": {"type": "string"}}
YEAR = {"name": "year", "in": "path", "required": True, "schema": {"type": "string"}}


def _get(summary: str, op_id: str, ok: str, params: list[dict[str, Any]], *, missing: bool, bad: bool = False) -> Any:
    responses: dict[str, Any] = {
        "200": _json_response("OK", ok),
        **ERRORS,
        "400": _json_response("Ungültige Anfrage", "Error"),
    }
    if missing:
        responses["404"] = _json_response("Nicht gefunden", "Error")
    if bad:
        responses["400"] = _json_response("Ungültiger Parameter", "Error")
    return {"get": {"summary": summary, "operationId": op_id, "parameters": params, "responses": responses}}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bewohnerfonds – offene Daten",
            "version": "1.0.0",
            "description": "Nur öffentliche Daten: Fonds, Budgetzahlen, Statistik und die geförderten Projekte, "
            "deren Angaben die Antragstellenden freigegeben haben. Beträge in Cent und als Euro-Text.",
            "license": {"name": "Datenlizenz Deutschland – Namensnennung – Version 2.0", "identifier": "DL-DE-BY-2.0"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/funds": _get("Aktive Fonds", "listFunds", "FundList", PAGE_PARAMS, missing=False, bad=True),
            "/api/v1/funds/{fund_id}": _get("Ein Fonds", "getFund", "Fund", [FUND_ID], missing=True),
            "/api/v1/funds/{fund_id}/budget/{year}": _get(
                "Budgetzahlen eines Jahres", "getBudget", "Budget", [FUND_ID, YEAR], missing=True
            ),
            "/api/v1/funds/{fund_id}/statistics/{year}": _get(
                "Statistik eines Jahres", "getStatistics", "Statistics", [FUND_ID, YEAR], missing=True
            ),
            "/api/v1/projects": _get(
                "Geförderte Projekte",
                "listProjects",
                "ProjectList",
                [
                    {"name": "fund", "in": "query", "required": False, "schema": QUERY_TEXT},
                    {
                        "name": "year",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1900, "maximum": 2100},
                    },
                    {"name": "category", "in": "query", "required": False, "schema": QUERY_TEXT},
                    {"name": "area_part", "in": "query", "required": False, "schema": QUERY_TEXT},
                    *PAGE_PARAMS,
                ],
                missing=False,
                bad=True,
            ),
            "/api/v1/projects/{project_id}": _get(
                "Ein gefördertes Projekt",
                "getProject",
                "Project",
                [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                missing=True,
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
