"""Stored guideline and workflow versions, parsed once and cached by version id."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.errors import NotFound
from fondsengine.guidelines.loader import load_guideline_text
from fondsengine.guidelines.model import Guideline
from fondsengine.model import Fund, GuidelineVersion, WorkflowVersion
from fondsengine.workflow.loader import load_workflow_text
from fondsengine.workflow.machine import WorkflowMachine, machine_for
from fondsengine.workflow.model import Workflow

_VERSION_IDS = "fondsengine.workflow_version_ids"


def forget_version_ids(session: Session) -> None:
    """After storing a new workflow version: the next question reads the versions again."""
    session.info.pop(_VERSION_IDS, None)


class Catalog:
    """Parses stored versions on first use; thread-safe; versions never change once stored."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._guidelines: dict[int, Guideline] = {}
        self._workflows: dict[int, Workflow] = {}

    def guideline(self, session: Session, version_id: int) -> Guideline:
        """The guideline of a stored version."""
        with self._lock:
            cached = self._guidelines.get(version_id)
        if cached is not None:
            return cached
        row = session.get(GuidelineVersion, version_id)
        if row is None:
            raise NotFound(f"Richtlinienversion {version_id} gibt es nicht.")
        parsed = load_guideline_text(row.content, source=row.source, fund_id=row.fund_id)
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
        parsed = load_workflow_text(row.content, source=row.source, workflow_id=row.workflow_id)
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

    @staticmethod
    def _version_ids(session: Session) -> tuple[int, ...]:
        """The stored workflow versions, read once per session (a page asks for several meanings)."""
        ids = session.info.get(_VERSION_IDS)
        if ids is None:
            ids = tuple(session.scalars(select(WorkflowVersion.id).order_by(WorkflowVersion.id)))
            session.info[_VERSION_IDS] = ids
        return ids

    def machine(self, session: Session, version_id: int, guards: Any) -> WorkflowMachine:
        """The shared state machine of a workflow version."""
        return machine_for(self.workflow(session, version_id), guards)

    def current(self, session: Session, fund_id: str) -> tuple[Fund, GuidelineVersion, Guideline]:
        """A fund, its current guideline version row and the parsed guideline."""
        fund = session.get(Fund, fund_id)
        if fund is None or fund.current_guideline_id is None or not fund.active:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        row = session.get(GuidelineVersion, fund.current_guideline_id)
        assert row is not None
        return fund, row, self.guideline(session, row.id)

    def current_guidelines(self, session: Session) -> list[Guideline]:
        """The current guideline of every fund, by fund id, in one query (the parsed ones from the cache);
        NotFound when a fund has none or is inactive (as `current`)."""
        ids: list[int] = []
        for fund_id, guideline_id, active in session.execute(
            select(Fund.id, Fund.current_guideline_id, Fund.active).order_by(Fund.id)
        ):
            if guideline_id is None or not active:
                raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
            ids.append(guideline_id)
        return [self.guideline(session, guideline_id) for guideline_id in ids]
