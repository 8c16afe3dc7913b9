"""Charts of the annual report (reportlab graphics): budget use over the year, money by category."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from fondsengine.letters.fonts import BOLD, REGULAR, register_fonts
from fondsengine.reports.model import CategoryRow, MonthlyUse

register_fonts()

MONTHS = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")
COMMITTED = colors.Color(0.12, 0.38, 0.62)
PAID = colors.Color(0.20, 0.60, 0.35)
ALLOCATED = colors.Color(0.6, 0.6, 0.6)


def euro_axis(value: float) -> str:
    """Axis label in whole euros, German grouping: 12.000 €."""
    return f"{round(value):,} €".replace(",", ".")


def cumulative(monthly: Sequence[MonthlyUse]) -> tuple[list[float], list[float]]:
    """Running totals (in euros) of committed and paid money at the end of each month."""
    committed = dict.fromkeys(range(1, 13), 0)
    paid = dict.fromkeys(range(1, 13), 0)
    for m in monthly:
        committed[m.month] += m.committed_cents
        paid[m.month] += m.paid_cents
    run_c, run_p = 0, 0
    out_c: list[float] = []
    out_p: list[float] = []
    for month in range(1, 13):
        run_c += committed[month]
        run_p += paid[month]
        out_c.append(run_c / 100)
        out_p.append(run_p / 100)
    return out_c, out_p


def _title(drawing: Drawing, text: str, y: float) -> None:
    drawing.add(String(0, y, text, fontName=BOLD, fontSize=10))


def budget_chart(monthly: Sequence[MonthlyUse], allocated_cents: int, width: float) -> Drawing:
    """Line chart: cumulative committed and paid money by month against the yearly pot."""
    height = 210.0
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR  # the renderer starts from this font; its default, Helvetica, is not embedded
    _title(drawing, "Mittelverwendung im Jahresverlauf (kumuliert)", height - 12)
    committed, paid = cumulative(monthly)
    chart = HorizontalLineChart()
    chart.x, chart.y = 55, 45
    chart.width, chart.height = width - 70, height - 80
    chart.data = [committed, paid, [allocated_cents / 100] * 12]
    chart.categoryAxis.categoryNames = list(MONTHS)
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([allocated_cents / 100, *committed, *paid, 1.0]) * 1.1
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = euro_axis
    for i, colour in enumerate((COMMITTED, PAID, ALLOCATED)):
        chart.lines[i].strokeColor = colour
        chart.lines[i].strokeWidth = 1.8 if i < 2 else 1
    chart.lines[2].strokeDashArray = (4, 3)
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 55, 18
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = REGULAR
    legend.fontSize = 8
    legend.deltax = 150
    legend.colorNamePairs = [(COMMITTED, "gebunden"), (PAID, "ausgezahlt"), (ALLOCATED, "Budget")]
    drawing.add(legend)
    return drawing


def category_chart(rows: Sequence[CategoryRow], width: float) -> Drawing:
    """Horizontal bars: approved and paid money per cost category."""
    bar_rows = list(rows) or [CategoryRow("keine Daten", 0, 0, 0)]
    height = 70.0 + 26 * len(bar_rows)
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR  # the renderer starts from this font; its default, Helvetica, is not embedded
    _title(drawing, "Bewilligte und ausgezahlte Mittel nach Kostenart", height - 12)
    chart = HorizontalBarChart()
    chart.x, chart.y = 130, 40
    chart.width, chart.height = width - 150, height - 70
    chart.data = [
        [r.approved_cents / 100 for r in bar_rows],
        [r.paid_cents / 100 for r in bar_rows],
    ]
    chart.categoryAxis.categoryNames = [r.label for r in bar_rows]
    chart.categoryAxis.reverseDirection = True
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = euro_axis
    chart.bars[0].fillColor = COMMITTED
    chart.bars[1].fillColor = PAID
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 130, 14
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = REGULAR
    legend.fontSize = 8
    legend.deltax = 150
    legend.colorNamePairs = [(COMMITTED, "bewilligt"), (PAID, "ausgezahlt")]
    drawing.add(legend)
    return drawing
