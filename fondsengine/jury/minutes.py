"""Read models of the jury: the minutes of a session and what a member sees of an application."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import BERLIN, local_date, utc
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.guidelines.calc import hours_value_cents
from fondsengine.guidelines.model import NEVER_VISIBLE, Guideline, JuryRules
from fondsengine.jury.common import agenda_with_applications, load_session, names_of, role_holders, session_day
from fondsengine.jury.papers_files import JuryFile, released_files_of
from fondsengine.lifecycle import authz
from fondsengine.model import AgendaItem, Application, Attendance, Fund, JurySession
from fondsengine.money import format_euro
from fondsengine.reports.model import MinutesData, MinutesItem
from fondsengine.text import format_date

READERS = ("manager", "jury_member", "city_approver", "auditor", "system")

OUTCOME_LABELS = {
    "approve": "bewilligt",
    "recommend": "zur Förderung empfohlen",
    "reject": "abgelehnt",
    "defer": "vertagt",
}


@dataclass(frozen=True)
class MinutesEntry:
    """One agenda item in the minutes."""

    agenda_item_id: int
    position: int
    application_id: int
    file_number: str
    project_title: str
    applicant_name: str
    total_cost_cents: int
    requested_cents: int
    decided_cents: int | None
    yes: int
    no: int
    abstain: int
    excluded: tuple[str, ...]  # names of members excluded for conflict of interest
    outcome: str | None  # approve, recommend, reject, defer; None while open
    outcome_label: str  # German
    explanation: str
    clause: str | None
    closed: bool
    motion: str = ""  # what was voted on
    record: str = ""  # in the system, or on paper with the protocol's name and checksum


@dataclass(frozen=True)
class Minutes:
    """The minutes (Protokoll) of one jury session or vote by circulation."""

    session_id: int
    fund_id: str
    fund_name: str
    office_name: str
    starts_at: datetime
    place: str
    circulation: bool
    vote_deadline: datetime | None
    status: str
    chair: str | None
    present: tuple[str, ...]
    absent: tuple[str, ...]  # invited but not present
    items: tuple[MinutesEntry, ...]
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    present_capacity: tuple[str, ...] = ()  # "Name (Gruppe, Vorsitz)" of each member present
    quorum_note: str = ""


def _require_reader(session: Session, actor: Actor, fund_id: str, now: datetime) -> None:
    roles = authz.fund_roles(session, actor, fund_id, local_date(now))
    if not roles & set(READERS):
        raise PermissionDenied("Das Protokoll sehen nur die Jury und die Geschäftsführung dieses Fonds.")


def _entry(session: Session, item: AgendaItem, app: Application) -> MinutesEntry:
    tally: dict[str, Any] = item.tally or {}
    excluded_ids = [int(x) for x in tally.get("excluded", [])]
    names = names_of(session, excluded_ids)
    return MinutesEntry(
        agenda_item_id=item.id,
        position=item.position,
        application_id=app.id,
        file_number=app.file_number or "",
        project_title=app.title,
        applicant_name=app.organisation or app.contact_name,
        total_cost_cents=sum(c.amount_cents for c in app.cost_items),
        requested_cents=app.requested_cents,
        decided_cents=item.decided_cents,
        yes=int(tally.get("yes", 0)),
        no=int(tally.get("no", 0)),
        abstain=int(tally.get("abstain", 0)),
        excluded=tuple(names.get(i, f"Person {i}") for i in excluded_ids),
        outcome=item.outcome,
        outcome_label=OUTCOME_LABELS.get(item.outcome or "", "offen"),
        explanation=str(tally.get("deferred_because") or tally.get("explanation") or ""),
        clause=tally.get("clause"),
        closed=item.status == "closed",
        motion=f"Förderung von „{app.title}“ mit {format_euro(app.requested_cents)} (beantragt)",
        record=_record_text(tally, item.status == "closed"),
    )


def _record_text(tally: dict[str, Any], closed: bool) -> str:
    paper = tally.get("paper")
    if isinstance(paper, dict):
        return (
            f"in der Sitzung auf Papier gezählt; unterschriebenes Protokoll „{paper.get('protocol_name')}“, "
            f"SHA-256 {str(paper.get('protocol_sha256', ''))[:16]}…"
        )
    if tally.get("deferred_because") and "yes" not in tally:
        return "vertagt, keine Abstimmung"
    if closed and tally:
        return "im Umlaufverfahren abgegeben" if tally.get("circulation") else "im System abgegeben"
    return ""


def _capacity(
    s: Session, js: JurySession, rules: JuryRules, present: Sequence[int], names: dict[int, str]
) -> list[str]:
    """Each present member with the group they sit for, the chair marked."""
    labels = {g.id: g.label for g in rules.groups}
    groups = role_holders(s, js.fund_id, "jury_member", session_day(js))
    out = []
    for uid in sorted(present, key=lambda u: names.get(u, "")):
        parts = [labels.get(groups.get(uid) or "", groups.get(uid) or "Mitglied")]
        if uid == js.chair_id:
            parts.append("Vorsitz")
        out.append(f"{names.get(uid, str(uid))} ({', '.join(parts)})")
    return out


def _quorum_note(rules: JuryRules, present: int) -> str:
    reached = "beschlussfähig" if present >= rules.quorum_min_members else "nicht beschlussfähig"
    clause = rules.quorum_clause or rules.clause
    return (
        f"{present} von {rules.size} Mitgliedern anwesend; beschlussfähig ab {rules.quorum_min_members}: "
        f"{reached}" + (f" ({clause})" if clause else "") + "."
    )


def minutes(fonds: Engine, actor: Actor, session_id: int) -> Minutes:
    """The minutes of a session for the jury and the office."""
    with fonds.db.read() as s:
        js = load_session(s, session_id)
        _require_reader(s, actor, js.fund_id, fonds.clock.now())
        return _minutes(fonds, s, js)


def _minutes(fonds: Engine, s: Session, js: JurySession) -> Minutes:
    fund = s.get(Fund, js.fund_id)
    if fund is None:
        raise NotFound(f"Den Fonds „{js.fund_id}“ gibt es nicht.")
    guideline = fonds.catalog.current(s, js.fund_id)[2]
    office = guideline.office.name
    attendance = list(s.scalars(select(Attendance).where(Attendance.session_id == js.id)))
    people = names_of(s, [a.user_id for a in attendance] + ([js.chair_id] if js.chair_id else []))
    present = sorted(people[a.user_id] for a in attendance if a.present)
    absent = sorted(people[a.user_id] for a in attendance if not a.present and not js.circulation)
    rows = agenda_with_applications(s, js.id)
    return Minutes(
        session_id=js.id,
        fund_id=js.fund_id,
        fund_name=fund.name,
        office_name=office,
        starts_at=js.starts_at,
        place=js.place,
        circulation=js.circulation,
        vote_deadline=js.vote_deadline,
        status=js.status,
        chair=people.get(js.chair_id) if js.chair_id else None,
        present=tuple(present),
        absent=tuple(absent),
        items=tuple(_entry(s, item, app) for item, app in rows),
        opened_at=js.opened_at,
        closed_at=js.closed_at,
        present_capacity=tuple(
            _capacity(s, js, guideline.jury, [a.user_id for a in attendance if a.present], people)
        ),
        quorum_note=_quorum_note(guideline.jury, sum(1 for a in attendance if a.present)),
    )


def local_time(instant: datetime) -> datetime:
    """An instant in Berlin time (SQLite hands back naive UTC)."""
    return utc(instant).astimezone(BERLIN)


def _times(m: Minutes) -> str | None:
    start = m.opened_at or m.starts_at
    text = f"{local_time(start):%H:%M} Uhr"
    if m.closed_at is not None:
        text = f"{local_time(start):%H:%M} bis {local_time(m.closed_at):%H:%M} Uhr"
    return text


def minutes_data(m: Minutes, *, recorder: str, session_title: str | None = None) -> MinutesData:
    """Convert the minutes into the letters renderer's MinutesData (render_minutes)."""
    day = local_date(m.starts_at)
    return MinutesData(
        fund_name=m.fund_name,
        office_name=m.office_name,
        session_title=session_title
        or ("Umlaufverfahren" if m.circulation else "Jurysitzung") + f" vom {format_date(day)}",
        session_date=day,
        place=m.place,
        chair=m.chair or "",
        recorder=recorder,
        present=m.present_capacity or m.present,
        absent=m.absent,
        circulation=m.circulation,
        quorum_note=None if m.circulation else m.quorum_note or None,
        times=_times(m),
        items=tuple(
            MinutesItem(
                file_number=e.file_number,
                project_title=e.project_title,
                applicant_name=e.applicant_name,
                total_cost_cents=e.total_cost_cents,
                requested_cents=e.requested_cents,
                decided_cents=e.decided_cents,
                yes=e.yes,
                no=e.no,
                abstain=e.abstain,
                outcome=e.outcome_label,
                explanation=e.explanation,
                excluded=e.excluded,
                clause=e.clause,
                motion=e.motion,
                record=e.record,
            )
            for e in m.items
        ),
    )


@dataclass(frozen=True)
class JuryApplicationView:
    """What a jury member may see of an application: only the guideline's visible fields."""

    application_id: int
    file_number: str
    fields: dict[str, Any]  # visible field name -> value, in the guideline's order
    # the financing plan, always part of the papers (a jury decides on the money): total_cost,
    # own_funds, volunteer (hours valued at the guideline's rate), other_funding, requested (cents)
    financing: dict[str, int] = field(default_factory=dict)
    files: tuple[JuryFile, ...] = ()  # attachments the office released to the jury


def _field(app: Application, name: str) -> tuple[bool, Any]:
    simple = {
        "title": app.title,
        "description": app.description,
        "goals": app.goals,
        "target_group": app.target_group,
        "applicant_kind": app.applicant_kind,
        "organisation": app.organisation,
        "applicant": app.organisation or app.contact_name,
        "contact_name": app.contact_name,
        "requested": app.requested_cents,
        "own_funds": app.own_funds_cents,
        "other_funding": app.other_funding_cents,
        "volunteer_hours": app.volunteer_hours,
        "project_start": app.project_start,
        "project_end": app.project_end,
        "participants_expected": app.participants_expected,
        "area_link": app.area_link,
        "location": ", ".join(p for p in (app.place, app.street, app.postcode) if p),
    }
    if name in simple:
        return True, simple[name]
    if name == "cost_items":
        return True, tuple((c.category, c.description, c.amount_cents) for c in app.cost_items)
    if name == "total_cost":
        return True, sum(c.amount_cents for c in app.cost_items)
    if name in app.extra:
        return True, app.extra[name]
    return False, None


def jury_view_of_application(fonds: Engine, actor: Actor, application_id: int) -> JuryApplicationView:
    """An application on a jury agenda as a member may see it (never bank details or private contact data)."""
    with fonds.db.read() as s:
        app, _ = authz.load_agenda_application(s, actor, application_id, local_date(fonds.clock.now()))
        if s.scalar(select(AgendaItem.id).where(AgendaItem.application_id == app.id).limit(1)) is None:
            raise NotFound("Diesen Antrag gibt es nicht.")
        return jury_views_in(fonds, s, [app])[app.id]


def jury_views_in(fonds: Engine, s: Session, apps: Sequence[Application]) -> dict[int, JuryApplicationView]:
    """`jury_view_of_application` of applications already loaded in this session and authorised for
    the jury's papers (`authz.agenda_readers`), on an agenda: application id -> view (the released
    files of all in one query)."""
    files = released_files_of(s, [a.id for a in apps])
    return {a.id: _jury_view(a, fonds.catalog.guideline(s, a.guideline_version_id), files.get(a.id, ())) for a in apps}


def _jury_view(app: Application, guideline: Guideline, files: tuple[JuryFile, ...]) -> JuryApplicationView:
    """What the jury may see of one application under its guideline."""
    fields: dict[str, Any] = {}
    # who applied is always on the papers: a member can only spot a conflict of interest with the name
    # (the invitation mail names the applicant too)
    for name in dict.fromkeys(("applicant", *guideline.jury.visible_fields)):
        if name in NEVER_VISIBLE:
            continue
        known, value = _field(app, name)
        if known:
            fields[name] = value
    financing = {
        "total_cost": sum(c.amount_cents for c in app.cost_items),
        "own_funds": app.own_funds_cents,
        "volunteer": hours_value_cents(app.volunteer_hours, guideline),
        "other_funding": app.other_funding_cents,
        "requested": app.requested_cents,
    }
    return JuryApplicationView(app.id, app.file_number or "", fields, financing, files)
