"""Jobs about deadlines of applications and sessions: submission rounds, lapse, circulation."""

from __future__ import annotations

import importlib
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import FondsError
from fondsengine.guidelines.calc import lapse_rule_text
from fondsengine.guidelines.model import SubmissionMode
from fondsengine.jobs.base import at_time, funds, mail_once
from fondsengine.model import Application, JurySession, Payment
from fondsengine.model.money import OPEN_PAYMENT
from fondsengine.payments import proofs

log = logging.getLogger(__name__)

ROUND_REMINDER_DAYS = 7
LAPSE_WARNING_DAYS = 30  # the applicant is warned this many days before an approval lapses


def round_deadline(fonds: Engine, now: datetime) -> int:
    """Remind residents with a draft that the submission round ends within 7 days."""
    today, done = local_date(now), 0
    for fund_id, g in funds(fonds):
        if g.timing.mode is not SubmissionMode.ROUNDS:
            continue
        for rnd in g.timing.rounds:
            if not 0 <= (rnd.deadline - today).days <= ROUND_REMINDER_DAYS:
                continue
            with fonds.db.read() as s:
                drafts = s.execute(
                    select(Application.id, Application.applicant_id, Application.title).where(
                        Application.fund_id == fund_id,
                        Application.state.in_(fonds.catalog.state_ids(s, initial=True)),
                    )
                ).all()
            for app_id, user_id, title in drafts:
                key = f"round_deadline:{fund_id}:{rnd.id}:{app_id}"
                payload = {"title": title, "deadline": rnd.deadline.isoformat(), "fund_id": fund_id}
                done += mail_once(fonds, "round_deadline", key, now, "round_deadline", payload,
                                  user_id=user_id, application_id=app_id)  # fmt: skip
    return done


def _open_request() -> Any:
    return (
        select(Payment.id)
        .where(Payment.application_id == Application.id, Payment.status.in_(OPEN_PAYMENT))
        .exists()
    )


def approval_lapse(fonds: Engine, now: datetime) -> int:
    """Let approvals lapse whose call period is over with nothing paid and no payment request
    open (an open request stops the lapse); releases the budget into the commitment's year."""
    with fonds.db.read() as s:
        due = list(
            s.scalars(
                select(Application.id)
                .where(
                    Application.state.in_(fonds.catalog.state_ids(s, guarded_by="lapse_due")),
                    Application.lapse_due_on < local_date(now),
                    ~_open_request(),
                )
                .order_by(Application.id)
            )
        )
    done = 0
    for app_id in due:
        try:
            proofs.lapse(at_time(fonds, now), Actor.scheduler(), app_id)  # the new state is the mark
            done += 1
        except FondsError as exc:  # already lapsed by another process, or money was paid
            log.info("Antrag %s erlischt nicht: %s", app_id, exc)
    return done


def lapse_warning(fonds: Engine, now: datetime) -> int:
    """Warn the applicant once, LAPSE_WARNING_DAYS before the call period ends, that the approval
    will lapse unless a payment is requested (or the proof of use submitted) by then."""
    today = local_date(now)
    with fonds.db.read() as s:
        rows = s.execute(
            select(Application.id, Application.applicant_id, Application.title, Application.file_number,
                   Application.lapse_due_on, Application.guideline_version_id)
            .where(
                Application.state.in_(fonds.catalog.state_ids(s, guarded_by="lapse_due")),
                Application.lapse_due_on >= today,
                Application.lapse_due_on <= today + timedelta(days=LAPSE_WARNING_DAYS),
                ~_open_request(),
            )
            .order_by(Application.id)
        ).all()  # fmt: skip
        rules = {
            r.id: lapse_rule_text(fonds.catalog.guideline(s, r.guideline_version_id), r.lapse_due_on) for r in rows
        }
    done = 0
    for r in rows:
        key = f"lapse_warning:{r.id}:{r.lapse_due_on.isoformat()}"
        payload = {"title": r.title, "reference": r.file_number or "", "due_on": r.lapse_due_on.isoformat(),
                   "days": (r.lapse_due_on - today).days, "rule": rules[r.id]}  # fmt: skip
        done += mail_once(fonds, "lapse_warning", key, now, "lapse_warning", payload,
                          user_id=r.applicant_id, application_id=r.id)  # fmt: skip
    return done


def circulation_close(fonds: Engine, now: datetime) -> int:
    """Close votes by circulation whose deadline has passed (if the jury services provide it)."""
    try:
        jury_services = importlib.import_module("fondsengine.jury.usecases")
    except ImportError:
        jury_services = None
    close = getattr(jury_services, "close_circulation", None)
    if close is None:
        log.info("Umlaufverfahren: fondsengine.jury.usecases.close_circulation fehlt; übersprungen")
        return 0
    with fonds.db.read() as s:
        due = list(
            s.scalars(
                select(JurySession.id).where(
                    JurySession.circulation.is_(True),
                    JurySession.status != "closed",
                    JurySession.vote_deadline.is_not(None),
                    JurySession.vote_deadline <= now,
                )
            )
        )
    done = 0
    for session_id in due:
        try:
            close(at_time(fonds, now), Actor.scheduler(), session_id)  # closing sets status 'closed': the mark
            done += 1
        except FondsError as exc:
            log.warning("Umlaufverfahren %s nicht geschlossen: %s", session_id, exc)
    return done
