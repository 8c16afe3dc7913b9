"""Erasure requests under concurrency, on SQLite and PostgreSQL: eight simultaneous requests of one
person leave exactly one open request; eight offices carrying out the same request erase once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from fondsengine.accounts.erasure import carry_out_erasure, request_erasure
from fondsengine.applications.service import create_draft
from fondsengine.engine import Engine
from fondsengine.errors import FondsError
from fondsengine.model import AuditEvent, ErasureRequest, OutboxMessage
from tests.support.factories import QF, person, quartiersfonds_input

CLIENTS = 8


def _together(work: list[object]) -> list[str]:
    """Run the callables at once (released by a barrier); the outcome of each: 'ok' or the error text."""
    barrier = threading.Barrier(len(work))
    results: list[str] = [""] * len(work)

    def run(i: int, call: object) -> None:
        barrier.wait()
        try:
            call()  # type: ignore[operator]
            results[i] = "ok"
        except FondsError as exc:
            results[i] = exc.message

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(work)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_simultaneous_requests_and_carry_outs_happen_once(fonds: Engine) -> None:
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    offices = [person(fonds, f"Büro {i}", f"buero{i}@example.org", (QF, "manager")) for i in range(CLIENTS)]
    create_draft(fonds, anna, QF, quartiersfonds_input())

    asked = _together([lambda: request_erasure(fonds, anna, "bitte löschen")] * CLIENTS)
    assert asked.count("ok") == 1, asked
    assert all("liegt schon vor" in r or "gleichzeitig" in r for r in asked if r != "ok"), asked
    with fonds.db.read() as s:
        [req] = s.scalars(select(ErasureRequest)).all()
        assert req.status == "open"

    done = _together([lambda o=o: carry_out_erasure(fonds, o, req.id) for o in offices])
    assert done.count("ok") == 1, done
    assert all("schon erledigt" in r or "gleichzeitig" in r for r in done if r != "ok"), done
    with fonds.db.read() as s:
        carried = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "carry_out_erasure")
        assert s.scalar(carried) == 1
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.topic == "erasure_done")) == 1  # fmt: skip
