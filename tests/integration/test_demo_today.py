"""The demo is generated relative to today: budget years and rounds around it, juries that reach their quorum,
a pool of volunteers to draw from, sessions held in the past with minutes and one to come in each fund."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine import demo
from fondsengine.clock import FixedClock, local_date
from fondsengine.demo_calendar import shifted_text, year_shift
from fondsengine.engine import Actor
from fondsengine.jury import usecases as jury
from fondsengine.model import AgendaItem, BudgetYear, JurySession, User
from tests.conftest import make_fonds

QF, CF = demo.QF, demo.CF


@pytest.mark.parametrize("today", [datetime(2026, 11, 25, 9, tzinfo=UTC), datetime(2028, 5, 10, 9, tzinfo=UTC)])
def test_the_demo_is_alive_on_any_day(tmp_path: Path, today: datetime) -> None:
    fonds = make_fonds(f"sqlite:///{tmp_path / 'demo.db'}", FixedClock(today), tmp_path)
    assert demo.seed(fonds)
    with fonds.db.read() as s:
        office = s.scalar(select(User.id).where(User.email == demo.LOGINS[0].email))
        sessions = list(s.scalars(select(JurySession).where(JurySession.circulation.is_(False))))
        outcomes = {
            js.id: [i.outcome for i in s.scalars(select(AgendaItem).where(AgendaItem.session_id == js.id))]
            for js in sessions
        }
        years = set(s.scalars(select(BudgetYear.year).where(BudgetYear.fund_id == QF)))
    assert {today.year - 1, today.year} <= years
    for fund in (QF, CF):
        mine = [js for js in sessions if js.fund_id == fund]
        assert not [js for js in mine if js.starts_at < today and js.status != "closed"]  # no stale "geplant"
        assert [js for js in mine if js.starts_at > today and js.status == "planned"]  # one to come
        held = [js for js in mine if js.status == "closed"]
        assert held
        for js in held:  # the jury reached its quorum: every item decided by the votes
            assert outcomes[js.id] and all(o in {"approve", "recommend", "reject"} for o in outcomes[js.id])
            record = jury.minutes(fonds, Actor(office), js.id)
            assert record.chair and len(record.present) >= (8 if fund == QF else 4)  # the quorum of the fund
    assert len(jury.draw_pool(fonds, QF)) == 6  # `fondsengine jury draw` has a pool to draw from
    replay = jury.replay_draw(fonds, QF, "demo", 3)
    assert len(replay.result.drawn) == 3
    assert local_date(today).year - 2026 - 1 <= year_shift(local_date(today)) <= local_date(today).year - 2026


def test_the_shipped_guidelines_move_with_the_story_and_nothing_else_does() -> None:
    text = 'valid_from: 2025-01-01\n- year: 2026\namount: 20000\n- {id: "2027-1", deadline: 2027-02-15}\nDE02202612\n'
    moved = 'valid_from: 2027-01-01\n- year: 2028\namount: 20000\n- {id: "2029-1", deadline: 2029-02-15}\nDE02202612\n'
    assert shifted_text(text, 2) == moved
    assert shifted_text(text, 0) is text
