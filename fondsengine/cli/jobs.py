"""`fondsengine scheduler` and `fondsengine jobs list|run`."""

from __future__ import annotations

import argparse
from datetime import datetime

from fondsengine.bootstrap import build_fonds
from fondsengine.clock import BERLIN
from fondsengine.config import load_settings
from fondsengine.errors import InvalidInput
from fondsengine.text import format_timestamp


def _settings(args: argparse.Namespace) -> object:
    return load_settings(**({"database_url": args.database} if args.database else {}))


def cmd_scheduler(args: argparse.Namespace) -> int:
    """Run the scheduler process (the only process that runs jobs)."""
    from fondsengine.config import Settings
    from fondsengine.jobs.scheduler import run

    settings = _settings(args)
    assert isinstance(settings, Settings)
    return run(settings)


def cmd_jobs_list(args: argparse.Namespace) -> int:
    """List the jobs with their next run."""
    from fondsengine.jobs.scheduler import next_run
    from fondsengine.jobs.table import list_jobs

    now = datetime.now(BERLIN)
    for job in list_jobs():
        nxt = next_run(job, now)
        when = format_timestamp(nxt) if nxt else "–"
        print(f"{job.name:<20} nächster Lauf {when:<17} {job.description}")
    return 0


def cmd_jobs_run(args: argparse.Namespace) -> int:
    """Run one job once, at an optional point in time."""
    from fondsengine.config import Settings
    from fondsengine.jobs.table import run_job
    from fondsengine.notify import build_mailer

    settings = _settings(args)
    assert isinstance(settings, Settings)
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError as exc:
            raise InvalidInput(f"--now „{args.now}“ ist kein ISO-Zeitpunkt (z. B. 2026-12-01T08:00+01:00).") from exc
        if now.tzinfo is None:
            now = now.replace(tzinfo=BERLIN)
    else:
        now = datetime.now(BERLIN)
    fonds = build_fonds(settings)
    done = run_job(fonds, args.name, now, mailer=build_mailer(settings.as_mail_settings()))
    print(f"{args.name}: {done} erledigt.")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the scheduler and jobs subcommands."""
    sub.add_parser("scheduler", help="Zeitplaner starten (Fristen, Erinnerungen, E-Mails)").set_defaults(
        func=cmd_scheduler
    )
    jobs = sub.add_parser("jobs", help="Geplante Aufgaben").add_subparsers(dest="jobs_command", required=True)
    jobs.add_parser("list", help="Aufgaben und ihr nächster Lauf").set_defaults(func=cmd_jobs_list)
    s = jobs.add_parser("run", help="Eine Aufgabe einmal ausführen")
    s.add_argument("name")
    s.add_argument("--now", help="Zeitpunkt (ISO 8601), Standard: jetzt")
    s.set_defaults(func=cmd_jobs_run)
