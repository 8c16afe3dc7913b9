"""The right to erasure (Art. 17 DSGVO): a person asks, the office sees what the engine may erase,
the engine anonymises exactly that and records what it kept and why.

What may go follows from the retention rules of each application's guideline
(`retention.years` after the application is closed; Art. 17 Abs. 3 lit. b DSGVO with the
budget law's duty to keep the files): a draft that was never submitted and an application whose
retention period has run out are anonymised at once; a submitted application is kept until its
period ends (the nightly retention job anonymises it then). Amounts, dates and states stay, so the
ledger, the statistics and both integrity chains remain verifiable: anonymising rewrites
application rows, which are outside the chains, and appends one audit event.
The account itself is anonymised when nothing is kept and the person holds no role in a fund.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine, UnitOfWork
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.inputs import check_text
from fondsengine.jobs.housekeeping import ANONYMISED, anonymise, years_later
from fondsengine.letters.fmt import format_date
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import enqueue, record
from fondsengine.model import Application, ErasureRequest, JuryVolunteer, Membership, User

ART_17_3_B = "Art. 17 Abs. 3 lit. b DSGVO"


@dataclass(frozen=True)
class ErasureStep:
    """What happens to one thing held about the person."""

    what: str
    erase: bool
    result: str  # "wird anonymisiert" / "bleibt gespeichert bis …"
    why: str
    application_id: int | None = None
    kind: str = "application"  # application | pool | account (what _apply acts on; the texts are for people)


@dataclass(frozen=True)
class ErasureCase:
    """An erasure request as the office sees it: who, when, and the engine's plan."""

    id: int
    user_id: int
    name: str
    email: str | None
    reason: str
    requested_at: datetime
    status: str
    decided_at: datetime | None
    steps: tuple[ErasureStep, ...]


def _label(app: Application) -> str:
    return f"Antrag {app.file_number} „{app.title}“" if app.file_number else f"Entwurf „{app.title}“"


def _plan(fonds: Engine, s: Session, user: User, now: datetime) -> list[ErasureStep]:
    """The plan for one person, from the retention rules (read inside the caller's transaction)."""
    steps: list[ErasureStep] = []
    apps = s.scalars(
        select(Application)
        .where(Application.applicant_id == user.id, Application.anonymised_at.is_(None))
        .order_by(Application.id)
    ).all()
    for app in apps:
        rule = fonds.catalog.guideline(s, app.guideline_version_id).retention
        basis = f"{rule.years} Jahre nach Abschluss ({rule.clause} der Förderrichtlinie)" if rule.clause else (
            f"{rule.years} Jahre nach Abschluss (Förderrichtlinie)"
        )
        if authz.is_draft(s, app):
            steps.append(ErasureStep(_label(app), True, "wird anonymisiert",
                                     "nie eingereicht: keine Pflicht zur Aufbewahrung", app.id))  # fmt: skip
        elif app.closed_at is None:
            steps.append(ErasureStep(_label(app), False, "bleibt gespeichert, solange das Verfahren läuft",
                                     f"Aufbewahrungspflicht: {basis}; {ART_17_3_B}", app.id))  # fmt: skip
        else:
            until = years_later(app.closed_at, rule.years)
            if until <= now:
                steps.append(ErasureStep(_label(app), True, "wird anonymisiert",
                                         f"Aufbewahrungsfrist abgelaufen ({basis})", app.id))  # fmt: skip
            else:
                steps.append(ErasureStep(
                    _label(app), False, f"bleibt gespeichert bis {format_date(local_date(until))}",
                    f"Aufbewahrungspflicht: {basis}; {ART_17_3_B}", app.id,
                ))  # fmt: skip
    pools = s.scalars(
        select(JuryVolunteer).where(JuryVolunteer.user_id == user.id, JuryVolunteer.withdrawn_at.is_(None))
    ).all()
    for pool in pools:
        steps.append(ErasureStep(f"Bewerbung für die Jury ({pool.fund_id})", True, "wird zurückgezogen",
                                 "keine Pflicht zur Aufbewahrung", kind="pool"))  # fmt: skip
    roles = s.scalars(select(Membership.fund_id).where(Membership.user_id == user.id)).all()
    if roles:
        steps.append(ErasureStep("Benutzerkonto", False, "bleibt bestehen",
                                 "Sie haben eine Rolle in einem Fonds; die Geschäftsführung beendet sie "
                                 "zuerst", kind="account"))  # fmt: skip
    elif any(not st.erase for st in steps):
        steps.append(ErasureStep("Benutzerkonto", False, "bleibt bestehen, bis die aufbewahrten Anträge gelöscht sind",
                                 "für Bescheide und Rückfragen zu den aufbewahrten Anträgen",
                                 kind="account"))  # fmt: skip
    else:
        steps.append(ErasureStep("Benutzerkonto", True, "wird anonymisiert (Anmelden ist danach nicht mehr möglich)",
                                 "nichts mehr aufzubewahren", kind="account"))  # fmt: skip
    return steps


def _office_funds(s: Session, user_id: int) -> list[str]:
    return sorted(set(s.scalars(select(Application.fund_id).where(Application.applicant_id == user_id))))


def _managed(s: Session, actor: Actor, today: date) -> set[str]:
    """The funds the actor manages today."""
    if actor.user_id is None:
        return set()
    funds = s.scalars(select(Membership.fund_id).where(Membership.user_id == actor.user_id).distinct())
    return {f for f in funds if "manager" in authz.fund_roles(s, actor, f, today)}


def _may_handle(s: Session, actor: Actor, user_id: int, today: date) -> bool:
    """Managers of a fund the person applied to; any manager when the person never applied."""
    if actor.system:
        return True
    managed = _managed(s, actor, today)
    funds = _office_funds(s, user_id)
    return bool(managed & set(funds)) if funds else bool(managed)


def request_erasure(fonds: Engine, actor: Actor, reason: str = "") -> int:
    """The acting person asks to have their data erased; the office of their funds is told."""
    if actor.user_id is None:
        raise PermissionDenied("Eine Löschung kann nur für ein Benutzerkonto beantragt werden.")
    reason = check_text(reason.strip(), label="Begründung", max_len=2000, multiline=True, field="reason")
    now = fonds.clock.now()
    with fonds.unit_of_work() as uow:
        s = uow.session
        user = s.get(User, actor.user_id, with_for_update=True)
        if user is None or user.anonymised_at is not None:
            raise NotFound("Dieses Konto gibt es nicht.")
        open_one = s.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id,
                                                         ErasureRequest.status == "open"))  # fmt: skip
        if open_one is not None:
            raise InvalidInput(
                f"Ihr Antrag auf Löschung vom {format_date(local_date(open_one.requested_at))} liegt schon vor; "
                "die Geschäftsführung bearbeitet ihn."
            )
        req = ErasureRequest(user_id=user.id, reason=reason, requested_at=now, status="open", outcome=[])
        s.add(req)
        s.flush()
        record(s, actor=actor, role="user", action="request_erasure", at=now, data={"request_id": req.id})
        _tell_office(s, req, user, now)
        uow.commit()
        return req.id


def _tell_office(s: Session, req: ErasureRequest, user: User, now: datetime) -> None:
    funds = _office_funds(s, user.id)
    managers = select(User.id, User.email).join(Membership, Membership.user_id == User.id).where(
        Membership.role == "manager", User.active.is_(True)
    )
    if funds:
        managers = managers.where(Membership.fund_id.in_(funds))
    for manager_id, email in s.execute(managers.distinct()).all():
        enqueue(s, dedup_key=f"erasure:{req.id}:{manager_id}", topic="erasure_requested", at=now,
                payload={"request_id": req.id, "fund_id": funds[0] if funds else None},
                recipient_id=int(manager_id), recipient_email=email)  # fmt: skip


def erasure_preview(fonds: Engine, actor: Actor) -> tuple[ErasureStep, ...]:
    """What an erasure would do today for the acting person (shown before they ask)."""
    if actor.user_id is None:
        return ()
    with fonds.db.read() as s:
        user = s.get(User, actor.user_id)
        if user is None or user.anonymised_at is not None:
            return ()
        return tuple(_plan(fonds, s, user, fonds.clock.now()))


def my_erasure_request(fonds: Engine, actor: Actor) -> ErasureCase | None:
    """The acting person's newest erasure request with the engine's plan (None: never asked)."""
    if actor.user_id is None:
        return None
    with fonds.db.read() as s:
        req = s.scalar(select(ErasureRequest).where(ErasureRequest.user_id == actor.user_id)
                       .order_by(ErasureRequest.id.desc()).limit(1))  # fmt: skip
        return None if req is None else _case(fonds, s, req)


def _case(fonds: Engine, s: Session, req: ErasureRequest) -> ErasureCase:
    user = s.get(User, req.user_id)
    assert user is not None
    steps = (
        tuple(_plan(fonds, s, user, fonds.clock.now()))
        if req.status == "open"
        else tuple(
            ErasureStep(o["what"], bool(o["erase"]), o["result"], o["why"], kind=o.get("kind", "application"))
            for o in req.outcome
        )
    )
    return ErasureCase(req.id, user.id, user.name, user.email, req.reason, req.requested_at, req.status,
                       req.decided_at, steps)  # fmt: skip


def erasure_requests(fonds: Engine, actor: Actor, *, open_only: bool = True) -> list[ErasureCase]:
    """The erasure requests the acting office may handle, oldest first, each with its plan."""
    today = local_date(fonds.clock.now())
    with fonds.db.read() as s:
        query = select(ErasureRequest).order_by(ErasureRequest.requested_at, ErasureRequest.id)
        if open_only:
            query = query.where(ErasureRequest.status == "open")
        if not actor.system and not _managed(s, actor, today):
            raise PermissionDenied("Löschanträge sieht nur die Geschäftsführung.")
        return [_case(fonds, s, r) for r in s.scalars(query) if _may_handle(s, actor, r.user_id, today)]


def carry_out_erasure(fonds: Engine, actor: Actor, request_id: int) -> tuple[ErasureStep, ...]:
    """Erase what the retention rules allow, record what is kept and why, and tell the person."""
    now = fonds.clock.now()
    with fonds.unit_of_work() as uow:
        s = uow.session
        req = s.get(ErasureRequest, request_id, with_for_update=True, populate_existing=True)
        if req is None or not _may_handle(s, actor, req.user_id, local_date(now)):
            raise NotFound("Diesen Löschantrag gibt es nicht.")
        if req.status != "open":
            raise InvalidInput("Dieser Löschantrag ist schon erledigt.")
        user = s.get(User, req.user_id, with_for_update=True, populate_existing=True)
        assert user is not None
        for app_id in s.scalars(select(Application.id).where(Application.applicant_id == user.id)
                                .order_by(Application.id)):  # fmt: skip
            authz.lock_application(s, app_id)  # fixed order, before the plan is read
        steps = _plan(fonds, s, user, now)
        email, name = user.email, user.name
        _apply(uow, user, steps, now)
        req.status, req.decided_at, req.decided_by_id = "done", now, actor.user_id
        req.outcome = [
            {"what": st.what, "erase": st.erase, "result": st.result, "why": st.why, "kind": st.kind} for st in steps
        ]
        record(s, actor=actor, role="system" if actor.system else "manager", action="carry_out_erasure", at=now,
               data={"request_id": req.id, "erased": sum(st.erase for st in steps),
                     "kept": sum(not st.erase for st in steps)})  # fmt: skip
        if email:
            enqueue(s, dedup_key=f"erasure-done:{req.id}", topic="erasure_done", at=now,
                    payload={"name": name, "steps": req.outcome}, recipient_email=email)  # fmt: skip
        uow.commit()
        return tuple(steps)


def _apply(uow: UnitOfWork, user: User, steps: list[ErasureStep], now: datetime) -> None:
    s = uow.session
    for st in steps:
        if st.erase and st.application_id is not None:
            app = s.get(Application, st.application_id)
            assert app is not None
            anonymise(uow, app, now)
    if any(st.erase and st.kind == "pool" for st in steps):
        for pool in s.scalars(select(JuryVolunteer).where(JuryVolunteer.user_id == user.id,
                                                          JuryVolunteer.withdrawn_at.is_(None))):  # fmt: skip
            pool.withdrawn_at = now
    account = next(st for st in steps if st.kind == "account")
    if account.erase:
        user.name, user.email, user.password_hash, user.phone = ANONYMISED, None, None, None
        user.street, user.postcode, user.city, user.notification_prefs = None, None, None, {}
        user.totp_secret, user.totp_enabled_at, user.totp_recovery, user.totp_last_step = None, None, None, None
        user.active, user.anonymised_at = False, now
        user.session_generation = (user.session_generation or 0) + 1  # every open session ends
