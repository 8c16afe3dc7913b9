"""The one action page of the office's steps: its fields and their words come from the workflow file
(the transition's `asks`, `reason_label`, `reason_hint` ...), the step's use case from its `use_case`."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.workflow.loader import load_workflow
from fondsengine.workflow.use_cases import office_step
from tests.web.builders import World, draft_for
from tests.web.conftest import login

STEPS = {
    t.trigger: t
    for t in load_workflow(Path(__file__).resolve().parents[2] / "workflows" / "bewohnerfonds.yaml").transitions
}


def _in_review(world: World) -> int:
    app_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), app_id)
    decisions.start_review(world.fonds, Actor(world.office), app_id)
    return app_id


def test_the_page_labels_the_reason_in_the_words_the_workflow_declares(world: World, client: FlaskClient) -> None:
    step = STEPS["request_changes"]
    assert step.reason_label and step.reason_hint and step.reason_required
    app_id = _in_review(world)
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}/aktion/request_changes").get_data(as_text=True)
    assert re.search(rf'<label for="f-reason">{re.escape(step.reason_label)} <span class="req">', page)
    assert f'<p class="hint" id="h-reason">{step.reason_hint}</p>' in page
    assert re.search(r'<textarea id="f-reason" name="reason" rows="4" aria-describedby="h-reason" required>', page)
    refused = client.post(f"/verwaltung/antraege/{app_id}/aktion/request_changes", data={"reason": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and step.reason_required in text
    assert 'href="#f-reason"' in text  # the error summary leads to the field


def test_a_step_without_words_of_its_own_gets_the_general_label(world: World, client: FlaskClient) -> None:
    assert STEPS["decide_reject"].reason_label is None
    app_id = _in_review(world)
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}/aktion/decide_reject").get_data(as_text=True)
    assert re.search(r'<label for="f-reason">Begründung <span class="req">', page)


def test_only_steps_with_a_declared_use_case_are_taken_on_the_office_pages(world: World, client: FlaskClient) -> None:
    assert STEPS["submit_proof"].use_case == "submit_proof" and not office_step(STEPS["submit_proof"].use_case)
    assert office_step(STEPS["request_changes"].use_case)
    app_id = _in_review(world)
    login(client, "buero@example.org")
    assert client.get(f"/verwaltung/antraege/{app_id}/aktion/submit_proof").status_code == 404
    # a step that asks for something is not taken with one button
    one_button = client.post(f"/verwaltung/antraege/{app_id}/schritt", data={"trigger": "request_changes"})
    assert one_button.status_code == 404
