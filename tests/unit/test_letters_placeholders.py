"""A letter is never produced with an empty placeholder ("Die Jury berät in ihrer Sitzung am .")."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from fondsengine.errors import LetterIncomplete
from fondsengine.guidelines.model import LetterText
from fondsengine.letters import ChangesData, ReceiptData, render_letter
from fondsengine.letters.samples import sample_context
from fondsengine.letters.template import empty_placeholders
from tests.unit.test_letters_render import flat, pdf_text

RECEIPT_TEXT = LetterText(
    subject="Eingangsbestätigung „{title}“",
    body="vielen Dank. Die Jury berät in ihrer Sitzung am {session_date}.",
)
CHANGES_TEXT = LetterText(subject="Bitte ergänzen Sie „{title}“", body="{reasons}\n\nBitte bis zum {due_date}.")


def test_a_receipt_whose_session_is_unknown_is_refused_naming_the_placeholder() -> None:
    ctx = dataclasses.replace(sample_context(), letter_texts={"receipt": RECEIPT_TEXT})
    data = ReceiptData(submitted_on=date(2026, 3, 2), requested_cents=180_000, session_date=None)
    with pytest.raises(LetterIncomplete, match=r"\{session_date\}"):
        render_letter("receipt", ctx, data)


def test_a_receipt_with_its_session_states_the_date() -> None:
    ctx = dataclasses.replace(sample_context(), letter_texts={"receipt": RECEIPT_TEXT})
    data = ReceiptData(submitted_on=date(2026, 3, 2), requested_cents=180_000, session_date=date(2026, 3, 25))
    assert "in ihrer Sitzung am 25.03.2026." in flat(pdf_text(render_letter("receipt", ctx, data)))


def test_a_request_for_changes_without_a_date_to_answer_by_is_refused() -> None:
    ctx = dataclasses.replace(sample_context(), letter_texts={"changes": CHANGES_TEXT})
    with pytest.raises(LetterIncomplete, match=r"\{due_date\}"):
        render_letter("changes", ctx, ChangesData(items=(), respond_by=None))


def test_only_a_list_placeholder_may_stay_empty() -> None:
    text = "Auflagen:\n{conditions}\nBis zum {proof_due} bei {office_phone}."
    assert empty_placeholders(text, {"conditions": "", "proof_due": " ", "office_phone": ""}) == [
        "proof_due",
        "office_phone",
    ]
    assert empty_placeholders(text, {"conditions": "", "proof_due": "31.01.2027", "office_phone": "0230 1"}) == []
