"""The fondsengine command on a real SQLite file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from fondsengine.cli.main import main
from fondsengine.money import format_euro

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database", url, "db", "upgrade"]) == 0
    assert main(["--database", url, "funds", "load"]) == 0
    return url


def test_check_accepts_the_shipped_files_and_reports_file_and_line_for_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check", "richtlinien", "workflows"]) == 0
    assert "7 Datei(en) geprüft" in capsys.readouterr().out  # 2 funds, 3 examples, 2 workflows
    broken = tmp_path / "richtlinien" / "kaputt.yaml"
    broken.parent.mkdir()
    text = (ROOT / "richtlinien" / "witten-cityfonds.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("max_share_percent: 50", "max_share_percent: 150", 1), encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "max_share_percent: 50" in row)
    assert out.startswith(f"{broken}:{line}: ")
    assert "150" in out


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("receipt_session_date_without_rounds.yaml", 212, "Der Platzhalter {session_date} in dem Brief 'receipt'"),
        ("bescheid_without_remedy.yaml", 319, "braucht eine Rechtsbehelfsbelehrung ('remedy')"),
    ],
)
def test_check_refuses_an_unfillable_placeholder_and_a_bescheid_without_remedy(
    name: str, line: int, message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    path = Path("tests") / "corpus" / "guidelines" / name
    assert main(["check", str(path), "workflows"]) == 1
    out = capsys.readouterr().out
    assert f"{path}:{line}: " in out and message in out


def test_demo_data_then_budget_prints_balances_that_match_the_seeded_ledger(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", db, "demo-data"]) == 0
    assert "Demodaten angelegt." in capsys.readouterr().out
    assert main(["--database", db, "demo-data"]) == 0
    assert "schon vorhanden" in capsys.readouterr().out
    assert main(["--database", db, "budget", "witten-quartiersfonds", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    sums = dict(
        con.execute(
            "SELECT kind, SUM(amount_cents) FROM ledger_entries WHERE fund_id = 'witten-quartiersfonds' "
            "AND budget_year = 2026 GROUP BY kind"
        ).fetchall()
    )
    committed = sums.get("commitment", 0) - sums.get("release", 0)
    approved_open = con.execute(
        "SELECT SUM(COALESCE(settled_cents, approved_cents)) FROM applications WHERE fund_id = "
        "'witten-quartiersfonds' AND budget_year = 2026 AND state NOT IN ('lapsed', 'rejected', 'withdrawn') "
        "AND approved_cents IS NOT NULL"
    ).fetchone()[0]
    states = {s for (s,) in con.execute("SELECT DISTINCT state FROM applications")}
    con.close()
    assert committed == approved_open  # what is bound equals what the applications hold
    lines = {row.strip().split("  ")[0]: row for row in out.splitlines()}
    assert lines["Gebunden"].endswith(format_euro(committed))
    assert lines["Bewilligt"].endswith(format_euro(sums["commitment"]))
    assert lines["Freigegeben"].endswith(format_euro(sums["release"]))
    assert lines["Frei"].endswith(format_euro(2_000_000 - committed))
    assert {
        "draft",
        "submitted",
        "in_review",
        "changes_requested",
        "reviewed",
        "on_agenda",
        "approved",
        "paid",
        "proof_submitted",
        "proof_accepted",
        "refund_claimed",
        "documented",
        "rejected",
        "withdrawn",
        "lapsed",
        "recommended",
    } <= states


def test_diagram_prints_a_mermaid_state_diagram(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["diagram", "workflows/zweistufig.yaml"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("stateDiagram-v2")
    assert "recommended" in out


def test_diagram_table_prints_the_steps_as_the_docs_show_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["diagram", "--table", "workflows/zweistufig.yaml"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| trigger | button | from → to |")
    assert "| `jury_recommend` | Beschluss der Jury: zur Förderung empfohlen | on_agenda → recommended |" in out
    assert out in (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")


def test_whatif_lists_the_applications_a_stricter_guideline_would_change(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", db, "demo-data"]) == 0
    capsys.readouterr()
    proposal = tmp_path / "witten-cityfonds.yaml"
    shutil.copy(ROOT / "richtlinien" / "witten-cityfonds.yaml", proposal)
    text = proposal.read_text(encoding="utf-8")
    assert "max_share_percent: 50" in text
    proposal.write_text(text.replace("max_share_percent: 50", "max_share_percent: 40", 1), encoding="utf-8")
    assert main(["--database", db, "whatif", "witten-cityfonds", str(proposal)]) == 0
    out = capsys.readouterr().out
    assert "Lichterwochen Bahnhofstraße" in out
    assert "gekürzt auf" in out and "Summen nach Status" in out
    assert (
        main(["--database", db, "whatif", "witten-cityfonds", str(ROOT / "richtlinien" / "witten-cityfonds.yaml")]) == 0
    )
    assert "Keine Auswirkungen" in capsys.readouterr().out
