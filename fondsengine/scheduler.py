"""The scheduler process (APScheduler 3.x): runs the registered jobs; exactly one per installation.

The web app never starts a scheduler. Jobs select what is due from our own tables, so a
scheduler that was down catches up on its first run after a restart (every job runs once
at start), and a second scheduler by mistake repeats nothing (JobMark keys, guarded updates).
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from fondsengine.clock import BERLIN
from fondsengine.config import Settings
from fondsengine.db import open_database
from fondsengine.jobs import JOBS, Job, send_mail
from fondsengine.notify import Mailer, build_mailer
from fondsengine.services.context import Fonds

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 6 * 3600  # a run missed by up to 6 hours still happens (once)
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_SECONDS, "max_instances": 1}


def trigger_of(job: Job) -> BaseTrigger:
    """The APScheduler trigger of a registered job (times in Europe/Berlin)."""
    if job.trigger == "cron":
        return CronTrigger(timezone=BERLIN, **job.schedule)
    return IntervalTrigger(timezone=BERLIN, **job.schedule)


def next_run(job: Job, now: datetime) -> datetime | None:
    """When the job runs next after ``now`` (for `fondsengine jobs list`)."""
    fire = trigger_of(job).get_next_fire_time(None, now)
    return fire if isinstance(fire, datetime) else None


def run_now(fonds: Fonds, job: Job, mailer: Mailer) -> int:
    """Run one job at the engine clock's current time; errors are logged, never raised."""
    now = fonds.clock.now()
    try:
        done = send_mail(fonds, now, mailer) if job.name == "send_mail" else job.run(fonds, now)
    except Exception:
        log.exception("Job %s fehlgeschlagen", job.name)
        return 0
    if done:
        log.info("Job %s: %d erledigt", job.name, done)
    return done


def build_scheduler(fonds: Fonds, mailer: Mailer, *, blocking: bool = False, catch_up: bool = True) -> BaseScheduler:
    """A Background- or BlockingScheduler with every job of JOBS registered (not started)."""
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=BERLIN, job_defaults=dict(JOB_DEFAULTS))
    for job in JOBS.values():
        extra = {"next_run_time": fonds.clock.now()} if catch_up else {}
        scheduler.add_job(
            run_now, trigger_of(job), args=(fonds, job, mailer), id=job.name, name=job.description,
            replace_existing=True, **extra,
        )  # fmt: skip
    return scheduler


def run(settings: Settings) -> None:
    """Run the scheduler in the foreground until interrupted (`fondsengine scheduler`)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    fonds = Fonds(db=open_database(settings.effective_database_url), settings=settings)
    mailer = build_mailer(settings.as_mail_settings(), clock=fonds.clock)
    scheduler = build_scheduler(fonds, mailer, blocking=True)
    log.info("Scheduler startet mit %d Jobs: %s", len(JOBS), ", ".join(JOBS))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("Scheduler beendet")
    finally:
        fonds.db.dispose()
