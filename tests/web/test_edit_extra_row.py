"""`?rows=1` on the application form (read through `webapp.queries.EditQuery`): one blank cost row more,
where adding a cost row leads after saving; an empty value adds none."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.builders import World, draft_for
from tests.web.conftest import login


def _rows(client: FlaskClient, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True).count('class="cost-row')


def test_rows_1_adds_one_blank_cost_row_to_the_draft(world: World, client: FlaskClient) -> None:
    app_id = draft_for(world, world.anna)
    login(client, "anna@example.org")
    url = f"/antraege/{app_id}/bearbeiten"
    plain = _rows(client, url)
    assert plain >= 1
    assert _rows(client, f"{url}?rows=1") == plain + 1
    assert _rows(client, f"{url}?rows=") == plain
