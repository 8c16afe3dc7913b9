"""Benchmark: what the after-commit dispatch costs a use case (issue 11: "dispatch only what it created").

Run: .venv/bin/python bench/after_commit.py [N]
Three hooks on the same SQLite database, measured in the same run, each for N applications
(create draft, submit, start review, request changes):
  none      no after-commit hook (the floor: the use cases alone)
  all       the former hook: render every pending letter and send every due mail after each commit
  created   the current hook: only the letters and mails the unit of work created
Both hooks send the same mails (the use cases' own); "all" also looks for other pending work
after every commit, which is what made a submission cost 59 statements instead of 27.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seed_bulk import prepared_fonds
from sqlalchemy import event

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Created, Engine
from fondsengine.notify import FakeMailer
from fondsengine.notify.outbox import dispatch, make_after_commit_dispatch
from tests.support.factories import QF, person, quartiersfonds_input


def run(kind: str, n: int) -> tuple[float, float]:
    """Milliseconds and statements per use case for one hook kind."""
    tmp = Path(tempfile.mkdtemp(prefix=f"fonds-after-commit-{kind}-"))
    fonds = prepared_fonds(f"sqlite:///{tmp / 'bench.db'}", tmp)
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    mailer = FakeMailer()

    def send_all(f: Engine, _created: Created) -> None:
        dispatch(f, mailer, now=f.clock.now(), limit=20)

    hooks: dict[str, list[Callable[[Engine, Created], None]]] = {
        "none": [],
        "all": [send_all],
        "created": [make_after_commit_dispatch(mailer)],
    }
    fonds.after_commit[:] = hooks[kind]
    count = [0]

    def on_execute(*_args: object) -> None:
        count[0] += 1

    event.listen(fonds.db.engine, "before_cursor_execute", on_execute)
    times: list[float] = []
    statements: list[int] = []

    def measured(step: Callable[[], object]) -> object:
        start, before = time.perf_counter(), count[0]
        result = step()
        times.append(time.perf_counter() - start)
        statements.append(count[0] - before)
        return result

    for i in range(n):
        resident = person(fonds, f"Person {i}", f"person{i}@example.org")  # the yearly limit is per applicant
        draft = quartiersfonds_input(title=f"Fest {i}")
        app_id = int(measured(lambda: apps.create_draft(fonds, resident, QF, draft)))  # noqa: B023
        measured(lambda: apps.submit(fonds, resident, app_id))  # noqa: B023
        measured(lambda: decisions.start_review(fonds, office, app_id))  # noqa: B023
        measured(lambda: decisions.request_changes(fonds, office, app_id, "Bitte Angebot beilegen."))  # noqa: B023
    fonds.db.dispose()
    return statistics.mean(times) * 1000, statistics.mean(statements)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    results = {kind: run(kind, n) for kind in ("none", "all", "created")}
    floor_ms, _floor_st = results["none"]
    print(f"{n} applications x 4 use cases (SQLite)")
    for kind, (ms, st) in results.items():
        print(f"  {kind:<8} {ms:7.1f} ms/use case  {st:6.1f} statements/use case  ratio to floor {ms / floor_ms:4.2f}")
    all_ms, all_st = results["all"]
    new_ms, new_st = results["created"]
    print(f"  created vs all: {new_ms / all_ms:.2f} of the time, {new_st / all_st:.2f} of the statements")


if __name__ == "__main__":
    main()
