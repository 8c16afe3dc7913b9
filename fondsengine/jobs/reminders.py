"""Reminder jobs: jury invitations and reminders, proof-of-use deadlines, the daily digest."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fondsengine.applications.todo import office_todo
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine, UnitOfWork
from fondsengine.jobs.base import funds, mail, mail_once, members, once
from fondsengine.model import AgendaItem, Application, Attendance, JobMark, JurySession, Refund
from fondsengine.money import format_euro
from fondsengine.notify.links import OFFICE_APPLICATION
from fondsengine.text import format_date

JURY_INVITATION_DAYS = 14
PROOF_DUE_SOON_DAYS = 14
PROOF_ESCALATION_DAYS = 30
REFUND_REMINDER_DAYS = (1, 14)  # reminders of an unpaid refund claim: a day and two weeks after it was due


def _sessions(fonds: Engine, now: datetime, within: timedelta) -> list[JurySession]:
    with fonds.db.read() as s:
        return list(s.scalars(select(JurySession).where(
            JurySession.status == "planned", JurySession.circulation.is_(False),
            JurySession.starts_at > now, JurySession.starts_at <= now + within,
        ).order_by(JurySession.starts_at)))  # fmt: skip


def _agenda(s: Session, session_id: int) -> list[list[Any]]:
    rows = s.execute(
        select(Application.title, Application.organisation, Application.contact_name,
               Application.requested_cents, Application.file_number)
        .join(AgendaItem, AgendaItem.application_id == Application.id)
        .where(AgendaItem.session_id == session_id).order_by(AgendaItem.position)
    ).all()  # fmt: skip
    return [[t, org or name, cents, ref or ""] for t, org, name, cents, ref in rows]


def invitation_key(session_id: int, user_id: int) -> str:
    """The one key of a member's invitation to a session: the office's click and the job share it."""
    return f"jury_invitation:{session_id}:{user_id}"


def invitation_payload(js: JurySession, agenda: list[list[Any]]) -> dict[str, Any]:
    """What the invitation mail needs: the session, its place and the agenda."""
    return {"fund_id": js.fund_id, "session_id": js.id, "starts_at": js.starts_at.isoformat(),
            "location": js.place, "agenda": agenda}  # fmt: skip


def queue_invitation(uow: UnitOfWork, js: JurySession, user_id: int, now: datetime) -> None:
    """Queue the invitation mail now, in the caller's transaction, and mark it done for the job (so the
    scheduler never sends it a second time)."""
    key = invitation_key(js.id, user_id)
    if uow.session.scalar(select(JobMark.id).where(JobMark.key == key)) is not None:
        return
    uow.session.add(JobMark(key=key, job="jury_invitation", done_at=now))
    mail(uow, key, "jury_invitation", now, invitation_payload(js, _agenda(uow.session, js.id)), user_id=user_id)


def jury_invitation(fonds: Engine, now: datetime) -> int:
    """Invite every jury member, with the agenda, 14 days before a session."""
    done = 0
    for js in _sessions(fonds, now, timedelta(days=JURY_INVITATION_DAYS)):
        with fonds.db.read() as s:
            agenda = _agenda(s, js.id)
        for user_id, _email, _name in members(fonds, js.fund_id, "jury_member", local_date(js.starts_at)):
            key = invitation_key(js.id, user_id)
            payload = invitation_payload(js, agenda)

            def action(uow: UnitOfWork, uid: int = user_id, k: str = key, p: dict[str, Any] = payload) -> None:
                mail(uow, k, "jury_invitation", now, p, user_id=uid)
                row = uow.session.scalar(select(Attendance).where(
                    Attendance.session_id == p["session_id"], Attendance.user_id == uid))  # fmt: skip
                if row is None:
                    uow.session.add(Attendance(session_id=p["session_id"], user_id=uid, invited_at=now))
                elif row.invited_at is None:
                    row.invited_at = now

            done += once(fonds, "jury_invitation", key, now, action)
    return done


def jury_reminder(fonds: Engine, now: datetime) -> int:
    """Remind jury members the day before a session (not those who declined)."""
    done = 0
    for js in _sessions(fonds, now, timedelta(days=1)):
        with fonds.db.read() as s:
            declined = set(s.scalars(select(Attendance.user_id).where(
                Attendance.session_id == js.id, Attendance.confirmed.is_(False))))  # fmt: skip
            items = s.scalar(select(func.count()).where(AgendaItem.session_id == js.id)) or 0
        for user_id, _email, _name in members(fonds, js.fund_id, "jury_member", local_date(js.starts_at)):
            if user_id in declined:
                continue
            payload = {"fund_id": js.fund_id, "session_id": js.id, "starts_at": js.starts_at.isoformat(),
                       "location": js.place, "item_count": items}  # fmt: skip
            key = f"jury_reminder:{js.id}:{user_id}"
            done += mail_once(fonds, "jury_reminder", key, now, "jury_reminder", payload, user_id=user_id)
    return done


def _proof_stage(days_left: int) -> str | None:
    if days_left < 0:
        return "proof_overdue"
    if days_left == 0:
        return "proof_due_today"
    if days_left <= PROOF_DUE_SOON_DAYS:
        return "proof_due_soon"
    return None


def proof_reminders(fonds: Engine, now: datetime) -> int:
    """Proof of use: due in 14 days, due today, overdue (applicant); 30 days overdue (office)."""
    today, done = local_date(now), 0
    with fonds.db.read() as s:
        apps = list(s.scalars(select(Application).where(
            Application.state.in_(fonds.catalog.state_ids(s, waiting_for="proof")),
            Application.proof_due_on.is_not(None))))  # fmt: skip
    for app in apps:
        assert app.proof_due_on is not None
        days_left = (app.proof_due_on - today).days
        stage = _proof_stage(days_left)
        if stage is None:
            continue
        payload = {"title": app.title, "reference": app.file_number or "", "fund_id": app.fund_id,
                   "due_on": app.proof_due_on.isoformat(), "days": abs(days_left)}  # fmt: skip
        key = f"{stage}:{app.id}:{app.proof_due_on.isoformat()}"
        done += mail_once(fonds, "proof_reminders", key, now, stage, payload, user_id=app.applicant_id,
                          email=app.contact_email, application_id=app.id)  # fmt: skip
        if -days_left < PROOF_ESCALATION_DAYS:
            continue
        escalation = {**payload, "applicant_name": app.contact_name, "applicant_email": app.contact_email or "",
                      "granted_cents": app.approved_cents or 0}  # fmt: skip
        for user_id, email, _name in members(fonds, app.fund_id, "manager", today):
            key = f"proof_escalation:{app.id}:{app.proof_due_on.isoformat()}:{user_id}"
            done += mail_once(fonds, "proof_reminders", key, now, "proof_escalation", escalation,
                              user_id=user_id, email=email, application_id=app.id)  # fmt: skip
    return done


def refund_reminders(fonds: Engine, now: datetime) -> int:
    """Refund claims not (fully) paid by their due date: a reminder to the applicant a day after the
    due date and another two weeks after it, with the open amount and the fund's account."""
    today, done = local_date(now), 0
    with fonds.db.read() as s:
        rows = s.execute(
            select(Refund, Application)
            .join(Application, Application.id == Refund.application_id)
            .where(Refund.received_cents < Refund.claimed_cents, Refund.due_on < today)
            .order_by(Refund.due_on, Refund.id)
        ).all()
        versions = {app.guideline_version_id for _refund, app in rows}
        guidelines = {v: fonds.catalog.guideline(s, v) for v in versions}
    for refund, app in rows:
        days = (today - refund.due_on).days
        stage = max((i for i, d in enumerate(REFUND_REMINDER_DAYS, start=1) if days >= d), default=0)
        if not stage:
            continue
        rules = guidelines[app.guideline_version_id].proof
        payload = {"title": app.title, "reference": app.file_number or "", "fund_id": app.fund_id,
                   "claimed_cents": refund.claimed_cents, "received_cents": refund.received_cents,
                   "due_on": refund.due_on.isoformat(), "iban": rules.refund_iban or "",
                   "account_holder": rules.refund_account_holder or "",
                   "interest_note": rules.refund_interest_note or ""}  # fmt: skip
        key = f"refund_overdue:{refund.id}:{stage}"
        done += mail_once(fonds, "refund_reminders", key, now, "refund_overdue", payload, user_id=app.applicant_id,
                          email=app.contact_email, application_id=app.id)  # fmt: skip
    return done


def _digest_sections(fonds: Engine, user_id: int, now: datetime) -> list[list[Any]]:
    """The office user's to-do list (`applications.todo`, the same list the dashboard shows),
    as mail sections: a heading per group with something to do, one line and link per item."""
    sections: list[list[Any]] = []
    for grp in office_todo(fonds, Actor(user_id), now=now):
        if not grp.total:
            continue
        items: list[list[Any]] = []
        for i in grp.items:
            text = f"{i.file_number or 'ohne Az.'}: {i.title}"
            if i.amount_cents:
                text += f", {format_euro(i.amount_cents)}"
            if i.day:
                text += f" ({'fällig seit' if i.overdue else 'seit'} {format_date(i.day)})"
            if i.note:
                text += f" – {i.note}"
            items.append([text, OFFICE_APPLICATION.path_for(i.application_id) if i.application_id else None])
        sections.append([grp.label, items, grp.total, grp.capped])  # capped: more than total
    return sections


def daily_digest(fonds: Engine, now: datetime) -> int:
    """Once a day, tell each office user what needs attention in their funds (nothing: no mail)."""
    today, managed = local_date(now), dict[int, list[str]]()
    emails: dict[int, str] = {}
    for fund_id, _g in funds(fonds):
        for user_id, email, _name in members(fonds, fund_id, "manager", today):
            managed.setdefault(user_id, []).append(fund_id)
            emails[user_id] = email
    done = 0
    for user_id, fund_ids in managed.items():
        sections = _digest_sections(fonds, user_id, now)
        if not sections:
            continue
        payload = {"day": today.isoformat(), "sections": sections, "fund_id": fund_ids[0]}
        key = f"daily_digest:{user_id}:{today.isoformat()}"
        done += mail_once(fonds, "daily_digest", key, now, "daily_digest", payload, user_id=user_id,
                          email=emails[user_id])  # fmt: skip
    return done
