"""A failure mid-transition changes nothing; a guideline edit never changes the rules of submitted applications."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor, Engine
from fondsengine.errors import GuardFailed
from fondsengine.funds.loading import load_funds
from fondsengine.lifecycle import effects
from fondsengine.model import Application, AuditEvent, LedgerEntry, Letter, OutboxMessage
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input
from tests.support.jury import decide_on_paper, open_item_with_jury

ROOT = Path(__file__).resolve().parents[2]


def counts(fonds: Engine) -> tuple[int, int, int, int]:
    with fonds.db.read() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(m)) or 0 for m in (LedgerEntry, AuditEvent, Letter, OutboxMessage)
        )


def test_an_exception_thrown_mid_transition_leaves_state_ledger_audit_and_outbox_unchanged(
    fonds: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = person(fonds, "Anna", "anna@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, app_id)
    decisions.start_review(fonds, office, app_id)
    with fonds.db.read() as s:
        g = fonds.catalog.current(s, QF)[2]
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in g.review_checklist})
    decisions.complete_review(fonds, office, app_id)
    session_id = decisions.create_session(fonds, office, QF, fonds.clock.now(), "Rathaus")
    decisions.schedule(fonds, office, app_id, session_id)
    open_item_with_jury(fonds, office, app_id)  # the jury seated, the session opened: only the decision follows
    before = counts(fonds)

    def explode(_: effects.EffectContext) -> None:
        raise RuntimeError("printer on fire")

    # commit_budget has already booked when the letter effect fails
    monkeypatch.setitem(effects.EFFECTS.functions, "letter_approval", explode)
    with pytest.raises(RuntimeError, match="printer on fire"):
        decide_on_paper(fonds, office, app_id, "approve")
    assert counts(fonds) == before
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        assert (app.state, app.approved_cents) == ("on_agenda", None)
    monkeypatch.undo()
    decide_on_paper(fonds, office, app_id, "approve")
    assert counts(fonds)[0] == before[0] + 1


def test_a_guideline_edit_does_not_change_the_rules_for_an_application_already_submitted(
    fonds: Engine, tmp_path: Path
) -> None:
    bernd = person(fonds, "Bernd", "bernd@example.org")
    office = person(fonds, "Büro", "buero@example.org", (CF, "manager"))
    submitted = apps.create_draft(fonds, bernd, CF, cityfonds_input())
    apps.submit(fonds, bernd, submitted)
    draft = apps.create_draft(fonds, bernd, CF, cityfonds_input(title="Noch ein Entwurf"))

    richtlinien = tmp_path / "richtlinien"
    richtlinien.mkdir()
    for f in (ROOT / "richtlinien").glob("*.yaml"):
        shutil.copy(f, richtlinien / f.name)
    path = richtlinien / "witten-cityfonds.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("max_share_percent: 50", "max_share_percent: 40", 1), encoding="utf-8")
    reports = {r.fund_id: r for r in load_funds(fonds, Actor.scheduler(), richtlinien, ROOT / "workflows")}
    assert reports[CF].new_version and not reports[QF].new_version

    with fonds.db.read() as s:
        old = s.get(Application, submitted)
        assert old is not None
        bound = fonds.catalog.guideline(s, old.guideline_version_id)
        current = fonds.catalog.current(s, CF)[2]
    assert (bound.amounts.max_share.numerator, bound.amounts.max_share.denominator) == (1, 2)
    assert current.amounts.max_share * 100 == 40
    # the submitted application is still judged by its own (50 %) rules
    from fondsengine.applications.queries import findings_for

    assert not [f for f in findings_for(fonds, office, submitted) if f.blocking]
    decisions.start_review(fonds, office, submitted)
    decisions.record_review(fonds, office, submitted, {i.id: ("fulfilled", "") for i in bound.review_checklist})
    decisions.complete_review(fonds, office, submitted)
    # the draft is judged by the new (40 %) guideline when it is submitted
    with pytest.raises(GuardFailed, match="40 %"):
        apps.submit(fonds, bernd, draft)
