"""`fondsengine verify` on the demo data: exit codes, German output, heads to record and check."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fondsengine.cli.main import main
from fondsengine.clock import FixedClock
from fondsengine.demo import seed
from fondsengine.engine import Engine
from tests.conftest import make_fonds


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite file with the demo data of both Witten funds (seeded once for the module)."""
    tmp = tmp_path_factory.mktemp("demo")
    path = tmp / "demo.db"
    fonds: Engine = make_fonds(f"sqlite:///{path}", FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)), tmp)
    assert seed(fonds)
    fonds.db.dispose()
    yield path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> str:
    """A private copy of the demo database (the tests below tamper with it)."""
    copy = tmp_path / "copy.db"
    with sqlite3.connect(demo_file) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return f"sqlite:///{copy}"


def tamper(url: str, *sql: str) -> None:
    """Change the file as its owner would: without the append-only triggers."""
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        con.execute(f"DROP TRIGGER {name}")
    for statement in sql:
        con.execute(statement)
    for _, create in triggers:
        con.execute(create)
    con.commit()
    con.close()


def test_the_demo_data_verifies_clean_with_exit_code_0(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--database", demo]) == 0
    out = capsys.readouterr().out
    assert "Buchungsjournal (ledger_entries):" in out and "Protokoll (audit_events):" in out
    assert "Ergebnis: alles unverändert und stimmig." in out
    assert "FEHLER" not in out


def test_a_changed_booking_gives_exit_code_1_and_names_the_row(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    con = sqlite3.connect(demo.removeprefix("sqlite:///"))
    (victim,) = con.execute(
        "SELECT id FROM ledger_entries WHERE kind = 'payment' ORDER BY chain_seq LIMIT 1"
    ).fetchone()
    con.close()
    tamper(demo, f"UPDATE ledger_entries SET amount_cents = amount_cents + 1 WHERE id = {victim}")
    assert main(["verify", "--database", demo]) == 1
    captured = capsys.readouterr()
    assert f"FEHLER ledger_entries id {victim}: Buchungsjournal, Position" in captured.out
    assert "der Inhalt passt nicht zur gespeicherten Prüfsumme (Zeile verändert)" in captured.out
    assert "Problem(e) gefunden." in captured.err


def test_the_heads_are_printed_for_the_office_and_checked_later(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--database", demo, "--head"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith(("ledger ", "audit "))}
    assert set(rows) == {"ledger", "audit"} and all(len(r[3]) == 64 for r in rows.values())
    assert "Bitte notieren Sie diese Werte" in out
    ledger_head = rows["ledger"][3]
    assert main(["verify", "--database", demo, "--expect-head", f"ledger:{ledger_head}"]) == 0
    capsys.readouterr()
    assert main(["verify", "--database", demo, "--expect-head", "ledger:" + "ab" * 32]) == 1
    assert "ist nicht (mehr) Teil der Kette" in capsys.readouterr().out
    tamper(demo, "DELETE FROM audit_events")  # TRUNCATE on SQLite
    assert main(["verify", "--database", demo]) == 1
    assert "die Tabelle ist leer" in capsys.readouterr().out


def test_a_database_that_cannot_be_read_gives_exit_code_2_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "leer.db"
    assert main(["verify", "--database", f"sqlite:///{empty}"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("Fehler: Die Prüfung konnte nicht laufen")
    assert "Traceback" not in captured.err + captured.out


def test_the_annual_report_prints_the_chain_heads_that_verify_accepts(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "jahresbericht.pdf"
    assert main(["--database", demo, "report", "witten-quartiersfonds", "--year", "2026", "--pdf", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    assert "Prüfsumme des Buchungsjournals: ledger:" in flat and "Prüfsumme des Protokolls: audit:" in flat
    printed = re.findall(r"(ledger|audit):([0-9a-f]{64})", flat.replace(" ", ""))
    assert {name for name, _ in printed} == {"ledger", "audit"}
    capsys.readouterr()
    assert main(["verify", "--database", demo, *(a for n, h in printed for a in ("--expect-head", f"{n}:{h}"))]) == 0
