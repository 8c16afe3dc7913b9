"""A letter as plain, structured content for an accessible HTML page (same content as its PDF).

The page is not a second way of writing a letter: it walks the very story the PDF is laid out
from (compose.letter_story) and the same letterhead, address and info block (pages.py), and
turns each paragraph, heading, table and list into a block the web template renders as HTML.
No Flask here; the webapp only renders the blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import unescape

from reportlab.platypus import Flowable, KeepTogether, ListFlowable, Paragraph, Table

from fondsengine.letters.compose import letter_story
from fondsengine.letters.fmt import keep_together
from fondsengine.letters.model import LetterContext
from fondsengine.letters.pages import footer_lines, info_rows, letterhead_lines, recipient_lines, sender_parts
from fondsengine.letters.registry import letter_kind

# paragraph style name -> block kind (styles.py names them)
_STYLE_KINDS = {
    "subject": "subject",
    "heading": "heading",
    "heading_loose": "heading",
    "title": "heading",
    "small": "small",
    "boxed": "boxed",
}


@dataclass(frozen=True)
class Block:
    """One part of a letter's body: a paragraph, heading, table or list, as plain text."""

    kind: str  # subject, heading, text, small, boxed, table, list
    text: str = ""  # paragraphs and headings; may contain newlines
    header: tuple[str, ...] = ()  # a table's column headings (empty: a label/value table)
    rows: tuple[tuple[str, ...], ...] = ()  # table rows, or list items as one-cell rows
    ordered: bool = False  # a numbered list (1., 2., ...) rather than bullets
    caption: str = ""  # a table's name for screen readers: the heading above it


@dataclass(frozen=True)
class LetterPage:
    """Everything a letter says, in reading order: letterhead, sender, addressee, info, body, footer."""

    kind: str
    label: str  # German name of the letter kind
    issuer: str
    issuer_line: str  # the fund with the city, or the office managing it
    sender: str
    addressee: tuple[str, ...]
    info: tuple[tuple[str, str], ...]  # (label, value): file numbers, date, contact
    subject: str
    blocks: tuple[Block, ...]
    footer: tuple[str, ...]

    def text(self) -> str:
        """All the page's words as plain text (for comparing with the PDF)."""
        parts = [self.issuer, self.issuer_line, self.sender, *self.addressee]
        parts += [f"{label} {value}" for label, value in self.info]
        for b in self.blocks:
            parts += [b.text, *b.header, *(cell for row in b.rows for cell in row)]
        return "\n".join([*parts, *self.footer])


def _plain(markup_text: str) -> str:
    """Paragraph markup (escaped text with <br/>) back to the plain text that was typed."""
    return unescape(markup_text.replace("<br/>", "\n"))


def _whole(text: str) -> str:
    """Amounts and clauses kept whole on a narrow screen too (the PDF's table cells never wrap)."""
    return keep_together(text)


def _cell(value: Any) -> str:
    if isinstance(value, Paragraph):
        return _plain(value.text)
    if isinstance(value, (list, tuple)):
        return "\n".join(_cell(v) for v in value)
    return _whole(str(value)) if value is not None else ""


def _blocks(story: Iterable[Flowable]) -> Iterator[Block]:
    for f in story:
        if isinstance(f, Paragraph):
            yield Block(_STYLE_KINDS.get(f.style.name, "text"), text=_plain(f.text))
        elif isinstance(f, KeepTogether):
            yield from _blocks(f._content)
        elif isinstance(f, ListFlowable):
            items = [_cell(getattr(item, "_flowables", item)) for item in f._flowables]
            yield Block("list", rows=tuple((i,) for i in items), ordered=f._bulletType == "1")
        elif isinstance(f, Table):
            rows = [tuple(_cell(c) for c in row) for row in f._cellvalues]
            if f.repeatRows and rows:
                yield Block("table", header=rows[0], rows=tuple(rows[1:]))
            else:
                yield Block("table", rows=tuple(rows))
        # spacers and page-break hints carry no content


def letter_page(kind: str, ctx: LetterContext, data: object) -> LetterPage:
    """The content of one letter for its HTML page (LetterIncomplete as for the PDF)."""
    spec = letter_kind(kind)
    subject, story = letter_story(spec, ctx, data)
    issuer, issuer_line = letterhead_lines(ctx)
    blocks: list[Block] = []
    heading = subject
    for b in _blocks(story):
        if b.kind == "subject":
            continue
        if b.kind == "heading":
            heading = b.text
        blocks.append(replace(b, caption=heading) if b.kind == "table" else b)
    return LetterPage(
        kind=kind,
        label=spec.label,
        issuer=issuer,
        issuer_line=issuer_line,
        sender=" · ".join(s for s in sender_parts(ctx) if s),
        addressee=tuple(recipient_lines(ctx)),
        info=tuple(info_rows(ctx)),
        subject=subject,
        blocks=tuple(blocks),
        footer=tuple(footer_lines(ctx)),
    )
