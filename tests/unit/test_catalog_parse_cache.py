"""The catalog parses a stored guideline or workflow text once per process: the second load of the
same text (another engine's catalog, e.g. the next test's) does not parse again, gives an equal
result that no caller can change for another, and an invalid text fails each time with its message."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fondsengine.funds import catalog
from fondsengine.guidelines.loader import GuidelineError, load_guideline_text
from fondsengine.guidelines.model import LetterText
from fondsengine.workflow.loader import WorkflowError, load_workflow_text

ROOT = Path(__file__).resolve().parents[2]
GUIDELINE = ROOT / "richtlinien" / "witten-quartiersfonds.yaml"
WORKFLOW = ROOT / "workflows" / "bewohnerfonds.yaml"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How often the loaders really parse, on emptied caches (emptied again afterwards)."""
    counts = {"guideline": 0, "workflow": 0}

    def counting(kind: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def parse(*args: Any, **kwargs: Any) -> Any:
            counts[kind] += 1
            return real(*args, **kwargs)

        return parse

    monkeypatch.setattr(catalog, "load_guideline_text", counting("guideline", load_guideline_text))
    monkeypatch.setattr(catalog, "load_workflow_text", counting("workflow", load_workflow_text))
    catalog._parsed_guideline.cache_clear()
    catalog._parsed_workflow.cache_clear()
    yield counts
    catalog._parsed_guideline.cache_clear()
    catalog._parsed_workflow.cache_clear()


def test_the_second_load_of_a_guideline_text_does_not_parse_and_gives_an_equal_independent_result(
    parses: dict[str, int],
) -> None:
    text = GUIDELINE.read_text(encoding="utf-8")
    first = catalog.parse_guideline(text, source="v1", fund_id="witten-quartiersfonds")
    second = catalog.parse_guideline(text, source="v1", fund_id="witten-quartiersfonds")
    assert parses["guideline"] == 1
    assert first == second and first is not second
    assert first.letters and first.letters is not second.letters

    # a caller changing its guideline changes nobody else's
    kind = next(iter(first.letters))
    first.letters[kind] = LetterText(subject="geändert", body="geändert")
    del first.letters[next(k for k in first.letters if k != kind)]
    third = catalog.parse_guideline(text, source="v1", fund_id="witten-quartiersfonds")
    assert second.letters[kind].subject != "geändert"
    assert third == second != first
    with pytest.raises(dataclasses.FrozenInstanceError):
        second.name = "anders"  # type: ignore[misc]
    assert parses["guideline"] == 1

    # another text (or the same text as another fund or source) is parsed for itself
    other = catalog.parse_guideline(
        text.replace("Dein Projektgeld", "Unser Projektgeld"), source="v1", fund_id="witten-quartiersfonds"
    )
    assert parses["guideline"] == 2 and other != second
    assert catalog.parse_guideline(text, source="v2", fund_id="witten-quartiersfonds").source == "v2"
    assert parses["guideline"] == 3


def test_the_second_load_of_a_workflow_text_does_not_parse_and_gives_an_equal_unchangeable_result(
    parses: dict[str, int],
) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    first = catalog.parse_workflow(text, source="v1", workflow_id="bewohnerfonds")
    second = catalog.parse_workflow(text, source="v1", workflow_id="bewohnerfonds")
    assert parses["workflow"] == 1
    assert first == second and first.transitions
    assert isinstance(first.states, tuple) and isinstance(first.transitions, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.label = "anders"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.transitions[0].label = "anders"  # type: ignore[misc]


def test_an_invalid_text_fails_each_time_with_its_own_message(parses: dict[str, int]) -> None:
    broken_guideline = GUIDELINE.read_text(encoding="utf-8") + "\nunbekannter_schluessel: 1\n"
    messages = []
    for _ in range(2):
        with pytest.raises(GuidelineError) as err:
            catalog.parse_guideline(broken_guideline, source="kaputt.yaml", fund_id="witten-quartiersfonds")
        messages.append(str(err.value))
    assert parses["guideline"] == 2
    assert messages[0] == messages[1] and "kaputt.yaml" in messages[0]

    for _ in range(2):
        with pytest.raises(WorkflowError, match="leer"):
            catalog.parse_workflow("", source="leer.yaml", workflow_id="bewohnerfonds")
    assert parses["workflow"] == 2
