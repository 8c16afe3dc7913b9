"""Never twice: two schedulers on one PostgreSQL database; mail survives an SMTP outage."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine.clock import FixedClock
from fondsengine.db import open_database
from fondsengine.engine import Engine
from fondsengine.jobs.scheduler import JOB_DEFAULTS, build_scheduler, next_run
from fondsengine.jobs.table import JOBS, run_job
from fondsengine.model import Application, OutboxMessage
from fondsengine.notify import FakeMailer, build_mailer
from fondsengine.notify.outbox import dispatch
from tests.conftest import make_fonds
from tests.integration.conftest_smtp import SmtpServer
from tests.integration.test_outbox import approved_application, make_cast


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.postgres
def test_two_schedulers_on_one_postgresql_database_send_each_reminder_exactly_once(
    pg_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    fonds = make_fonds(pg_url, clock, tmp_path)
    cast = make_cast(fonds)
    ids = [approved_application(fonds, cast, title=f"Projekt {i}") for i in range(4)]
    with fonds.db.read() as s:
        due = s.scalar(select(Application.proof_due_on).where(Application.id == ids[0]))
    assert due is not None
    when = clock.now().replace(year=due.year, month=due.month, day=due.day) + timedelta(days=31)
    mailer = FakeMailer()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def scheduler_process() -> None:
        own = Engine(db=open_database(pg_url), settings=fonds.settings, clock=FixedClock(when))
        try:
            start.wait()
            for _ in range(3):
                for name in ("proof_reminders", "daily_digest", "approval_lapse", "year_end"):
                    run_job(own, name, when)
                dispatch(own, mailer, now=when)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.db.dispose()

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with fonds.db.read() as s:
        rows = list(s.scalars(select(OutboxMessage)))
    per_id = Counter(m.message_id for m in mailer.sent)
    assert per_id and max(per_id.values()) == 1
    assert len(mailer.sent) == len(rows) and {r.status for r in rows} == {"sent"}
    overdue = [m for m in mailer.to("anna@example.org") if "Überfällig" in m.subject]
    escalations = [m for m in mailer.to("buero@example.org") if "Tage überfällig" in m.subject]
    assert len(overdue) == 4 and len(escalations) == 4
    fonds.db.dispose()


def test_a_mail_waits_while_the_smtp_server_is_down_and_arrives_once_after_it_is_back(
    sqlite_fonds: Engine, clock: FixedClock, smtp: SmtpServer
) -> None:
    fonds = sqlite_fonds
    cast = make_cast(fonds)
    approved_application(fonds, cast)
    mailer = build_mailer({"mail_backend": "smtp", "mail_from": "Büro <mitten@witten.example>",
                           "smtp_host": smtp.host, "smtp_port": str(smtp.port), "smtp_security": "none",
                           "smtp_timeout": "2"})  # fmt: skip
    with fonds.db.read() as s:
        queued = len(list(s.scalars(select(OutboxMessage.id))))
    smtp.stop()
    down = dispatch(fonds, mailer, now=clock.now())
    assert (down.sent, down.retried) == (0, queued)
    assert smtp.received == []
    smtp.start()
    assert dispatch(fonds, mailer, now=clock.now() + timedelta(seconds=30)).sent == 0
    back = dispatch(fonds, mailer, now=clock.now() + timedelta(minutes=1))
    assert back.sent == queued and len(smtp.received) == queued
    approval = [r for r in smtp.received if "bewilligt" in str(r.message["Subject"])]
    assert len(approval) == 1 and approval[0].rcpt_tos == ["anna@example.org"]
    parts = list(approval[0].message.iter_attachments())
    assert parts[0].get_content_type() == "application/pdf"
    assert parts[0].get_content().startswith(b"%PDF")
    body = approval[0].message.get_body(("plain",))
    assert body is not None and "Repair-Café im Wiesenviertel" in body.get_content()
    assert dispatch(fonds, mailer, now=clock.now() + timedelta(hours=1)).sent == 0


def test_the_scheduler_registers_every_job_with_coalescing_and_one_instance(
    sqlite_fonds: Engine, clock: FixedClock
) -> None:
    scheduler = build_scheduler(sqlite_fonds, FakeMailer())
    scheduler.start(paused=True)
    try:
        jobs = {j.id: j for j in scheduler.get_jobs()}
        assert set(jobs) == set(JOBS)
        for job in jobs.values():
            assert (job.coalesce, job.max_instances) == (True, 1)
            assert job.misfire_grace_time == JOB_DEFAULTS["misfire_grace_time"]
            assert job.next_run_time == clock.now()  # catch up once at start
    finally:
        scheduler.shutdown(wait=False)
    nxt = next_run(JOBS["daily_digest"], clock.now())
    assert nxt is not None and (nxt.hour, nxt.minute) == (7, 0) and nxt > clock.now()


@pytest.mark.postgres
def test_two_scheduler_processes_on_one_postgresql_database_deliver_each_mail_once_over_smtp(
    pg_url: str, clock: FixedClock, tmp_path: Path, smtp: SmtpServer
) -> None:
    """Two real OS processes (the `fondsengine jobs run` command) race for the same due work."""
    import os
    import subprocess
    import sys

    fonds = make_fonds(pg_url, clock, tmp_path)
    cast = make_cast(fonds)
    ids = [approved_application(fonds, cast, title=f"Projekt {i}") for i in range(3)]
    with fonds.db.read() as s:
        due = s.scalar(select(Application.proof_due_on).where(Application.id == ids[0]))
    assert due is not None
    when = (clock.now().replace(year=due.year, month=due.month, day=due.day) + timedelta(days=31)).isoformat()
    env = {
        **os.environ,
        "FONDS_DATABASE_URL": pg_url,
        "FONDS_INSTANCE_PATH": str(tmp_path / "instance"),
        "FONDS_MAIL_BACKEND": "smtp",
        "FONDS_SMTP_HOST": smtp.host,
        "FONDS_SMTP_PORT": str(smtp.port),
        "FONDS_SMTP_SECURITY": "none",
        "FONDS_MAIL_FROM": "Büro <mitten@witten.example>",
    }
    script = (
        "import sys\nfrom fondsengine.cli.main import main\n"
        "for _ in range(2):\n"
        "    for job in ('proof_reminders', 'daily_digest', 'approval_lapse', 'send_mail'):\n"
        f"        assert main(['jobs', 'run', job, '--now', {when!r}]) == 0\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, cwd=tmp_path) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with fonds.db.read() as s:
        rows = list(s.scalars(select(OutboxMessage)))
    ids_received = Counter(str(r.message["Message-ID"]) for r in smtp.received)
    assert ids_received and max(ids_received.values()) == 1
    assert len(smtp.received) == len(rows) and {r.status for r in rows} == {"sent"}
    overdue = [r for r in smtp.received if "Überfällig" in str(r.message["Subject"])]
    assert len(overdue) == 3
    fonds.db.dispose()
