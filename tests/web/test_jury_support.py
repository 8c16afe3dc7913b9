"""Helpers of the jury page tests (no tests here): the test fund with a jury of three, one session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fondsengine.accounts.users import grant_role
from fondsengine.engine import Actor
from fondsengine.jury import usecases as jury
from tests.integration.test_jury_support import FUND, Cast, agenda, load_test_fund, uid
from tests.support.factories import person
from tests.web.builders import PASSWORD, QF, World

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@dataclass
class Jury:
    """A small jury of three on the test fund, a session with two of Anna's applications."""

    world: World
    cast: Cast
    session_id: int
    items: list[int]

    @property
    def office(self) -> Actor:
        return self.cast.office


def build_jury(
    world: World,
    tmp_path: Path,
    *,
    circulation: bool = False,
    deadline: datetime | None = None,
    **guideline_changes: object,
) -> Jury:
    """The test fund with a jury of three (Ida, Jan: residents; Kim: expert), one invited session.

    The session (or vote by circulation) has two of Anna's applications on its agenda.
    """
    f = world.fonds
    world.clock.set(NOW)
    load_test_fund(f, tmp_path, **guideline_changes)  # type: ignore[arg-type]
    grant_role(f, Actor.scheduler(), user_id=world.office, fund_id=FUND, role="manager")
    members = [
        person(f, name, email, (FUND, "jury_member"), password=PASSWORD)
        for name, email in (
            ("Ida Ivers", "ida@example.org"),
            ("Jan Jansen", "jan@example.org"),
            ("Kim Kaya", "kim@example.org"),
        )
    ]
    person(f, "Olga Andersfonds", "olga@example.org", (QF, "jury_member"), password=PASSWORD)
    cast = Cast(Actor(world.office), Actor(world.anna), *members)
    jury.appoint_member(f, cast.office, FUND, uid(cast.kim), "expert", None, None)
    session_id, items = agenda(f, cast, [cast.anna, cast.anna], circulation=circulation, deadline=deadline)
    jury.invite(f, cast.office, session_id)
    return Jury(world, cast, session_id, items)


def opened(j: Jury, chair: Actor | None = None) -> None:
    """The office opens the session with all three present; Ida chairs unless told otherwise."""
    jury.open_session(j.world.fonds, j.office, j.session_id, [uid(m) for m in j.cast.members], uid(chair or j.cast.ida))
