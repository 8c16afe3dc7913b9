"""The funds open to the public and their current guidelines, read once for the pages that list them
(the start page, the site's name, the workers' warm-up)."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import configure_mappers

from fondsengine.engine import Engine
from fondsengine.guidelines.model import Guideline
from fondsengine.model import Fund, GuidelineVersion

log = logging.getLogger(__name__)


def current_guidelines(fonds: Engine) -> list[Guideline]:
    """The current guideline of every active fund that has one, by the fund's name."""
    with fonds.db.read() as s:
        rows = s.execute(
            select(GuidelineVersion.id)
            .join(Fund, Fund.current_guideline_id == GuidelineVersion.id)
            .where(Fund.active.is_(True))
            .order_by(Fund.name, Fund.id)
        ).scalars()
        return [fonds.catalog.guideline(s, version_id) for version_id in rows]


def warm_catalog(fonds: Engine) -> None:
    """Configure the ORM mappers and parse the current guideline and workflow versions of the active
    funds into the shared catalog (called before the web workers fork, so they share the result
    copy-on-write). A database not migrated or not reachable yet is left alone: `/readyz` tells, and
    the workers parse on their first requests."""
    configure_mappers()
    try:
        _parse_current_versions(fonds)
        fonds.db.has_search_index  # noqa: B018 (looked up once, shared by the workers)
    except SQLAlchemyError as exc:
        log.info("Richtlinien nicht vorab geladen (%s)", type(exc).__name__)


def _parse_current_versions(fonds: Engine) -> None:
    with fonds.db.read() as s:
        rows = s.execute(
            select(GuidelineVersion.id, GuidelineVersion.workflow_version_id)
            .join(Fund, Fund.current_guideline_id == GuidelineVersion.id)
            .where(Fund.active.is_(True))
        ).all()
        for guideline_id, workflow_id in rows:
            fonds.catalog.guideline(s, guideline_id)
            fonds.catalog.workflow(s, workflow_id)
