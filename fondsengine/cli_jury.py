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
    from fondsengine.services.jury import replay_draw

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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the jury subcommands."""
    jury = sub.add_parser("jury", help="Jury").add_subparsers(dest="jury_command", required=True)
    s = jury.add_parser("draw", help="Auslosung nachvollziehen (ändert nichts)")
    s.add_argument("fund")
    s.add_argument("--seed", required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--per-group", action="append", help="GRUPPE=ANZAHL, mehrfach möglich")
    s.set_defaults(func=cmd_jury_draw)
