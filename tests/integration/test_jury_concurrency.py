"""Concurrency: simultaneous votes, and a vote racing with the close of its item.

Each thread uses its own unit of work (its own database session and connection), as
two web workers would. The invariant: a vote is either counted in the stored tally or
refused with a clear message; never lost, never counted after the close.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput
from fondsengine.jury import usecases as jury
from fondsengine.model import Vote
from tests.integration.test_jury_support import Cast, agenda, item_of, load_test_fund, make_cast, uid
from tests.support.factories import person

ROUNDS = 8


@pytest.fixture
def cast(fonds: Engine, tmp_path: Path) -> Cast:
    load_test_fund(fonds, tmp_path)
    return make_cast(fonds)


def race(*calls: Callable[[], object]) -> list[BaseException | None]:
    """Start the calls at the same moment in threads; return each one's exception (or None)."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException | None] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait()
        try:
            calls[n]()
        except BaseException as err:
            errors[n] = err

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hangs"
    return errors


def opened_items(fonds: Engine, cast: Cast, count: int) -> list[int]:
    applicants = [person(fonds, f"Antragstellerin {n}", f"antrag{n}@example.org") for n in range(count)]
    session_id, items = agenda(fonds, cast, applicants)  # one each: the yearly cap per applicant
    jury.invite(fonds, cast.office, session_id)
    jury.open_session(fonds, cast.office, session_id, [uid(m) for m in cast.members], chair_id=uid(cast.ida))
    return items


def test_two_members_voting_at_the_same_moment_are_both_counted(fonds: Engine, cast: Cast) -> None:
    items = opened_items(fonds, cast, 3)
    for item in items:
        errors = race(
            lambda item=item: jury.cast_vote(fonds, cast.jan, item, "yes"),  # type: ignore[misc]
            lambda item=item: jury.cast_vote(fonds, cast.kim, item, "no"),  # type: ignore[misc]
        )
        assert errors == [None, None]
        jury.cast_vote(fonds, cast.ida, item, "yes")
        result = jury.close_item(fonds, cast.ida, item)
        assert result.tally is not None and (result.tally.yes, result.tally.no) == (2, 1)


def test_a_member_changing_their_vote_twice_at_once_keeps_exactly_one_vote(fonds: Engine, cast: Cast) -> None:
    (item,) = opened_items(fonds, cast, 1)
    errors = race(
        lambda: jury.cast_vote(fonds, cast.jan, item, "yes"),
        lambda: jury.cast_vote(fonds, cast.jan, item, "no"),
    )
    assert errors == [None, None]
    with fonds.db.read() as s:
        choices = list(s.scalars(select(Vote.choice).where(Vote.agenda_item_id == item, Vote.user_id == uid(cast.jan))))
    assert len(choices) == 1 and choices[0] in {"yes", "no"}


def test_a_vote_racing_with_the_close_is_either_counted_or_refused_never_lost(fonds: Engine, cast: Cast) -> None:
    items = opened_items(fonds, cast, ROUNDS)
    outcomes = []
    for item in items:
        jury.cast_vote(fonds, cast.ida, item, "yes")
        jury.cast_vote(fonds, cast.jan, item, "yes")
        vote_error, close_error = race(
            lambda item=item: jury.cast_vote(fonds, cast.kim, item, "no"),  # type: ignore[misc]
            lambda item=item: jury.close_item(fonds, cast.ida, item),  # type: ignore[misc]
        )
        assert close_error is None
        stored = item_of(fonds, item)
        assert stored.status == "closed" and stored.tally is not None
        with fonds.db.read() as s:
            kim_voted = s.scalar(select(Vote.id).where(Vote.agenda_item_id == item, Vote.user_id == uid(cast.kim)))
        counted = stored.tally["no"] == 1
        if vote_error is None:
            assert counted and kim_voted is not None, "an accepted vote must be in the tally"
        else:
            assert isinstance(vote_error, InvalidInput) and "nicht mehr gezählt" in str(vote_error)
            assert not counted and kim_voted is None, "a refused vote must leave no trace in the tally"
        assert stored.tally["yes"] + stored.tally["no"] == (3 if vote_error is None else 2)
        outcomes.append(vote_error is None)
    assert len(outcomes) == ROUNDS
