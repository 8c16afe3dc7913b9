"""The `fondsengine` command: a thin shell over the same service functions the web app uses."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from fondsengine.bootstrap import build_fonds
from fondsengine.clock import local_date
from fondsengine.config import Settings, load_settings
from fondsengine.errors import InvalidInput
from fondsengine.money import format_euro


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"database_url": args.database} if getattr(args, "database", None) else {}
    return load_settings(**overrides)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate guideline and workflow files; one `file:line: message` per problem."""
    from fondsengine.checkfiles import check_paths
    from fondsengine.shipped import richtlinien_dir, workflows_dir

    settings = load_settings()
    defaults = [richtlinien_dir(settings), workflows_dir(settings)]
    problems, checked = check_paths([Path(p) for p in args.paths] if args.paths else defaults)
    for p in problems:
        print(p.format())
    if problems:
        print(f"{len(problems)} Problem(e) in {checked} Datei(en).", file=sys.stderr)
        return 1
    print(f"{checked} Datei(en) geprüft, alles in Ordnung.")
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    """Print a Mermaid state diagram of a workflow file (or, with --table, its steps as a Markdown table)."""
    from fondsengine.workflow.diagram import mermaid, transition_table
    from fondsengine.workflow.loader import load_workflow

    workflow = load_workflow(args.workflow)
    print(transition_table(workflow) if args.table else mermaid(workflow), end="" if args.table else "\n")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Migrate the database to the newest schema."""
    from fondsengine.migrate import upgrade

    settings = _settings(args)
    upgrade(settings.effective_database_url)
    print(f"Datenbank ist auf dem neuesten Stand: {settings.effective_database_url}")
    return 0


def cmd_funds_load(args: argparse.Namespace) -> int:
    """Load guideline files into stored versions and book the yearly budgets."""
    from fondsengine.engine import Actor
    from fondsengine.funds.loading import load_funds
    from fondsengine.shipped import richtlinien_dir, workflows_dir

    settings = _settings(args)
    fonds = build_fonds(settings)
    for r in load_funds(fonds, Actor.scheduler(), richtlinien_dir(settings), workflows_dir(settings)):
        status = "neue Version" if r.new_version else "unverändert"
        booked = ", ".join(f"{y}: {format_euro(c)}" for y, c in r.allocations) or "keine neuen Buchungen"
        print(f"{r.fund_id}: {status} {r.version_hash[:12]} ({booked})")
    return 0


def cmd_budget(args: argparse.Namespace) -> int:
    """Print the figures of a fund's budget year (fondsengine.reports.figures, as on the dashboard)."""
    from fondsengine.reports.figures import read_year

    fonds = build_fonds(_settings(args))
    year = args.year or local_date(fonds.clock.now()).year
    fig = read_year(fonds, args.fund, year)
    print(f"{args.fund}, Haushaltsjahr {year}")
    for _key, label, cents in fig.rows():
        print(f"  {label:<36}{format_euro(cents):>16}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    """Seed realistic demo applications in every state (idempotent)."""
    from fondsengine.demo import LOGINS, seed

    fonds = build_fonds(_settings(args))
    print("Demodaten angelegt." if seed(fonds) else "Demodaten sind schon vorhanden.")
    for login in LOGINS:
        print(f"  {login.role:<38} {login.email:<32} {login.password}")
    return 0


def cmd_whatif(args: argparse.Namespace) -> int:
    """What a proposed guideline would change: findings and money per application, totals per state."""
    from fondsengine.funds.whatif import whatif, whatif_csv

    fonds = build_fonds(_settings(args))
    result = whatif(fonds, args.fund, args.proposal)
    if args.csv:
        Path(args.csv).write_text(whatif_csv(result), encoding="utf-8-sig")
    if not result.changes:
        print("Keine Auswirkungen auf bisherige Anträge.")
    for c in result.changes:
        print(f"{c.file_number or c.application_id} „{c.title}“ ({c.state_label}): {c.verdict}")
        if c.difference_cents:
            print(f"    {format_euro(c.cents_before)} -> {format_euro(c.cents_after)} ({_signed(c.difference_cents)})")
        for m in c.added:
            print(f"    + {m}")
        for m in c.removed:
            print(f"    - {m}")
    if result.totals:
        print("Summen nach Status (bisher -> neu, Differenz):")
        for t in result.totals:
            print(
                f"  {t.state_label:<34}{_count(t.applications)}  {format_euro(t.cents_before):>14} -> "
                f"{format_euro(t.cents_after):>14}  {_signed(t.difference_cents):>15}"
            )
        diff = result.cents_after - result.cents_before
        print(
            f"  {'Zusammen':<34}{_count(sum(t.applications for t in result.totals))}  "
            f"{format_euro(result.cents_before):>14} -> {format_euro(result.cents_after):>14}  {_signed(diff):>15}"
        )
    if result.changes:
        print(f"{len(result.changes)} Antrag/Anträge betroffen.")
    if args.csv:
        print(f"CSV geschrieben: {args.csv}")
    return 0


def _count(n: int) -> str:
    return f"{n:>4} {'Antrag ' if n == 1 else 'Anträge'}"


def _signed(cents: int) -> str:
    """An amount with its sign: +150,00 €, -80,00 €, ±0,00 €."""
    if cents == 0:
        return "±" + format_euro(0)
    return ("+" if cents > 0 else "-") + format_euro(abs(cents))


def _password(args: argparse.Namespace, prompt: Callable[[str], str]) -> str:
    """The new account's password: --password-file, --password-stdin, --password or the terminal."""
    if args.password_file:
        lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        password = lines[0] if lines else ""
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif args.password:
        password = args.password
    elif sys.stdin.isatty():
        password = prompt("Passwort: ")
    else:
        raise InvalidInput("Kein Terminal für die Passwortabfrage: --password-stdin oder --password-file verwenden.")
    if not password:
        raise InvalidInput("Das Passwort ist leer.")
    return password


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app on gunicorn (workers, threads, bind address from the settings)."""
    from fondsengine.ops.serve import serve

    overrides: dict[str, Any] = {}
    if args.database:
        overrides["database_url"] = args.database
    for option in ("bind", "workers", "threads", "timeout"):
        if getattr(args, option) is not None:
            overrides[f"serve_{option}"] = getattr(args, option)
    return serve(load_settings(**overrides))


def cmd_backup(args: argparse.Namespace) -> int:
    """Write database, uploads and a manifest of checksums into one .tar.gz."""
    from fondsengine.ops.backup import backup

    report = backup(_settings(args), args.file)
    rows = sum(report.table_rows.values())
    print(f"Sicherung geschrieben: {report.path} ({report.engine}, Schema {report.schema_revision}, "
          f"{rows} Zeilen in {len(report.table_rows)} Tabellen, {report.files} Upload-Datei(en))")  # fmt: skip
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Check a backup archive and restore it (refuses a non-empty target without --force)."""
    from fondsengine.migrate import head_revision
    from fondsengine.ops.backup import restore

    report = restore(_settings(args), args.file, force=args.force)
    print(f"Wiederhergestellt: {report.path} ({report.engine}, Schema {report.schema_revision}, "
          f"{sum(report.table_rows.values())} Zeilen, {report.files} Upload-Datei(en), Prüfsummen ok)")  # fmt: skip
    if report.schema_revision != head_revision():
        print("Die Sicherung hat einen älteren Schemastand: jetzt fondsengine db upgrade ausführen.")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create a user and optionally give roles (fund:role)."""
    import getpass

    from fondsengine.accounts.users import create_user, grant_role
    from fondsengine.engine import Actor

    password = _password(args, getpass.getpass)
    fonds = build_fonds(_settings(args))
    uid = create_user(
        fonds,
        name=args.name,
        email=args.email,
        password=password,
        confirmed=True,
        is_admin=args.admin,
    )
    for spec in args.role or []:
        fund_id, _, role = spec.partition(":")
        grant_role(fonds, Actor.scheduler(), user_id=uid, fund_id=fund_id, role=role)
    print(f"Konto {args.email} angelegt (Nr. {uid}).")
    return 0


_ARGPARSE_GERMAN = (
    ("the following arguments are required", "Pflichtangabe fehlt"),
    ("unrecognized arguments", "unbekannte Argumente"),
    ("invalid int value", "keine ganze Zahl"),
    ("invalid choice", "unbekannte Auswahl"),
    ("expected one argument", "erwartet einen Wert"),
    ("argument ", "Argument "),
    ("choose from", "möglich sind"),
)


class GermanArgumentParser(argparse.ArgumentParser):
    """Usage errors as one German line (exit code 2), like every other CLI error."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the translated message, exit with 2."""
        for english, german in _ARGPARSE_GERMAN:
            message = message.replace(english, german)
        self.print_usage(sys.stderr)
        self.exit(2, f"Fehler: {message} (Hilfe: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all subcommands."""
    p: argparse.ArgumentParser = GermanArgumentParser(
        prog="fondsengine", description="Förderfonds verwalten: Richtlinien, Anträge, Budget."
    )
    p.add_argument("--database", help="Datenbank-URL (sonst FONDS_DATABASE_URL oder instance/fondsengine.db)")
    p.add_argument("--version", action="version", version=f"fondsengine {_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("check", help="Richtlinien- und Workflow-Dateien prüfen")
    s.add_argument("paths", nargs="*", help="Dateien oder Ordner (Standard: die Richtlinien und Workflows)")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("diagram", help="Zustandsdiagramm (Mermaid) eines Workflows ausgeben")
    s.add_argument("workflow")
    s.add_argument("--table", action="store_true", help="die Schritte als Markdown-Tabelle ausgeben")
    s.set_defaults(func=cmd_diagram)
    db = sub.add_parser("db", help="Datenbank").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="Schema migrieren").set_defaults(func=cmd_db_upgrade)
    funds = sub.add_parser("funds", help="Fonds").add_subparsers(dest="funds_command", required=True)
    funds.add_parser("load", help="Richtlinien laden (neue Versionen speichern, Budgets buchen)").set_defaults(
        func=cmd_funds_load
    )
    s = sub.add_parser("budget", help="Budgetstand eines Fonds")
    s.add_argument("fund")
    s.add_argument("--year", type=int)
    s.set_defaults(func=cmd_budget)
    sub.add_parser("demo-data", help="Demodaten anlegen (idempotent)").set_defaults(func=cmd_demo_data)
    s = sub.add_parser("whatif", help="Auswirkungen einer geänderten Richtlinie auf bisherige Anträge")
    s.add_argument("fund")
    s.add_argument("proposal")
    s.add_argument("--csv", help="die Ergebnisse zusätzlich als CSV-Datei schreiben (Semikolon, Dezimalkomma)")
    s.set_defaults(func=cmd_whatif)
    user = sub.add_parser("user", help="Konten").add_subparsers(dest="user_command", required=True)
    s = user.add_parser("add", help="Konto anlegen")
    s.add_argument("email")
    s.add_argument("--name", required=True)
    s.add_argument("--password", help="Passwort als Argument (sichtbar in der Prozessliste; besser --password-file)")
    s.add_argument("--password-stdin", action="store_true", help="Passwort aus der ersten Zeile der Standardeingabe")
    s.add_argument("--password-file", help="Passwort aus der ersten Zeile dieser Datei")
    s.add_argument("--admin", action="store_true")
    s.add_argument("--role", action="append", help="FONDS:ROLLE, z. B. witten-quartiersfonds:manager")
    s.set_defaults(func=cmd_user_add)
    s = sub.add_parser("serve", help="Webanwendung mit gunicorn starten (Einstellungen FONDS_SERVE_*)")
    s.add_argument("--bind", help="ADRESSE:PORT (Standard: FONDS_SERVE_BIND oder 127.0.0.1:5000)")
    s.add_argument("--workers", type=int, help="Anzahl Worker-Prozesse (FONDS_SERVE_WORKERS)")
    s.add_argument("--threads", type=int, help="Threads je Worker (FONDS_SERVE_THREADS)")
    s.add_argument("--timeout", type=int, help="Sekunden je Anfrage, bevor der Worker neu startet")
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("backup", help="Datenbank und Uploads in eine .tar.gz-Datei sichern (im laufenden Betrieb)")
    s.add_argument("file", help="Zieldatei, z. B. /var/backups/fonds/fonds-2026-12-01.tar.gz")
    s.set_defaults(func=cmd_backup)
    s = sub.add_parser("restore", help="Sicherung prüfen und zurückspielen (Webanwendung und Zeitplaner gestoppt)")
    s.add_argument("file")
    s.add_argument("--force", action="store_true", help="eine Datenbank mit Daten und den Upload-Ordner überschreiben")
    s.set_defaults(func=cmd_restore)
    _extensions(sub)
    return p


def _extensions(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Subcommands of the scheduler, jury and letters modules (registered when present)."""
    for module in ("fondsengine.cli.jobs", "fondsengine.cli.jury", "fondsengine.cli.reports", "fondsengine.cli.verify"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ImportError:
            continue
        mod.register(sub)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fondsengine")
    except PackageNotFoundError:
        return "unbekannt (nicht installiert)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script: every expected error is one German line on stderr, exit code 2."""
    from fondsengine.cli.errors import explain

    args = build_parser().parse_args(argv)
    try:
        _configure_logging(args.func in {cmd_serve} or args.command == "scheduler")
        return int(args.func(args))
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130
    except Exception as exc:
        message, code = explain(exc)
        print(f"Fehler: {message}", file=sys.stderr)
        return code


def _configure_logging(server: bool) -> None:
    """Servers log at the configured level; one-shot commands only warnings unless FONDS_LOG_LEVEL is set."""
    import os

    from fondsengine.ops.logging_setup import configure_logging

    settings = load_settings()
    level = settings.log_level if server or "FONDS_LOG_LEVEL" in os.environ else "WARNING"
    configure_logging(level, settings.log_format)


if __name__ == "__main__":
    sys.exit(main())
