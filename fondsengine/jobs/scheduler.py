"""The scheduler process (APScheduler 3.x): runs the registered jobs; exactly one per installation.

The web app never starts a scheduler. A lease (fondsengine/jobs/lease.py) lets only one scheduler
process run the jobs; a second one waits until the first ends. Jobs select what is due from
our own tables, so a scheduler that was down catches up on its first run after a restart (every job runs once
at start), and a second scheduler by mistake repeats nothing (JobMark keys, guarded updates).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
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
from fondsengine.engine import Engine
from fondsengine.jobs.lease import Lease, beat, last_beat, lease_for
from fondsengine.jobs.table import JOBS, Job, send_mail
from fondsengine.notify import Mailer, build_mailer

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


def run_now(fonds: Engine, job: Job, mailer: Mailer) -> int:
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


def build_scheduler(fonds: Engine, mailer: Mailer, *, blocking: bool = False, catch_up: bool = True) -> BaseScheduler:
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


HEARTBEAT_SECONDS = 60  # the lease holder writes its heartbeat row this often (and once at start)
WAITING = "Ein anderer Zeitplaner läuft bereits (%s); dieser wartet."


def _heartbeat(fonds: Engine, started_at: datetime) -> None:
    try:
        beat(fonds.db, fonds.clock.now(), started_at)
    except Exception:
        log.exception("Lebenszeichen des Zeitplaners konnte nicht geschrieben werden")


def _holder(fonds: Engine, lease: Lease) -> str:
    try:
        row = last_beat(fonds.db)
    except Exception:
        row = None
    if row is None:
        return lease.describe()
    return f"{lease.describe()}, zuletzt {row.host} pid {row.pid}"


def run(settings: Settings) -> int:
    """Run the scheduler in the foreground until SIGTERM/SIGINT (`fondsengine scheduler`).

    Takes the lease first (waiting while another scheduler holds it), then runs the jobs and
    the heartbeat. Exit code 0 after a signal, 1 when the lease was lost (systemd restarts it)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        log.info("Signal %d: Zeitplaner wird beendet", signum)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _on_signal)
    fonds = Engine(db=open_database(settings.effective_database_url), settings=settings)
    lease = lease_for(settings, fonds.db)
    retry = max(1, settings.scheduler_lease_retry_seconds)
    try:
        announced = False
        while not lease.acquire():
            if not announced:
                log.warning(WAITING, _holder(fonds, lease))
                announced = True
            if stop.wait(retry):
                return 0
        log.info("Zeitplaner hält die Sperre (%s, pid %d)", lease.describe(), os.getpid())
        return _run_holding(fonds, settings, lease, stop, retry)
    finally:
        lease.release()
        fonds.db.dispose()


def _run_holding(fonds: Engine, settings: Settings, lease: Lease, stop: threading.Event, check: int) -> int:
    mailer = build_mailer(settings.as_mail_settings(), clock=fonds.clock)
    scheduler = build_scheduler(fonds, mailer)
    started_at = fonds.clock.now()
    _heartbeat(fonds, started_at)
    scheduler.add_job(
        _heartbeat, IntervalTrigger(seconds=HEARTBEAT_SECONDS, timezone=BERLIN), args=(fonds, started_at),
        id="heartbeat", name="Lebenszeichen", replace_existing=True,
    )  # fmt: skip
    log.info("Scheduler startet mit %d Jobs: %s", len(JOBS), ", ".join(JOBS))
    scheduler.start()
    code = 0
    try:
        while not stop.wait(check):
            if not lease.alive():
                log.error("Sperre des Zeitplaners verloren (%s); Jobs werden angehalten", lease.describe())
                code = 1
                break
    finally:
        scheduler.shutdown(wait=True)
        log.info("Scheduler beendet")
    return code
