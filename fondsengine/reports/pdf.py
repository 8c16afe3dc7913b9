"""Reports as PDF: jury session minutes, the annual fund report and the roll-up for the Land."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from fondsengine.letters.fmt import format_date
from fondsengine.letters.pages import build_report, report_text_width
from fondsengine.letters.styles import (
    SMALL,
    TITLE,
    amount_table,
    data_table,
    heading,
    info_table,
    long_heading,
    para,
    paragraphs,
)
from fondsengine.money import format_euro
from fondsengine.reports.charts import budget_chart, category_chart
from fondsengine.reports.model import AnnualReportData, MinutesData, MinutesItem
from fondsengine.reports.pdf_financing import financing_section
from fondsengine.reports.rollup import render_rollup, rollup_csv

__all__ = ["render_annual_report", "render_minutes", "render_rollup", "rollup_csv"]


def _votes(item: MinutesItem) -> str:
    return f"Ja {item.yes} · Nein {item.no} · Enthaltung {item.abstain}"


def _decided(item: MinutesItem) -> str:
    return format_euro(item.decided_cents) if item.decided_cents is not None else "–"


def _minutes_item(number: int, item: MinutesItem) -> Flowable:
    rows = [
        ("Antragsteller:in", item.applicant_name),
        ("Aktenzeichen", item.file_number),
        ("Gesamtkosten", format_euro(item.total_cost_cents)),
        ("Beantragt", format_euro(item.requested_cents)),
        ("Beschlossene Zuwendung", _decided(item)),
        ("Abstimmung", _votes(item)),
    ]
    if item.motion:
        rows.insert(0, ("Beschlussvorlage", item.motion))
    if item.excluded:
        rows.append(("Befangen (ohne Stimme)", ", ".join(item.excluded) + " – haben den Raum verlassen"))
    if item.record:
        rows.append(("Stimmabgabe", item.record))
    outcome = f"{item.outcome} ({item.clause})" if item.clause else item.outcome
    rows.append(("Ergebnis", outcome))
    parts: list[Flowable] = [
        heading(f"TOP {number}: {item.project_title}"),
        info_table(rows, width=report_text_width()),
    ]
    if item.explanation:
        parts += paragraphs(f"Begründung: {item.explanation}")
    return KeepTogether(parts)


def render_minutes(data: MinutesData) -> bytes:
    """The minutes (Sitzungsprotokoll) of one jury session as PDF."""
    kind = "Umlaufverfahren" if data.circulation else "Jurysitzung"
    story: list[Flowable] = [
        para(
            "Protokoll des Umlaufverfahrens" if data.circulation else "Protokoll der Jurysitzung",
            TITLE,
        ),
        para(f"{data.session_title} · {data.fund_name}"),
        Spacer(1, 6),
        info_table(
            [
                ("Datum", format_date(data.session_date)),
                *([("Beginn und Ende", data.times)] if data.times else []),
                ("Ort", data.place),
                ("Sitzungsleitung", data.chair),
                ("Protokoll", data.recorder),
            ],
            width=140 * mm,
        ),
        heading(f"Anwesende Mitglieder ({len(data.present)})"),
        para(", ".join(data.present) or "–"),
    ]
    if data.absent:
        story += [heading("Entschuldigt"), para(", ".join(data.absent))]
    if data.guests:
        story += [heading("Weitere Teilnehmende (ohne Stimmrecht)"), para(", ".join(data.guests))]
    if data.quorum_note:
        story += [heading("Beschlussfähigkeit"), para(data.quorum_note)]
    width = report_text_width()
    overview = [
        [
            str(i),
            it.file_number,
            it.project_title,
            format_euro(it.requested_cents),
            _decided(it),
            f"{it.yes}/{it.no}/{it.abstain}",
            it.outcome,
        ]
        for i, it in enumerate(data.items, start=1)
    ]
    story += [
        *long_heading("Übersicht der Beschlüsse"),
        data_table(
            ["TOP", "Aktenzeichen", "Projekt", "Beantragt", "Beschlossen", "J/N/E", "Ergebnis"],
            overview,
            [10 * mm, 28 * mm, width - 136 * mm, 25 * mm, 25 * mm, 16 * mm, 32 * mm],
            right={3, 4},
            wrap={2, 6},
        ),
    ]
    story += [_minutes_item(i, item) for i, item in enumerate(data.items, start=1)]
    if data.notes:
        story += [heading("Sonstiges"), *[para(n) for n in data.notes]]
    line = "_" * 38
    story += [
        Spacer(1, 30),
        KeepTogether(
            [
                para(f"{line}          {line}", SMALL),
                para(f"Sitzungsleitung: {data.chair}          Protokoll: {data.recorder}", SMALL),
            ]
        ),
    ]
    title = f"Protokoll {data.session_title} – {data.fund_name}"
    footer = f"{data.office_name} · {kind} am {format_date(data.session_date)}"
    return build_report(title, footer, story)


def _budget_rows(data: AnnualReportData) -> list[tuple[str, str]]:
    return [
        ("Budget des Jahres (zugewiesen)", format_euro(data.allocated_cents)),
        ("Beantragt", format_euro(data.applied_cents)),
        ("Bewilligt", format_euro(data.approved_cents)),
        ("Freigegeben", format_euro(data.released_cents)),
        ("Gebunden", format_euro(data.committed_cents)),
        ("Ausgezahlt", format_euro(data.paid_cents)),
        ("Zurückgefordert", format_euro(data.refund_claimed_cents)),
        ("Zurückgezahlt", format_euro(data.refunded_cents)),
        ("Verfallen", format_euro(data.expired_cents)),
        ("Frei", format_euro(data.free_cents)),
    ]


def _projects_table(data: AnnualReportData, width: float) -> Flowable:
    rows = [
        [
            str(i),
            p.file_number,
            f"{p.title}\n{p.applicant_name}",
            p.state,
            format_euro(p.approved_cents),
            format_euro(p.paid_cents),
        ]
        for i, p in enumerate(data.projects, start=1)
    ]
    approved = sum(p.approved_cents for p in data.projects)
    paid = sum(p.paid_cents for p in data.projects)
    rows.append(["", "", "Summe", "", format_euro(approved), format_euro(paid)])
    header = [
        "Nr.",
        "Aktenzeichen",
        "Projekt / Antragsteller:in",
        "Stand",
        "Gebunden",
        "Ausgezahlt (netto)",
    ]
    widths = [10 * mm, 26 * mm, width - 121 * mm, 27 * mm, 29 * mm, 29 * mm]
    return data_table(header, rows, widths, right={0, 4, 5}, wrap={2, 3}, total=True)


_CHAIN_LABELS = {"ledger": ("Buchungsjournals", "Buchungen"), "audit": ("Protokolls", "Einträge")}


def _chain_heads(data: AnnualReportData) -> list[Flowable]:
    """The hash-chain heads, so a printed copy anchors the ledger outside the database."""
    if not data.chain_heads:
        return []
    lines: list[Flowable] = [Spacer(1, 8)]
    for h in data.chain_heads:
        what, unit = _CHAIN_LABELS.get(h.name, (h.name, "Zeilen"))
        lines.append(
            para(
                f"Prüfsumme des {what}: {h.name}:{h.last_hash} "
                f"(Stand {format_date(data.created_on)}, {h.row_count} {unit}; prüfbar mit "
                f"„fondsengine verify --expect-head“)",
                SMALL,
            )
        )
    return [KeepTogether(lines)]


def render_annual_report(data: AnnualReportData) -> bytes:
    """The annual report of one fund and budget year, with charts and the list of projects."""
    width = report_text_width()
    story: list[Flowable] = [
        para(f"Jahresbericht {data.year}", TITLE),
        para(data.fund_name),
        para(f"{data.office_name} · Stand {format_date(data.created_on)}", SMALL),
        Spacer(1, 8),
    ]
    if data.summary:
        story += paragraphs(data.summary)
    story += [
        heading("Budget und seine Verwendung"),
        amount_table(_budget_rows(data), bold_last=True),
        heading("Kennzahlen"),
        amount_table(
            [
                ("Eingegangene Anträge", str(data.applications)),
                ("Geförderte Projekte", str(len(data.projects))),
                ("Erreichte Teilnehmende", f"{data.participants:,}".replace(",", ".")),
            ]
        ),
        budget_chart(data.monthly, data.allocated_cents, width),
        Spacer(1, 8),
        category_chart(data.by_category, width),
        heading("Anträge nach Stand"),
        data_table(
            ["Stand", "Anzahl"],
            [[r.label, str(r.count)] for r in data.by_state],
            [width - 30 * mm, 30 * mm],
            right={1},
        ),
        heading("Mittel nach Kostenart"),
        data_table(
            ["Kostenart", "Anzahl", "Bewilligt", "Ausgezahlt"],
            [
                [r.label, str(r.count), format_euro(r.approved_cents), format_euro(r.paid_cents)]
                for r in data.by_category
            ],
            [width - 90 * mm, 20 * mm, 35 * mm, 35 * mm],
            right={1, 2, 3},
        ),
        *(financing_section(data.financing, width) if data.financing is not None else []),
        *long_heading(f"Geförderte Projekte ({len(data.projects)})"),
    ]
    story.append(_projects_table(data, width))
    story += _chain_heads(data)
    title = f"Jahresbericht {data.year} – {data.fund_name}"
    footer = f"{data.office_name} · erstellt am {format_date(data.created_on)}"
    return build_report(title, footer, story)
