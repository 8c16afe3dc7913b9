"""Reports rendered to PDF (and CSV) and read back: minutes, annual report, roll-up."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import subprocess

from fondsengine.letters.samples import sample_annual_report, sample_minutes, sample_rollup
from fondsengine.reports.model import RollupProject
from fondsengine.reports.pdf import (
    render_annual_report,
    render_minutes,
    render_rollup,
    rollup_csv,
)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as pdftotext -layout sees it."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_minutes_record_members_votes_conflicts_and_outcomes() -> None:
    body = flat(pdf_text(render_minutes(sample_minutes())))
    assert "Protokoll der Jurysitzung" in body
    assert "12.05.2026" in body and "Rathaus Witten, Raum 204" in body
    assert "Sitzungsleitung Gülşen Yılmaz" in body
    assert "Anwesende Mitglieder (5)" in body and "Jörg Weiß" in body
    assert "Entschuldigt Klaus Müller" in body
    assert "beschlussfähig (§ 6 Abs. 3)" in body
    assert "TOP 1: Projekt 1: Lesecafé im Hof" in body
    assert "Gesamtkosten 2.000,00 €" in body
    assert "Beantragt 1.500,00 €" in body
    assert "Beschlossene Zuwendung 1.200,00 €" in body
    assert "Ja 4 · Nein 0 · Enthaltung 0" in body
    assert "Befangen (ohne Stimme) Peter Schäfer" in body
    assert "Ja 1 · Nein 3 · Enthaltung 0" in body and "abgelehnt (§ 6 Abs. 4)" in body
    assert re.search(r"Seite 1 von \d", body)


def test_minutes_of_a_vote_by_circulation_say_so() -> None:
    data = dataclasses.replace(sample_minutes(1), circulation=True)
    assert "Protokoll des Umlaufverfahrens" in flat(pdf_text(render_minutes(data)))


def test_the_annual_report_shows_budget_use_counts_charts_and_projects() -> None:
    data = sample_annual_report(25)
    body = flat(pdf_text(render_annual_report(data)))
    assert "Jahresbericht 2026" in body
    assert "Budget des Jahres (zugewiesen) 25.257,00 €" in body
    assert "Bewilligt 24.857,00 €" in body and "Freigegeben 600,00 €" in body
    assert "Gebunden 24.257,00 €" in body
    assert "Zurückgefordert 250,00 €" in body and "Zurückgezahlt 189,50 €" in body
    assert "Frei 1.000,00 €" in body
    participants = sum(p.participants or 0 for p in data.projects)
    assert f"Erreichte Teilnehmende {participants:,}".replace(",", ".") in body
    assert "Mittelverwendung im Jahresverlauf" in body
    assert "Mär" in body and "Dez" in body  # month axis of the chart
    assert "Öffentlichkeitsarbeit" in body
    assert "Geförderte Projekte (25)" in body
    assert "QF-2026-0025" in body and "Initiative Grün & Bunt 1" in body
    assert "erstellt am 31.01.2027" in body


def test_the_annual_report_with_2000_projects_repeats_the_table_header_on_every_page() -> None:
    data = sample_annual_report(2000)
    pdf = render_annual_report(data)
    pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
    assert len(pages) > 40
    total = len(pages)
    table_pages = [p for p in pages if "QF-2026-1" in p]
    assert len(table_pages) > 30
    for page in table_pages:
        assert "Aktenzeichen" in page and "Gebunden" in page and "Ausgezahlt" in page
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {total}" in page
    assert "QF-2026-2000" in pages[-1]
    expected = sum(p.approved_cents for p in data.projects)
    assert f"{expected // 100:,}".replace(",", ".") in pages[-1]


def test_reports_are_deterministic() -> None:
    assert render_minutes(sample_minutes()) == render_minutes(sample_minutes())
    assert render_annual_report(sample_annual_report(5)) == render_annual_report(
        sample_annual_report(5)
    )
    assert render_rollup(sample_rollup(3)) == render_rollup(sample_rollup(3))


def test_the_rollup_sums_costs_by_category_and_reports_each_project() -> None:
    body = flat(pdf_text(render_rollup(sample_rollup(12))))
    assert "Zusammenstellung der Einzelprojekte 2026" in body
    assert "Stadt Witten · Städtebauförderung Innenstadt Witten" in body
    assert "Sachkosten 7.200,00 €" in body
    assert "Honorare 4.200,00 €" in body
    assert "Summe 11.400,00 €" in body
    assert "Bewilligt (12 Projekte) 12.000,00 €" in body
    assert "Hofkonzert Nr. 12" in body and "QF-2026-0012" in body
    assert "01.03.2026 bis 02.03.2026" in body
    assert "Zwei Konzerte im Hinterhof" in body


def test_a_very_long_project_report_splits_across_pages_instead_of_failing() -> None:
    data = sample_rollup(2)
    long_one = dataclasses.replace(data.projects[0], what_was_done="Viel passiert. " * 600)
    pdf = render_rollup(dataclasses.replace(data, projects=(long_one, data.projects[1])))
    assert "Hofkonzert Nr. 2" in pdf_text(pdf)


def test_the_rollup_csv_has_one_row_per_project_and_a_sum_row() -> None:
    text = rollup_csv(sample_rollup(3))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, *projects, total = rows
    assert header[:7] == [
        "Aktenzeichen",
        "Projekt",
        "Antragsteller",
        "Beginn",
        "Ende",
        "Bewilligt (EUR)",
        "Anerkannt (EUR)",
    ]
    assert "Ausgaben Öffentlichkeitsarbeit (EUR)" in header
    assert len(projects) == 3
    assert projects[0][:7] == [
        "QF-2026-0001",
        "Hofkonzert Nr. 1",
        "Nachbarschaft Süd 1",
        "01.03.2026",
        "02.03.2026",
        "1000,00",
        "950,00",
    ]
    assert total[0] == "Summe" and total[5] == "3000,00" and total[7] == "1800,00"


def test_csv_cells_that_look_like_formulas_are_neutralised() -> None:
    data = sample_rollup(1)
    project: RollupProject = dataclasses.replace(data.projects[0], title="=HYPERLINK(1)")
    text = rollup_csv(dataclasses.replace(data, projects=(project,)))
    assert "'=HYPERLINK(1)" in text
