"""The roll-up of a year's projects for the city's proof of use to the Land, as PDF and CSV."""

from __future__ import annotations

import csv
import io

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from fondsengine.letters.fmt import format_date
from fondsengine.letters.fonts import BOLD, REGULAR
from fondsengine.letters.pages import build_report, report_text_width
from fondsengine.letters.styles import (
    CELL,
    CELL_BOLD,
    GREY,
    LIGHT,
    RULE,
    SMALL,
    TITLE,
    data_table,
    heading,
    long_heading,
    para,
)
from fondsengine.money import format_euro
from fondsengine.reports.cells import csv_amount, csv_text
from fondsengine.reports.financing import LABELS
from fondsengine.reports.model import RollupData, RollupProject
from fondsengine.reports.pdf_financing import financing_section


def _project_cell(p: RollupProject) -> list[Flowable]:
    period = f"{format_date(p.start)} bis {format_date(p.end)}"
    lines = [
        para(p.title, CELL_BOLD),
        para(f"{p.applicant_name} · {p.file_number}", CELL),
        para(period, CELL),
    ]
    if p.participants is not None:
        lines.append(para(f"Teilnehmende: {p.participants}", CELL))
    return lines


def _projects_table(data: RollupData, width: float) -> Table:
    body: list[list[object]] = [["Nr.", "Projekt", "Bewilligt", "Anerkannt", "Was wurde gemacht"]]
    for i, p in enumerate(data.projects, start=1):
        body.append(
            [
                str(i),
                _project_cell(p),
                format_euro(p.approved_cents),
                format_euro(p.recognised_cents),
                para(p.what_was_done, CELL),
            ]
        )
    table = Table(
        body,
        colWidths=[11 * mm, 58 * mm, 22 * mm, 22 * mm, width - 113 * mm],
        repeatRows=1,
        hAlign="LEFT",
        splitInRow=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (3, -1), "RIGHT"),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, GREY),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ]
        )
    )
    return table


def _financing_table(data: RollupData, width: float) -> Table:
    """Per project: total cost, own funds, volunteer work, other funding, grant, paid, refunds."""
    keys = ("total_cost", "own_funds", "volunteer", "other_funding", "approved", "paid", "refund_claimed")
    rows = [
        [str(i), f"{p.title}\n{p.file_number}", *[format_euro(c) for c in _project_money(p)]]
        for i, p in enumerate(data.projects, start=1)
    ]
    totals = [sum(col) for col in zip(*(_project_money(p) for p in data.projects), strict=True)] or [0] * len(keys)
    rows.append(["", "Summe", *[format_euro(c) for c in totals]])
    amount_w = 29 * mm
    return data_table(
        ["Nr.", "Projekt", *[_header(LABELS[k]) for k in keys]],
        rows,
        [11 * mm, width - 11 * mm - len(keys) * amount_w, *[amount_w] * len(keys)],
        right=set(range(2, 2 + len(keys))) | {0},
        wrap={1, *range(2, 2 + len(keys))},
        total=True,
    )


def _header(label: str) -> str:
    """A column heading on two short lines (the amount columns are narrow)."""
    two = label.replace(" (", "\n(").replace(" und ", "\nund ").replace("und private ", "und private\n")
    return two.replace("Zurückgefordert", "Zurück-\ngefordert")


def _project_money(p: RollupProject) -> list[int]:
    return [
        p.total_cost_cents,
        p.own_funds_cents,
        p.volunteer_cents,
        p.other_funding_cents,
        p.approved_cents,
        p.paid_cents,
        p.refund_claimed_cents,
    ]


def render_rollup(data: RollupData) -> bytes:
    """The roll-up (cost summary by category, the financing, one short report per project) as PDF."""
    width = report_text_width(wide=True)
    totals = data.category_totals()
    approved = sum(p.approved_cents for p in data.projects)
    recognised = sum(p.recognised_cents for p in data.projects)
    story: list[Flowable] = [
        para(f"Zusammenstellung der Einzelprojekte {data.year}", TITLE),
        para(f"Anlage zum Verwendungsnachweis: {data.city_name} · {data.programme}"),
        para(f"{data.fund_name} · Stand {format_date(data.created_on)}", SMALL),
        Spacer(1, 8),
        heading("Kostenübersicht nach Kostenart (förderfähige Ausgaben)"),
        data_table(
            ["Kostenart", "Ausgaben"],
            [[label, format_euro(cents)] for label, cents in totals]
            + [["Summe", format_euro(sum(c for _, c in totals))]],
            [width - 40 * mm, 40 * mm],
            right={1},
            total=True,
        ),
        data_table(
            ["Zuwendungen", "Betrag"],
            [
                [f"Bewilligt ({len(data.projects)} Projekte)", format_euro(approved)],
                ["Anerkannt nach Prüfung der Verwendungsnachweise", format_euro(recognised)],
            ],
            [width - 40 * mm, 40 * mm],
            right={1},
        ),
        *financing_section(data.financing, width),
        *long_heading("Finanzierung der Einzelprojekte"),
        _financing_table(data, width),
        *long_heading("Einzelprojekte"),
        _projects_table(data, width),
    ]
    title = f"Zusammenstellung {data.year} – {data.fund_name}"
    footer = f"{data.city_name} · {data.programme} · erstellt am {format_date(data.created_on)}"
    return build_report(title, footer, story, wide=True)


# the financing columns of the CSV (RollupProject fields <key>_cents, labels from financing.LABELS)
_CSV_MONEY = (
    "total_cost",
    "own_funds",
    "volunteer",
    "other_funding",
    "paid",
    "refund_claimed",
    "refund_received",
)


def rollup_csv(data: RollupData) -> str:
    """The roll-up as CSV for spreadsheets (semicolons, decimal comma, a row per project + sum)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Aktenzeichen",
            "Projekt",
            "Antragsteller",
            "Beginn",
            "Ende",
            "Bewilligt (EUR)",
            "Anerkannt (EUR)",
            *[f"Ausgaben {c} (EUR)" for c in data.categories],
            *[f"{LABELS[k]} (EUR)" for k in _CSV_MONEY],
            "Teilnehmende",
            "Was wurde gemacht",
        ]
    )
    for p in data.projects:
        costs = dict(p.costs)
        writer.writerow(
            [
                csv_text(p.file_number),
                csv_text(p.title),
                csv_text(p.applicant_name),
                format_date(p.start),
                format_date(p.end),
                csv_amount(p.approved_cents),
                csv_amount(p.recognised_cents),
                *[csv_amount(costs.get(c, 0)) for c in data.categories],
                *[csv_amount(getattr(p, f"{k}_cents")) for k in _CSV_MONEY],
                "" if p.participants is None else str(p.participants),
                csv_text(p.what_was_done),
            ]
        )
    totals = dict(data.category_totals())
    writer.writerow(
        [
            "Summe",
            f"{len(data.projects)} Projekte",
            "",
            "",
            "",
            csv_amount(sum(p.approved_cents for p in data.projects)),
            csv_amount(sum(p.recognised_cents for p in data.projects)),
            *[csv_amount(totals.get(c, 0)) for c in data.categories],
            *[csv_amount(sum(getattr(p, f"{k}_cents") for p in data.projects)) for k in _CSV_MONEY],
            str(sum(p.participants or 0 for p in data.projects)),
            "",
        ]
    )
    return out.getvalue()
