"""The scheduled jobs, registered in one place (JOBS); run one with run_job(fonds, name, now).

Every job takes the engine and the current time and returns how many things it did; each
is idempotent (see fondsengine.jobs.base.once), so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fondsengine.engine import Engine
from fondsengine.errors import NotFound
from fondsengine.funds.drafts import activate_due
from fondsengine.jobs.deadlines import approval_lapse, circulation_close, lapse_warning, round_deadline
from fondsengine.jobs.housekeeping import retention, year_end
from fondsengine.jobs.integrity import integrity_check
from fondsengine.jobs.reminders import daily_digest, jury_invitation, jury_reminder, proof_reminders, refund_reminders
from fondsengine.notify import Mailer, build_mailer
from fondsengine.notify.outbox import dispatch


@dataclass(frozen=True)
class Job:
    """A registered job: its function, when it runs (APScheduler trigger) and what it does."""

    name: str
    run: Callable[[Engine, datetime], int]
    trigger: str  # "interval" or "cron"
    schedule: dict[str, Any]
    description: str


def activate_guidelines(fonds: Engine, now: datetime) -> int:
    """Guideline versions adopted ahead of time become current on their valid_from day."""
    return activate_due(fonds, now)


def send_mail(fonds: Engine, now: datetime, mailer: Mailer | None = None) -> int:
    """Render pending letters and send due mails from the outbox."""
    used = mailer or build_mailer(fonds.settings.as_mail_settings(), clock=fonds.clock)
    return dispatch(fonds, used, now=now).sent


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("send_mail", send_mail, "interval", {"minutes": 1}, "Briefe erzeugen, E-Mails versenden"),
        Job("round_deadline", round_deadline, "cron", {"hour": 8, "minute": 0},
            "Einreichungsfrist in 7 Tagen: Erinnerung an Entwürfe"),
        Job("jury_invitation", jury_invitation, "cron", {"hour": 8, "minute": 5},
            "Einladung mit Tagesordnung 14 Tage vor der Jurysitzung"),
        Job("jury_reminder", jury_reminder, "interval", {"hours": 1},
            "Erinnerung an die Jurysitzung am Vortag"),
        Job("circulation_close", circulation_close, "interval", {"minutes": 15},
            "Umlaufverfahren nach Fristende schließen und auszählen"),
        Job("approval_lapse", approval_lapse, "cron", {"hour": 2, "minute": 0},
            "Nicht abgerufene Bewilligungen erlöschen lassen"),
        Job("proof_reminders", proof_reminders, "cron", {"hour": 8, "minute": 10},
            "Verwendungsnachweis: bald fällig, heute fällig, überfällig, Eskalation"),
        Job("refund_reminders", refund_reminders, "cron", {"hour": 8, "minute": 20},
            "Rückforderung nicht bis zur Frist gezahlt: Erinnerung an die Antragstellerin / den Antragsteller"),
        Job("year_end", year_end, "cron", {"hour": 1, "minute": 0},
            "Jahresabschluss: freie Mittel verfallen oder werden übertragen"),
        Job("retention", retention, "cron", {"hour": 3, "minute": 0},
            "Personenbezogene Daten nach Ablauf der Aufbewahrung anonymisieren"),
        Job("daily_digest", daily_digest, "cron", {"hour": 7, "minute": 0},
            "Tagesübersicht an die Geschäftsführung"),
        Job("integrity_check", integrity_check, "cron", {"hour": 4, "minute": 0},
            "Prüfketten, Briefe und Buchungen prüfen; bei Veränderung die Geschäftsführung benachrichtigen"),
        Job("lapse_warning", lapse_warning, "cron", {"hour": 8, "minute": 15},
            "Bewilligung erlischt in 30 Tagen: Hinweis an die Antragstellerin / den Antragsteller"),
        Job("activate_guidelines", activate_guidelines, "cron", {"hour": 0, "minute": 5},
            "Beschlossene Richtlinienfassung ab ihrem Geltungstag anwenden"),
    )
}  # fmt: skip


def list_jobs() -> list[Job]:
    """All registered jobs in registry order."""
    return list(JOBS.values())


def run_job(fonds: Engine, name: str, now: datetime, *, mailer: Mailer | None = None) -> int:
    """Run one job once at ``now`` (for operators and tests); returns how many things it did."""
    job = JOBS.get(name)
    if job is None:
        raise NotFound(f"Einen Job „{name}“ gibt es nicht (bekannt: {', '.join(JOBS)}).")
    if now.tzinfo is None:
        raise ValueError("now needs a timezone")
    if name == "send_mail":
        return send_mail(fonds, now, mailer)
    return job.run(fonds, now)


__all__ = ["JOBS", "Job", "list_jobs", "run_job"]
