"""Health endpoints for load balancers and monitoring: no login, no CSRF, no personal data.

`/healthz` answers as long as the worker process runs; `/readyz` checks what serving needs:
the database answers, its schema is at the newest migration, the guideline files are loaded.
It also reports the scheduler's heartbeat and the outbox backlog; a missing or old heartbeat
makes it 503 only with `health_requires_scheduler`."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, jsonify
from sqlalchemy import func, select, text

from fondsengine.clock import BERLIN
from fondsengine.errors import FondsError
from fondsengine.jobs.lease import last_beat
from fondsengine.migrate import current_revision, head_revision
from fondsengine.model import Fund, OutboxMessage
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


OUTBOX_OVERDUE = timedelta(minutes=15)  # a due mail still unsent after this counts as backlog


def _check_scheduler(checks: dict[str, str | int], problems: list[str]) -> None:
    f = fonds()
    now = f.clock.now()
    row = last_beat(f.db)
    max_age = timedelta(seconds=f.settings.scheduler_heartbeat_max_age_seconds)
    if row is not None and now - row.beat_at <= max_age:
        checks["scheduler"] = "ok"
    else:
        checks["scheduler"] = "missing" if row is None else "stale"
        if f.settings.health_requires_scheduler and row is None:
            problems.append("Zeitplaner hat sich noch nie gemeldet (fondsengine scheduler starten)")
        elif f.settings.health_requires_scheduler and row is not None:
            minutes = int((now - row.beat_at).total_seconds() // 60)
            when = row.beat_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
            problems.append(f"Zeitplaner meldet sich seit {minutes} Minuten nicht (letztes Lebenszeichen {when})")
    with f.db.read() as s:
        backlog = s.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status.in_(("pending", "sending")),
                OutboxMessage.next_attempt_at < now - OUTBOX_OVERDUE,
            )
        )
    checks["outbox_backlog"] = int(backlog or 0)


def _check_database() -> tuple[dict[str, str | int], list[str]]:
    f = fonds()
    checks: dict[str, str | int] = {}
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
    _check_scheduler(checks, problems)
    try:
        f.storage.check()
        checks["storage"] = "ok"
    except (OSError, FondsError) as exc:
        checks["storage"] = "unavailable"
        problems.append(str(exc))
    return checks, problems


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness: database reachable, schema at head, guidelines loaded, optionally the scheduler (503 with reasons)."""
    checks, problems = _check_database()
    if problems:
        return _answer("unavailable", 503, checks=checks, problems=problems)
    return _answer("ok", 200, checks=checks)
