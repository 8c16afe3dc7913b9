"""`fondsengine jury draw`: re-run or preview a draw by lot, so anyone can verify it."""

from __future__ import annotations

import argparse

from fondsengine.bootstrap import build_fonds
from fondsengine.config import load_settings
from fondsengine.errors import InvalidInput


def _per_group(specs: list[str] | None) -> dict[str, int] | None:
    if not specs:
        return None
    out: dict[str, int] = {}
    for spec in specs:
        group, _, count = spec.partition("=")
        if not group or not count.isdigit():
            raise InvalidInput(f"--per-group „{spec}“: bitte GRUPPE=ANZAHL angeben, z. B. resident=10.")
        out[group] = int(count)
    return out


def cmd_jury_draw(args: argparse.Namespace) -> int:
    """Re-run the draw with a seed; compare it with the recorded draw if there is one."""
    from fondsengine.jury.usecases import replay_draw

    fonds = build_fonds(load_settings(**({"database_url": args.database} if args.database else {})))
    replay = replay_draw(fonds, args.fund, args.seed, args.size, _per_group(args.per_group))
    r = replay.result
    print(f"Losverfahren {args.fund}: {r.size} aus {len(r.pool_ids)} Freiwilligen, Seed {r.seed}")
    print(f"Verfahren {r.algorithm}, Fingerabdruck {r.fingerprint}")
    for pos, member_id in enumerate(r.drawn, start=1):
        print(f"  {pos:>2}. {replay.names.get(member_id, member_id)} (Nr. {member_id})")
    if replay.matches is None:
        print("Keine aufgezeichnete Auslosung mit diesem Seed: das ist eine Vorschau auf dem aktuellen Pool.")
        return 0
    if replay.matches:
        print(f"Stimmt mit der aufgezeichneten Auslosung Nr. {replay.recorded_draw_id} überein.")
        return 0
    print(f"ABWEICHUNG von der aufgezeichneten Auslosung Nr. {replay.recorded_draw_id}: {replay.recorded_drawn}")
    return 1


def minutes_text(m: object) -> str:
    """The minutes as plain text for the terminal (same content as the PDF)."""
    from fondsengine.jury.minutes import Minutes, minutes_data
    from fondsengine.letters.fmt import format_date
    from fondsengine.money import format_euro

    assert isinstance(m, Minutes)
    d = minutes_data(m, recorder="Geschäftsführung")
    lines = [
        ("Protokoll des Umlaufverfahrens" if d.circulation else "Protokoll der Jurysitzung") + f" – {d.fund_name}",
        f"{d.session_title}, {format_date(d.session_date)}" + (f", {d.times}" if d.times else ""),
        f"Ort: {d.place or '–'}",
        f"Sitzungsleitung: {d.chair or '–'}",
        f"Anwesend ({len(d.present)}): {', '.join(d.present) or '–'}",
    ]
    if d.absent:
        lines.append(f"Entschuldigt: {', '.join(d.absent)}")
    if d.quorum_note:
        lines.append(f"Beschlussfähigkeit: {d.quorum_note}")
    for number, it in enumerate(d.items, start=1):
        lines += [
            "",
            f"TOP {number}: {it.project_title} ({it.file_number}), {it.applicant_name}",
            f"  Beschlussvorlage: {it.motion}",
            f"  Abstimmung: Ja {it.yes}, Nein {it.no}, Enthaltung {it.abstain}",
        ]
        if it.excluded:
            lines.append(f"  Befangen, haben den Raum verlassen: {', '.join(it.excluded)}")
        decided = format_euro(it.decided_cents) if it.decided_cents is not None else "–"
        lines.append(f"  Ergebnis: {it.outcome}, beschlossen {decided}" + (f" ({it.clause})" if it.clause else ""))
        if it.record:
            lines.append(f"  Stimmabgabe: {it.record}")
        if it.explanation:
            lines.append(f"  Begründung: {it.explanation}")
    lines += ["", "_" * 30 + "    " + "_" * 30, f"Sitzungsleitung: {d.chair or '–'}    Protokoll: {d.recorder}"]
    return "\n".join(lines)


def cmd_jury_minutes(args: argparse.Namespace) -> int:
    """Print the minutes of a session; with --pdf also write the PDF."""
    from pathlib import Path

    from fondsengine.engine import Actor
    from fondsengine.jury.minutes import minutes, minutes_data
    from fondsengine.reports.pdf import render_minutes

    fonds = build_fonds(load_settings(**({"database_url": args.database} if args.database else {})))
    m = minutes(fonds, Actor.scheduler(), args.session)
    print(minutes_text(m))
    if args.pdf:
        Path(args.pdf).write_bytes(render_minutes(minutes_data(m, recorder="Geschäftsführung")))
        print(f"PDF geschrieben: {args.pdf}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the jury subcommands."""
    jury = sub.add_parser("jury", help="Jury").add_subparsers(dest="jury_command", required=True)
    s = jury.add_parser("draw", help="Auslosung nachvollziehen (ändert nichts)")
    s.add_argument("fund")
    s.add_argument("--seed", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--per-group", action="append", help="GRUPPE=ANZAHL, mehrfach möglich")
    s.set_defaults(func=cmd_jury_draw)
    m = jury.add_parser("minutes", help="Protokoll einer Sitzung ausgeben")
    m.add_argument("session", type=int, help="Nummer der Sitzung")
    m.add_argument("--pdf", help="das Protokoll zusätzlich als PDF schreiben")
    m.set_defaults(func=cmd_jury_minutes)
