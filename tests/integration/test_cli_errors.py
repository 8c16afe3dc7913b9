"""Every CLI error is one German line on stderr with exit code 2, never a traceback (real subprocesses)."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from fondsengine.migrate import upgrade
from tests.support.serving import instance_env, run_cli

pytestmark = pytest.mark.slow
UNREACHABLE = "postgresql+psycopg://fonds@127.0.0.1:1/fonds"
NOT_MIGRATED = "Fehler: Datenbank ist nicht migriert: fondsengine db upgrade ausführen"


def _one_german_line(result, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith(("usage:", " "))]
    assert len(lines) == 1, lines
    assert lines[0].startswith(expected[:-1]) if expected.endswith("…") else lines[0] == expected


@pytest.fixture
def ready(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'ready.db'}"
    upgrade(url)
    env = instance_env(tmp_path, url)
    assert run_cli("funds", "load", env=env).returncode == 0
    return env


def test_version_prints_the_installed_package_version(tmp_path: Path) -> None:
    result = run_cli("--version", env=instance_env(tmp_path, "sqlite://"))
    assert result.returncode == 0
    assert result.stdout.strip() == f"fondsengine {version('fondsengine')}"


@pytest.mark.parametrize(
    "args",
    [
        ("budget", "witten-quartiersfonds"),
        ("funds", "load"),
        ("demo-data",),
        ("jobs", "run", "send_mail"),
        ("whatif", "witten-cityfonds", "richtlinien/witten-cityfonds.yaml"),
    ],
)
def test_every_command_on_an_unmigrated_database_says_so(tmp_path: Path, args: tuple[str, ...]) -> None:
    env = instance_env(tmp_path, f"sqlite:///{tmp_path / 'leer.db'}")
    result = run_cli(*args, env=env, cwd=Path(__file__).resolve().parents[2])
    _one_german_line(result, NOT_MIGRATED)


@pytest.mark.postgres
def test_an_unmigrated_postgresql_database_says_so_too(tmp_path: Path, pg_url: str) -> None:
    _one_german_line(run_cli("budget", "witten-quartiersfonds", env=instance_env(tmp_path, pg_url)), NOT_MIGRATED)


@pytest.mark.parametrize("args", [("budget", "witten-quartiersfonds"), ("db", "upgrade"), ("funds", "load")])
def test_an_unreachable_database_is_one_line_naming_the_connection(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run_cli(*args, env=instance_env(tmp_path, UNREACHABLE))
    _one_german_line(result, "Fehler: Datenbank nicht erreichbar: …")
    assert "127.0.0.1" in result.stderr and "port 1" in result.stderr


def test_missing_files_unknown_fund_bad_date_and_bad_arguments(ready: dict[str, str], tmp_path: Path) -> None:
    missing = str(tmp_path / "fehlt.yaml")
    _one_german_line(
        run_cli("whatif", "witten-cityfonds", missing, env=ready),
        f"Fehler: Datei oder Ordner nicht gefunden: {missing}",
    )
    _one_german_line(run_cli("diagram", missing, env=ready), "Fehler: …")
    _one_german_line(run_cli("budget", "gibt-es-nicht", env=ready), "Fehler: Den Fonds „gibt-es-nicht“ gibt es nicht.")
    _one_german_line(
        run_cli("jobs", "run", "send_mail", "--now", "gestern", env=ready),
        "Fehler: --now „gestern“ ist kein ISO-Zeitpunkt …",
    )
    _one_german_line(
        run_cli("budget", "witten-quartiersfonds", "--year", "zwanzig", env=ready),
        "Fehler: Argument --year: keine ganze Zahl: 'zwanzig' (Hilfe: fondsengine budget --help)",
    )
    config = {**ready, "FONDS_CONFIG": str(tmp_path / "fehlt.toml")}
    _one_german_line(
        run_cli("budget", "witten-quartiersfonds", env=config),
        f"Fehler: Datei oder Ordner nicht gefunden: {tmp_path / 'fehlt.toml'}",
    )
    _one_german_line(
        run_cli("restore", str(tmp_path / "fehlt.tar.gz"), env=ready),
        f"Fehler: Sicherung nicht gefunden: {tmp_path / 'fehlt.tar.gz'}",
    )
    broken = tmp_path / "kaputt.toml"
    broken.write_text("secret_key = \n", encoding="utf-8")
    _one_german_line(
        run_cli("budget", "witten-quartiersfonds", env={**ready, "FONDS_CONFIG": str(broken)}),
        "Fehler: Einstellungsdatei ist kein gültiges TOML: …",
    )


def test_user_add_without_a_terminal_explains_the_options_and_reads_stdin_or_a_file(
    ready: dict[str, str], tmp_path: Path
) -> None:
    no_tty = run_cli("user", "add", "buero@example.org", "--name", "Büro", env=ready, stdin="")
    _one_german_line(
        no_tty, "Fehler: Kein Terminal für die Passwortabfrage: --password-stdin oder --password-file verwenden."
    )
    piped = run_cli(
        "user",
        "add",
        "buero@example.org",
        "--name",
        "Büro",
        "--password-stdin",
        env=ready,
        stdin="ein-langes-Passwort-2026\n",
    )
    assert piped.returncode == 0 and "Konto buero@example.org angelegt" in piped.stdout
    secret = tmp_path / "pw.txt"
    secret.write_text("noch-ein-Passwort-2026\n", encoding="utf-8")
    from_file = run_cli("user", "add", "jury@example.org", "--name", "Jury", "--password-file", str(secret), env=ready)
    assert from_file.returncode == 0, from_file.stderr
    gone = run_cli("user", "add", "x@example.org", "--name", "X", "--password-file", str(tmp_path / "nix"), env=ready)
    _one_german_line(gone, f"Fehler: Datei oder Ordner nicht gefunden: {tmp_path / 'nix'}")
    empty = run_cli("user", "add", "y@example.org", "--name", "Y", "--password-stdin", env=ready, stdin="\n")
    _one_german_line(empty, "Fehler: Das Passwort ist leer.")
