"""`fondsengine report`, `rollup` and `letters` against a demo-seeded SQLite file."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from fondsengine.cli.main import main
from fondsengine.clock import FixedClock
from fondsengine.demo import seed
from fondsengine.engine import Actor, Engine
from fondsengine.letters.access import letters_of
from fondsengine.model import Letter
from tests.conftest import make_fonds

QF = "witten-quartiersfonds"
CF = "witten-cityfonds"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """A SQLite file with the demo data of both Witten funds (seeded once for the module)."""
    tmp = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{tmp / 'demo.db'}"
    fonds = make_fonds(url, FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)), tmp)
    assert seed(fonds)
    yield url, fonds
    fonds.db.dispose()


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def test_report_writes_the_annual_report_with_the_years_figures(
    demo: tuple[str, Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bericht" / "jahresbericht-2026.pdf"
    assert main(["--database", demo[0], "report", QF, "--year", "2026", "--pdf", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "8 Anträge, 6 geförderte Projekte" in printed
    assert "gebunden 6.150,00 €, ausgezahlt 5.310,00 €, frei 13.850,00 €" in printed
    text = pdf_text(out)
    for expected in (
        "Jahresbericht 2026",
        "20.000,00 €",
        "6.150,00 €",
        "5.310,00 €",
        "13.850,00 €",
        "Repair-Café im Wiesenviertel",
        "Pflanzkübel für die",  # the long title wraps in its cell
        "Rückforderung offen",
        "Bewilligung erloschen",
        "WQ-2026-0008",
    ):
        assert expected in text, expected
    assert "Graffiti-Workshop" not in text  # rejected: counted, not listed


def test_report_of_the_two_step_cityfonds_shows_only_the_granted_project(
    demo: tuple[str, Engine], tmp_path: Path
) -> None:
    out = tmp_path / "city.pdf"
    assert main(["--database", demo[0], "report", CF, "--year", "2026", "--pdf", str(out)]) == 0
    text = pdf_text(out)
    assert "15.000,00 €" in text and "3.000,00 €" in text and "12.000,00 €" in text
    assert "WC-2026-0001 Lichterwochen" in text  # the title wraps in its cell
    assert "Schaufenster-Galerie" not in text  # recommended by the jury, not yet granted
    assert "Von der Jury empfohlen" in text


def test_rollup_writes_pdf_and_csv_with_the_cost_summary(demo: tuple[str, Engine], tmp_path: Path) -> None:
    pdf, csv_path = tmp_path / "rollup.pdf", tmp_path / "rollup.csv"
    argv = ["--database", demo[0], "rollup", QF, "--year", "2026", "--pdf", str(pdf), "--csv", str(csv_path)]
    assert main(argv) == 0
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheets read the umlauts
    rows = raw.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Aktenzeichen;Projekt;Antragsteller;Beginn;Ende;Bewilligt (EUR);Anerkannt (EUR)")
    assert len(rows) == 1 + 6 + 1
    assert rows[1].startswith("WQ-2026-0002;Repair-Café im Wiesenviertel;Anna Beispiel;26.09.2026;30.11.2026;")
    assert rows[-1].startswith("Summe;6 Projekte;;;;6800,00;3450,00;3450,00;")
    text = pdf_text(pdf)
    assert "Zusammenstellung der Einzelprojekte 2026" in text
    assert "Stadt Witten" in text and "3.450,00 €" in text and "6.800,00 €" in text


def test_rollup_without_an_output_file_explains_what_is_missing(
    demo: tuple[str, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", demo[0], "rollup", QF, "--year", "2026"]) == 1
    assert "--pdf und/oder --csv" in capsys.readouterr().err


def test_an_unknown_fund_or_file_number_is_an_error_in_german(
    demo: tuple[str, Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", demo[0], "report", "gibt-es-nicht", "--pdf", str(tmp_path / "x.pdf")]) == 2
    assert "Den Fonds „gibt-es-nicht“ gibt es nicht." in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
    assert main(["--database", demo[0], "letters", "list", "WQ-1999-0001"]) == 2
    assert "Diesen Antrag gibt es nicht." in capsys.readouterr().err


def test_letters_list_shows_every_letter_of_an_application(
    demo: tuple[str, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", demo[0], "letters", "list", "WQ-2026-0001"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Brief" in lines[0] and "SHA-256" in lines[0]
    labels = ["Eingangsbestätigung", "Bewilligungsbescheid", "Erlöschen der Bewilligung"]
    assert [next(lb for lb in labels if lb in line) for line in lines[1:]] == labels
    assert "11.03.2026 20:00" in lines[2]  # the jury's decision, in Berlin time


def test_letters_get_writes_the_stored_pdf_after_checking_its_hash(
    demo: tuple[str, Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, fonds = demo
    approval = letters_of(fonds, Actor.scheduler(), "WQ-2026-0001")[1]
    out = tmp_path / "bescheid.pdf"
    assert main(["--database", url, "letters", "get", str(approval.id), "--out", str(out)]) == 0
    assert "SHA-256 geprüft" in capsys.readouterr().out
    stored = letters_of(fonds, Actor.scheduler(), "WQ-2026-0001")[1]
    assert stored.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    text = pdf_text(out)
    assert "Bewilligte Zuwendung" in text
    assert "WQ-2026-0001" in text and "Balkonkonzerte in der Johannisstraße" in text
    assert "600,00 €" in text


def test_letters_get_refuses_a_pdf_whose_bytes_no_longer_match_the_hash(
    demo: tuple[str, Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, fonds = demo
    receipt = letters_of(fonds, Actor.scheduler(), "WQ-2026-0002")[0]
    assert main(["--database", url, "letters", "get", str(receipt.id), "--out", str(tmp_path / "ok.pdf")]) == 0
    with fonds.unit_of_work() as uow:
        uow.session.execute(update(Letter).where(Letter.id == receipt.id).values(pdf=b"%PDF-1.4 manipuliert"))
        uow.commit()
    out = tmp_path / "manipuliert.pdf"
    assert main(["--database", url, "letters", "get", str(receipt.id), "--out", str(out)]) == 3
    assert "Prüfsumme" in capsys.readouterr().err
    assert not out.exists()


def test_a_missing_summary_file_is_reported_without_a_traceback(
    demo: tuple[str, Engine], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "einleitung.txt"
    argv = ["--database", demo[0], "report", QF, "--year", "2026", "--pdf", str(tmp_path / "r.pdf")]
    assert main([*argv, "--summary", str(missing)]) == 1
    assert capsys.readouterr().err.strip() == f"Fehler: {missing} gibt es nicht."
    missing.write_text("Ein Jahr mit vielen Ideen aus der Nachbarschaft.", encoding="utf-8")
    assert main([*argv, "--summary", str(missing)]) == 0
    assert "Ein Jahr mit vielen Ideen aus der Nachbarschaft." in pdf_text(tmp_path / "r.pdf")
