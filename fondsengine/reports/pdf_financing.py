"""The financing section of the annual report and the roll-up (totals and the fund's funding split)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from fondsengine.letters.styles import SMALL, amount_table, data_table, heading, para
from fondsengine.money import format_euro
from fondsengine.reports.financing import LABELS, summary_rows
from fondsengine.reports.model import FinancingSummary


def financing_section(fin: FinancingSummary, width: float) -> list[Flowable]:
    """Heading, the totals of the projects' financing, and who pays the fund's share."""
    story: list[Flowable] = [
        heading("Finanzierung der geförderten Projekte"),
        amount_table([(label, format_euro(cents)) for label, cents in summary_rows(fin)], width=min(width, 140 * mm)),
    ]
    if fin.split_approved:
        clause = f" ({fin.funding_clause})" if fin.funding_clause else ""
        story += [
            heading(f"Finanzierung des Fonds nach Geldgebern{clause}"),
            data_table(
                ["Geldgeber", f"Anteil an\n„{LABELS['approved']}“", f"Anteil an\n„{LABELS['paid']}“"],
                [
                    [name, format_euro(a), format_euro(p)]
                    for (name, a), (_, p) in zip(fin.split_approved, fin.split_paid, strict=True)
                ]
                + [["Summe", format_euro(fin.approved_cents), format_euro(fin.paid_cents)]],
                [width - 90 * mm, 45 * mm, 45 * mm],
                right={1, 2},
                total=True,
            ),
        ]
    else:
        story.append(para("Die Förderrichtlinie nennt keine Geldgeber des Fonds (budget.funding_sources).", SMALL))
    return story
