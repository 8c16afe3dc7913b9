"""The audit trail for the office and the auditors: per fund and per application, in German, filtered.

Read-only. Only the fund's managers and auditors may read it (PermissionDenied for the others in
the fund, NotFound for an application they may not know about). Returns plain dataclasses; the
integrity check (`fondsengine verify`) is run on request and its result reduced to what concerns the
fund (the chains are global, the checks of letters, payments and bookings are per application).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from fondsengine.clock import BERLIN, local_date, utc
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.integrity import check as integrity
from fondsengine.lifecycle import authz
from fondsengine.model import (
    Application,
    AuditEvent,
    Fund,
    GuidelineVersion,
    LedgerEntry,
    Letter,
    Payment,
    User,
    WorkflowVersion,
)
from fondsengine.text import format_date

READERS = ("manager", "auditor")
MAX_LINES = 5000  # lines of one page or export; the filter narrows it down

# German labels of the events that are no workflow step (the steps are labelled by their workflow)
EVENT_LABELS: dict[str, str] = {
    "create_draft": "Entwurf angelegt",
    "save": "Entwurf gespeichert",
    "confirm_consultation": "Beratungsgespräch bestätigt",
    "record_review": "Prüfpunkte erfasst",
    "request_payment": "Auszahlung angefordert",
    "book_payment": "Auszahlung gebucht",
    "book_refund": "Rückzahlung gebucht",
    "review_receipt": "Beleg geprüft",
    "add_attachment": "Anlage hochgeladen",
    "add_note": "Vermerk angelegt",
    "add_message": "Nachricht geschrieben",
    "load_guideline": "Richtlinie geladen",
    "save_guideline_draft": "Richtlinienentwurf gespeichert",
    "adopt_guideline": "Richtlinie beschlossen",
    "version": "Version gespeichert",
    "create_user": "Konto angelegt",
    "confirm_email": "E-Mail-Adresse bestätigt",
    "change_email": "E-Mail-Adresse geändert",
    "change_profile": "Name oder Anschrift geändert",
    "change_password": "Passwort geändert",
    "reset_password": "Passwort zurückgesetzt",
    "set_notifications": "E-Mail-Einstellungen geändert",
    "login_locked": "Anmeldung gesperrt",
    "login_code_failed": "Anmeldecode falsch",
    "totp_enabled": "Zweiter Faktor eingerichtet",
    "totp_removed": "Zweiter Faktor entfernt",
    "totp_recovery_code_used": "Wiederherstellungscode benutzt",
    "grant_role": "Rolle vergeben",
    "revoke_role": "Rolle entzogen",
    "create_session": "Jurysitzung angelegt",
    "open_session": "Jurysitzung eröffnet",
    "close_session": "Jurysitzung geschlossen",
    "invite_jury": "Jury eingeladen",
    "confirm_attendance": "Teilnahme bestätigt",
    "declare_conflict": "Befangenheit erklärt",
    "withdraw_conflict": "Befangenheit zurückgenommen",
    "declare_no_conflict": "Keine Befangenheit erklärt",
    "cast_vote": "Stimme abgegeben",
    "enter_show_of_hands": "Handabstimmung erfasst",
    "close_circulation": "Umlaufverfahren abgeschlossen",
    "start_circulation": "Umlaufverfahren gestartet",
    "comment_on_item": "Kommentar der Jury geschrieben",
    "score_item": "Bewertung der Jury abgegeben",
    "create_organisation": "Organisation angelegt",
    "add_organisation_member": "Mitglied der Organisation hinzugefügt",
    "remove_organisation_member": "Mitglied der Organisation entfernt",
    "name_representative": "Vertretung der Organisation benannt",
    "link_organisation": "Antrag der Organisation zugeordnet",
    "jury_no_quorum": "Jury nicht beschlussfähig",
    "draw_jury_members": "Jury ausgelost",
    "appoint_jury_member": "Jurymitglied berufen",
    "register_jury_volunteer": "Für die Jury gemeldet",
    "withdraw_jury_volunteer": "Jurymeldung zurückgezogen",
}
ROLE_LABELS = {
    "manager": "Geschäftsführung",
    "auditor": "Prüfung",
    "jury_member": "Jury",
    "city_approver": "Stadt",
    "applicant": "Antragsteller/in",
    "system": "System",
}
_GLOBAL_CHECKS = frozenset({"kette", "kettenkopf", "anker"})


@dataclass(frozen=True)
class AuditFilter:
    """What to show: a date range (Berlin calendar days, both inclusive), one event kind, one person."""

    since: date | None = None
    until: date | None = None
    action: str | None = None
    person_id: int | None = None


@dataclass(frozen=True)
class AuditLine:
    """One event: when, who (in which role, for whom), what, under which guideline/workflow version."""

    id: int
    at: datetime
    actor_id: int | None
    who: str
    role: str
    on_behalf_of: str | None
    action: str
    label: str
    application_id: int | None
    file_number: str | None
    from_state: str | None
    to_state: str | None
    reason: str | None
    clause: str | None
    guideline_version: str | None
    workflow_version: str | None


@dataclass(frozen=True)
class Integrity:
    """The result of the integrity check as it concerns this fund."""

    ok: bool
    chains: tuple[tuple[str, int], ...]  # (label, rows checked)
    findings: tuple[str, ...]


@dataclass(frozen=True)
class AuditTrail:
    """The filtered trail of a fund or one application, and the choices for the filter form."""

    fund_id: str
    fund_name: str
    application_id: int | None
    lines: list[AuditLine]
    truncated: bool
    kinds: list[tuple[str, str]] = field(default_factory=list)  # (action, label) that occur
    people: list[tuple[int, str]] = field(default_factory=list)  # (user id, name) who acted


def _day_start(day: date) -> datetime:
    return utc(datetime.combine(day, time.min, tzinfo=BERLIN))


def _labels(fonds: Engine, s: Session, workflow_version_ids: set[int]) -> dict[str, str]:
    out: dict[str, str] = {}
    for vid in sorted(workflow_version_ids):
        wf = fonds.catalog.workflow(s, vid)
        for t in wf.transitions:
            out.setdefault(t.trigger, t.label)
    return {**out, **EVENT_LABELS}


def label_of(labels: dict[str, str], action: str) -> str:
    """The German label of an event kind (its own name when nobody gave it one)."""
    return labels.get(action, action)


def _versions(s: Session, fund_id: str) -> tuple[dict[str, GuidelineVersion], dict[int, WorkflowVersion]]:
    gvs = {g.version_hash: g for g in s.scalars(select(GuidelineVersion).where(GuidelineVersion.fund_id == fund_id))}
    wf_ids = {g.workflow_version_id for g in gvs.values()}
    wfs = {w.id: w for w in s.scalars(select(WorkflowVersion).where(WorkflowVersion.id.in_(wf_ids)))} if wf_ids else {}
    return gvs, wfs


def _gv_text(g: GuidelineVersion) -> str:
    return f"Richtlinie vom {format_date(local_date(g.loaded_at))} ({g.version_hash[:10]})"


def _wf_text(w: WorkflowVersion) -> str:
    return f"Workflow {w.workflow_id} ({w.version_hash[:10]})"


def _query(
    fund_id: str, application_id: int | None, filt: AuditFilter
) -> Select[AuditEvent, str, str, str | None, int]:
    who, behalf = aliased(User), aliased(User)
    q = (
        select(AuditEvent, who.name, behalf.name, Application.file_number, Application.guideline_version_id)
        .outerjoin(who, who.id == AuditEvent.actor_id)
        .outerjoin(behalf, behalf.id == AuditEvent.on_behalf_of_id)
        .outerjoin(Application, Application.id == AuditEvent.application_id)
    )
    if application_id is not None:
        q = q.where(AuditEvent.application_id == application_id)
    else:
        q = q.where((AuditEvent.fund_id == fund_id) | (Application.fund_id == fund_id))
    if filt.since is not None:
        q = q.where(AuditEvent.at >= _day_start(filt.since))
    if filt.until is not None:
        q = q.where(AuditEvent.at < _day_start(filt.until + timedelta(days=1)))
    if filt.action:
        q = q.where(AuditEvent.action == filt.action)
    if filt.person_id is not None:
        q = q.where(AuditEvent.actor_id == filt.person_id)
    return q.order_by(AuditEvent.id)


def _choices(
    s: Session, fund_id: str, application_id: int | None, labels: dict[str, str]
) -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    base = select(AuditEvent.action, AuditEvent.actor_id).outerjoin(
        Application, Application.id == AuditEvent.application_id
    )
    if application_id is not None:
        base = base.where(AuditEvent.application_id == application_id)
    else:
        base = base.where((AuditEvent.fund_id == fund_id) | (Application.fund_id == fund_id))
    rows = s.execute(base.distinct()).all()
    kinds = sorted({(r.action, label_of(labels, r.action)) for r in rows}, key=lambda k: k[1])
    ids = {r.actor_id for r in rows if r.actor_id is not None}
    people = [(int(r.id), str(r.name)) for r in s.execute(select(User.id, User.name).where(User.id.in_(ids)))]
    return kinds, sorted(people, key=lambda p: p[1])


def _trail(
    fonds: Engine, s: Session, fund: Fund, application_id: int | None, filt: AuditFilter, limit: int
) -> AuditTrail:
    gvs, wfs = _versions(s, fund.id)
    gv_by_id = {g.id: g for g in gvs.values()}
    labels = _labels(fonds, s, set(wfs))
    rows = s.execute(_query(fund.id, application_id, filt).limit(limit + 1)).all()
    lines = []
    for e, who, behalf, file_number, app_gv_id in rows[:limit]:
        gv = gvs.get(e.guideline_hash) if e.guideline_hash else gv_by_id.get(app_gv_id) if app_gv_id else None
        wf = wfs.get(gv.workflow_version_id) if gv is not None else None
        lines.append(
            AuditLine(
                id=e.id,
                at=utc(e.at),
                actor_id=e.actor_id,
                who=(who or "gelöschte Person") if e.actor_id is not None else "System",
                role=ROLE_LABELS.get(e.actor_role, e.actor_role),
                on_behalf_of=behalf,
                action=e.action,
                label=label_of(labels, e.action),
                application_id=e.application_id,
                file_number=file_number,
                from_state=e.from_state,
                to_state=e.to_state,
                reason=e.reason,
                clause=e.clause,
                guideline_version=_gv_text(gv) if gv is not None else None,
                workflow_version=_wf_text(wf) if wf is not None else None,
            )
        )
    kinds, people = _choices(s, fund.id, application_id, labels)
    return AuditTrail(fund.id, fund.name, application_id, lines, len(rows) > limit, kinds, people)


def fund_trail(fonds: Engine, actor: Actor, fund_id: str, filt: AuditFilter, *, limit: int = MAX_LINES) -> AuditTrail:
    """The audit trail of a fund (its own events and those of its applications), oldest first."""
    with fonds.db.read() as s:
        fund = s.get(Fund, fund_id)
        if fund is None:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), *READERS)
        return _trail(fonds, s, fund, None, filt, limit)


def application_trail(
    fonds: Engine, actor: Actor, application_id: int, filt: AuditFilter, *, limit: int = MAX_LINES
) -> AuditTrail:
    """The audit trail of one application, oldest first (NotFound for those who may not see it,
    PermissionDenied for the applicant: the trail is the office's and the auditors' record)."""
    with fonds.db.read() as s:
        app, roles = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        if not roles & set(READERS):
            raise PermissionDenied("Das Protokoll lesen nur die Geschäftsführung und die Prüfung des Fonds.")
        fund = s.get(Fund, app.fund_id)
        assert fund is not None
        return _trail(fonds, s, fund, app.id, filt, limit)


def _application_of_finding(s: Session, f: integrity.Finding) -> int | None:
    if f.row_id is None:
        return None
    if f.table == "applications":
        return f.row_id
    if f.table == "letters":
        return s.scalar(select(Letter.application_id).where(Letter.id == f.row_id))
    if f.table == "payments":
        return s.scalar(select(Payment.application_id).where(Payment.id == f.row_id))
    if f.table == "ledger_entries":
        return s.scalar(select(LedgerEntry.application_id).where(LedgerEntry.id == f.row_id))
    return None


def integrity_for_fund(fonds: Engine, actor: Actor, fund_id: str) -> Integrity:
    """Run the integrity check and keep what concerns this fund: the (global) hash chains and the
    findings about its applications' letters, payments and bookings."""
    with fonds.db.read() as s:
        if s.get(Fund, fund_id) is None:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), *READERS)
    report = integrity.verify(fonds)
    kept: list[str] = []
    with fonds.db.read() as s:
        ours = set(s.scalars(select(Application.id).where(Application.fund_id == fund_id)))
        for f in report.findings:
            if f.check in _GLOBAL_CHECKS or _application_of_finding(s, f) in ours:
                kept.append(f.format())
    return Integrity(not kept, tuple((c.label, c.rows) for c in report.chains), tuple(kept))
