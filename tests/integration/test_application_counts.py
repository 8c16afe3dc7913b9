"""The counter table application_counts (fund, budget year, state, submitted -> count, requested sum)
always equals the fold over the applications (issue 19).

A seeded random history runs real use cases (drafts created and edited, with the budget year and
the requested sum changing; submissions, every workflow step the engine offers the office or the
applicant, office corrections, deleted drafts; steps the engine refuses) on SQLite and
PostgreSQL; after every step the stored counters must equal the fold and the test's own count of
the applications it made. `verify` must name a counter changed behind the engine, the migration
must fill the table from an existing database, a counter out of step must stop the transaction,
and on PostgreSQL several processes racing for the same applications must keep the counters exact.
"""

from __future__ import annotations

import multiprocessing
import random
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, update

from fondsengine.applications import counts, decisions
from fondsengine.applications import service as apps
from fondsengine.applications.queries import available_actions
from fondsengine.config import load_settings
from fondsengine.db import open_database
from fondsengine.engine import Actor, Engine
from fondsengine.errors import FondsError
from fondsengine.integrity.check import verify
from fondsengine.migrate import alembic_config
from fondsengine.model import Application, ApplicationCount
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input
from tests.support.journey import STEPS, Journey

STEPS_PER_HISTORY = 80


@pytest.fixture
def cast(fonds: Engine) -> dict[str, Actor]:
    return {
        "anna": person(fonds, "Anna Beispiel", "anna@example.org"),
        "bernd": person(fonds, "Bernd Händler", "bernd@example.org"),
        "office": person(fonds, "Büro mitten@witten", "buero@example.org", (QF, "manager"), (CF, "manager")),
    }


def _agree(fonds: Engine) -> dict[counts.CountKey, counts.Count]:
    """The stored counters, asserted equal to the fold over the applications."""
    with fonds.db.read() as s:
        stored, folded = counts.stored(s), counts.fold(s)
    assert stored == folded
    return stored


def _input(fund: str, rnd: random.Random) -> apps.ApplicationInput:
    """A valid form whose budget year (2027 or 2028) and requested sum vary (the plan still balances)."""
    year = rnd.choice((2027, 2027, 2028))
    start = date(year, rnd.randint(4, 9), 10)
    base = quartiersfonds_input() if fund == QF else cityfonds_input()
    total = sum(c.amount_cents for c in base.cost_items)
    requested = rnd.randint(base.requested_cents * 3 // 4, base.requested_cents)
    return replace(base, project_start=start, project_end=date(year, 12, 20), requested_cents=requested,
                   own_funds_cents=total - requested)  # fmt: skip


def _qf(requested: int, year: int = 2027) -> apps.ApplicationInput:
    """A Quartiersfonds form asking for `requested` cents for a project in `year` (the plan balances)."""
    base = quartiersfonds_input()
    total = sum(c.amount_cents for c in base.cost_items)
    return replace(base, requested_cents=requested, own_funds_cents=total - requested,
                   project_start=date(year, 4, 10), project_end=date(year, 9, 30))  # fmt: skip


def _step(fonds: Engine, cast: dict[str, Actor], rnd: random.Random, made: dict[int, str]) -> str:
    """One random use case (possibly refused by the engine); returns what was tried."""
    office = cast["office"]
    if not made or rnd.random() < 0.2:
        fund = rnd.choice((QF, CF))
        who = cast["anna"] if fund == QF else cast["bernd"]
        made[apps.create_draft(fonds, who, fund, _input(fund, rnd))] = fund
        return "create"
    with fonds.db.read() as s:  # mostly an application still under way (closed ones offer nothing)
        open_ids = sorted(s.scalars(select(Application.id).where(Application.id.in_(made),
                                                                 Application.closed_at.is_(None))))  # fmt: skip
    app_id = rnd.choice(open_ids if open_ids and rnd.random() < 0.9 else sorted(made))
    fund = made[app_id]
    applicant = cast["anna"] if fund == QF else cast["bernd"]
    journey = Journey(fonds, office=office, applicant=applicant, fund=fund, data=_input(fund, rnd))
    roll = rnd.random()
    try:
        if roll < 0.15:  # edit: allowed only while the form is editable; moves year and sum in a draft
            apps.update_draft(fonds, applicant, app_id, _input(fund, rnd))
            return "edit"
        if roll < 0.22:  # an office correction of the requested sum before the decision
            apps.correct_application(fonds, office, app_id, _input(fund, rnd), reason="Telefonisch korrigiert.")
            return "correct"
        if roll < 0.27:
            apps.delete_draft(fonds, applicant, app_id)
            return "delete_draft"
        offered = [
            a.trigger
            for actor in (office, applicant)
            for a in available_actions(fonds, actor, app_id)
            if a.trigger in STEPS and a.trigger not in {"schedule", "jury_approve", "jury_recommend", "jury_reject"}
        ]
        if len(offered) > 1 and rnd.random() < 0.7:  # closing steps less often, so histories get far
            offered = [t for t in offered if t not in {"withdraw", "decide_reject"}] or offered
        if not offered:
            return "nothing offered"
        trigger = rnd.choice(offered)
        STEPS[trigger](journey, app_id)
        return trigger
    except FondsError as exc:  # refused: the unit of work rolled back, the counters must be as before
        return f"refused {type(exc).__name__}: {exc}"


@pytest.mark.parametrize("seed", [3, 13])
def test_a_random_history_keeps_the_counters_equal_to_the_applications_after_every_step(
    fonds: Engine, cast: dict[str, Actor], seed: int
) -> None:
    rnd, made = random.Random(seed), {}
    with fonds.db.read() as s:
        before = sum(c.count for c in counts.fold(s).values())
    tried: list[str] = []
    for _ in range(STEPS_PER_HISTORY):
        tried.append(_step(fonds, cast, rnd, made))
        stored = _agree(fonds)
        assert sum(c.count for c in stored.values()) == before + len(made), tried[-5:]
    assert {"create", "edit", "submit", "start_review"} <= set(tried), "\n".join(tried)
    assert any(t.startswith("refused") for t in tried), tried
    assert len({state for (_f, _y, state, _s) in _agree(fonds)}) >= 4, tried
    assert not [f for f in verify(fonds).findings if f.check == "zaehler"]


def test_edits_move_the_sum_and_the_year_and_a_step_moves_the_state(fonds: Engine, cast: dict[str, Actor]) -> None:
    anna, office = cast["anna"], cast["office"]
    app_id = apps.create_draft(fonds, anna, QF, _qf(100_000, 2028))
    assert _agree(fonds)[(QF, 2028, "draft", False)] == counts.Count(1, 100_000)
    apps.update_draft(fonds, anna, app_id, _qf(90_000, 2027))
    stored = _agree(fonds)
    assert (QF, 2028, "draft", False) not in stored
    assert stored[(QF, 2027, "draft", False)] == counts.Count(1, 90_000)
    apps.submit(fonds, anna, app_id)
    decisions.start_review(fonds, office, app_id)
    apps.correct_application(fonds, office, app_id, _qf(80_000), reason="Telefonisch korrigiert.")
    stored = _agree(fonds)
    assert (QF, 2027, "draft", False) not in stored and (QF, 2027, "submitted", True) not in stored
    with fonds.db.read() as s:
        in_review = s.scalar(select(Application.state).where(Application.id == app_id))
    assert stored[(QF, 2027, str(in_review), True)] == counts.Count(1, 80_000)


def test_verify_names_a_counter_changed_behind_the_engine(fonds: Engine, cast: dict[str, Actor]) -> None:
    apps.create_draft(fonds, cast["anna"], QF, _qf(100_000))
    assert not [f for f in verify(fonds).findings if f.check == "zaehler"]
    with fonds.db.engine.begin() as conn:
        conn.execute(update(ApplicationCount).values(count=ApplicationCount.count + 2))
    [found] = [f for f in verify(fonds).findings if f.check == "zaehler"]
    assert found.table == "application_counts"
    assert found.message == (
        f"Haushaltsjahr 2027 ({QF}), Stand draft (nie eingereicht): 3 Anträge über 1.000,00 € gezählt, "
        "es sind 1 über 1.000,00 €"
    )


def test_a_counter_out_of_step_stops_the_transaction(fonds: Engine, cast: dict[str, Actor]) -> None:
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    with fonds.db.engine.begin() as conn:  # behind the engine: the draft's counter says none
        conn.execute(update(ApplicationCount).values(count=0, requested_cents=0))
    with pytest.raises(counts.CountsOutOfStep, match="below zero"):
        apps.submit(fonds, cast["anna"], app_id)
    with fonds.db.read() as s:
        assert s.scalar(select(Application.state).where(Application.id == app_id)) == "draft"  # nothing half done
        counts.rebuild(s.connection())  # the repair (here in a read session that is rolled back)


def test_the_migration_fills_the_counters_from_the_existing_applications(fonds: Engine, cast: dict[str, Actor]) -> None:
    anna = cast["anna"]
    first = apps.create_draft(fonds, anna, QF, _qf(100_000))
    apps.create_draft(fonds, anna, QF, _qf(50_000))
    apps.submit(fonds, anna, first)
    expected = _agree(fonds)
    url = fonds.db.engine.url.render_as_string(hide_password=False)
    fonds.db.dispose()
    command.downgrade(alembic_config(url), "0026")  # the revision before 0024 (0028 comes after it)
    command.upgrade(alembic_config(url), "head")
    assert (
        _agree(fonds)
        == expected
        == {
            (QF, 2027, "draft", False): counts.Count(1, 50_000),
            (QF, 2027, "submitted", True): counts.Count(1, 100_000),
        }
    )


# --- PostgreSQL: processes racing for the same applications ------------------------------------------------

RACERS = 6
APPS = 16


def _racer(url: str, instance: str, office_id: int, app_ids: list[int], barrier: Any, results: Any) -> None:
    """One process: its own engine; each application (in its own order) gets a review started and
    then changes requested; a step someone else already took is refused."""
    settings = load_settings(environ={}, database_url=url, instance_path=instance)
    fonds = Engine(db=open_database(url), settings=settings)
    office = Actor(office_id)
    try:
        barrier.wait(60)
        for step in ("start_review", "request_changes"):
            for app_id in app_ids:
                try:
                    if step == "start_review":
                        decisions.start_review(fonds, office, app_id)
                    else:
                        decisions.request_changes(fonds, office, app_id, "Bitte die Kosten erläutern.")
                    results.put((step, app_id, "ok"))
                except FondsError:
                    results.put((step, app_id, "refused"))
                except Exception as exc:  # reported to the test and failed there
                    results.put((step, app_id, f"error {type(exc).__name__}: {exc}"))
    finally:
        fonds.db.dispose()


@pytest.mark.parametrize("fonds", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_processes_racing_for_the_same_applications_keep_the_counters_exact(
    fonds: Engine, cast: dict[str, Actor], tmp_path: Path
) -> None:
    people = [person(fonds, f"Nachbarin {n}", f"nachbarin{n}@example.org") for n in range(APPS // 4)]
    app_ids = []
    for i in range(APPS):  # at most 5,000 EUR per applicant and year: four applications each
        who = people[i % len(people)]
        app_id = apps.create_draft(fonds, who, QF, _qf(60_000 + i))
        apps.submit(fonds, who, app_id)
        app_ids.append(app_id)
    url = fonds.db.engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(RACERS), ctx.Queue()
    office_id = cast["office"].user_id
    procs = []
    for n in range(RACERS):
        order = list(app_ids)
        random.Random(n).shuffle(order)
        procs.append(ctx.Process(target=_racer, args=(url, str(tmp_path / "instance"), office_id, order, barrier,
                                                      results)))  # fmt: skip
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=240) for _ in range(RACERS * APPS * 2)]
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    assert not [o for o in outcomes if o[2].startswith("error")], outcomes
    for step in ("start_review", "request_changes"):  # each step taken exactly once per application
        assert sorted(a for s, a, o in outcomes if s == step and o == "ok") == sorted(app_ids), step
    stored = _agree(fonds)
    with fonds.db.read() as s:
        [state] = set(s.scalars(select(Application.state).where(Application.id.in_(app_ids))))
    assert stored[(QF, 2027, state, True)] == counts.Count(APPS, sum(60_000 + i for i in range(APPS)))
    assert not [k for k in stored if k[2] == "submitted"]
    assert not [f for f in verify(fonds).findings if f.check == "zaehler"]
