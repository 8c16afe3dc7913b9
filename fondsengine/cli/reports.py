"""CLI subcommands for reports and letters: `report`, `rollup`, `letters list`, `letters get`.

Operator tools: whoever has shell access to the server is the office, so the commands act as
the system actor; the engine functions still check that role like any other.
"""

from __future__ import annotations

import argparse
import errno
import functools
import sys
from collections.abc import Callable
from pathlib import Path

from fondsengine.bootstrap import build_fonds
from fondsengine.clock import local_date
from fondsengine.config import load_settings
from fondsengine.engine import Actor, Engine
from fondsengine.money import format_euro
from fondsengine.text import format_timestamp

EXIT_CHECKSUM = 3


def _fonds(args: argparse.Namespace) -> Engine:
    database = getattr(args, "database", None)
    return build_fonds(load_settings(**({"database_url": database} if database else {})))


def _year(args: argparse.Namespace, fonds: Engine) -> int:
    return int(args.year) if args.year else local_date(fonds.clock.now()).year


_OS_REASONS = {
    errno.ENOENT: "gibt es nicht",
    errno.EACCES: "darf nicht gelesen oder geschrieben werden (fehlende Berechtigung)",
    errno.EISDIR: "ist ein Ordner",
    errno.ENOSPC: "kann nicht geschrieben werden: der Datenträger ist voll",
}

Handler = Callable[[argparse.Namespace], int]


def _file_errors(handler: Handler) -> Handler:
    """Turn a file that cannot be read or written into a German message and exit code 1."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except OSError as exc:
            why = _OS_REASONS.get(exc.errno or 0, "ist nicht lesbar oder nicht beschreibbar")
            print(f"Fehler: {exc.filename or 'Die Datei'} {why}.", file=sys.stderr)
            return 1

    return run


def _write(path: str, data: bytes) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def cmd_report(args: argparse.Namespace) -> int:
    """Write the annual report of a fund and budget year as PDF."""
    from fondsengine.reports.data import annual_report_data
    from fondsengine.reports.pdf import render_annual_report

    fonds = _fonds(args)
    try:
        summary = Path(args.summary).read_text(encoding="utf-8") if args.summary else None
        data = annual_report_data(fonds, Actor.scheduler(), args.fund, _year(args, fonds), summary=summary)
        out = _write(args.pdf, render_annual_report(data))
    finally:
        fonds.db.dispose()
    print(f"Jahresbericht {data.year} für {data.fund_name}: {out}")
    print(
        f"  {data.applications} Anträge, {len(data.projects)} geförderte Projekte, "
        f"gebunden {format_euro(data.committed_cents)}, ausgezahlt {format_euro(data.paid_cents)}, "
        f"frei {format_euro(data.free_cents)}"
    )
    return 0


def cmd_rollup(args: argparse.Namespace) -> int:
    """Write the roll-up of a year's projects for the city's proof of use (PDF and/or CSV)."""
    from fondsengine.reports.data import rollup_data
    from fondsengine.reports.pdf import render_rollup, rollup_csv

    if not args.pdf and not args.csv:
        print("Bitte --pdf und/oder --csv angeben.", file=sys.stderr)
        return 1
    fonds = _fonds(args)
    try:
        data = rollup_data(fonds, Actor.scheduler(), args.fund, _year(args, fonds))
    finally:
        fonds.db.dispose()
    print(f"Zusammenstellung {data.year} für {data.fund_name}: {len(data.projects)} Projekte")
    if args.pdf:
        print(f"  PDF: {_write(args.pdf, render_rollup(data))}")
    if args.csv:
        # utf-8-sig: spreadsheet programs then read the umlauts correctly
        print(f"  CSV: {_write(args.csv, rollup_csv(data).encode('utf-8-sig'))}")
    return 0


def cmd_letters_list(args: argparse.Namespace) -> int:
    """List the stored letters of an application by its file number (Aktenzeichen)."""
    from fondsengine.letters.access import letters_of

    fonds = _fonds(args)
    try:
        letters = letters_of(fonds, Actor.scheduler(), args.file_number)
    finally:
        fonds.db.dispose()
    if not letters:
        print(f"Zu {args.file_number} gibt es noch keine Briefe.")
        return 0
    print(f"{'Nr.':>6}  {'Datum':<16}  {'Brief':<34}  {'Größe':>18}  SHA-256")
    for info in letters:
        when = format_timestamp(info.created_at)
        size = f"{info.size_bytes:,} B".replace(",", ".") if info.size_bytes is not None else "noch nicht erzeugt"
        print(f"{info.id:>6}  {when:<16}  {info.label:<34}  {size:>18}  {(info.sha256 or '–')[:16]}")
    return 0


def cmd_letters_get(args: argparse.Namespace) -> int:
    """Write a stored letter's PDF to a file after checking its SHA-256."""
    from fondsengine.letters.access import ChecksumMismatch, letter_pdf

    fonds = _fonds(args)
    try:
        info, pdf = letter_pdf(fonds, Actor.scheduler(), args.letter_id)
    except ChecksumMismatch as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return EXIT_CHECKSUM
    finally:
        fonds.db.dispose()
    out = _write(args.out or info.filename, pdf)
    print(f"{info.label} {info.file_number or ''} ({len(pdf)} Bytes, SHA-256 geprüft): {out}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the report, rollup and letters subcommands to the `fondsengine` command."""
    s = sub.add_parser("report", help="Jahresbericht eines Fonds als PDF")
    s.add_argument("fund", help="Fonds, z. B. witten-quartiersfonds")
    s.add_argument("--year", type=int, help="Haushaltsjahr (Standard: das laufende Jahr)")
    s.add_argument("--pdf", required=True, help="Ausgabedatei (PDF)")
    s.add_argument("--summary", help="Textdatei mit einer kurzen Einleitung der Geschäftsführung")
    s.set_defaults(func=_file_errors(cmd_report))

    s = sub.add_parser("rollup", help="Zusammenstellung der Einzelprojekte für den Verwendungsnachweis der Stadt")
    s.add_argument("fund")
    s.add_argument("--year", type=int, help="Haushaltsjahr (Standard: das laufende Jahr)")
    s.add_argument("--pdf", help="Ausgabedatei (PDF)")
    s.add_argument("--csv", help="Ausgabedatei (CSV mit Semikolon, für Tabellenkalkulationen)")
    s.set_defaults(func=_file_errors(cmd_rollup))

    letters = sub.add_parser("letters", help="Gespeicherte Briefe")
    commands = letters.add_subparsers(dest="letters_command", required=True)
    s = commands.add_parser("list", help="Briefe eines Antrags auflisten")
    s.add_argument("file_number", help="Aktenzeichen, z. B. WQ-2026-0002")
    s.set_defaults(func=_file_errors(cmd_letters_list))
    s = commands.add_parser("get", help="Einen Brief als PDF speichern (Prüfsumme wird geprüft)")
    s.add_argument("letter_id", type=int, help="Nummer des Briefs (siehe letters list)")
    s.add_argument("--out", help="Ausgabedatei (Standard: Briefart-Aktenzeichen.pdf)")
    s.set_defaults(func=_file_errors(cmd_letters_get))
