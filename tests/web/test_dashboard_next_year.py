"""The dashboard in December: the current budget year's figures and, below them, the next year's block
(allocated, applied with its count, approved, committed, free) from the same figure definitions; the
next year's applications are in the one to-do list too."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask.testing import FlaskClient

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.reports.figures import read_year
from tests.web.builders import QF, World, draft_for
from tests.web.conftest import login
from webapp.filters import euro


def _next_block(html: str) -> dict[str, str]:
    block = html.split('id="next-year-figures"', 1)[1].split("</dl>", 1)[0]
    return dict(re.findall(r'data-next-figure="(\w+)">([^<]*)<', block))


def test_in_december_the_dashboard_shows_the_next_budget_year_and_its_waiting_applications(
    world: World, client: FlaskClient
) -> None:
    world.clock.set(datetime(2026, 12, 2, 9, tzinfo=UTC))
    next_year = draft_for(
        world, world.bert, title="Frühlingsfest 2027", requested_cents=70_000, own_funds_cents=10_000,
        project_start=date(2027, 4, 10), project_end=date(2027, 6, 30),
    )  # fmt: skip
    apps.submit(world.fonds, Actor(world.bert), next_year)
    login(client, "buero@example.org")

    # with next year's applications waiting the dashboard opens 2027 (tests/web/test_manage_dashboard.py);
    # the ending year, asked for, shows the next year's block below its own figures
    html = client.get(f"/verwaltung/?fonds={QF}&jahr=2026").get_data(as_text=True)

    assert "Haushaltsjahr 2026</h1>" in html and "Haushaltsjahr 2027</h2>" in html
    want = read_year(world.fonds, QF, 2027)
    shown = _next_block(html)
    assert shown == {
        "allocated": euro(want.allocated),
        "applied": euro(want.applied),
        "approved": euro(want.approved),
        "committed": euro(want.committed),
        "free": euro(want.free),
    }
    assert shown["applied"] == euro(70_000) and want.applied_count == 1
    assert "Beantragt (1 Antrag)" in html
    assert "Formale Prüfung (1)" in html and "Frühlingsfest 2027 · 2027" in html  # not "0 waiting"
    assert f'href="/verwaltung/?fonds={QF}&amp;jahr=2027"' in html

    last = client.get(f"/verwaltung/?fonds={QF}&jahr=2027").get_data(as_text=True)
    assert 'id="next-year-figures"' not in last  # the guideline has no budget for 2028
