"""Statement budget of the jury member's session page (the papers: every agenda item with its
application, cost and financing plan, findings and released files), and no N+1 as items are added.

Counted as in tests/web/test_statement_budgets.py: one warm request, transaction control not
counted. The issue's targets name no figure for this page. Measured when this test was written
(2026-12-04): 66 statements with 2 agenda items, 204 with 8, i.e. 23 per item: each item loaded its
application again with the actor's roles and visibility checks (about 3 times), its review items,
cost items, attachments, messages, the budget year and the guards' ledger sums.

Since the page's read model (`fondsengine.jury.papers_read.session_page`, 2026-12-04) reads the
agenda, the papers of all items, the notes and the guideline in one read session with batched
queries (`IN (...)` over the agenda), the page takes 24 statements with 2 items and 24 with 8: 8 for
the user and `session_info`, 15 for the read model, 1 after it (the funds statement that ended the
page before too). The test holds both: the ceiling as measured, and no statement more per
further item.
"""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import event

from fondsengine.applications import decisions
from tests.integration.test_jury_support import reviewed
from tests.support.factories import person
from tests.web.builders import World
from tests.web.conftest import login
from tests.web.test_jury_support import build_jury
from tests.web.test_statement_budgets import TRANSACTION_CONTROL, listing

CEILING = 24  # statements with 2 agenda items, measured 2026-12-04 with the read model (66 before)
PER_ITEM = 0  # statements each further agenda item adds (23 before the read model)


def _statements(world: World, client: FlaskClient, url: str) -> list[str]:
    assert client.get(url).status_code == 200
    seen: list[str] = []

    def on_execute(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            seen.append(statement)

    event.listen(world.fonds.db.engine, "before_cursor_execute", on_execute)
    try:
        response = client.get(url)
    finally:
        event.remove(world.fonds.db.engine, "before_cursor_execute", on_execute)
    assert response.status_code == 200
    return seen


def test_the_jury_papers_stay_within_their_measured_budget_per_agenda_item(world: World, tmp_path: Path) -> None:
    j = build_jury(world, tmp_path)
    ida = world.app.test_client()
    login(ida, "ida@example.org")
    url = f"/jury/sitzungen/{j.session_id}"
    few = _statements(world, ida, url)
    for n in range(6):
        applicant = person(world.fonds, f"Nachbarin {n + 1}", f"nachbarin{n + 1}@example.org")  # one cap each
        app_id = reviewed(world.fonds, j.cast, applicant, title=f"Weiteres Projekt {n + 1}")
        decisions.schedule(world.fonds, j.office, app_id, j.session_id)
    many = _statements(world, ida, url)
    page = ida.get(url).get_data(as_text=True)

    assert "Weiteres Projekt 6" in page and "Projekt 1" in page  # the papers show the new items
    assert len(few) <= CEILING, f"{len(few)} statements, budget {CEILING}:\n{listing(few)}"
    grown = (len(many) - len(few)) / 6
    assert grown <= PER_ITEM, f"{len(few)} with 2 items, {len(many)} with 8 ({grown:.1f} per item):\n{listing(many)}"
