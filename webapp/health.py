"""Health endpoints for load balancers and monitoring: no login, no CSRF, no personal data.

`/healthz` answers as long as the worker process runs; `/readyz` checks what serving needs:
the database answers, its schema is at the newest migration, the guideline files are loaded."""

from __future__ import annotations

import os
from typing import Any

from flask import Blueprint, Response, jsonify
from sqlalchemy import select, text

from fondsengine.migrate import current_revision, head_revision
from fondsengine.model import Fund
from fondsengine.shipped import richtlinien_dir
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


def _check_database() -> tuple[dict[str, str], list[str]]:
    f = fonds()
    checks: dict[str, str] = {}
    problems: list[str] = []
    try:
        with f.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unreachable"
        return checks, ["Datenbank nicht erreichbar"]
    current, head = current_revision(f.db.engine), head_revision()
    if current != head:
        checks["schema"] = "not_migrated" if current is None else "outdated"
        problems.append(f"Schema auf Stand {current or 'keiner'}, erwartet {head}: fondsengine db upgrade ausführen")
        return checks, problems
    checks["schema"] = "ok"
    expected = {p.stem for p in richtlinien_dir(f.settings).glob("*.yaml")}
    with f.db.read() as s:
        loaded = set(s.scalars(select(Fund.id).where(Fund.current_guideline_id.is_not(None))))
    missing = sorted(expected - loaded)
    if not loaded or missing:
        checks["guidelines"] = "missing"
        problems.append("Richtlinien nicht geladen" + (f": {', '.join(missing)}" if missing else "")
                        + " (fondsengine funds load)")
    else:
        checks["guidelines"] = "ok"
    return checks, problems


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness: database reachable, schema at head, guidelines loaded (503 with the reasons)."""
    checks, problems = _check_database()
    if problems:
        return _answer("unavailable", 503, checks=checks, problems=problems)
    return _answer("ok", 200, checks=checks)
