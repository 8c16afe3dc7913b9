"""Every broken guideline file in tests/corpus/guidelines gives exactly its expected problems."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fondsengine.guidelines.loader import GuidelineError, load_guideline

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "guidelines"
EXPECTED: dict[str, list[str]] = yaml.safe_load((CORPUS / "expected.yaml").read_text("utf-8"))
WORKFLOWS = {"bewohnerfonds", "zweistufig"}


def test_the_corpus_has_at_least_ten_broken_files_and_each_has_expectations() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.yaml") if p.name != "expected.yaml")
    assert len(files) >= 10
    assert files == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_guideline_reports_exactly_the_expected_lines_and_messages(name: str) -> None:
    path = CORPUS / name
    with pytest.raises(GuidelineError) as caught:
        load_guideline(path, known_workflows=WORKFLOWS)
    got = [f"{p.line}: {p.message}" for p in caught.value.problems]
    expected = EXPECTED[name]
    assert len(got) == len(expected), got
    for want, have in zip(expected, got, strict=True):
        line, _, text = want.partition(": ")
        assert have.startswith(f"{line}: "), (want, have)
        assert text in have, (want, have)
    assert all(p.file == str(path) for p in caught.value.problems)


def test_a_problem_formats_as_file_line_message() -> None:
    with pytest.raises(GuidelineError) as caught:
        load_guideline(CORPUS / "share_above_100.yaml")
    assert caught.value.problems[0].format() == (
        f"{CORPUS / 'share_above_100.yaml'}:85: "
        "'max_share_percent' muss zwischen 0 und 100 liegen, gefunden: 150"
    )
