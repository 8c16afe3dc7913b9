"""`fondsengine verify`: check the hash chains, letters and bookings; print or check the chain heads.

Exit codes: 0 all intact, 1 something is broken, 2 the check could not run (no database ...).
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from fondsengine.bootstrap import build_fonds
from fondsengine.config import load_settings
from fondsengine.engine import Engine
from fondsengine.errors import FondsError
from fondsengine.integrity.check import Report, heads, verify

EXIT_BROKEN = 1
EXIT_UNCHECKED = 2


def _fonds(args: argparse.Namespace) -> Engine:
    database = getattr(args, "database", None)
    return build_fonds(load_settings(**({"database_url": database} if database else {})))


def _print_heads(fonds: Engine) -> None:
    print(f"{'Kette':<8} {'Zeilen':>9} {'letzte id':>10}  Prüfsumme (SHA-256)")
    for h in heads(fonds):
        print(f"{h.name:<8} {h.row_count:>9} {h.last_id if h.last_id is not None else '–':>10}  {h.last_hash}")
    print("Bitte notieren Sie diese Werte außerhalb der Datenbank (Jahresbericht, Kassenprüfung).")
    print("Später prüfen mit: fondsengine verify --expect-head ledger:<Prüfsumme>")


def _print_report(report: Report) -> None:
    for c in report.chains:
        state = "Kopf fehlt" if c.head is None else f"Kettenkopf {c.head.row_count} Zeilen, {c.head.last_hash[:16]}…"
        print(f"{c.label} ({c.table}): {c.rows} Zeilen geprüft; {state}")
    print(f"Briefe: {report.letters_checked} Prüfsummen geprüft")
    print(f"Abgleich: {report.payments_checked} Zahlungen, {report.applications_checked} Anträge geprüft")
    print(f"Summen: {report.years_checked} Haushaltsjahre mit ihren Monatssummen gegen die Buchungen geprüft")
    print(f"Zähler: {report.counts_checked} Anzahlen je Fonds, Jahr und Stand gegen die Anträge geprüft")
    for f in report.findings:
        print(f"FEHLER {f.format()}")
    if report.ok:
        print("Ergebnis: alles unverändert und stimmig.")
    else:
        print(f"Ergebnis: {len(report.findings)} Problem(e) gefunden.", file=sys.stderr)


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify the integrity of ledger, audit trail and letters (German report)."""
    try:
        fonds = _fonds(args)
        try:
            if args.head:
                _print_heads(fonds)
                return 0
            report = verify(fonds, expect_heads=args.expect_head or ())
        finally:
            fonds.db.dispose()
    except (SQLAlchemyError, FondsError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"Fehler: Die Prüfung konnte nicht laufen ({reason}).", file=sys.stderr)
        return EXIT_UNCHECKED
    except Exception as exc:  # a broken database must never end in a traceback for the office
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        print(f"Fehler: Die Prüfung konnte nicht laufen ({reason}).", file=sys.stderr)
        return EXIT_UNCHECKED
    _print_report(report)
    return 0 if report.ok else EXIT_BROKEN


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `verify` subcommand to the `fondsengine` command."""
    s = sub.add_parser("verify", help="Prüfketten, Briefe und Buchungen auf Veränderungen prüfen")
    s.add_argument(
        "--database",
        default=argparse.SUPPRESS,  # keeps `fondsengine --database URL verify` working too
        help="Datenbank-URL (sonst FONDS_DATABASE_URL oder instance/fondsengine.db)",
    )
    s.add_argument("--head", action="store_true", help="nur die aktuellen Kettenköpfe ausgeben (zum Notieren)")
    s.add_argument(
        "--expect-head",
        action="append",
        metavar="[KETTE:]PRÜFSUMME",
        help="prüfen, dass ein früher notierter Kettenkopf noch Teil der Kette ist (mehrfach möglich)",
    )
    s.set_defaults(func=cmd_verify)
