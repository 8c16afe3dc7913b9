"""Guideline versions edited in the browser: drafts, their check, preview and the council's adoption.

The office (role `manager` of the fund) writes a draft of the fund's guideline file; every save
runs the same loader as `fondsengine funds load` and stores its `line: message` problems with
the draft. The preview replays the fund's applications under the draft (fondsengine.funds.whatif,
with money totals) and shows the plain-language summary residents will read. Adopting records
the council decision (date, reference, the uploaded decision) and stores the text as a new
version through the one loading path (fondsengine.funds.loading.store_version and
activate_version); from its `valid_from` day on it is the fund's current version, and the
job `activate_guidelines` switches a version adopted ahead of time on that day. Applications
stay bound to the version they were submitted under. Every step is audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fondsengine import files
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.funds.diff import DiffLine, line_diff
from fondsengine.funds.loading import activate_version, store_version
from fondsengine.funds.whatif import WhatIf, compare
from fondsengine.guidelines.loader import GuidelineError, load_guideline_text
from fondsengine.guidelines.model import Guideline
from fondsengine.guidelines.summary import plain_summary
from fondsengine.guidelines.tiers import unreachable_tiers
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import (
    Application,
    Fund,
    GuidelineAdoption,
    GuidelineDraft,
    GuidelineVersion,
    User,
    WorkflowVersion,
)

MAX_CHARS = 100_000  # a guideline file is about 15,000 characters (the web takes 100,000 per value)
MAX_REFERENCE = 200


@dataclass(frozen=True)
class LineProblem:
    """A problem the loader found in a draft: its line (0: the whole text) and the German message."""

    line: int
    message: str


@dataclass(frozen=True)
class Adoption:
    """The council decision behind a version."""

    id: int
    council_date: date
    council_reference: str
    decision_name: str
    valid_from: date
    adopted_by: str
    adopted_at: datetime
    active: bool  # it has become (or was) the fund's current version


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of the fund's guideline."""

    id: int
    version_hash: str
    loaded_at: datetime
    source: str
    current: bool
    applications: int  # applications bound to it
    adoption: Adoption | None


@dataclass(frozen=True)
class DraftInfo:
    """A draft of the office, for lists."""

    id: int
    author: str
    updated_at: datetime
    problems: int
    adopted_version_id: int | None


@dataclass(frozen=True)
class Overview:
    """The guideline page of a fund: its versions (newest first) and the open drafts."""

    fund_id: str
    fund_name: str
    current_id: int | None
    versions: tuple[VersionInfo, ...]
    drafts: tuple[DraftInfo, ...]


@dataclass(frozen=True)
class VersionText:
    """One version's text and its difference to the version before it."""

    fund_id: str
    info: VersionInfo
    content: str
    previous_id: int | None
    diff: tuple[DiffLine, ...]


@dataclass(frozen=True)
class Draft:
    """A draft with the problems of its last save and its difference to the version it started from."""

    id: int
    fund_id: str
    base_version_id: int | None
    content: str
    problems: tuple[LineProblem, ...]
    author: str
    updated_at: datetime
    adopted_version_id: int | None
    diff: tuple[DiffLine, ...]
    valid_from: date | None  # from the text, when it loads


@dataclass(frozen=True)
class Preview:
    """What adopting the draft would change: applications and money, and the residents' summary."""

    draft: Draft
    whatif: WhatIf
    summary_before: tuple[str, ...]
    summary_after: tuple[str, ...]
    valid_from: date


@dataclass(frozen=True)
class DecisionFile:
    """The uploaded council decision, already checked by the web layer (type by content, size)."""

    original_name: str
    mimetype: str
    content: bytes


@dataclass(frozen=True)
class Adopted:
    """The result of an adoption."""

    version_id: int
    valid_from: date
    active: bool  # False: it becomes current on valid_from (job `activate_guidelines`)


# --- checking a text --------------------------------------------------------------------------


def _workflow_rows(s: Session) -> dict[str, WorkflowVersion]:
    """The newest stored version of each workflow."""
    rows: dict[str, WorkflowVersion] = {}
    for row in s.scalars(select(WorkflowVersion).order_by(WorkflowVersion.id)):
        rows[row.workflow_id] = row
    return rows


def check_text(
    fonds: Engine, s: Session, fund_id: str, text: str, source: str
) -> tuple[Guideline | None, list[LineProblem]]:
    """The guideline of a text and the loader's problems (also tiers the workflow cannot reach)."""
    workflows = _workflow_rows(s)
    try:
        g = load_guideline_text(text, source=source, fund_id=fund_id, known_workflows=set(workflows))
    except GuidelineError as exc:
        return None, [LineProblem(p.line, p.message) for p in exc.problems]
    unreachable = unreachable_tiers(g, fonds.catalog.workflow(s, workflows[g.workflow].id))
    if unreachable:
        return None, [LineProblem(p.line, p.message) for p in unreachable]
    return g, []


def _clean(text: str) -> str:
    """The text as stored: line ends as in a file (LF), one final newline."""
    if len(text) > MAX_CHARS:
        raise InvalidInput(
            f"Der Text ist zu lang (höchstens {MAX_CHARS:,} Zeichen).".replace(",", "."), field="content"
        )
    if "\x00" in text:
        raise InvalidInput("Der Text enthält ein unzulässiges Steuerzeichen.", field="content")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n" if text.strip() else ""


def _source(fund_id: str, draft_id: int | None) -> str:
    return f"{fund_id}.yaml (Entwurf {draft_id})" if draft_id else f"{fund_id}.yaml (Entwurf)"


# --- reads ------------------------------------------------------------------------------------


def _names(s: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {uid: name for uid, name in s.execute(select(User.id, User.name).where(User.id.in_(ids)))}


def _fund(s: Session, fund_id: str, *, lock: bool = False) -> Fund:
    stmt = select(Fund).where(Fund.id == fund_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    fund = s.scalar(stmt)
    if fund is None or fund.current_guideline_id is None:
        raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
    return fund


def _versions(s: Session, fund: Fund) -> list[VersionInfo]:
    counts = dict(
        s.execute(
            select(Application.guideline_version_id, func.count())
            .where(Application.fund_id == fund.id)
            .group_by(Application.guideline_version_id)
        ).all()
    )
    adoptions = {
        a.version_id: a
        for a in s.scalars(
            select(GuidelineAdoption).where(GuidelineAdoption.fund_id == fund.id).order_by(GuidelineAdoption.id)
        )
    }
    names = _names(s, {a.adopted_by_id for a in adoptions.values()})
    rows = s.execute(
        select(GuidelineVersion.id, GuidelineVersion.version_hash, GuidelineVersion.loaded_at, GuidelineVersion.source)
        .where(GuidelineVersion.fund_id == fund.id)
        .order_by(GuidelineVersion.id.desc())
    ).all()
    out = []
    for row in rows:
        a = adoptions.get(row.id)
        adoption = None
        if a is not None:
            adoption = Adoption(
                a.id,
                a.council_date,
                a.council_reference,
                a.decision_name,
                a.valid_from,
                names.get(a.adopted_by_id, "?"),
                a.adopted_at,
                a.activated_at is not None,
            )
        out.append(
            VersionInfo(
                row.id,
                row.version_hash,
                row.loaded_at,
                row.source,
                row.id == fund.current_guideline_id,
                int(counts.get(row.id, 0)),
                adoption,
            )
        )
    return out


def guideline_overview(fonds: Engine, actor: Actor, fund_id: str) -> Overview:
    """The fund's guideline versions and open drafts (the fund's office)."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), "manager")
        fund = _fund(s, fund_id)
        drafts = s.scalars(
            select(GuidelineDraft)
            .where(GuidelineDraft.fund_id == fund_id, GuidelineDraft.adopted_version_id.is_(None))
            .order_by(GuidelineDraft.updated_at.desc(), GuidelineDraft.id.desc())
        ).all()
        names = _names(s, {d.author_id for d in drafts})
        return Overview(
            fund.id,
            fund.name,
            fund.current_guideline_id,
            tuple(_versions(s, fund)),
            tuple(
                DraftInfo(d.id, names.get(d.author_id, "?"), d.updated_at, len(d.problems), d.adopted_version_id)
                for d in drafts
            ),
        )


def _content(s: Session, version_id: int) -> str:
    return s.scalar(select(GuidelineVersion.content).where(GuidelineVersion.id == version_id)) or ""


def version_text(fonds: Engine, actor: Actor, version_id: int) -> VersionText:
    """One stored version's text and its difference to the previous version (the fund's office)."""
    with fonds.db.read() as s:
        fund_id = s.scalar(select(GuidelineVersion.fund_id).where(GuidelineVersion.id == version_id))
        today = local_date(fonds.clock.now())
        if fund_id is None or "manager" not in authz.fund_roles(s, actor, fund_id, today):
            raise NotFound("Diese Fassung der Richtlinie gibt es nicht.")
        versions = _versions(s, _fund(s, fund_id))  # newest first
        index = next(i for i, v in enumerate(versions) if v.id == version_id)
        content = _content(s, version_id)
        previous = versions[index + 1].id if index + 1 < len(versions) else None
        diff = line_diff(_content(s, previous), content) if previous is not None else []
        return VersionText(fund_id, versions[index], content, previous, tuple(diff))


def _load_draft(s: Session, actor: Actor, draft_id: int, today: date, *, lock: bool = False) -> GuidelineDraft:
    """A draft of a fund the actor manages, else NotFound (a draft of another fund is not revealed)."""
    stmt = select(GuidelineDraft).where(GuidelineDraft.id == draft_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    draft = s.scalar(stmt)
    if draft is None or "manager" not in authz.fund_roles(s, actor, draft.fund_id, today):
        raise NotFound("Diesen Entwurf gibt es nicht.")
    return draft


def _draft_view(fonds: Engine, s: Session, draft: GuidelineDraft) -> Draft:
    base = _content(s, draft.base_version_id) if draft.base_version_id is not None else ""
    valid_from = None
    if not draft.problems:
        g, _ = check_text(fonds, s, draft.fund_id, draft.content, _source(draft.fund_id, draft.id))
        valid_from = g.valid_from if g is not None else None
    return Draft(
        draft.id,
        draft.fund_id,
        draft.base_version_id,
        draft.content,
        tuple(LineProblem(int(p["line"]), str(p["message"])) for p in draft.problems),
        _names(s, {draft.author_id}).get(draft.author_id, "?"),
        draft.updated_at,
        draft.adopted_version_id,
        tuple(line_diff(base, draft.content)),
        valid_from,
    )


def draft_of(fonds: Engine, actor: Actor, draft_id: int) -> Draft:
    """A draft with its problems and its difference to the version it started from (the fund's office)."""
    with fonds.db.read() as s:
        draft = _load_draft(s, actor, draft_id, local_date(fonds.clock.now()))
        return _draft_view(fonds, s, draft)


def preview_draft(fonds: Engine, actor: Actor, draft_id: int) -> Preview:
    """What the draft changes for past and pending applications, with money, and the residents' summary."""
    with fonds.db.read() as s:
        today = local_date(fonds.clock.now())
        draft = _load_draft(s, actor, draft_id, today)
        view = _draft_view(fonds, s, draft)
        g, problems = check_text(fonds, s, draft.fund_id, draft.content, _source(draft.fund_id, draft.id))
        if g is None:
            first = problems[0]
            raise InvalidInput(
                f"Der Entwurf hat noch Fehler (Zeile {first.line}: {first.message}); die Vorschau zeigt "
                "erst ein fehlerfreier Entwurf.",
                field="content",
            )
        _fund_row, _row, current = fonds.catalog.current(s, draft.fund_id)
        return Preview(
            view,
            compare(fonds, s, draft.fund_id, g),
            tuple(plain_summary(current, today.year)),
            tuple(plain_summary(g, today.year)),
            g.valid_from,
        )


def council_decision(fonds: Engine, actor: Actor, adoption_id: int) -> tuple[str, str, bytes]:
    """The uploaded council decision of an adoption: its name, type and bytes (the fund's office)."""
    with fonds.db.read() as s:
        row = s.get(GuidelineAdoption, adoption_id)
        today = local_date(fonds.clock.now())
        if row is None or "manager" not in authz.fund_roles(s, actor, row.fund_id, today):
            raise NotFound("Diesen Beschluss gibt es nicht.")
        name, mimetype, stored = row.decision_name, row.decision_mimetype, row.decision_stored_name
    return name, mimetype, fonds.storage.read(stored)


# --- writes -----------------------------------------------------------------------------------


def save_draft(fonds: Engine, actor: Actor, fund_id: str, content: str, *, draft_id: int | None = None) -> Draft:
    """Save a draft (a new one without `draft_id`) and check it; the problems are stored with it.

    A draft with problems is saved all the same, so nothing typed is lost; only a draft without
    problems can be previewed and adopted."""
    text = _clean(content)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        today = local_date(now)
        if draft_id is None:
            authz.require_fund_role(s, actor, fund_id, today, "manager")
            fund = _fund(s, fund_id, lock=True)
            draft = GuidelineDraft(
                fund_id=fund_id,
                base_version_id=fund.current_guideline_id,
                content=text,
                author_id=actor.user_id,
                created_at=now,
                updated_at=now,
                problems=[],
            )
            s.add(draft)
            s.flush()
        else:
            draft = _load_draft(s, actor, draft_id, today, lock=True)
            if draft.fund_id != fund_id:
                raise NotFound("Diesen Entwurf gibt es nicht.")
            if draft.adopted_version_id is not None:
                raise InvalidInput("Dieser Entwurf ist schon beschlossen und lässt sich nicht mehr ändern.")
            draft.content, draft.updated_at = text, now
        if not text:
            problems = [LineProblem(1, "Der Entwurf ist leer.")]
        else:
            problems = check_text(fonds, s, fund_id, text, _source(fund_id, draft.id))[1]
        draft.problems = [{"line": p.line, "message": p.message} for p in problems]
        record(
            s,
            actor=actor,
            role="manager",
            action="save_guideline_draft",
            at=now,
            fund_id=fund_id,
            data={
                "draft_id": draft.id,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "problems": len(problems),
            },
        )
        s.flush()
        view = _draft_view(fonds, s, draft)
        uow.commit()
    return view


def delete_draft(fonds: Engine, actor: Actor, draft_id: int) -> str:
    """Throw away a draft the council has not adopted (the fund's office); the audit trail keeps its
    fingerprint. Returns the fund's id. An adopted draft stays: it is the text of a version."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        today = local_date(now)
        probe = _load_draft(s, actor, draft_id, today)
        _fund(s, probe.fund_id, lock=True)  # the fund first, as an adoption does: never both at once
        draft = _load_draft(s, actor, draft_id, today, lock=True)
        if draft.adopted_version_id is not None:
            raise InvalidInput("Dieser Entwurf ist beschlossen und lässt sich nicht löschen.")
        fund_id = draft.fund_id
        record(
            s,
            actor=actor,
            role="manager",
            action="delete_guideline_draft",
            at=now,
            fund_id=fund_id,
            data={
                "draft_id": draft.id,
                "sha256": hashlib.sha256(draft.content.encode("utf-8")).hexdigest(),
                "problems": len(draft.problems),
            },
        )
        s.delete(draft)
        uow.commit()
        return fund_id


def adopt_draft(
    fonds: Engine,
    actor: Actor,
    draft_id: int,
    *,
    council_date: date,
    council_reference: str,
    decision: DecisionFile,
) -> Adopted:
    """Record the council's adoption of a draft: it becomes a stored version (through the same path
    as `funds load`) and, from its `valid_from` day on, the fund's current version."""
    reference = " ".join(council_reference.split())
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        today = local_date(now)
        probe = _load_draft(s, actor, draft_id, today)
        fund = _fund(s, probe.fund_id, lock=True)  # the fund first: one adoption at a time
        draft = _load_draft(s, actor, draft_id, today, lock=True)
        if draft.adopted_version_id is not None:
            raise InvalidInput("Dieser Entwurf ist schon beschlossen.")
        if draft.base_version_id != fund.current_guideline_id:
            raise InvalidInput(
                "Seit Beginn dieses Entwurfs gilt eine andere Fassung der Richtlinie. Bitte beginnen Sie "
                "einen neuen Entwurf auf Grundlage der geltenden Fassung."
            )
        if not reference:
            raise InvalidInput("Bitte geben Sie das Aktenzeichen oder die Drucksache des Beschlusses an.",
                               field="council_reference")  # fmt: skip
        if len(reference) > MAX_REFERENCE:
            raise InvalidInput(f"Das Aktenzeichen ist zu lang (höchstens {MAX_REFERENCE} Zeichen).",
                               field="council_reference")  # fmt: skip
        if council_date > today:
            raise InvalidInput("Der Ratsbeschluss kann nicht in der Zukunft liegen.", field="council_date")
        if decision.mimetype not in files.SUFFIXES or not decision.content:
            raise InvalidInput("Bitte laden Sie den Beschluss als PDF-, JPEG- oder PNG-Datei hoch.", field="decision")
        g, problems = check_text(fonds, s, draft.fund_id, draft.content, _source(draft.fund_id, draft.id))
        if g is None:
            first = problems[0]
            raise InvalidInput(f"Der Entwurf hat noch Fehler (Zeile {first.line}: {first.message}).", field="content")
        current = s.get(GuidelineVersion, fund.current_guideline_id)
        if current is not None and current.version_hash == g.version_hash:
            raise InvalidInput("Der Entwurf ist gleich der geltenden Fassung; es gibt nichts zu beschließen.")
        workflow = _workflow_rows(s)[g.workflow]
        row, new = store_version(s, g, draft.content, workflow.id, now)
        stored = files.stage(s, fonds.storage, decision.content, decision.mimetype)
        active = g.valid_from <= today
        adoption = GuidelineAdoption(
            fund_id=draft.fund_id,
            version_id=row.id,
            draft_id=draft.id,
            council_date=council_date,
            council_reference=reference,
            decision_name=decision.original_name[:255] or "Beschluss",
            decision_stored_name=stored,
            decision_mimetype=decision.mimetype,
            decision_sha256=hashlib.sha256(decision.content).hexdigest(),
            valid_from=g.valid_from,
            adopted_by_id=actor.user_id,
            adopted_at=now,
            activated_at=now if active else None,
        )
        s.add(adoption)
        draft.adopted_version_id, draft.adopted_at = row.id, now
        s.flush()
        record(
            s,
            actor=actor,
            role="manager",
            action="adopt_guideline",
            at=now,
            fund_id=draft.fund_id,
            guideline_hash=g.version_hash,
            data={
                "draft_id": draft.id,
                "version_id": row.id,
                "council_date": council_date.isoformat(),
                "council_reference": reference,
                "decision_sha256": adoption.decision_sha256,
                "valid_from": g.valid_from.isoformat(),
            },
        )
        if active:
            activate_version(s, actor, g, row, now, new_version=new, data={"adoption_id": adoption.id})
        uow.commit()
        return Adopted(row.id, g.valid_from, active)


def activate_due(fonds: Engine, now: datetime) -> int:
    """Make each version adopted ahead of time the fund's current one once its valid_from day has come
    (the job `activate_guidelines`; idempotent: an activated adoption is not touched again)."""
    today = local_date(now)
    with fonds.db.read() as s:
        due = list(
            s.scalars(
                select(GuidelineAdoption.id)
                .where(GuidelineAdoption.activated_at.is_(None), GuidelineAdoption.valid_from <= today)
                .order_by(GuidelineAdoption.valid_from, GuidelineAdoption.id)
            )
        )
    done = 0
    for adoption_id in due:
        with fonds.unit_of_work() as uow:
            s = uow.session
            probe = s.get(GuidelineAdoption, adoption_id)
            assert probe is not None
            fund = _fund(s, probe.fund_id, lock=True)
            adoption = s.scalar(
                select(GuidelineAdoption)
                .where(GuidelineAdoption.id == adoption_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            if adoption is None or adoption.activated_at is not None:
                continue
            g = fonds.catalog.guideline(s, adoption.version_id)
            row = s.get(GuidelineVersion, adoption.version_id)
            assert row is not None and fund.id == g.fund_id
            activate_version(s, Actor.scheduler(), g, row, now, new_version=True, data={"adoption_id": adoption.id})
            adoption.activated_at = now
            uow.commit()
            done += 1
    return done
