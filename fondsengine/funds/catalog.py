"""Stored guideline and workflow versions, parsed once and cached by version id."""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fondsengine.db import READ_SESSION
from fondsengine.errors import NotFound
from fondsengine.guidelines.loader import load_guideline_text
from fondsengine.guidelines.model import Guideline
from fondsengine.model import Fund, GuidelineVersion, WorkflowVersion
from fondsengine.workflow.loader import declares_all, load_workflow_text, with_declarations_of, with_refund_bookings
from fondsengine.workflow.machine import WorkflowMachine, machine_for
from fondsengine.workflow.model import Workflow

_VERSION_IDS = "fondsengine.workflow_version_ids"
_CURRENT = "fondsengine.current_funds"  # read sessions: fund id -> (Fund, GuidelineVersion | None)


def forget_version_ids(session: Session) -> None:
    """After storing a new workflow version: the next question reads the versions again."""
    session.info.pop(_VERSION_IDS, None)
    session.info.pop(_CURRENT, None)


@lru_cache(maxsize=64)
def _parsed_guideline(text: str, source: str, fund_id: str) -> Guideline:
    return load_guideline_text(text, source=source, fund_id=fund_id)


@lru_cache(maxsize=64)
def _parsed_workflow(text: str, source: str, workflow_id: str) -> Workflow:
    return load_workflow_text(text, source=source, workflow_id=workflow_id)


def parse_guideline(text: str, *, source: str, fund_id: str) -> Guideline:
    """A stored guideline text parsed, once per process for the same text, source and fund (each
    engine's catalog, e.g. of every test, would otherwise parse the same versions again).

    The guideline is a frozen dataclass of frozen parts and tuples except its `letters` dict, which
    every caller gets as its own copy, so no caller can change what another one is given. An invalid
    text is not cached (lru_cache keeps no exceptions): its GuidelineError is raised anew each time."""
    cached = _parsed_guideline(text, source, fund_id)
    return replace(cached, letters=dict(cached.letters))


def parse_workflow(text: str, *, source: str, workflow_id: str) -> Workflow:
    """A stored workflow text parsed, once per process for the same text, source and id (a workflow is
    a frozen dataclass of frozen states and transitions in tuples: safe to share). Errors are not cached."""
    return _parsed_workflow(text, source, workflow_id)


class Catalog:
    """Parses stored versions on first use; thread-safe; versions never change once stored."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._guidelines: dict[int, Guideline] = {}
        self._workflows: dict[int, Workflow] = {}
        # the stored workflow version ids, with their (count, max id): versions are only ever added,
        # so the same count and max id mean the same set
        self._version_set: tuple[tuple[int, int], tuple[int, ...]] | None = None

    def guideline(self, session: Session, version_id: int) -> Guideline:
        """The guideline of a stored version."""
        with self._lock:
            cached = self._guidelines.get(version_id)
        if cached is not None:
            return cached
        row = session.get(GuidelineVersion, version_id)
        if row is None:
            raise NotFound(f"Richtlinienversion {version_id} gibt es nicht.")
        parsed = parse_guideline(row.content, source=row.source, fund_id=row.fund_id)
        with self._lock:
            self._guidelines[version_id] = parsed
        return parsed

    def workflow(self, session: Session, version_id: int) -> Workflow:
        """The workflow of a stored version."""
        with self._lock:
            cached = self._workflows.get(version_id)
        if cached is not None:
            return cached
        row = session.get(WorkflowVersion, version_id)
        if row is None:
            raise NotFound(f"Workflowversion {version_id} gibt es nicht.")
        parsed = parse_workflow(row.content, source=row.source, workflow_id=row.workflow_id)
        if not declares_all(parsed):  # stored before the steps declared their use case or meaning:
            # the declarations of the latest other stored version (loader.with_declarations_of)
            # as written in its file (a workflow without jury or granting steps declares no meaning,
            # so the latest may lack them too: taking them through self.workflow would go in circles)
            newer = session.scalar(
                select(WorkflowVersion)
                .where(WorkflowVersion.workflow_id == row.workflow_id, WorkflowVersion.id != version_id)
                .order_by(WorkflowVersion.id.desc())
                .limit(1)
            )
            if newer is not None:
                latest = parse_workflow(newer.content, source=newer.source, workflow_id=newer.workflow_id)
                parsed = with_declarations_of(parsed, latest)
        parsed = with_refund_bookings(parsed)  # stored before the refund steps declared their bookings
        with self._lock:
            self._workflows[version_id] = parsed
        return parsed

    def state_ids(
        self,
        session: Session,
        *,
        editable: bool | None = None,
        waiting_for: str | None = None,
        initial: bool | None = None,
        decided: bool | None = None,
        guarded_by: str | None = None,
    ) -> tuple[str, ...]:
        """States with these meanings in any stored workflow version (for queries across applications)."""
        found: dict[str, None] = {}
        for version_id in self._version_ids(session):
            workflow = self.workflow(session, version_id)
            found.update(
                dict.fromkeys(
                    workflow.state_ids(
                        editable=editable,
                        waiting_for=waiting_for,
                        initial=initial,
                        decided=decided,
                        guarded_by=guarded_by,
                    )
                )
            )
        return tuple(found)

    def _version_ids(self, session: Session) -> tuple[int, ...]:
        """The stored workflow versions, read once per session (a page asks for several meanings). In a
        read session the statement that loads the funds also says how many versions there are and the
        newest id; the ids themselves are read only when that differs from what this catalog knows."""
        ids: tuple[int, ...] | None = session.info.get(_VERSION_IDS)
        if ids is not None:
            return ids
        fingerprint = self._currents(session)[1] if session.info.get(READ_SESSION) else None
        with self._lock:
            known = self._version_set
        if fingerprint is not None and known is not None and known[0] == fingerprint:
            ids = known[1]
        else:
            ids = tuple(session.scalars(select(WorkflowVersion.id).order_by(WorkflowVersion.id)))
            with self._lock:
                self._version_set = ((len(ids), max(ids, default=0)), ids)
        session.info[_VERSION_IDS] = ids
        return ids

    @staticmethod
    def _currents(
        session: Session,
    ) -> tuple[dict[str, tuple[Fund, GuidelineVersion | None]], tuple[int, int]]:
        """Every fund with its current guideline version row, and (count, max id) of the stored workflow
        versions: one statement, kept for the rest of a read session (a page and its layout ask for
        several funds). Only read sessions keep it: a use case may change a fund's version."""
        memo = session.info.get(_CURRENT)
        if memo is not None:
            return memo  # type: ignore[no-any-return]
        rows = session.execute(
            select(
                Fund,
                GuidelineVersion,
                select(func.count(WorkflowVersion.id)).scalar_subquery(),
                select(func.coalesce(func.max(WorkflowVersion.id), 0)).scalar_subquery(),
            )
            .outerjoin(GuidelineVersion, GuidelineVersion.id == Fund.current_guideline_id)
            .order_by(Fund.id)
        ).all()
        funds = {row[0].id: (row[0], row[1]) for row in rows}
        fingerprint = (int(rows[0][2]), int(rows[0][3])) if rows else (-1, -1)
        memo = (funds, fingerprint)
        if session.info.get(READ_SESSION):
            session.info[_CURRENT] = memo
        return memo

    def fund_ids(self, session: Session) -> list[str]:
        """Every fund's id, in order (from the statement `current` reads in a read session)."""
        if not session.info.get(READ_SESSION):
            return list(session.scalars(select(Fund.id).order_by(Fund.id)))
        return list(self._currents(session)[0])

    def machine(self, session: Session, version_id: int, guards: Any) -> WorkflowMachine:
        """The shared state machine of a workflow version."""
        return machine_for(self.workflow(session, version_id), guards)

    def current(self, session: Session, fund_id: str) -> tuple[Fund, GuidelineVersion, Guideline]:
        """A fund, its current guideline version row and the parsed guideline (in a read session from
        one statement for all funds, see `_currents`)."""
        if not session.info.get(READ_SESSION):
            fund = session.get(Fund, fund_id)
            current = fund.current_guideline_id if fund is not None else None
            row = session.get(GuidelineVersion, current) if current is not None else None
        else:
            fund, row = self._currents(session)[0].get(fund_id, (None, None))
        if fund is None or fund.current_guideline_id is None or not fund.active or row is None:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        return fund, row, self.guideline(session, row.id)
