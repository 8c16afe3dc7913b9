"""Each letter kind as an HTML page says what its PDF says: the same words, read back with pdftotext."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from fondsengine.letters import LETTER_KINDS, render_letter
from fondsengine.letters.html import letter_page
from fondsengine.letters.samples import sample_context, sample_letter_data
from tests.unit.test_letters_render import pdf_text

# what the PDF prints besides the letter's content: page numbers
PAGE_WORDS = {"Seite", "von"}


def _words(text: str) -> Counter[str]:
    return Counter(w for w in re.split(r"\s+", text.replace("\xa0", " ")) if w)


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_the_html_page_has_exactly_the_words_of_the_pdf(kind: str) -> None:
    ctx, data = sample_context(), sample_letter_data()[kind]
    page = letter_page(kind, ctx, data)
    pdf_words = _words(pdf_text(render_letter(kind, ctx, data)))
    page_words = _words(page.subject + "\n" + page.text())
    for block in page.blocks:  # list markers: the page's <ul>/<ol> draws them
        if block.kind == "list":
            markers = [f"{i}." for i in range(1, len(block.rows) + 1)] if block.ordered else ["•"]
            page_words.update(markers)
    for word in PAGE_WORDS:
        pdf_words.pop(word, None)
        page_words.pop(word, None)
    pdf_words = Counter({w: n for w, n in pdf_words.items() if not w.isdigit()})  # "1 von 2"
    page_words = Counter({w: n for w, n in page_words.items() if not w.isdigit()})
    # pdftotext may split a word that the layout hyphenates or join table cells; compare as sets
    assert set(pdf_words) - set(page_words) == set(), "in the PDF only"
    assert set(page_words) - set(pdf_words) == set(), "on the page only"


def test_the_page_keeps_the_structure_headings_tables_and_the_remedy() -> None:
    page = letter_page("approval", sample_context(), sample_letter_data()["approval"])
    kinds = [b.kind for b in page.blocks]
    assert "heading" in kinds and "table" in kinds
    headings = [b.text for b in page.blocks if b.kind == "heading"]
    assert "Rechtsbehelfsbelehrung" in headings
    assert page.addressee[0] == "Jürgen Müßig" and page.info[0][0] == "Aktenzeichen"
    costs = next(b for b in page.blocks if b.kind == "table" and b.header)
    assert costs.header and all(len(row) == len(costs.header) for row in costs.rows)
    assert any("\xa0€" in cell for row in costs.rows for cell in row)  # amounts stay whole on the page too
