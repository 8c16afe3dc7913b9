"""The `fondsengine` command: a thin shell over the same service functions the web app uses."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from fondsengine.bootstrap import build_fonds
from fondsengine.clock import local_date
from fondsengine.config import Settings, load_settings
from fondsengine.errors import FondsError
from fondsengine.money import format_euro


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"database_url": args.database} if getattr(args, "database", None) else {}
    return load_settings(**overrides)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate guideline and workflow files; one `file:line: message` per problem."""
    from fondsengine.checkfiles import check_paths

    problems, checked = check_paths([Path(p) for p in (args.paths or ["richtlinien", "workflows"])])
    for p in problems:
        print(p.format())
    if problems:
        print(f"{len(problems)} Problem(e) in {checked} Datei(en).", file=sys.stderr)
        return 1
    print(f"{checked} Datei(en) geprüft, alles in Ordnung.")
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    """Print a Mermaid state diagram of a workflow file."""
    from fondsengine.workflow.diagram import mermaid
    from fondsengine.workflow.loader import load_workflow

    print(mermaid(load_workflow(args.workflow)))
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
    from fondsengine.services.context import Actor
    from fondsengine.services.funds import load_funds

    settings = _settings(args)
    fonds = build_fonds(settings)
    for r in load_funds(fonds, Actor.scheduler(), settings.richtlinien_dir, settings.workflows_dir):
        status = "neue Version" if r.new_version else "unverändert"
        booked = ", ".join(f"{y}: {format_euro(c)}" for y, c in r.allocations) or "keine neuen Buchungen"
        print(f"{r.fund_id}: {status} {r.version_hash[:12]} ({booked})")
    return 0


def cmd_budget(args: argparse.Namespace) -> int:
    """Print the balances of a fund's budget year."""
    from fondsengine.services.queries import fund_balance

    fonds = build_fonds(_settings(args))
    year = args.year or local_date(fonds.clock.now()).year
    b = fund_balance(fonds, args.fund, year)
    rows = [
        ("Budget (zugewiesen)", b.allocated),
        ("Übertrag", b.carried),
        ("Verfallen", b.expired),
        ("Gebunden (bewilligt)", b.committed),
        ("Ausgezahlt", b.paid),
        ("Zurückgezahlt", b.refunded),
        ("Offen zur Auszahlung", b.outstanding),
        ("Frei", b.free),
    ]
    print(f"{args.fund}, Haushaltsjahr {year}")
    for label, cents in rows:
        print(f"  {label:<24}{format_euro(cents):>16}")
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
    """List past applications whose findings would change under a proposed guideline."""
    from fondsengine.whatif import whatif

    fonds = build_fonds(_settings(args))
    changes = whatif(fonds, args.fund, args.proposal)
    if not changes:
        print("Keine Auswirkungen auf bisherige Anträge.")
        return 0
    for c in changes:
        verdict = ""
        if c.blocking_before != c.blocking_after:
            verdict = " — wäre jetzt NICHT förderfähig" if c.blocking_after else " — wäre jetzt förderfähig"
        print(f"{c.file_number or c.application_id} „{c.title}“{verdict}")
        for m in c.added:
            print(f"    + {m}")
        for m in c.removed:
            print(f"    - {m}")
    print(f"{len(changes)} Antrag/Anträge betroffen.")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create a user and optionally give roles (fund:role)."""
    import getpass

    from fondsengine.services.context import Actor
    from fondsengine.services.users import create_user, grant_role

    fonds = build_fonds(_settings(args))
    password = args.password or getpass.getpass("Passwort: ")
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with all subcommands."""
    p = argparse.ArgumentParser(prog="fondsengine", description="Förderfonds verwalten: Richtlinien, Anträge, Budget.")
    p.add_argument("--database", help="Datenbank-URL (sonst FONDS_DATABASE_URL oder instance/fondsengine.db)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("check", help="Richtlinien- und Workflow-Dateien prüfen")
    s.add_argument("paths", nargs="*", help="Dateien oder Ordner (Standard: richtlinien/ workflows/)")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("diagram", help="Zustandsdiagramm (Mermaid) eines Workflows ausgeben")
    s.add_argument("workflow")
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
    s.set_defaults(func=cmd_whatif)
    user = sub.add_parser("user", help="Konten").add_subparsers(dest="user_command", required=True)
    s = user.add_parser("add", help="Konto anlegen")
    s.add_argument("email")
    s.add_argument("--name", required=True)
    s.add_argument("--password")
    s.add_argument("--admin", action="store_true")
    s.add_argument("--role", action="append", help="FONDS:ROLLE, z. B. witten-quartiersfonds:manager")
    s.set_defaults(func=cmd_user_add)
    _extensions(sub)
    return p


def _extensions(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Subcommands of the scheduler, jury and letters modules (registered when present)."""
    for module in ("fondsengine.cli_jobs", "fondsengine.cli_jury", "fondsengine.cli_reports", "fondsengine.cli_verify"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ImportError:
            continue
        mod.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except FondsError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
