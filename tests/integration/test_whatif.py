"""`fondsengine whatif`: money per application and per state, "gekürzt auf X" told from "nicht förderfähig", CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from fondsengine import demo
from fondsengine.cli.main import main
from fondsengine.engine import Engine
from fondsengine.errors import NotFound
from fondsengine.funds.whatif import whatif, whatif_csv

ROOT = Path(__file__).resolve().parents[2]
CF = "witten-cityfonds"


def _proposal(tmp_path: Path) -> Path:
    """The Cityfonds with a 40 % share (instead of 50 %) and a minimum of 1.300 € (instead of 500 €)."""
    text = (ROOT / "richtlinien" / f"{CF}.yaml").read_text(encoding="utf-8")
    assert "  max_share_percent: 50\n" in text and "  min: 500 " in text
    path = tmp_path / f"{CF}.yaml"
    text = text.replace("  max_share_percent: 50\n", "  max_share_percent: 40\n", 1)
    path.write_text(text.replace("  min: 500 ", "  min: 1300 ", 1), encoding="utf-8")
    return path


def test_the_proposal_cuts_some_grants_excludes_others_and_sums_the_money_per_state(
    fonds: Engine, tmp_path: Path
) -> None:
    assert demo.seed(fonds)
    result = whatif(fonds, CF, _proposal(tmp_path))
    by_title = {c.title: c for c in result.changes}
    lights = by_title["Lichterwochen Bahnhofstraße"]  # approved 3.000 € of 6.000 € costs
    assert (lights.cents_before, lights.cents_after, lights.verdict) == (300_000, 240_000, "gekürzt auf 2.400,00 €")
    gallery = by_title["Schaufenster-Galerie Ruhrstraße"]  # recommended 1.500 €: 40 % is 1.200 €, below the new minimum
    assert (gallery.cents_before, gallery.cents_after, gallery.verdict) == (150_000, 0, "nicht förderfähig")
    market = by_title["Frühlingsmarkt Innenstadt"]  # submitted, 2.500 € asked of 5.000 €
    assert (market.cents_after, market.difference_cents) == (200_000, -50_000)
    refused = by_title["Rabattaktion Innenstadt"]  # rejected: no money either way, its findings still change
    assert (refused.cents_before, refused.cents_after) == (0, 0) and refused.added
    totals = {t.state_label: (t.applications, t.cents_before, t.cents_after) for t in result.totals}
    assert totals["Bewilligt"] == (1, 300_000, 240_000)
    assert totals["Von der Jury empfohlen"] == (1, 150_000, 0)
    assert totals["Abgelehnt"] == (1, 0, 0)
    assert (result.cents_before, result.cents_after) == (700_000, 440_000)
    # the fund's own file changes nothing
    same = whatif(fonds, CF, ROOT / "richtlinien" / f"{CF}.yaml")
    assert same.changes == () and same.cents_before == same.cents_after == 700_000


def test_the_csv_has_a_row_per_changed_application_a_sum_per_state_and_the_total(
    fonds: Engine, tmp_path: Path
) -> None:
    assert demo.seed(fonds)
    rows = list(csv.reader(io.StringIO(whatif_csv(whatif(fonds, CF, _proposal(tmp_path)))), delimiter=";"))
    assert rows[0][:7] == [
        *("Aktenzeichen", "Projekt", "Status"),
        *("Bisher (EUR)", "Neu (EUR)", "Differenz (EUR)", "Ergebnis"),
    ]
    lights = next(r for r in rows if r[1] == "Lichterwochen Bahnhofstraße")
    assert lights[2:7] == ["Bewilligt", "3000,00", "2400,00", "-600,00", "gekürzt auf 2.400,00 €"]
    assert rows[-1][:6] == ["Summe", "alle Anträge", "", "7000,00", "4400,00", "-2600,00"]
    assert ["Summe", "1 Antrag", "Von der Jury empfohlen", "1500,00", "0,00", "-1500,00"] in [r[:6] for r in rows]


def test_the_command_prints_the_money_writes_csv_and_refuses_an_unknown_fund_or_file(
    fonds: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert demo.seed(fonds)
    monkeypatch.chdir(ROOT)
    url = str(fonds.db.engine.url.render_as_string(hide_password=False))
    out_csv = tmp_path / "whatif.csv"
    assert main(["--database", url, "whatif", CF, str(_proposal(tmp_path)), "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "„Lichterwochen Bahnhofstraße“ (Bewilligt): gekürzt auf 2.400,00 €" in out
    assert "3.000,00 € -> 2.400,00 € (-600,00 €)" in out
    assert "„Schaufenster-Galerie Ruhrstraße“ (Von der Jury empfohlen): nicht förderfähig" in out
    assert "Zusammen" in out and "-2.600,00 €" in out
    assert out_csv.read_text(encoding="utf-8-sig").startswith("Aktenzeichen;Projekt;Status;")
    with pytest.raises(NotFound, match=r"Den Fonds „gibt-es-nicht“ gibt es nicht\."):
        whatif(fonds, "gibt-es-nicht", _proposal(tmp_path))
    assert main(["--database", url, "whatif", "gibt-es-nicht", str(_proposal(tmp_path))]) != 0
    assert "Den Fonds „gibt-es-nicht“ gibt es nicht." in capsys.readouterr().err
    assert main(["--database", url, "whatif", CF, str(tmp_path / "fehlt.yaml")]) != 0
    assert "Datei oder Ordner nicht gefunden" in capsys.readouterr().err
