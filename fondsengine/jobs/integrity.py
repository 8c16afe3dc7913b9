"""The nightly integrity check: `verify` the chains, letters and bookings; tell the office when broken."""

from __future__ import annotations

from datetime import datetime

from fondsengine.clock import local_date
from fondsengine.engine import Engine
from fondsengine.integrity.check import verify
from fondsengine.jobs.base import funds, mail_once, members

MAX_LINES = 20  # the mail names the first findings; `fondsengine verify` prints them all


def integrity_check(fonds: Engine, now: datetime) -> int:
    """Verify everything; on a finding mail each office user once a day (returns mails queued)."""
    report = verify(fonds)
    if report.ok:
        return 0
    today = local_date(now)
    lines = [[f.format(), None] for f in report.findings[:MAX_LINES]]
    if len(report.findings) > MAX_LINES:
        lines.append([f"… und {len(report.findings) - MAX_LINES} weitere (fondsengine verify)", None])
    heading = "Achtung: Die Integritätsprüfung hat Veränderungen gefunden (fondsengine verify)"
    recipients: dict[int, tuple[str, str]] = {}
    for fund_id, _g in funds(fonds):
        for user_id, email, _name in members(fonds, fund_id, "manager", today):
            recipients.setdefault(user_id, (email, fund_id))
    done = 0
    for user_id, (email, fund_id) in recipients.items():
        payload = {"day": today.isoformat(), "sections": [[heading, lines]], "fund_id": fund_id}
        key = f"integrity_check:{user_id}:{today.isoformat()}"
        done += mail_once(fonds, "integrity_check", key, now, "daily_digest", payload, user_id=user_id, email=email)
    return done
