"""Jury sessions: invitations, attendance, opening, conflicts of interest."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.model import JuryRules
from fondsengine.jobs.reminders import queue_invitation
from fondsengine.jury.common import (
    declaration_of,
    jury_members,
    load_item,
    load_session,
    lock_open_item,
    names_of,
    session_day,
    store_declaration,
    voting_ids,
)
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.fire import guideline_of
from fondsengine.model import AgendaItem, Application, Attendance, JurySession, Vote


def invite(fonds: Engine, actor: Actor, session_id: int) -> int:
    """Invite the members of the jury on the session's day (attendance rows, and the invitation mail with the
    agenda, sent right after the commit); return how many are new."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        js = load_session(s, session_id)
        authz.require_fund_role(s, actor, js.fund_id, local_date(now), "manager")
        if js.status == "closed":
            raise InvalidInput("Die Sitzung ist bereits geschlossen.")
        rules = fonds.catalog.current(s, js.fund_id)[2].jury
        if js.circulation and not rules.circulation_allowed:
            raise InvalidInput("Die Förderrichtlinie erlaubt keine Abstimmung im Umlaufverfahren.", clause=rules.clause)
        new = invite_members(s, js, rules, now)
        if not js.circulation:  # the mail goes out with the click (issue 18), not 14 days later by the job
            for uid in new:
                queue_invitation(uow, js, uid, now)
        record(
            s,
            actor=actor,
            role="manager",
            action="invite_jury",
            at=now,
            fund_id=js.fund_id,
            data={"session_id": js.id, "invited": new},
        )
        uow.commit()
        return len(new)


def invite_members(s: Session, js: JurySession, rules: JuryRules, now: datetime) -> list[int]:
    """Add attendance rows for the voting members not yet invited (caller's unit of work); their ids."""
    invited = set(s.scalars(select(Attendance.user_id).where(Attendance.session_id == js.id)))
    new = sorted(voting_ids(jury_members(s, js.fund_id, session_day(js), rules), rules) - invited)
    for uid in new:
        s.add(Attendance(session_id=js.id, user_id=uid, invited_at=now, confirmed=None, present=False))
    return new


def confirm_attendance(fonds: Engine, actor: Actor, session_id: int, coming: bool) -> None:
    """An invited member says whether they will come."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        js = load_session(s, session_id)
        row = s.scalar(select(Attendance).where(Attendance.session_id == js.id, Attendance.user_id == actor.user_id))
        if row is None:
            raise NotFound("Zu dieser Sitzung sind Sie nicht eingeladen.")
        if js.status == "closed":
            raise InvalidInput("Die Sitzung ist bereits geschlossen.")
        row.confirmed = coming
        record(
            s,
            actor=actor,
            role="jury_member",
            action="confirm_attendance",
            at=now,
            fund_id=js.fund_id,
            data={"session_id": js.id, "coming": coming},
        )
        uow.commit()


def open_session(
    fonds: Engine, actor: Actor, session_id: int, present_user_ids: Collection[int], chair_id: int
) -> None:
    """Open a session: record who is present and who chairs (the office, or the chair themself).

    May be called again while the session is open to correct the attendance (a late arrival).
    """
    present = set(present_user_ids)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        js = load_session(s, session_id)
        roles = authz.fund_roles(s, actor, js.fund_id, local_date(now))
        if "manager" in roles:
            role = "manager"
        elif actor.user_id == chair_id and "jury_member" in roles:
            role = "jury_member"
        else:
            raise PermissionDenied("Die Sitzung eröffnet der Vorsitz oder die Geschäftsführung.")
        if js.circulation:
            raise InvalidInput("Ein Umlaufverfahren wird nicht eröffnet; abgestimmt wird bis zur Frist.")
        if js.status == "closed":
            raise InvalidInput("Die Sitzung ist bereits geschlossen.")
        rules = fonds.catalog.current(s, js.fund_id)[2].jury
        members = voting_ids(jury_members(s, js.fund_id, session_day(js), rules), rules)
        strangers = sorted(present - members)
        if strangers:
            names = ", ".join(names_of(s, strangers).get(u, str(u)) for u in strangers)
            raise InvalidInput(f"Nicht stimmberechtigte Mitglieder der Jury: {names}.", field="present")
        if chair_id not in present:
            raise InvalidInput("Der Vorsitz muss ein anwesendes Mitglied der Jury sein.", field="chair")
        rows = {a.user_id: a for a in s.scalars(select(Attendance).where(Attendance.session_id == js.id))}
        for uid in sorted(present - set(rows)):
            rows[uid] = Attendance(session_id=js.id, user_id=uid, invited_at=None, confirmed=None, present=True)
            s.add(rows[uid])
        for uid, row in rows.items():
            row.present = uid in present
        if js.opened_at is None:
            js.opened_at = now
        js.status, js.chair_id = "open", chair_id
        record(
            s,
            actor=actor,
            role=role,
            action="open_session",
            at=now,
            fund_id=js.fund_id,
            data={"session_id": js.id, "present": sorted(present), "chair_id": chair_id},
        )
        uow.commit()


def _open_item(s: Session, agenda_item_id: int) -> tuple[AgendaItem, JurySession, Application]:
    """Lock an open agenda item and load it with its session and application (closed: refused)."""
    if not lock_open_item(s, agenda_item_id):
        load_item(s, agenda_item_id)  # NotFound if it does not exist
        raise InvalidInput("Der Tagesordnungspunkt ist bereits geschlossen.")
    return load_item(s, agenda_item_id)


def _conflict_role(s: Session, actor: Actor, js: JurySession, user_id: int, today: date) -> tuple[str, bool]:
    """(role, about oneself): a member declares or withdraws for themself, the office for any member."""
    if actor.user_id == user_id and not actor.system:
        authz.require_fund_role(s, actor, js.fund_id, today, "jury_member", "manager")
        return "jury_member", True
    return authz.require_fund_role(s, actor, js.fund_id, today, "manager"), False


def declare_conflict(fonds: Engine, actor: Actor, agenda_item_id: int, user_id: int, reason: str) -> None:
    """Record a conflict of interest for an item (the member themself, or the office for them).

    It replaces a "no conflict" the member declared before; a vote the member already gave on the item
    is removed.
    """
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = _open_item(s, agenda_item_id)
        role, own = _conflict_role(s, actor, js, user_id, local_date(now))
        rules = guideline_of(uow, app).jury
        _require_voter(s, js, rules, user_id)
        by = actor.user_id or user_id
        store_declaration(s, item.id, user_id, conflicted=True, reason=reason.strip(), by=by, at=now)
        s.execute(delete(Vote).where(Vote.agenda_item_id == item.id, Vote.user_id == user_id))
        record(
            s,
            actor=actor,
            role=role,
            action="declare_conflict",
            at=now,
            fund_id=js.fund_id,
            application_id=app.id,
            on_behalf_of_id=None if own else user_id,
            clause=rules.conflict.clause,
            data={"agenda_item_id": item.id, "user_id": user_id, "reason": reason.strip()},
        )
        uow.commit()


def declare_no_conflict(fonds: Engine, actor: Actor, agenda_item_id: int, user_id: int) -> None:
    """Record that a member has no conflict of interest on an item (the member themself, or the office
    for them, e.g. from what the member said in the session); audited.

    A guideline with `jury.conflict.declaration_required` lets a member vote on their own device only
    after this declaration (or a declared conflict, which excludes them). It replaces a conflict the
    member declared themself; one the office recorded only the office can replace. Declaring it again
    changes nothing.
    """
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = _open_item(s, agenda_item_id)
        role, own = _conflict_role(s, actor, js, user_id, local_date(now))
        rules = guideline_of(uow, app).jury
        _require_voter(s, js, rules, user_id)
        if rules.conflict.applicant_excluded and user_id == app.applicant_id:
            raise InvalidInput(
                "Wer den Antrag selbst gestellt hat, ist bei diesem Punkt befangen und stimmt nicht mit ab.",
                clause=rules.conflict.clause,
            )
        row = declaration_of(s, item.id, user_id)
        if row is not None and not row.conflicted:
            return  # declared already: nothing to record
        if row is not None and own and row.recorded_by_id != user_id and not _is_office(s, actor, js, now):
            raise InvalidInput(OFFICE_RECORDED)
        store_declaration(s, item.id, user_id, conflicted=False, reason="", by=actor.user_id or user_id, at=now)
        record(
            s,
            actor=actor,
            role=role,
            action="declare_no_conflict",
            at=now,
            fund_id=js.fund_id,
            application_id=app.id,
            on_behalf_of_id=None if own else user_id,
            clause=rules.conflict.clause,
            data={"agenda_item_id": item.id, "user_id": user_id, "replaces_conflict": row is not None},
        )
        uow.commit()


OFFICE_RECORDED = (
    "Die Geschäftsführung hat diese Befangenheit vermerkt; bitte wenden Sie sich an sie, wenn sie nicht zutrifft."
)


def _require_voter(s: Session, js: JurySession, rules: JuryRules, user_id: int) -> None:
    if user_id not in voting_ids(jury_members(s, js.fund_id, session_day(js), rules), rules):
        raise InvalidInput("Diese Person ist kein stimmberechtigtes Mitglied der Jury.", field="user")


def _is_office(s: Session, actor: Actor, js: JurySession, now: datetime) -> bool:
    return "manager" in authz.fund_roles(s, actor, js.fund_id, local_date(now))


def withdraw_conflict(fonds: Engine, actor: Actor, agenda_item_id: int, user_id: int) -> None:
    """Withdraw a declared conflict of interest while the item is open: the member their own declaration, the
    office any (also one it recorded for a member). The member may vote on the item again; audited."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        item, js, app = _open_item(s, agenda_item_id)
        role, own = _conflict_role(s, actor, js, user_id, local_date(now))
        row = declaration_of(s, item.id, user_id)
        if row is None or not row.conflicted:
            raise InvalidInput("Eine erklärte Befangenheit zu diesem Punkt gibt es nicht.")
        if own and row.recorded_by_id != user_id and not _is_office(s, actor, js, now):
            raise InvalidInput(OFFICE_RECORDED)
        s.delete(row)  # no declaration left: where the guideline asks for one, the member declares anew
        record(
            s,
            actor=actor,
            role=role,
            action="withdraw_conflict",
            at=now,
            fund_id=js.fund_id,
            application_id=app.id,
            on_behalf_of_id=None if own else user_id,
            clause=guideline_of(uow, app).jury.conflict.clause,
            data={"agenda_item_id": item.id, "user_id": user_id},
        )
        uow.commit()
