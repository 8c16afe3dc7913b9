"""Health endpoints for load balancers and monitoring: no login, no CSRF, no personal data.

`/healthz` answers as long as the worker process runs; `/readyz` checks what serving needs:
the database answers, its schema is at the newest migration, the guideline files are loaded.
It also reports the scheduler's heartbeat and the outbox backlog; a missing or old heartbeat
makes it 503 only with `health_requires_scheduler`."""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, jsonify

from fondsengine.ops.health import readiness
from webapp.extensions import csrf, fonds

bp = Blueprint("health", __name__)
csrf.exempt(bp)


def _answer(status: str, code: int, **extra: Any) -> tuple[Response, int]:
    body = {"status": status, "pid": os.getpid(), **extra}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, code


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness: the process answers."""
    return _answer("ok", 200)


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness: database reachable, schema at head, guidelines loaded, optionally the scheduler (503 with reasons)."""
    checks, problems = readiness(fonds())
    if problems:
        return _answer("unavailable", 503, checks=checks, problems=problems)
    return _answer("ok", 200, checks=checks)
