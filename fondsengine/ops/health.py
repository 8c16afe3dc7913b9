"""Readiness of a running installation: the database answers, its schema is at the newest migration,
the shipped guideline files are loaded, the file store works; the scheduler's heartbeat and the
outbox backlog are reported (a missing or old heartbeat is a problem only with
`health_requires_scheduler`). The web's `/readyz` shows the result; no personal data in it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text

from fondsengine.engine import Engine
from fondsengine.errors import FondsError
from fondsengine.jobs.lease import last_beat
from fondsengine.migrate import current_revision, head_revision
from fondsengine.model import Fund, OutboxMessage
from fondsengine.shipped import richtlinien_dir
from fondsengine.text import format_timestamp

Checks = dict[str, str | int]

OUTBOX_OVERDUE = timedelta(minutes=15)  # a due mail still unsent after this counts as backlog


def _check_scheduler(f: Engine, checks: Checks, problems: list[str]) -> None:
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
            when = format_timestamp(row.beat_at)
            problems.append(f"Zeitplaner meldet sich seit {minutes} Minuten nicht (letztes Lebenszeichen {when})")
    with f.db.read() as s:
        backlog = s.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.status.in_(("pending", "sending")),
                OutboxMessage.next_attempt_at < now - OUTBOX_OVERDUE,
            )
        )
    checks["outbox_backlog"] = int(backlog or 0)


def readiness(f: Engine) -> tuple[Checks, list[str]]:
    """What serving needs, checked: each check's result by name, and the problems in German (none: ready)."""
    checks: Checks = {}
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
    _check_scheduler(f, checks, problems)
    try:
        f.storage.check()
        checks["storage"] = "ok"
    except (OSError, FondsError) as exc:
        checks["storage"] = "unavailable"
        problems.append(str(exc))
    return checks, problems
