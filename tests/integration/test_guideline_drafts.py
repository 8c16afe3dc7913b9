"""Guideline drafts in the engine: checked on every save, previewed with money, adopted by the council."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fondsengine import ledger
from fondsengine.applications import service as apps
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.funds import drafts
from fondsengine.funds.loading import load_funds
from fondsengine.model import Application, AuditEvent, Fund, GuidelineAdoption, GuidelineVersion
from tests.support.factories import person, quartiersfonds_input
from tests.support.files import simple_pdf
from tests.web.builders import QF, ROOT

TEXT = (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8")
MAX = "  max: 3000  # Annahme – von der Geschäftsführung zu bestätigen"
BUDGET_2027 = "    - year: 2027\n      amount: 20000  # Annahme – von der Geschäftsführung zu bestätigen"


def _decision() -> drafts.DecisionFile:
    return drafts.DecisionFile("Ratsbeschluss.pdf", "application/pdf", simple_pdf())


def _current(fonds: Engine) -> int:
    with fonds.db.read() as s:
        fund = s.get(Fund, QF)
        assert fund is not None and fund.current_guideline_id is not None
        return fund.current_guideline_id


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_draft_is_checked_on_save_previewed_with_money_and_adopted_for_new_submissions_only(
    fonds: Engine,
) -> None:
    assert MAX in TEXT and BUDGET_2027 in TEXT
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = person(fonds, "Anna", "anna@example.org")
    before = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, before)
    old_version = _current(fonds)

    # 1. a typo: saved all the same, with the loader's problem at its line, in German
    broken = TEXT.replace(MAX, "  max: tausend")
    saved = drafts.save_draft(fonds, office, QF, broken.replace("\n", "\r\n"))
    assert len(saved.problems) == 1
    assert saved.problems[0].line == _line_of(broken, "max: tausend")
    assert "Zahl" in saved.problems[0].message or "Betrag" in saved.problems[0].message
    assert "\r" not in drafts.draft_of(fonds, office, saved.id).content
    with pytest.raises(InvalidInput, match="Fehler"):
        drafts.preview_draft(fonds, office, saved.id)
    with pytest.raises(InvalidInput, match="Fehler"):
        drafts.adopt_draft(fonds, office, saved.id, council_date=date(2026, 11, 20), council_reference="DS 1",
                           decision=_decision())  # fmt: skip

    # 2. fixed: the maximum drops to 1,000 € and 2027 gets 25,000 €
    fixed = TEXT.replace(MAX, "  max: 1000").replace(BUDGET_2027, "    - year: 2027\n      amount: 25000")
    saved = drafts.save_draft(fonds, office, QF, fixed, draft_id=saved.id)
    assert saved.problems == ()
    assert any(line.kind == "added" and "max: 1000" in line.text for line in saved.diff)
    assert any(line.kind == "removed" and "max: 3000" in line.text for line in saved.diff)

    # 3. the preview: the pending application would get less, the summary residents read changes
    preview = drafts.preview_draft(fonds, office, saved.id)
    (change,) = [c for c in preview.whatif.changes if c.application_id == before]
    assert change.pending and change.cents_before == 120_000
    assert change.cents_after < 120_000 and change.difference_cents < 0
    assert preview.whatif.pending.before_cents == 120_000
    assert preview.whatif.pending.delta_cents == change.difference_cents
    assert any("3.000,00" in line for line in preview.summary_before)
    assert any("1.000,00" in line for line in preview.summary_after)

    # 4. adopted with the council's date: the new version is current, the budget correction booked
    adopted = drafts.adopt_draft(
        fonds, office, saved.id, council_date=date(2026, 11, 20), council_reference=" DS 0815/2026 ",
        decision=_decision(),
    )  # fmt: skip
    assert adopted.active and adopted.valid_from == date(2025, 1, 1)
    assert _current(fonds) == adopted.version_id != old_version
    with fonds.db.read() as s:
        assert ledger.balance(s, QF, 2027).allocated == 2_500_000
        adoption = s.scalar(select(GuidelineAdoption).where(GuidelineAdoption.version_id == adopted.version_id))
        assert adoption is not None and adoption.council_reference == "DS 0815/2026"
        assert fonds.storage.read(adoption.decision_stored_name) == _decision().content
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.fund_id == QF)))
        assert actions.count("save_guideline_draft") == 2
        assert "adopt_guideline" in actions and actions[-1] == "load_guideline"
        kept = s.get(Application, before)
        assert kept is not None and kept.guideline_version_id == old_version

    # the application submitted before keeps its version; a new one is bound to the adopted one
    after = apps.create_draft(fonds, anna, QF, quartiersfonds_input(requested_cents=90_000, own_funds_cents=30_000))
    apps.submit(fonds, anna, after)
    with fonds.db.read() as s:
        new_app = s.get(Application, after)
        assert new_app is not None and new_app.guideline_version_id == adopted.version_id

    # the overview lists both versions with the council decision, the diff of the new one
    overview = drafts.guideline_overview(fonds, office, QF)
    assert [v.id for v in overview.versions][:2] == [adopted.version_id, old_version]
    newest = overview.versions[0]
    assert newest.current and newest.adoption is not None and newest.adoption.council_date == date(2026, 11, 20)
    assert overview.drafts == ()
    text = drafts.version_text(fonds, office, adopted.version_id)
    assert text.previous_id == old_version and any("max: 1000" in line.text for line in text.diff)
    name, mimetype, content = drafts.council_decision(fonds, office, newest.adoption.id)
    assert (name, mimetype, content) == ("Ratsbeschluss.pdf", "application/pdf", _decision().content)

    # adopted drafts stay as they are; loading the files again leaves the council's version
    with pytest.raises(InvalidInput, match="beschlossen"):
        drafts.save_draft(fonds, office, QF, TEXT, draft_id=saved.id)
    from fondsengine.engine import Actor

    reports = {r.fund_id: r for r in load_funds(fonds, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")}
    assert reports[QF].kept_adopted and not reports["witten-cityfonds"].kept_adopted
    assert _current(fonds) == adopted.version_id


def test_a_version_adopted_ahead_of_time_becomes_current_on_its_day(fonds: Engine) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    old_version = _current(fonds)
    ahead = TEXT.replace("valid_from: 2025-01-01", "valid_from: 2027-01-01").replace(MAX, "  max: 2500")
    saved = drafts.save_draft(fonds, office, QF, ahead)
    adopted = drafts.adopt_draft(fonds, office, saved.id, council_date=date(2026, 11, 24),
                                 council_reference="DS 9", decision=_decision())  # fmt: skip
    assert not adopted.active and _current(fonds) == old_version
    now = fonds.clock.now()
    assert drafts.activate_due(fonds, now) == 0
    assert drafts.activate_due(fonds, now + timedelta(days=38)) == 1
    assert _current(fonds) == adopted.version_id
    assert drafts.activate_due(fonds, now + timedelta(days=39)) == 0  # idempotent


def test_preconditions_and_roles(fonds: Engine) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    other = person(fonds, "Anderes Büro", "city@example.org", ("witten-cityfonds", "manager"))
    anna = person(fonds, "Anna", "anna@example.org")
    with pytest.raises(PermissionDenied):
        drafts.save_draft(fonds, anna, QF, TEXT)
    with pytest.raises(PermissionDenied):
        drafts.save_draft(fonds, other, QF, TEXT)
    saved = drafts.save_draft(fonds, office, QF, TEXT)
    with pytest.raises(NotFound):
        drafts.draft_of(fonds, other, saved.id)
    with pytest.raises(NotFound):
        drafts.save_draft(fonds, other, QF, TEXT, draft_id=saved.id)
    with pytest.raises(InvalidInput, match="gleich der geltenden Fassung"):
        drafts.adopt_draft(fonds, office, saved.id, council_date=date(2026, 11, 20), council_reference="DS 1",
                           decision=_decision())  # fmt: skip
    changed = drafts.save_draft(fonds, office, QF, TEXT.replace(MAX, "  max: 2000"), draft_id=saved.id)
    with pytest.raises(InvalidInput, match="Zukunft"):
        drafts.adopt_draft(fonds, office, changed.id, council_date=date(2026, 12, 1), council_reference="DS 1",
                           decision=_decision())  # fmt: skip
    with pytest.raises(InvalidInput, match="Aktenzeichen"):
        drafts.adopt_draft(fonds, office, changed.id, council_date=date(2026, 11, 20), council_reference="  ",
                           decision=_decision())  # fmt: skip
    # a second draft started from the same version loses once the first is adopted
    second = drafts.save_draft(fonds, office, QF, TEXT.replace(MAX, "  max: 2200"))
    drafts.adopt_draft(fonds, office, changed.id, council_date=date(2026, 11, 20), council_reference="DS 1",
                       decision=_decision())  # fmt: skip
    with pytest.raises(InvalidInput, match="andere Fassung"):
        drafts.adopt_draft(fonds, office, second.id, council_date=date(2026, 11, 20), council_reference="DS 2",
                           decision=_decision())  # fmt: skip
    empty = drafts.save_draft(fonds, office, QF, "  \r\n")
    assert [p.message for p in empty.problems] == ["Der Entwurf ist leer."]
    with fonds.db.read() as s:
        assert s.scalar(select(func.count()).select_from(GuidelineVersion).where(GuidelineVersion.fund_id == QF)) == 2


def test_two_drafts_adopted_at_the_same_moment_give_one_new_version(fonds: Engine) -> None:
    """The fund row is locked first: of drafts started from the same version exactly one is adopted
    (the other is told that another version now applies); no second version, no double booking."""
    import threading

    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    racers = [drafts.save_draft(fonds, office, QF, TEXT.replace(MAX, f"  max: {2000 + n}")).id for n in range(4)]
    barrier = threading.Barrier(len(racers))
    errors: list[BaseException | None] = [None] * len(racers)

    def adopt(i: int) -> None:
        barrier.wait()
        try:
            drafts.adopt_draft(fonds, office, racers[i], council_date=date(2026, 11, 20),
                               council_reference=f"DS {i}", decision=_decision())  # fmt: skip
        except BaseException as exc:  # the outcome is checked below
            errors[i] = exc

    threads = [threading.Thread(target=adopt, args=(i,)) for i in range(len(racers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(e is None for e in errors) == 1, errors
    assert all(isinstance(e, InvalidInput) and "andere Fassung" in str(e) for e in errors if e is not None)
    with fonds.db.read() as s:
        assert s.scalar(select(func.count()).select_from(GuidelineAdoption)) == 1
        assert s.scalar(select(func.count()).select_from(GuidelineVersion).where(GuidelineVersion.fund_id == QF)) == 2
