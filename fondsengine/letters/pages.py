"""Page layout: a DIN 5008-like letter (form B) and a report page, both with 'Seite x von y'."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageTemplate

from fondsengine.guidelines.model import Office
from fondsengine.letters.fmt import format_date, plain
from fondsengine.letters.fonts import BOLD, REGULAR, register_fonts
from fondsengine.letters.model import LetterContext
from fondsengine.letters.styles import GREY, RULE

register_fonts()

PAGE_W, PAGE_H = A4
LEFT = 25 * mm  # DIN 5008 left margin
RIGHT = 20 * mm
BOTTOM = 26 * mm
INFO_X = 125 * mm
TEXT_W = PAGE_W - LEFT - RIGHT


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """A canvas that holds back its pages until the end, then writes 'Seite x von y' on each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # the canvas's own start font is Helvetica, which is not embedded: start with DejaVu instead,
        # so every font the PDF names is embedded (tests/unit/test_letters_render.py, pdffonts)
        kwargs["initialFontName"] = kwargs.get("initialFontName") or REGULAR
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        """Keep the finished page; it is written out in save()."""
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Write every held page with its number, then the file."""
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            width = self._pagesize[0]
            self.setFont(REGULAR, 8)
            self.setFillColor(GREY)
            self.drawRightString(width - RIGHT, 12 * mm, f"Seite {number} von {total}")
            Canvas.showPage(self)
        Canvas.save(self)


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> float:
    """Shrink the font size until the text fits the width (down to 6 pt)."""
    while size > 6 and stringWidth(text, font, size) > width:
        size -= 0.5
    canvas.setFont(font, size)
    return size


def _address(office: Office) -> list[str]:
    """Address lines without a line that only repeats the office name."""
    return [line for line in office.address if line and line not in office.name]


def footer_lines(ctx: LetterContext) -> list[str]:
    """The footer: the office with its address, then its contact lines."""
    office = ctx.office
    first = " · ".join(plain(s) for s in (office.name, *_address(office)) if s)
    contact = [f"E-Mail {office.email}"]
    if office.phone:
        contact.insert(0, f"Telefon {office.phone}")
    if office.website:
        contact.append(office.website)
    return [first, plain(" · ".join(contact))]


def _draw_footer(canvas: Canvas, ctx: LetterContext) -> None:
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(LEFT, 19 * mm, PAGE_W - RIGHT, 19 * mm)
    canvas.setFillColor(GREY)
    y = 15.5 * mm
    for line in footer_lines(ctx):
        _fit(canvas, line, REGULAR, 7, TEXT_W - 28 * mm)
        canvas.drawString(LEFT, y, line)
        y -= 3.5 * mm


def _draw_marks(canvas: Canvas) -> None:
    """Fold marks (105 mm, 210 mm) and the punch mark (148.5 mm) of DIN 5008 form B."""
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    for top, length in ((105 * mm, 5 * mm), (210 * mm, 5 * mm), (148.5 * mm, 7 * mm)):
        canvas.line(4 * mm, PAGE_H - top, 4 * mm + length, PAGE_H - top)


def sender_parts(ctx: LetterContext) -> list[str]:
    """Name and address of who issues the letter (the issuer of the guideline, else the office)."""
    if ctx.issuance is not None:
        issuer = ctx.issuance.issuer
        return [issuer.name, *(line for line in issuer.address if line and line not in issuer.name)]
    return [ctx.office.name, *_address(ctx.office)]


def letterhead_lines(ctx: LetterContext) -> tuple[str, str]:
    """The letterhead: who issues the letter, and the fund with the city or the office below it."""
    office = ctx.office
    sub = ctx.fund_name if not office.city_name else f"{ctx.fund_name} · {office.city_name}"
    if ctx.issuance is not None and ctx.issuance.issuer.name != office.name:
        sub = f"{ctx.fund_name} · Geschäftsführung: {office.name}"
    return plain(ctx.issuer_name), plain(sub)


def recipient_lines(ctx: LetterContext) -> list[str]:
    """The address window: the addressee as legal entity, then the postal address."""
    return [plain(line) for line in (*(ctx.addressee or (ctx.recipient_name,)), *ctx.recipient_address)[:6]]


def _draw_letterhead(canvas: Canvas, ctx: LetterContext) -> None:
    top = PAGE_H
    text_right = PAGE_W - RIGHT
    if ctx.logo_path is not None and ctx.logo_path.is_file():
        canvas.drawImage(
            str(ctx.logo_path),
            PAGE_W - RIGHT - 45 * mm,
            top - 35 * mm,
            width=45 * mm,
            height=22 * mm,
            preserveAspectRatio=True,
            anchor="ne",
            mask="auto",
        )
        text_right = PAGE_W - RIGHT - 50 * mm
    canvas.setFillColorRGB(0, 0, 0)
    name, sub = letterhead_lines(ctx)
    _fit(canvas, name, BOLD, 15, text_right - LEFT)
    canvas.drawString(LEFT, top - 22 * mm, name)
    canvas.setFillColor(GREY)
    _fit(canvas, sub, REGULAR, 9.5, text_right - LEFT)
    canvas.drawString(LEFT, top - 28 * mm, sub)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(LEFT, top - 38 * mm, PAGE_W - RIGHT, top - 38 * mm)


def _draw_address(canvas: Canvas, ctx: LetterContext) -> None:
    sender = plain(" · ".join(s for s in sender_parts(ctx) if s))
    size = _fit(canvas, sender, REGULAR, 7, 80 * mm)
    canvas.setFillColor(GREY)
    y = PAGE_H - 58 * mm
    canvas.drawString(LEFT, y, sender)
    canvas.setLineWidth(0.3)
    canvas.line(LEFT, y - 1.2, LEFT + stringWidth(sender, REGULAR, size), y - 1.2)
    canvas.setFillColorRGB(0, 0, 0)
    y = PAGE_H - 65 * mm
    for text in recipient_lines(ctx):
        _fit(canvas, text, REGULAR, 10, 80 * mm)
        canvas.drawString(LEFT, y, text)
        y -= 4.23 * mm


def info_rows(ctx: LetterContext) -> list[tuple[str, str]]:
    """The info block beside the address: file numbers, date, contact."""
    rows = [("Aktenzeichen", ctx.file_number), ("Datum", format_date(ctx.date))]
    if ctx.authority_file_number:
        rows = [
            ("Aktenzeichen", ctx.authority_file_number),
            ("Antragsnummer", ctx.file_number),
            ("Datum", format_date(ctx.date)),
        ]
    if ctx.contact_person:
        rows.append(("Kontakt", ctx.contact_person))
    phone = ctx.contact_phone or ctx.office.phone
    if phone:
        rows.append(("Telefon", phone))
    rows.append(("E-Mail", ctx.contact_email or ctx.office.email))
    return rows


def _draw_info_block(canvas: Canvas, ctx: LetterContext) -> None:
    y = PAGE_H - 52 * mm
    value_x = INFO_X + 24 * mm
    for label, value in info_rows(ctx):
        canvas.setFillColor(GREY)
        canvas.setFont(REGULAR, 8)
        canvas.drawString(INFO_X, y, label)
        canvas.setFillColorRGB(0, 0, 0)
        text = plain(value)
        _fit(canvas, text, REGULAR, 9, PAGE_W - RIGHT - value_x)
        canvas.drawString(value_x, y, text)
        y -= 4.8 * mm


def _draw_running_head(canvas: Canvas, ctx: LetterContext) -> None:
    canvas.setFillColor(GREY)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(LEFT, PAGE_H - 14 * mm, plain(ctx.issuer_name))
    canvas.drawRightString(
        PAGE_W - RIGHT,
        PAGE_H - 14 * mm,
        plain(f"Aktenzeichen {ctx.authority_file_number or ctx.file_number} · {format_date(ctx.date)}"),
    )
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(LEFT, PAGE_H - 16 * mm, PAGE_W - RIGHT, PAGE_H - 16 * mm)


def build_letter(ctx: LetterContext, subject: str, story: Sequence[Flowable]) -> bytes:
    """Lay out a letter: letterhead, address window, info block, body, footer, page numbers."""
    buffer = io.BytesIO()

    def first_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        _draw_letterhead(canvas, ctx)
        _draw_address(canvas, ctx)
        _draw_info_block(canvas, ctx)
        _draw_marks(canvas)
        _draw_footer(canvas, ctx)
        canvas.restoreState()

    def later_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        _draw_running_head(canvas, ctx)
        _draw_marks(canvas)
        _draw_footer(canvas, ctx)
        canvas.restoreState()

    first_top = PAGE_H - 98 * mm
    first = Frame(
        LEFT,
        BOTTOM,
        TEXT_W,
        first_top - BOTTOM,
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later = Frame(
        LEFT,
        BOTTOM,
        TEXT_W,
        PAGE_H - 24 * mm - BOTTOM,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        title=plain(subject),
        author=plain(ctx.issuer_name),
        subject=f"Aktenzeichen {plain(ctx.authority_file_number or ctx.file_number)}",
        creator="fondsengine",
        lang="de-DE",
        pageTemplates=[
            PageTemplate(id="first", frames=[first], onPage=first_page),
            PageTemplate(id="later", frames=[later], onPage=later_page),
        ],
    )
    doc.build([NextPageTemplate("later"), *story], canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def build_report(
    title: str, footer: str, story: Sequence[Flowable], *, wide: bool = False
) -> bytes:
    """Lay out a report: running title on top, footer text and 'Seite x von y' on every page."""
    buffer = io.BytesIO()
    size = landscape(A4) if wide else A4
    width, height = size
    margin = 20 * mm

    def every_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(GREY)
        canvas.setFont(REGULAR, 8)
        canvas.drawString(margin, height - 12 * mm, plain(title))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(margin, height - 14 * mm, width - margin, height - 14 * mm)
        canvas.line(margin, 16 * mm, width - margin, 16 * mm)
        text = plain(footer)
        _fit(canvas, text, REGULAR, 8, width - 2 * margin - 30 * mm)
        canvas.drawString(margin, 12 * mm, text)
        canvas.restoreState()

    frame = Frame(
        margin,
        20 * mm,
        width - 2 * margin,
        height - 38 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=size,
        invariant=1,
        title=plain(title),
        creator="fondsengine",
        lang="de-DE",
        pageTemplates=[PageTemplate(id="page", frames=[frame], onPage=every_page)],
    )
    doc.build(list(story), canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def report_text_width(wide: bool = False) -> float:
    """Usable width of a report page in points."""
    width: float = (landscape(A4)[0] if wide else A4[0]) - 40 * mm
    return width
