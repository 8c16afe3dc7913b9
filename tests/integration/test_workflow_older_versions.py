"""A workflow version stored before its steps declared their use case still works: the catalogue
gives its steps the declarations of the latest other stored version of the same workflow (by trigger)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from fondsengine.engine import Engine
from fondsengine.funds.catalog import Catalog
from fondsengine.model import WorkflowVersion
from fondsengine.workflow.loader import PAGE_DECLARATIONS, load_workflow_text

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "bewohnerfonds.yaml"
DECLARED = re.compile(rf"^    (?:{'|'.join(PAGE_DECLARATIONS)}): .*\n", flags=re.M)


def _older_text() -> str:
    """The shipped file as it was before the declarations (without them and without paper_record)."""
    return DECLARED.sub("", SHIPPED.read_text(encoding="utf-8")).replace(", paper_record]", "]")


def test_an_older_version_takes_the_declarations_of_the_latest_by_trigger(fonds: Engine) -> None:
    older = _older_text()
    assert not any(t.use_case for t in load_workflow_text(older, source="x", workflow_id="x").transitions)
    with fonds.unit_of_work() as uow:
        s = uow.session
        newest_id = s.scalar(
            select(WorkflowVersion.id)
            .where(WorkflowVersion.workflow_id == "bewohnerfonds")
            .order_by(WorkflowVersion.id.desc())
        )
        row = WorkflowVersion(
            workflow_id="bewohnerfonds", version_hash="older", content=older, source="alt.yaml",
            loaded_at=datetime(2025, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        s.add(row)
        s.flush()
        older_id = row.id
        uow.commit()
    assert newest_id is not None
    with fonds.db.read() as s:
        old = Catalog().workflow(s, older_id)
        new = Catalog().workflow(s, newest_id)
    steps = {t.trigger: t for t in old.transitions}
    newest = {t.trigger: t for t in new.transitions}
    assert steps["decide_approve"].use_case == "decide_approve"
    assert steps["jury_reject"].use_case == "jury_decision" and "paper_record" in steps["jury_reject"].asks
    assert steps["request_changes"].reason_required == newest["request_changes"].reason_required
    assert steps["withdraw"].applicant_page == "withdrawal"
    assert steps["submit_proof"].use_case is None
    assert old.version_hash != new.version_hash and old.states == new.states  # the older version itself stays


def test_a_version_stored_before_the_step_meanings_takes_them_of_the_latest_by_trigger(fonds: Engine) -> None:
    """A version that declares its use cases but not yet `jury_outcome` / `granting` (stored before
    the jury's decisions and the granting body's steps declared their meaning) takes those."""
    older = re.sub(r"^    (?:jury_outcome|granting): .*\n", "", SHIPPED.read_text(encoding="utf-8"), flags=re.M)
    parsed = load_workflow_text(older, source="x", workflow_id="x")
    assert any(t.use_case for t in parsed.transitions)
    assert parsed.step_with(jury_outcome="approve") is None
    with fonds.unit_of_work() as uow:
        row = WorkflowVersion(
            workflow_id="bewohnerfonds", version_hash="before-meanings", content=older, source="alt.yaml",
            loaded_at=datetime(2025, 6, 1, tzinfo=UTC),
        )  # fmt: skip
        uow.session.add(row)
        uow.session.flush()
        older_id = row.id
        uow.commit()
    with fonds.db.read() as s:
        old = Catalog().workflow(s, older_id)
    assert old.step_with(jury_outcome="approve") == "jury_approve"
    assert old.step_with(jury_outcome="defer") == "jury_defer"
    assert old.step_with(granting="above_jury") == "external_approve"
    assert {t.trigger: t.use_case for t in old.transitions} == {t.trigger: t.use_case for t in parsed.transitions}
