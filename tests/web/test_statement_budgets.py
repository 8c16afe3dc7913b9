"""Statement budgets of the busiest pages (issue 19): SQL statements of one request, and no N+1.

A request is counted warm (the same page once before, so per-process caches such as the
guideline catalog are filled, as in a running worker) with a `before_cursor_execute` listener
on the engine; transaction control (BEGIN, COMMIT, ROLLBACK, savepoints) is not counted.

The issue's targets: office application page <= 12 statements, office queue and dashboard
<= 8, the applicant's application page <= 10. A page that meets its target is held to it;
a page that does not yet is held to the count measured when this test was written (a
regression guard: lower the ceiling as statements are cut, down to the target); a page below
its target may be held to its lower count. A failing
assertion lists the statements, so the next person sees what to cut.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from fondsengine.accounts.users import create_user
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.notes import add_note
from fondsengine.engine import Actor
from tests.support.factories import with_bank_account
from tests.support.jury import decide_on_paper
from tests.web.builders import QF, World, approved_for, draft_for
from tests.web.conftest import login

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass(frozen=True)
class Budget:
    """The ceiling a page is held to now, and the issue's target."""

    ceiling: int
    target: int


# page -> Budget; a ceiling above the target is the count measured at the time (see the module docstring)
BUDGETS: dict[str, Budget] = {
    # measured 41 on 2026-12-02: the application and the actor's roles were loaded 8 times (once per read
    # helper), the layout's funds with their guidelines took 5 statements; 18 with one read model in one read
    # session (fondsengine.applications.views), one query per part the page shows. Now 8: the user with
    # their roles (1), the application with its cost items, organisation and the actor's roles (1), all the
    # page's lists in one statement (fondsengine.json_reads.read_together: timeline with names, letters,
    # attachments, payments, notes, messages, revisions, review, latest proof with its receipts, agenda,
    # refunds, each a JSON array column) (1), the findings' free budget, workflow versions and the
    # applicant's other grants (3), the guards' ledger sums (1), the layout's funds (1).
    "office application page": Budget(ceiling=8, target=12),
    # measured 15, then 14 once the workflow versions are read once per session; 6 since the page reads in the
    # request's one read session (issue 19): the user with their roles, the roles in every fund with the fund
    # names, all funds with their current guideline version (and the workflow versions' count and newest id)
    # for the filters, the state labels and the layout, the total from the counter table, the page, the
    # session list for the agenda form.
    "office queue": Budget(ceiling=6, target=8),
    # measured 58; 41 after the budget totals (one row per year instead of sums over the ledger), one
    # statement per to-do group (window count) and the workflow versions read once; 42 with the to-do group
    # of held letters (issue 12). 7 since issue 19's counter table and the request's one read session: the
    # user with their roles, the roles in every fund with the fund names, all funds with their current
    # guideline version (shared with the layout), every budget year's totals, applied sum, pipeline and
    # refund claims (one statement: budget_years with the counter table), the attention lists with the next
    # session (one UNION), the month chart, the to-do list of all managed funds (one UNION).
    "dashboard": Budget(ceiling=7, target=8),  # the overdue answers to requests for changes are a UNION branch
    # measured 33: the application and the actor's roles loaded 9 times (once per read helper), the layout's
    # 5 statements; 8 with the read model. Now 4: the user with their roles, the application with cost items,
    # organisation and roles, timeline, payments, letters, attachments and messages in one statement
    # (json_reads.read_together, as the office's page), the layout's funds (the findings' 3 more only while
    # the form is editable).
    "applicant application page": Budget(ceiling=4, target=10),
}


@dataclass
class Scene:
    """A world with a few applications, the application the pages show and two logged-in clients."""

    world: World
    subject: int  # an approved application of Anna's with a bank account
    office: FlaskClient
    anna: FlaskClient

    def client_and_url(self, page: str) -> tuple[FlaskClient, str]:
        """Who asks for the page, and its address."""
        return {
            "office application page": (self.office, f"/verwaltung/antraege/{self.subject}"),
            "office queue": (self.office, "/verwaltung/antraege"),
            "dashboard": (self.office, f"/verwaltung/?fonds={QF}&jahr=2026"),
            "applicant application page": (self.anna, f"/antraege/{self.subject}"),
        }[page]


@contextmanager
def _recorded(world: World) -> Iterator[list[str]]:
    """The statements sent while inside the block (transaction control left out)."""
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            seen.append(statement)

    engine = world.fonds.db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def statements_of(scene: Scene, page: str) -> list[str]:
    """The statements of one warm request of the page."""
    client, url = scene.client_and_url(page)
    assert client.get(url).status_code == 200, url
    with _recorded(scene.world) as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return seen


def listing(statements: list[str]) -> str:
    """The statements numbered, one line each (shortened), for a failure message."""
    lines = (" ".join(s.split()) for s in statements)
    return "\n".join(f"{i:3d}. {line[:240]}" for i, line in enumerate(lines, 1))


def _submitted(world: World, user: int, **changes: object) -> int:
    app_id = draft_for(world, user, **changes)
    apps.submit(world.fonds, Actor(user), app_id)
    return app_id


def _in_review(world: World, user: int, **changes: object) -> int:
    app_id = _submitted(world, user, **changes)
    decisions.start_review(world.fonds, Actor(world.office), app_id)
    return app_id


def _reviewed(world: World, user: int, **changes: object) -> int:
    f, office = world.fonds, Actor(world.office)
    app_id = _in_review(world, user, **changes)
    with f.db.read() as s:
        checklist = f.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(f, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(f, office, app_id)
    return app_id


@pytest.fixture()
def scene(world: World) -> Scene:
    """Three applications: Anna's approved one (the subject), Bert's in review, Anna's submitted one."""
    subject = approved_for(world, world.anna, title="Sommerfest Wiesenstraße")
    _in_review(world, world.bert, title="Repair-Café", contact_name="Bert Nachbar")
    _submitted(world, world.anna, title="Lesecafé")
    office, anna = world.app.test_client(), world.app.test_client()
    login(office, "buero@example.org")
    login(anna, "anna@example.org")
    return Scene(world, subject, office, anna)


def grow(scene: Scene, total: int) -> None:
    """More applications in every state of the way (drafts up to approved ones), notes on the subject."""
    world = scene.world
    f, office = world.fonds, Actor(world.office)
    # at most 5,000 EUR per applicant and year: the new applications come from nine more people
    people = [create_user(f, name=f"Nachbarin {i + 1}", email=f"nachbarin{i + 1}@example.org") for i in range(9)]
    session = decisions.create_session(f, office, QF, datetime(2026, 6, 10, 16, tzinfo=UTC), "Rathaus")
    scheduled = []
    for n in range(total - 3):
        user = people[n % len(people)]
        title = f"Nachbarschaftsprojekt {n + 1:02d}"
        stage = n % 5
        if stage == 0:
            draft_for(world, user, title=title)
        elif stage == 1:
            _submitted(world, user, title=title)
        elif stage == 2:
            _in_review(world, user, title=title)
        elif stage == 3:
            _reviewed(world, user, title=title)
        else:
            app_id = _reviewed(world, user, title=title)
            decisions.schedule(f, office, app_id, session)
            scheduled.append(app_id)
    world.clock.set(datetime(2026, 6, 10, 18, tzinfo=UTC))
    for i, app_id in enumerate(scheduled):
        if i % 2 == 0:
            decide_on_paper(f, office, app_id, "approve")
            with_bank_account(f, office, app_id)
        else:
            decide_on_paper(f, office, app_id, "reject", reason="Nicht im Fördergebiet.")
    for n in range(3):
        add_note(f, office, scene.subject, f"Rückfrage {n + 1} telefonisch geklärt.")


@pytest.mark.parametrize("page", list(BUDGETS))
def test_the_page_stays_within_its_statement_budget(scene: Scene, page: str) -> None:
    seen = statements_of(scene, page)
    budget = BUDGETS[page]
    assert len(seen) <= budget.ceiling, (
        f"{page}: {len(seen)} statements, budget {budget.ceiling} (target {budget.target}):\n{listing(seen)}"
    )


@pytest.mark.parametrize("page", list(BUDGETS))
def test_the_statement_count_does_not_grow_with_the_applications(scene: Scene, page: str) -> None:
    few = statements_of(scene, page)
    grow(scene, 30)
    many = statements_of(scene, page)
    assert len(many) == len(few), (
        f"{page}: {len(few)} statements with 3 applications, {len(many)} with 30 (N+1?)\n"
        f"with 3:\n{listing(few)}\nwith 30:\n{listing(many)}"
    )
