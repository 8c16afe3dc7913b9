"""Verify what the database cannot protect against its owner: the hash chains of the ledger and
the audit trail, their recorded heads, the stored letters' checksums, that ledger, payments,
refunds and decisions agree, and that the budget years' running totals and month sums equal the
fold over the ledger entries, and the counters of applications per state equal the applications.
Read-only; `fondsengine verify` and the nightly job call it."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from fondsengine import ledger
from fondsengine.applications import counts
from fondsengine.engine import Engine
from fondsengine.integrity.chain import CHAINS, GENESIS, ChainSpec, Head, iter_rows, read_head, row_hash
from fondsengine.model import Application, BudgetYear, LedgerEntry, LedgerMonth, Letter, Payment, Refund
from fondsengine.model.money import PAID
from fondsengine.money import format_euro
from fondsengine.reports.figures import LABELS


@dataclass(frozen=True)
class Finding:
    """One thing that is broken: which check, which table and row, and what (German)."""

    check: str  # "kette", "kettenkopf", "anker", "briefe", "abgleich", "summen", "zaehler"
    table: str
    row_id: int | None
    message: str

    def format(self) -> str:
        """One line for the office: table, row and what is wrong."""
        where = f"{self.table} id {self.row_id}" if self.row_id is not None else self.table
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ChainStatus:
    """A chain as found: rows walked, the recorded head, the last row's hash."""

    name: str
    label: str
    table: str
    rows: int
    last_id: int | None
    last_hash: str
    head: Head | None


@dataclass
class Report:
    """The result of `verify`: the findings (empty when all is intact) and what was checked."""

    findings: list[Finding] = field(default_factory=list)
    chains: list[ChainStatus] = field(default_factory=list)
    letters_checked: int = 0
    payments_checked: int = 0
    applications_checked: int = 0
    years_checked: int = 0
    counts_checked: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is broken."""
        return not self.findings


@dataclass
class _Walk:
    status: ChainStatus
    first_break_seq: int | None
    seen: dict[str, int]  # expected hash -> chain position where it was found


def _walk(conn: Connection, spec: ChainSpec, wanted: set[str], out: list[Finding]) -> _Walk:
    """Recompute every link; report the first broken row, unsealed rows and the head."""
    head = read_head(conn, spec)
    expected, prev = 1, GENESIS
    rows, last_id, first_break = 0, None, None
    head_hash_at: str | None = None
    seen: dict[str, int] = {}
    for r in iter_rows(conn, spec):
        rows += 1
        seq = int(r.chain_seq)
        if first_break is None:
            problem = None
            if seq > expected:
                missing = seq - expected
                problem = (
                    f"vor dieser Zeile fehlen {missing} Zeile(n) der Kette (Position {expected}"
                    + (f" bis {seq - 1}" if missing > 1 else "")
                    + ") – gelöscht?"
                )
            elif r.prev_hash != prev:
                problem = "der Verweis auf die vorige Zeile stimmt nicht (Reihenfolge oder Prüfsummen vertauscht?)"
            elif row_hash(spec, seq, r.prev_hash, dict(r._mapping)) != r.row_hash:
                problem = "der Inhalt passt nicht zur gespeicherten Prüfsumme (Zeile verändert)"
            if problem is not None:
                first_break = seq
                out.append(Finding("kette", spec.table_name, int(r.id), f"{spec.label}, Position {seq}: {problem}"))
        if r.row_hash in wanted:
            seen[str(r.row_hash)] = seq
        if head is not None and seq == head.row_count:
            head_hash_at = r.row_hash
        expected, prev, last_id = seq + 1, str(r.row_hash), int(r.id)
    last_seq = expected - 1
    _check_head(spec, head, last_seq, last_id, head_hash_at, first_break, out)
    _check_unsealed(conn, spec, out)
    status = ChainStatus(spec.name, spec.label, spec.table_name, rows, last_id, prev, head)
    return _Walk(status, first_break, seen)


def _check_head(
    spec: ChainSpec,
    head: Head | None,
    last_seq: int,
    last_id: int | None,
    head_hash_at: str | None,
    first_break: int | None,
    out: list[Finding],
) -> None:
    t = spec.table_name
    if head is None:
        out.append(Finding("kettenkopf", "chain_heads", None, f"der Kettenkopf „{spec.name}“ fehlt ({spec.label})"))
        return
    if last_seq < head.row_count:
        gone = head.row_count - last_seq
        if last_seq == 0:
            msg = f"die Tabelle ist leer, der Kettenkopf nennt {head.row_count} Zeile(n) – geleert (TRUNCATE)?"
        else:
            msg = (
                f"am Ende der Kette fehlen {gone} Zeile(n): der Kettenkopf nennt {head.row_count}, "
                f"vorhanden sind {last_seq}"
            )
        out.append(Finding("kettenkopf", t, head.last_id, f"{spec.label}: {msg} (letzte Zeile laut Kettenkopf)"))
    elif last_seq > head.row_count:
        out.append(
            Finding(
                "kettenkopf",
                t,
                last_id,
                f"{spec.label}: {last_seq - head.row_count} Zeile(n) hinter dem Kettenende "
                f"(Kettenkopf: {head.row_count} Zeilen) – nachträglich eingefügt?",
            )
        )
    elif first_break is None and head.row_count > 0 and (head_hash_at != head.last_hash or last_id != head.last_id):
        out.append(Finding("kettenkopf", t, last_id, f"{spec.label}: die letzte Zeile passt nicht zum Kettenkopf"))
    elif head.row_count == 0 and head.last_hash != GENESIS:
        out.append(Finding("kettenkopf", "chain_heads", None, f"{spec.label}: der leere Kettenkopf ist verändert"))


def _check_unsealed(conn: Connection, spec: ChainSpec, out: list[Finding]) -> None:
    t = spec.table
    first, count = conn.execute(select(func.min(t.c.id), func.count()).where(t.c.chain_seq.is_(None))).one()
    if count:
        out.append(
            Finding(
                "kette",
                spec.table_name,
                int(first),
                f"{spec.label}: {count} Zeile(n) ohne Platz in der Kette – nicht über fondsengine geschrieben",
            )
        )


def _check_letters(conn: Connection, out: list[Finding]) -> int:
    """Every stored PDF matches its sha256; a PDF may only be gone when retention anonymised it."""
    checked = 0
    rows = conn.execute(
        select(Letter.id, Letter.pdf, Letter.sha256, Application.anonymised_at)
        .outerjoin(Application, Application.id == Letter.application_id)
        .where(Letter.pdf.is_not(None) | Letter.sha256.is_not(None))
        .order_by(Letter.id),
        execution_options={"yield_per": 200},
    )
    for letter_id, pdf, sha, anonymised_at in rows:
        checked += 1
        if pdf is None:
            if anonymised_at is None:
                out.append(Finding("briefe", "letters", letter_id, "die Prüfsumme ist gespeichert, das PDF fehlt"))
        elif sha is None:
            out.append(Finding("briefe", "letters", letter_id, "das PDF hat keine Prüfsumme"))
        elif hashlib.sha256(bytes(pdf)).hexdigest() != sha:
            out.append(Finding("briefe", "letters", letter_id, "das PDF passt nicht zu seiner Prüfsumme (verändert)"))
    return checked


def _check_payments(conn: Connection, out: list[Finding]) -> int:
    """Each paid payment has exactly one payment booking of its amount; no booking without one."""
    bookings: dict[int, list[tuple[int, int]]] = defaultdict(list)
    orphans: list[tuple[int, int | None]] = []
    for entry_id, payment_id, amount, counter in conn.execute(
        select(LedgerEntry.id, LedgerEntry.payment_id, LedgerEntry.amount_cents, LedgerEntry.counter_of_id)
        .where(LedgerEntry.kind == "payment")
        .order_by(LedgerEntry.id)
    ):
        if payment_id is not None:
            bookings[int(payment_id)].append((int(entry_id), int(amount)))
        elif counter is None:
            orphans.append((int(entry_id), None))
    checked = 0
    for pid, status, amount in conn.execute(
        select(Payment.id, Payment.status, Payment.amount_cents).order_by(Payment.id)
    ):
        checked += 1
        booked = bookings.pop(int(pid), [])
        if status != PAID:
            for entry_id, _ in booked:
                out.append(
                    Finding(
                        "abgleich",
                        "ledger_entries",
                        entry_id,
                        f"Auszahlungsbuchung zu Zahlung {pid}, die nicht ausgezahlt ist",
                    )
                )
            continue
        if len(booked) != 1:
            out.append(
                Finding(
                    "abgleich",
                    "payments",
                    int(pid),
                    f"ausgezahlt, aber {len(booked)} Auszahlungsbuchungen statt genau einer",
                )
            )
        elif booked[0][1] != amount:
            out.append(
                Finding(
                    "abgleich",
                    "payments",
                    int(pid),
                    f"ausgezahlt {format_euro(amount)}, gebucht {format_euro(booked[0][1])} (Buchung {booked[0][0]})",
                )
            )
    for pid, entries in bookings.items():
        for entry_id, _ in entries:
            out.append(
                Finding(
                    "abgleich", "ledger_entries", entry_id, f"Auszahlungsbuchung zu Zahlung {pid}, die es nicht gibt"
                )
            )
    for entry_id, _ in orphans:
        out.append(Finding("abgleich", "ledger_entries", entry_id, "Auszahlungsbuchung ohne zugehörige Zahlung"))
    return checked


def _outcomes(fonds: Engine, version_ids: set[int]) -> dict[tuple[int, str], str | None]:
    out: dict[tuple[int, str], str | None] = {}
    with fonds.db.read() as s:
        for vid in version_ids:
            wf = fonds.catalog.workflow(s, vid)
            for st in wf.states:
                out[(vid, st.id)] = st.outcome
    return out


def _check_grants(fonds: Engine, conn: Connection, out: list[Finding]) -> int:
    """Commitments match the approved amount; what stays bound matches the decision; refunds match."""
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for app_id, kind, total in conn.execute(
        select(LedgerEntry.application_id, LedgerEntry.kind, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.application_id.is_not(None))
        .group_by(LedgerEntry.application_id, LedgerEntry.kind)
    ):
        if app_id is not None:
            sums[app_id][str(kind)] = int(total)
    received: dict[int, int] = {
        int(a): int(r)
        for a, r in conn.execute(
            select(Refund.application_id, func.sum(Refund.received_cents)).group_by(Refund.application_id)
        )
    }
    apps = conn.execute(
        select(
            Application.id,
            Application.workflow_version_id,
            Application.state,
            Application.approved_cents,
            Application.settled_cents,
        ).where(
            (Application.approved_cents.is_not(None))
            | Application.id.in_(select(LedgerEntry.application_id).where(LedgerEntry.application_id.is_not(None)))
            | Application.id.in_(select(Refund.application_id))
        )
    ).all()
    outcomes = _outcomes(fonds, {int(a.workflow_version_id) for a in apps})
    for a in apps:
        s = sums.get(int(a.id), {})
        committed, released = s.get("commitment", 0), s.get("release", 0)
        paid_net = s.get("payment", 0) - s.get("refund", 0)
        net = committed - released
        outcome = outcomes.get((int(a.workflow_version_id), a.state))
        if a.approved_cents is None:
            if committed or released or paid_net:
                out.append(Finding("abgleich", "applications", a.id, "Buchungen zu einem Antrag ohne Bewilligung"))
        elif outcome in ("approved", "completed", "lapsed"):
            if committed != a.approved_cents:
                out.append(
                    Finding(
                        "abgleich",
                        "applications",
                        a.id,
                        f"bewilligt {format_euro(a.approved_cents)}, gebunden wurden {format_euro(committed)}",
                    )
                )
            else:
                due = (
                    a.settled_cents
                    if a.settled_cents is not None
                    else paid_net
                    if outcome == "lapsed"
                    else a.approved_cents
                )
                if net != due:
                    out.append(
                        Finding(
                            "abgleich",
                            "applications",
                            a.id,
                            f"gebunden sind {format_euro(net)} (Bindung {format_euro(committed)} minus Freigaben "
                            f"{format_euro(released)}), laut Entscheidung {format_euro(due)}",
                        )
                    )
        elif net:
            out.append(
                Finding(
                    "abgleich",
                    "applications",
                    a.id,
                    f"{format_euro(net)} gebunden, obwohl der Antrag nicht bewilligt ist",
                )
            )
        refunded, recorded = s.get("refund", 0), received.get(int(a.id), 0)
        if refunded != recorded:
            out.append(
                Finding(
                    "abgleich",
                    "applications",
                    a.id,
                    f"Rückzahlungen gebucht {format_euro(refunded)}, erfasst {format_euro(recorded)}",
                )
            )
    return len(apps)


# the German names of the running totals: the one label of each figure (reports/figures.py)
TOTAL_LABELS = {name: LABELS["refund_received" if name == "refunded" else name] for name in ledger.TOTALS}


def _check_totals(conn: Connection, out: list[Finding]) -> int:
    """The running totals of every budget year and its month sums equal the fold over its entries."""
    balances, months = ledger.fold_all(conn)
    claims = ledger.fold_claims(conn)
    zero = ledger.Balance()
    checked = 0
    seen: set[tuple[str, int]] = set()
    for row in conn.execute(
        select(
            BudgetYear.id, BudgetYear.fund_id, BudgetYear.year, BudgetYear.refund_claimed_cents, *ledger.TOTAL_COLUMNS
        ).order_by(BudgetYear.id)
    ):
        checked += 1
        key = (str(row.fund_id), int(row.year))
        seen.add(key)
        stored = ledger.balance_of(tuple(row)[4:])
        folded = balances.get(key, zero)
        wrong = [
            f"{TOTAL_LABELS[name]} {format_euro(getattr(stored, name))} statt {format_euro(getattr(folded, name))}"
            for name in ledger.TOTALS
            if getattr(stored, name) != getattr(folded, name)
        ]
        claimed, claimed_folded = int(row.refund_claimed_cents), claims.get(key, 0)
        if claimed != claimed_folded:
            wrong.append(f"{LABELS['refund_claimed']} {format_euro(claimed)} statt {format_euro(claimed_folded)}")
        if wrong:
            out.append(
                Finding(
                    "summen",
                    "budget_years",
                    int(row.id),
                    f"Haushaltsjahr {key[1]} ({key[0]}): die laufenden Summen passen nicht zu den Buchungen: "
                    + "; ".join(wrong),
                )
            )
    for fund_id, year in sorted((set(balances) | set(claims)) - seen):
        out.append(
            Finding("summen", "budget_years", None, f"Haushaltsjahr {year} ({fund_id}): Buchungen ohne Haushaltsjahr")
        )
    stored_months = {
        (str(f), int(y), m): (int(c), int(p))
        for f, y, m, c, p in conn.execute(
            select(LedgerMonth.fund_id, LedgerMonth.budget_year, LedgerMonth.month,
                   LedgerMonth.committed_cents, LedgerMonth.paid_cents)
        )
    }  # fmt: skip
    for month_key in sorted(set(stored_months) | set(months)):
        have, want = stored_months.get(month_key, (0, 0)), months.get(month_key, (0, 0))
        if have != want:
            fund_id, year, month = month_key
            out.append(
                Finding(
                    "summen",
                    "ledger_months",
                    None,
                    f"Haushaltsjahr {year} ({fund_id}), Monat {month:%m/%Y}: gebunden {format_euro(have[0])} "
                    f"statt {format_euro(want[0])}, ausgezahlt {format_euro(have[1])} statt {format_euro(want[1])}",
                )
            )
    return checked


def _check_counts(conn: Connection, out: list[Finding]) -> int:
    """The counter table (applications and requested sum per fund, year, state) equals the fold over
    the applications. Returns the number of keys compared."""
    stored, folded = counts.stored(conn), counts.fold(conn)
    keys = sorted(set(stored) | set(folded))
    for key in keys:
        have, want = stored.get(key, counts.Count()), folded.get(key, counts.Count())
        if have != want:
            fund_id, year, state, submitted = key
            out.append(
                Finding(
                    "zaehler",
                    "application_counts",
                    None,
                    f"Haushaltsjahr {year} ({fund_id}), Stand {state}"
                    f"{'' if submitted else ' (nie eingereicht)'}: {have.count} Anträge über "
                    f"{format_euro(have.requested_cents)} gezählt, es sind {want.count} über "
                    f"{format_euro(want.requested_cents)}",
                )
            )
    return len(keys)


@contextmanager
def _snapshot(fonds: Engine) -> Iterator[Connection]:
    """One consistent read of the whole database (REPEATABLE READ on PostgreSQL)."""
    engine = fonds.db.engine.execution_options(fonds_readonly=True)
    if not fonds.db.is_sqlite:
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as conn:  # closing rolls the read transaction back
        yield conn


def _anchors(walks: dict[str, _Walk], expect_heads: Sequence[str], out: list[Finding]) -> None:
    for raw in expect_heads:
        name, _, digest = raw.strip().lower().rpartition(":")
        candidates = [w for n, w in walks.items() if not name or n == name]
        if digest == GENESIS:
            continue
        hit = next(((w, w.seen[digest]) for w in candidates if digest in w.seen), None)
        if hit is None:
            out.append(
                Finding(
                    "anker",
                    name or "chain_heads",
                    None,
                    f"der festgehaltene Stand {digest[:16]}… ist nicht (mehr) Teil der Kette",
                )
            )
        elif hit[0].first_break_seq is not None and hit[0].first_break_seq <= hit[1]:
            out.append(
                Finding(
                    "anker",
                    hit[0].status.table,
                    None,
                    f"der festgehaltene Stand {digest[:16]}… (Position {hit[1]}) "
                    "liegt hinter einer Unterbrechung der Kette",
                )
            )


def verify(fonds: Engine, *, expect_heads: Sequence[str] = ()) -> Report:
    """Check chains, heads, letters, the agreement of ledger, payments and decisions, and the totals."""
    report = Report()
    wanted = {h.strip().lower().rpartition(":")[2] for h in expect_heads}
    with _snapshot(fonds) as conn:
        walks = {spec.name: _walk(conn, spec, wanted, report.findings) for spec in CHAINS}
        report.chains = [w.status for w in walks.values()]
        _anchors(walks, expect_heads, report.findings)
        report.letters_checked = _check_letters(conn, report.findings)
        report.payments_checked = _check_payments(conn, report.findings)
        report.applications_checked = _check_grants(fonds, conn, report.findings)
        report.years_checked = _check_totals(conn, report.findings)
        report.counts_checked = _check_counts(conn, report.findings)
    return report


def heads(fonds: Engine) -> list[Head]:
    """The recorded chain heads (for the office to note down outside the database)."""
    with _snapshot(fonds) as conn:
        return [h for spec in CHAINS if (h := read_head(conn, spec)) is not None]
