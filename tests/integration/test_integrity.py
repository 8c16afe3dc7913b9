"""Tamper with a real history the way a table owner can and see `verify` name what was broken.

A history of three applications (one documented with a final payment, one with a refund, one
rejected) is built with the real use cases on SQLite and PostgreSQL; then each case bypasses the
append-only triggers (SQLite: drop and re-create them; PostgreSQL: session_replication_role =
replica, or TRUNCATE, which row triggers do not see) and changes the database behind the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, insert, select, text, update

from fondsengine import ledger
from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.config import load_settings
from fondsengine.db import make_engine, open_database
from fondsengine.engine import Actor, Engine
from fondsengine.integrity import chain
from fondsengine.integrity.check import Finding, verify
from fondsengine.jobs.table import run_job
from fondsengine.letters.store import render_pending_letters
from fondsengine.migrate import upgrade
from fondsengine.model import (
    AuditEvent,
    BudgetYear,
    LedgerEntry,
    Letter,
    OutboxMessage,
    Payment,
    ProofOfUse,
    Receipt,
    Refund,
)
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from tests.support.factories import QF, quartiersfonds_input, with_bank_account
from tests.support.jury import decide_on_paper


def _user(fonds: Engine, name: str, email: str, *roles: tuple[str, str]) -> Actor:
    """A confirmed user without a password (argon2 would dominate the test's time)."""
    uid = create_user(fonds, name=name, email=email, confirmed=True)
    for fund_id, role in roles:
        grant_role(fonds, Actor.scheduler(), user_id=uid, fund_id=fund_id, role=role, group=None)
    return Actor(uid)


def _on_agenda(fonds: Engine, office: Actor, applicant: Actor, session_id: int, title: str) -> int:
    app_id = apps.create_draft(fonds, applicant, QF, quartiersfonds_input(title=title))
    apps.submit(fonds, applicant, app_id)
    decisions.start_review(fonds, office, app_id)
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(fonds, office, app_id)
    decisions.schedule(fonds, office, app_id, session_id)
    return app_id


def _receipts(fonds: Engine, office: Actor, app_id: int) -> None:
    with fonds.db.read() as s:
        ids = s.scalars(
            select(Receipt.id).join(ProofOfUse).where(ProofOfUse.application_id == app_id).order_by(Receipt.id)
        ).all()
    for rid in ids:
        proofs.review_receipt(fonds, office, rid, accepted=True)


def build_history(fonds: Engine) -> dict[str, int]:
    """Three applications through approval, payments, proof, refund and rejection."""
    office = _user(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = _user(fonds, "Anna Beispiel", "anna@example.org")
    bernd = _user(fonds, "Bernd Beispiel", "bernd@example.org")
    carla = _user(fonds, "Carla Beispiel", "carla@example.org")
    sid = decisions.create_session(fonds, office, QF, datetime(2027, 3, 10, 17, tzinfo=UTC), "Rathaus")
    a = _on_agenda(fonds, office, anna, sid, "Reparaturcafé")
    b = _on_agenda(fonds, office, bernd, sid, "Hoffest")
    c = _on_agenda(fonds, office, carla, sid, "Laternenumzug")
    decide_on_paper(fonds, office, a, "approve", amount_cents=100_000, reason="Saal gestellt")
    decide_on_paper(fonds, office, b, "approve")
    decide_on_paper(fonds, office, c, "reject", reason="Nicht im Quartier")
    payments.request_payment(
        fonds, anna, a, amount_cents=80_000, kind="advance", iban="DE89 3704 0044 0532 0130 00", account_holder="Anna"
    )
    with fonds.db.read() as s:
        requested = s.scalar(select(Payment.id).where(Payment.application_id == a))
    payments.record_payment(fonds, office, a, amount_cents=80_000, kind="advance", payment_id=requested)
    with_bank_account(fonds, office, b, "Bernd")
    payments.record_payment(fonds, office, b, amount_cents=96_000, kind="advance")
    material = ReceiptInput(date(2026, 11, 25), "Baumarkt", "Material", "material", 90_000)
    proofs.submit_proof(fonds, anna, a, report="Sechs Treffen.", receipts=[material], confirmed=True)
    _receipts(fonds, office, a)
    proofs.accept_proof(fonds, office, a)
    payments.record_payment(fonds, office, a, amount_cents=10_000, kind="final")
    small = ReceiptInput(date(2026, 11, 25), "Druckerei", "Flyer", "publicity", 50_000)
    proofs.submit_proof(fonds, bernd, b, report="Ein Fest.", receipts=[small], confirmed=True)
    _receipts(fonds, office, b)
    proofs.accept_proof(fonds, office, b)
    proofs.claim_refund(fonds, office, b, reason="Weniger ausgegeben")
    proofs.record_refund(fonds, office, b, amount_cents=20_000)
    proofs.record_refund(fonds, office, b, amount_cents=26_000)
    assert render_pending_letters(fonds, now=fonds.clock.now(), limit=4) == 4  # 3 receipts, 1 approval
    return {"documented": a, "refunded": b, "rejected": c}


@pytest.fixture
def history(fonds: Engine) -> dict[str, int]:
    return build_history(fonds)


@contextmanager
def as_table_owner(fonds: Engine) -> Iterator[Connection]:
    """A transaction that is not held back by the append-only triggers."""
    with fonds.db.engine.begin() as conn:
        if fonds.db.is_sqlite:
            triggers = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            ).all()
            for name, _ in triggers:
                conn.execute(text(f"DROP TRIGGER {name}"))
            yield conn
            for _, sql in triggers:
                conn.execute(text(sql))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            yield conn


@dataclass(frozen=True)
class Rows:
    """A chain's rows in chain order: (id, chain_seq, row_hash)."""

    rows: list[tuple[int, int, str]]

    def at(self, seq: int) -> int:
        return next(r[0] for r in self.rows if r[1] == seq)

    @property
    def middle(self) -> int:
        return self.rows[len(self.rows) // 2][1]


def chain_rows(fonds: Engine, model: type[LedgerEntry] | type[AuditEvent]) -> Rows:
    with fonds.db.read() as s:
        found = s.execute(select(model.id, model.chain_seq, model.row_hash).order_by(model.chain_seq)).all()
    return Rows([(int(i), int(q), str(h)) for i, q, h in found])


def only(findings: list[Finding], check: str) -> Finding:
    chosen = [f for f in findings if f.check == check]
    assert len(chosen) == 1, findings
    return chosen[0]


def test_an_untouched_history_verifies_clean_and_every_row_is_chained(fonds: Engine, history: dict[str, int]) -> None:
    report = verify(fonds)
    assert report.findings == []
    ledger_rows, audit_rows = chain_rows(fonds, LedgerEntry), chain_rows(fonds, AuditEvent)
    by_name = {c.name: c for c in report.chains}
    assert by_name["ledger"].rows == len(ledger_rows.rows) > 10
    assert by_name["audit"].rows == len(audit_rows.rows) > 30
    assert [r[1] for r in ledger_rows.rows] == list(range(1, len(ledger_rows.rows) + 1))
    assert by_name["ledger"].head is not None and by_name["ledger"].head.last_hash == ledger_rows.rows[-1][2]
    assert report.letters_checked == 4 and report.payments_checked == 3 and report.applications_checked == 2


def _change_amount(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    rows = chain_rows(fonds, LedgerEntry)
    victim = rows.at(rows.middle)
    conn.execute(
        update(LedgerEntry).where(LedgerEntry.id == victim).values(amount_cents=LedgerEntry.amount_cents + 100)
    )
    return "kette", "ledger_entries", victim, "Zeile verändert"


def _change_reason(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    with fonds.db.read() as s:
        victim = s.scalar(select(AuditEvent.id).where(AuditEvent.reason.is_not(None)).order_by(AuditEvent.id))
    assert victim is not None
    conn.execute(update(AuditEvent).where(AuditEvent.id == victim).values(reason="Alles in Ordnung"))
    return "kette", "audit_events", victim, "Zeile verändert"


def _delete_middle(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    rows = chain_rows(fonds, AuditEvent)
    seq = rows.middle
    conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": rows.at(seq)})
    return "kette", "audit_events", rows.at(seq + 1), f"fehlen 1 Zeile(n) der Kette (Position {seq})"


def _delete_last(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    rows = chain_rows(fonds, LedgerEntry)
    last = rows.rows[-1][0]
    conn.execute(text("DELETE FROM ledger_entries WHERE id = :id"), {"id": last})
    return "kettenkopf", "ledger_entries", last, "am Ende der Kette fehlen 1 Zeile(n)"


def _forged_row(fonds: Engine) -> dict[str, object]:
    return {
        "fund_id": QF,
        "budget_year": 2027,
        "kind": "allocation",
        "amount_cents": 500_000,
        "note": "Nachtrag",
        "booked_at": datetime(2026, 11, 25, 9, tzinfo=UTC),
    }


def _insert_unchained(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    new_id = conn.execute(insert(LedgerEntry).values(**_forged_row(fonds)).returning(LedgerEntry.id)).scalar_one()
    return "kette", "ledger_entries", int(new_id), "ohne Platz in der Kette"


def _insert_with_valid_link(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    """The forger knows the format and appends a correctly linked row; the head still tells."""
    rows = chain_rows(fonds, LedgerEntry)
    last_seq, last_hash = rows.rows[-1][1], rows.rows[-1][2]
    new_id = int(conn.execute(insert(LedgerEntry).values(**_forged_row(fonds)).returning(LedgerEntry.id)).scalar_one())
    values = {n: None for n in chain.LEDGER.fields} | _forged_row(fonds) | {"id": new_id}
    digest = chain.row_hash(chain.LEDGER, last_seq + 1, last_hash, values)
    conn.execute(
        update(LedgerEntry)
        .where(LedgerEntry.id == new_id)
        .values(chain_seq=last_seq + 1, prev_hash=last_hash, row_hash=digest)
    )
    return "kettenkopf", "ledger_entries", new_id, "hinter dem Kettenende"


def _truncate(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    rows = chain_rows(fonds, AuditEvent)
    conn.execute(text("DELETE FROM audit_events" if fonds.db.is_sqlite else "TRUNCATE audit_events"))
    return "kettenkopf", "audit_events", rows.rows[-1][0], "die Tabelle ist leer"


def _swap_hashes(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    rows = chain_rows(fonds, AuditEvent)
    (id_a, _, hash_a), (id_b, _, hash_b) = rows.rows[3], rows.rows[7]
    conn.execute(update(AuditEvent).where(AuditEvent.id == id_a).values(row_hash=hash_b))
    conn.execute(update(AuditEvent).where(AuditEvent.id == id_b).values(row_hash=hash_a))
    return "kette", "audit_events", id_a, "Zeile verändert"


def _swap_order(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    rows = chain_rows(fonds, LedgerEntry)
    (id_a, seq_a, _), (id_b, seq_b, _) = rows.rows[2], rows.rows[5]
    conn.execute(update(LedgerEntry).where(LedgerEntry.id == id_a).values(chain_seq=-1))
    conn.execute(update(LedgerEntry).where(LedgerEntry.id == id_b).values(chain_seq=seq_a))
    conn.execute(update(LedgerEntry).where(LedgerEntry.id == id_a).values(chain_seq=seq_b))
    return "kette", "ledger_entries", id_b, "Verweis auf die vorige Zeile stimmt nicht"


def _change_letter(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    with fonds.db.read() as s:
        letter_id, pdf = s.execute(
            select(Letter.id, Letter.pdf).where(Letter.kind == "approval").order_by(Letter.id)
        ).first() or (0, b"")
    assert pdf
    conn.execute(update(Letter).where(Letter.id == letter_id).values(pdf=pdf.replace(b"100", b"900", 1) + b"%"))
    return "briefe", "letters", int(letter_id), "passt nicht zu seiner Prüfsumme"


def _change_payment(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    with fonds.db.read() as s:
        pid = s.scalar(select(Payment.id).where(Payment.kind == "final"))
    assert pid is not None
    conn.execute(update(Payment).where(Payment.id == pid).values(amount_cents=99_000))
    return "abgleich", "payments", int(pid), "ausgezahlt 990,00 €, gebucht 100,00 €"


def _change_refund(conn: Connection, fonds: Engine) -> tuple[str, str, int, str]:
    with fonds.db.read() as s:
        app_id = s.scalar(select(Refund.application_id))
    assert app_id is not None
    conn.execute(update(Refund).where(Refund.application_id == app_id).values(received_cents=40_000))
    return "abgleich", "applications", int(app_id), "Rückzahlungen gebucht 460,00 €, erfasst 400,00 €"


TAMPERING: dict[str, Callable[[Connection, Engine], tuple[str, str, int, str]]] = {
    "change a booking's amount": _change_amount,
    "change an audit reason": _change_reason,
    "delete a middle row": _delete_middle,
    "delete the last row": _delete_last,
    "insert an unchained forged row": _insert_unchained,
    "append a correctly linked forged row": _insert_with_valid_link,
    "truncate the audit trail": _truncate,
    "swap two row hashes": _swap_hashes,
    "swap two rows' order": _swap_order,
    "change a stored letter": _change_letter,
    "change a paid amount": _change_payment,
    "change a refund received": _change_refund,
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_each_kind_of_tampering_is_detected_and_the_broken_row_named(
    fonds: Engine, history: dict[str, int], case: str
) -> None:
    with as_table_owner(fonds) as conn:
        check, table, row_id, words = TAMPERING[case](conn, fonds)
    report = verify(fonds)
    assert not report.ok
    finding = only(report.findings, check)
    assert (finding.table, finding.row_id) == (table, row_id)
    assert words in finding.message


def test_a_consistently_rewritten_chain_passes_alone_but_fails_against_the_recorded_head(
    fonds: Engine, history: dict[str, int]
) -> None:
    recorded = next(c.last_hash for c in verify(fonds).chains if c.name == "ledger")
    with fonds.db.read() as s:
        first, fund_id, year, amount = s.execute(
            select(LedgerEntry.id, LedgerEntry.fund_id, LedgerEntry.budget_year, LedgerEntry.amount_cents)
            .where(LedgerEntry.kind == "allocation")
            .order_by(LedgerEntry.id)
            .limit(1)
        ).one()
    with as_table_owner(fonds) as conn:
        conn.execute(update(LedgerEntry).where(LedgerEntry.id == first).values(amount_cents=9_000_000))
        conn.execute(  # the forger also knows the running totals
            update(BudgetYear)
            .where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
            .values(allocated_cents=BudgetYear.allocated_cents + 9_000_000 - amount)
        )
        conn.execute(update(LedgerEntry).values(chain_seq=None, prev_hash=None, row_hash=None))
        conn.execute(
            update(chain.HEADS)
            .where(chain.HEADS.c.name == "ledger")
            .values(row_count=0, last_id=None, last_hash=chain.GENESIS)
        )
        chain.seal(conn, {"ledger": _all_ids(conn)})
    assert verify(fonds).ok  # the forger recomputed every hash and the head
    report = verify(fonds, expect_heads=[f"ledger:{recorded}"])
    assert [f.check for f in report.findings] == ["anker"]
    assert "nicht (mehr) Teil der Kette" in report.findings[0].message
    assert verify(fonds, expect_heads=[chain.GENESIS]).ok


def _all_ids(conn: Connection) -> list[int]:
    return [int(i) for i in conn.execute(select(LedgerEntry.id)).scalars()]


def test_a_recorded_head_stays_valid_while_the_chain_grows(fonds: Engine, history: dict[str, int]) -> None:
    recorded = {c.name: c.last_hash for c in verify(fonds).chains}
    office = _user(fonds, "Zweites Büro", "zwei@example.org", (QF, "manager"))
    decisions.create_session(fonds, office, QF, datetime(2027, 9, 1, 17, tzinfo=UTC), "Rathaus")
    report = verify(fonds, expect_heads=[f"audit:{recorded['audit']}", f"ledger:{recorded['ledger']}"])
    assert report.ok
    assert next(c.rows for c in report.chains if c.name == "audit") > 0


def test_the_nightly_job_tells_the_office_once_a_day_when_something_is_broken(
    fonds: Engine, history: dict[str, int]
) -> None:
    now = fonds.clock.now()
    assert run_job(fonds, "integrity_check", now) == 0
    with as_table_owner(fonds) as conn:
        _, _, victim, _ = _change_reason(conn, fonds)
    assert run_job(fonds, "integrity_check", now) == 1  # the one office user of the history
    assert run_job(fonds, "integrity_check", now + timedelta(hours=2)) == 0
    with fonds.db.read() as s:
        mail = s.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like("integrity_check:%"))).one()
    assert mail.recipient_email == "buero@example.org" and mail.topic == "daily_digest"
    [[heading, lines]] = mail.payload["sections"]
    assert "Integritätsprüfung hat Veränderungen gefunden" in heading
    assert lines[0][0].startswith(f"audit_events id {victim}: Protokoll, Position")
    assert run_job(fonds, "integrity_check", now + timedelta(days=1)) == 1


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_upgraded_database_has_its_existing_rows_chained_in_id_order_and_verifies(
    db: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = request.getfixturevalue("sqlite_url" if db == "sqlite" else "pg_url")
    upgrade(url, "0007")
    engine = make_engine(url)
    at = datetime(2026, 1, 5, 8, 30, 15, 123456, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO funds (id, name, active, created_at) VALUES ('alt', 'Alter Fonds', :t, :at)"),
            {"t": True, "at": at},
        )
        for i in range(1, 6):
            conn.execute(
                text(
                    "INSERT INTO ledger_entries (fund_id, budget_year, kind, amount_cents, note, booked_at) "
                    "VALUES ('alt', 2026, 'allocation', :cents, 'Budget', :at)"
                ),
                {"cents": 1000 * i, "at": at},
            )
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, actor_role, fund_id, action, reason, data) "
                    "VALUES (:at, 'system', 'alt', 'alt', :why, :data)"
                ),
                {"at": at, "why": f"Grund {i} – ä", "data": '{"b": [1, 2.5], "a": {"z": null}}'},
            )
    engine.dispose()
    upgrade(url)
    settings = load_settings(environ={}, database_url=url, instance_path=str(tmp_path / "instance"))
    fonds = Engine(db=open_database(url), settings=settings)
    try:
        report = verify(fonds)
        assert report.findings == []
        assert {c.name: c.rows for c in report.chains} == {"ledger": 5, "audit": 5}
        with fonds.db.read() as s:
            order = s.execute(select(LedgerEntry.id, LedgerEntry.chain_seq).order_by(LedgerEntry.id)).all()
        assert [seq for _, seq in order] == [1, 2, 3, 4, 5]
        with fonds.unit_of_work() as uow:  # and the chain goes on from there
            ledger.book(uow.session, fund_id="alt", year=2026, kind="allocation", amount_cents=1, at=at, actor_id=None)
            uow.commit()
        assert verify(fonds).ok and {c.name: c.rows for c in verify(fonds).chains}["ledger"] == 6
    finally:
        fonds.db.dispose()
