"""Every public use case of the engine that takes an actor × every logged-in role × every state,
as tests/web/authz_services.py says: reads answer the allowed roles and refuse the others, writes
refuse every refused role and change nothing; who may not see the application gets NotFound."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import fondsengine
from fondsengine.engine import Actor
from fondsengine.errors import FondsError, NotFound, PermissionDenied
from tests.web.authz_services import SERVICES, USER_ROLES, VISIBLE
from tests.web.authz_world import STATES, AuthzWorld, build, fingerprint


def engine_use_cases() -> set[str]:
    """Every public function of the engine whose first parameter is `fonds` and that takes an actor."""
    found = set()
    for info in pkgutil.walk_packages(fondsengine.__path__, "fondsengine."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "fonds" and "actor" in params:
                found.add(f"{module.__name__}.{name}")
    return found


@pytest.fixture(scope="module")
def aw(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[AuthzWorld]:
    world = build(template_db, tmp_path_factory.mktemp("authz-services"))
    yield world
    world.world.fonds.db.dispose()


def test_every_use_case_that_takes_an_actor_is_in_the_table() -> None:
    found = engine_use_cases()
    assert sorted(found - set(SERVICES)) == [], "add these use cases to tests/web/authz_services.py"
    assert sorted(set(SERVICES) - found) == [], "these rows of tests/web/authz_services.py are no use cases"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_use_case_answers_exactly_the_roles_the_table_allows(aw: AuthzWorld, name: str) -> None:
    use = SERVICES[name]
    states = [s for s in STATES if s in use.states] if use.scope == "application" else ["-"]
    wrong: list[str] = []
    for role in USER_ROLES:
        actor = Actor(aw.users[role])
        for state in states:
            allowed = use.may(role, state)
            if use.writes and allowed:
                continue  # the allowed writes run in the use cases' own tests
            before = fingerprint(aw) if use.writes else None
            try:
                use.call(aw, actor, state)
            except (NotFound, PermissionDenied) as exc:
                if allowed:
                    wrong.append(f"{role:14} {state:10} refused: {exc}")
                elif (
                    use.scope == "application" and state not in VISIBLE.get(role, ()) and not isinstance(exc, NotFound)
                ):
                    wrong.append(f"{role:14} {state:10} learns that the application exists: {exc!r}")
            except FondsError as exc:
                if not use.writes and not allowed:
                    wrong.append(f"{role:14} {state:10} not refused but {exc!r}")
                elif use.scope == "application" and state not in VISIBLE.get(role, ()):
                    wrong.append(f"{role:14} {state:10} learns that the application exists: {exc!r}")
            else:
                if not allowed:
                    wrong.append(f"{role:14} {state:10} allowed (table: refused)")
            if before is not None and fingerprint(aw) != before:
                wrong.append(f"{role:14} {state:10} changed the database")
    assert not wrong, "\n" + "\n".join(wrong)
