"""Paragraph styles and table builders shared by letters and reports."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    ListFlowable,
    ListItem,
    Paragraph,
    Table,
    TableStyle,
)

from fondsengine.letters.fmt import markup
from fondsengine.letters.fonts import BOLD, REGULAR, register_fonts

register_fonts()

GREY = colors.Color(0.35, 0.35, 0.35)
LIGHT = colors.Color(0.92, 0.92, 0.92)
RULE = colors.Color(0.6, 0.6, 0.6)

BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=14, spaceAfter=6)
SUBJECT = ParagraphStyle("subject", fontName=BOLD, fontSize=11, leading=15, spaceAfter=12)
HEADING = ParagraphStyle(
    "heading", fontName=BOLD, fontSize=10, leading=14, spaceBefore=8, spaceAfter=4, keepWithNext=1
)
HEADING_LOOSE = ParagraphStyle("heading_loose", parent=HEADING, keepWithNext=0)
TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4)
SMALL = ParagraphStyle("small", fontName=REGULAR, fontSize=8, leading=10, textColor=GREY)
CELL = ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11)
CELL_BOLD = ParagraphStyle("cell_bold", parent=CELL, fontName=BOLD)
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=TA_RIGHT)
BOXED = ParagraphStyle(
    "boxed",
    parent=BODY,
    fontName=BOLD,
    borderColor=RULE,
    borderWidth=0.6,
    borderPadding=6,
    spaceBefore=6,
    spaceAfter=10,
)


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text: markup characters print exactly as typed."""
    return Paragraph(markup(text), style)


def paragraphs(text: str, style: ParagraphStyle = BODY) -> list[Flowable]:
    """Plain text split into paragraphs at blank lines."""
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return [para(p, style) for p in parts if p]


def heading(text: str) -> Paragraph:
    """A bold section heading that stays with what follows."""
    return para(text, HEADING)


def long_heading(text: str) -> list[Flowable]:
    """A heading before a long, page-spanning table: a new page only when little room is left."""
    return [CondPageBreak(45 * mm), para(text, HEADING_LOOSE)]


def bullets(items: Sequence[str], style: ParagraphStyle = BODY) -> ListFlowable:
    """A bullet list of plain-text items."""
    return ListFlowable(
        [ListItem(para(item, style), leftIndent=12) for item in items],
        bulletType="bullet",
        start="•",
        bulletFontName=REGULAR,
        leftIndent=12,
        bulletFontSize=9,
    )


def _base_style(header: bool) -> list[tuple[object, ...]]:
    style: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LEADING", (0, 0), (-1, -1), 11),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, GREY),
        ]
    return style


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    right: Collection[int] = (),
    wrap: Collection[int] = (),
    total: bool = False,
) -> Table:
    """A table with a repeated header row; `wrap` columns wrap text, `right` columns align right."""
    body: list[list[object]] = [list(header)]
    for row in rows:
        cells: list[object] = []
        for i, value in enumerate(row):
            if i in wrap:
                cells.append(para(value, CELL_RIGHT if i in right else CELL))
            else:
                cells.append(value.replace("\n", " "))
        body.append(cells)
    style = _base_style(header=True)
    for col in right:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    if total and rows:
        style += [
            ("FONTNAME", (0, -1), (-1, -1), BOLD),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, GREY),
        ]
    table = Table(body, colWidths=list(widths), repeatRows=1, hAlign="LEFT", spaceAfter=6)
    table.setStyle(TableStyle(style))
    return table


def amount_table(
    rows: Sequence[tuple[str, str]], *, bold_last: bool = False, width: float = 120 * mm
) -> Table:
    """A two-column label/amount table (labels wrap, amounts align right)."""
    body = [[para(label, CELL), value] for label, value in rows]
    style = _base_style(header=False)
    style.append(("ALIGN", (1, 0), (1, -1), "RIGHT"))
    if bold_last and rows:
        style += [("FONTNAME", (1, -1), (1, -1), BOLD), ("LINEABOVE", (0, -1), (-1, -1), 0.8, GREY)]
        body[-1][0] = para(rows[-1][0], CELL_BOLD)
    table = Table(body, colWidths=[width - 35 * mm, 35 * mm], hAlign="LEFT", spaceAfter=6)
    table.setStyle(TableStyle(style))
    return table


def info_table(rows: Sequence[tuple[str, str]], *, width: float = 150 * mm) -> Table:
    """A two-column label/value table for facts; both columns left-aligned, values wrap."""
    body = [[para(label, CELL), para(value, CELL)] for label, value in rows]
    table = Table(body, colWidths=[55 * mm, width - 55 * mm], hAlign="LEFT", spaceAfter=6)
    table.setStyle(TableStyle(_base_style(header=False)))
    return table
