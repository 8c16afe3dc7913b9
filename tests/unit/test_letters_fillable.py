"""A guideline whose letter text uses a placeholder the letter can never fill is refused at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from fondsengine.guidelines.loader import GuidelineError, load_guideline, load_guideline_text
from fondsengine.letters.fillable import unfillable_placeholders

ROOT = Path(__file__).resolve().parents[2]
QF = ROOT / "richtlinien" / "witten-quartiersfonds.yaml"
CF = ROOT / "richtlinien" / "witten-cityfonds.yaml"
SESSION_SENTENCE = "Die Jury berät in ihrer Sitzung am {session_date}."


def _load(text: str) -> list[str]:
    """The problems of a changed Quartiersfonds text ([] when it loads)."""
    try:
        load_guideline_text(text, source="probe.yaml", fund_id="witten-quartiersfonds")
    except GuidelineError as exc:
        return [f"{p.line}: {p.message}" for p in exc.problems]
    return []


def _line(text: str, needle: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), start=1) if needle in row)


@pytest.mark.parametrize("path", sorted((ROOT / "richtlinien").rglob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_guideline_can_fill_every_placeholder_of_its_letters(path: Path) -> None:
    assert unfillable_placeholders(load_guideline(path)) == []


def test_the_session_date_is_fillable_with_rounds_and_refused_without_session_dates() -> None:
    text = QF.read_text(encoding="utf-8")
    assert SESSION_SENTENCE in text and _load(text) == []
    # the fund takes applications all year (no rounds): no receipt could ever name a jury session
    rounds = text[text.index("  mode: rounds\n") : text.index("  min_lead_days:")]
    no_sessions = text.replace(rounds, "  mode: open\n", 1)
    problems = _load(no_sessions)
    body = _line(no_sessions, SESSION_SENTENCE) - 2  # the 'body:' key of the receipt text
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{body}: Der Platzhalter {{session_date}} in dem Brief 'receipt'")
    assert "immer leer" in problems[0]


def test_the_office_phone_needs_a_phone_number_in_the_office_section() -> None:
    text = QF.read_text(encoding="utf-8").replace(
        "Wir prüfen ihn jetzt auf Vollständigkeit.", "Fragen beantworten wir unter {office_phone}.", 1
    )
    assert _load(text) == []
    without_phone = text.replace('  phone: "02302 000000"', "  # kein Telefon", 1)
    problems = _load(without_phone)
    assert len(problems) == 1 and "Der Platzhalter {office_phone} in dem Brief 'receipt'" in problems[0], problems


def test_a_placeholder_the_letter_never_knows_is_refused_whatever_the_guideline_says() -> None:
    # the proof-of-use result states no refund deadline (the refund letter does): {refund_due} stays empty
    text = QF.read_text(encoding="utf-8")
    body = 'body: "wir haben Ihren Verwendungsnachweis geprüft: {result}"'
    assert body in text
    changed = text.replace(body, body[:-1] + ' Bitte zahlen Sie bis zum {refund_due} zurück."', 1)
    problems = _load(changed)
    assert len(problems) == 1 and "{refund_due} in dem Brief 'proof_result'" in problems[0], problems


def test_a_remedy_text_is_probed_too() -> None:
    text = CF.read_text(encoding="utf-8")
    anchor = "Gegen diesen Bescheid kann innerhalb eines Monats"
    assert anchor in text
    changed = text.replace(anchor, "Ansprechperson: {contact_person}. " + anchor, 1)
    try:
        load_guideline_text(changed, source="probe.yaml", fund_id="witten-cityfonds")
    except GuidelineError as exc:
        messages = [(p.line, p.message) for p in exc.problems]
    else:
        messages = []
    remedy_line = _line(changed, "  remedy: >-")
    assert len(messages) == 1, messages
    assert messages[0][0] == remedy_line
    assert messages[0][1].startswith(
        "Der Platzhalter {contact_person} in der Rechtsbehelfsbelehrung (Briefe 'approval', 'rejection'"
    )


def test_the_request_for_changes_gives_the_guidelines_time_to_answer() -> None:
    from datetime import date

    from fondsengine.letters import ChangesData
    from fondsengine.letters.snapshot import letter_data

    text = QF.read_text(encoding="utf-8")
    assert "  changes_response_days: 14" in text
    on = date(2026, 3, 2)
    for days in (14, 21):
        g = load_guideline_text(
            text.replace("  changes_response_days: 14", f"  changes_response_days: {days}", 1),
            source="probe.yaml",
            fund_id="witten-quartiersfonds",
        )
        data = letter_data("changes", {"reason": "Kostenplan fehlt"}, g, on)
        assert isinstance(data, ChangesData) and data.respond_by == date(2026, 3, 2 + days)
    problems = _load(text.replace("  changes_response_days: 14", "  changes_response_days: 0", 1))
    assert len(problems) == 1 and "changes_response_days" in problems[0]
