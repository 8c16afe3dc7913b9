"""Bulk seeding for benchmarks: N applications spread over both funds, 2025-2027 and every state.

Run alone: .venv/bin/python bench/seed_bulk.py [N] [DATABASE_URL]   (default 100,000, a temp SQLite)

Rows are written with SQLAlchemy Core `insert()` as executemany in batches (no service
calls, no ORM objects). What is written per application is consistent with its state:
- 1-4 cost items; the requested amount is their sum (Quartiersfonds) or half of it
  (Cityfonds, the other half is own funds);
- a commitment for every approved-or-later application, a release of the unused part when
  the proof is accepted (or the whole grant when it lapsed), an advance payment (80 %) for
  paid-or-later ones and a final payment for documented ones (requested, not yet paid, for
  proof_accepted); a refund claim for refund_claimed;
- a proof of use with 1-3 receipts from proof_submitted on;
- one audit event per step the application went through (create_draft .. its state);
- an agenda item on a jury session for every application that was scheduled.
The ledger entries and audit events are inserted already sealed (`seal_rows`: ids picked here, hash
chain columns from the engine's `integrity.chain.row_hash`, chain heads moved per batch), so
`fondsengine verify` finds both chains intact without an UPDATE per row.
The office user of the demo (`buero@mitten-witten.example`, manager of both funds) is created
with the demo password, and every fund year gets an allocation top-up so the dashboard's
"free" amount stays positive. The budget years' running totals and month sums (kept by
`ledger.book` in the engine) are rebuilt from the seeded entries at the end.
"""

from __future__ import annotations

import bisect
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Connection, func, insert, inspect, select, text, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from fondsengine.accounts.users import create_user, grant_role  # noqa: E402
from fondsengine.applications import counts  # noqa: E402
from fondsengine.clock import FixedClock  # noqa: E402
from fondsengine.config import load_settings  # noqa: E402
from fondsengine.db import open_database  # noqa: E402
from fondsengine.demo import CF, DEMO_PASSWORD, LOGINS, QF  # noqa: E402
from fondsengine.engine import Actor, Engine  # noqa: E402
from fondsengine.funds.loading import load_funds  # noqa: E402
from fondsengine.integrity.chain import AUDIT, HEADS, LEDGER, ChainSpec, read_head, row_hash  # noqa: E402
from fondsengine.ledger import rebuild_totals  # noqa: E402
from fondsengine.migrate import upgrade  # noqa: E402
from fondsengine.model import (  # noqa: E402
    AgendaItem,
    Application,
    AuditEvent,
    CostItem,
    Fund,
    JurySession,
    LedgerEntry,
    Payment,
    ProofOfUse,
    Receipt,
    Refund,
    User,
)
from fondsengine.payments.service import advance_paid_at_from_payments  # noqa: E402

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
OFFICE_EMAIL = LOGINS[0].email
OFFICE_PASSWORD = DEMO_PASSWORD
BATCH = 5_000
YEARS = (2025, 2026, 2027)
YEAR_WEIGHTS = (30, 45, 25)
FUND_WEIGHTS = ((QF, 70), (CF, 30))
FUND_WEIGHT = dict(FUND_WEIGHTS)
OTHER_WEIGHT = 50  # each further fund (another city's copy of a Witten fund, `funds` > 2) gets half
GUIDELINE_FILE = {QF: "witten-quartiersfonds.yaml", CF: "witten-cityfonds.yaml"}


def _weights(text: str) -> tuple[tuple[str, int], ...]:
    """'documented:55 rejected:18' -> (("documented", 55), ("rejected", 18))."""
    return tuple((name, int(weight)) for name, weight in (item.split(":") for item in text.split()))


def _names(text: str) -> tuple[str, ...]:
    """'a|b c|d' -> ("a", "b c", "d")."""
    return tuple(text.split("|"))


# (state, weight) per budget year; "recommended" exists only in the Cityfonds' two-step workflow
STATE_WEIGHTS: dict[int, tuple[tuple[str, int], ...]] = {
    2025: _weights(
        "documented:55 rejected:18 withdrawn:7 lapsed:5 refund_claimed:3 proof_accepted:2 paid:3 "
        "proof_returned:2 proof_submitted:2 approved:1 draft:2"
    ),
    2026: _weights(
        "submitted:6 in_review:5 changes_requested:3 reviewed:4 on_agenda:4 recommended:2 approved:14 paid:14 "
        "proof_submitted:6 proof_returned:2 proof_accepted:3 refund_claimed:2 documented:14 rejected:12 "
        "withdrawn:4 lapsed:2 draft:3"
    ),
    2027: _weights(
        "draft:15 submitted:24 in_review:14 changes_requested:8 reviewed:10 on_agenda:10 recommended:3 "
        "approved:8 rejected:5 withdrawn:3"
    ),
}
PAID_OR_LATER = frozenset(_names("paid|proof_submitted|proof_returned|proof_accepted|refund_claimed|documented"))
APPROVED_OR_LATER = PAID_OR_LATER | {"approved", "lapsed"}
WITH_PROOF = PAID_OR_LATER - {"paid"}
PROOF_ACCEPTED = frozenset({"proof_accepted", "refund_claimed", "documented"})

PROJECTS = _names(
    "Sommerfest|Nachbarschaftsgarten|Lesecafé|Repair-Café|Hoffest|Kinderzirkus|Straßenflohmarkt|Weihnachtsmarkt|"
    "Bücherschrank|Seniorenfrühstück|Fahrradwerkstatt|Theaterprojekt|Kunstwoche|Laternenumzug|Hochbeete|"
    "Musik im Park|Stadtteilzeitung|Spielplatzfest|Kochabend|Schaufensterwettbewerb|Adventsbeleuchtung|"
    "Graffiti-Workshop|Tauschbörse|Erzählcafé"
)
STREETS = _names(
    "Wiesenstraße|Ruhrstraße|Bahnhofstraße|Karl-Marx-Platz|Johannisstraße|Hauptstraße|Breite Straße|"
    "Gerberstraße|Annenstraße|Marienstraße|Kornmarkt|Heilenbecker Straße"
)
FIRST = _names(
    "Anna|Bernd|Clara|Deniz|Emre|Fatma|Günther|Hanna|Ilse|Jörg|Karin|Lukas|Mehmet|Nina|Olga|Paul|Rüdiger|"
    "Sabine|Tobias|Ülkü|Vera|Wolfgang|Yusuf|Zoe"
)
LAST = _names("Müller|Schmidt|Yılmaz|Becker|Hoffmann|Schäfer|Koch|Kaya|Weber|Wagner|Nowak|Krüger|Özdemir|Fischer|Lange")
ORGS = ("Nachbarschaftsverein", "Bürgerinitiative", "Werbegemeinschaft", "Kulturverein", "Elterninitiative")
QF_CATEGORIES = ("material", "fees", "rental", "publicity", "catering", "purchases")
CF_CATEGORIES = ("material", "fees", "rental", "publicity", "catering", "purchases")
QF_KINDS = ("resident", "resident", "resident", "initiative", "association", "institution", "trader", "property_owner")
CF_KINDS = ("trader", "trader", "property_owner", "association", "initiative")

# (trigger, state reached) along the way an application has gone
BASE = (
    ("create_draft", "draft"), ("submit", "submitted"), ("start_review", "in_review"),
    ("complete_review", "reviewed"), ("schedule", "on_agenda"),
)  # fmt: skip
AFTER = (
    ("record_payment", "paid"), ("submit_proof", "proof_submitted"), ("accept_proof", "proof_accepted"),
    ("record_final_payment", "documented"),
)  # fmt: skip


def chain(state: str, fund_id: str) -> tuple[tuple[str, str], ...]:
    """The steps (trigger, new state) an application in `state` has gone through."""
    approve = (
        (("jury_recommend", "recommended"), ("city_grant", "approved"))
        if fund_id == CF
        else (("jury_approve", "approved"),)
    )
    approved = BASE + approve
    fixed: dict[str, tuple[tuple[str, str], ...]] = {
        "changes_requested": (*BASE[:3], ("request_changes", "changes_requested")),
        "withdrawn": (*BASE[:2], ("withdraw", "withdrawn")),
        "rejected": (*BASE, ("jury_reject", "rejected")),
        "recommended": (*BASE, ("jury_recommend", "recommended")),
        "approved": approved,
        "lapsed": (*approved, ("lapse", "lapsed")),
        "proof_returned": approved + AFTER[:2] + (("return_proof", "proof_returned"),),
        "refund_claimed": approved + AFTER[:3] + (("claim_refund", "refund_claimed"),),
    }
    if state in fixed:
        return fixed[state]
    for steps in (BASE, approved + AFTER):
        for i, (_t, reached) in enumerate(steps):
            if reached == state:
                return steps[: i + 1]
    raise ValueError(f"no chain for state {state!r}")


@dataclass
class SeedReport:
    """What was written and how long it took."""

    office_id: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Batch:
    """Rows of one batch, per table."""

    tables: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: Any, row: dict[str, Any]) -> None:
        self.tables.setdefault(model, []).append(row)


@dataclass
class _Ids:
    """Next explicit primary keys (ids are set by the seeder so rows can refer to each other)."""

    application: int
    payment: int
    proof: int
    ledger: int
    audit: int

    def take(self, name: str) -> int:
        value: int = getattr(self, name)
        setattr(self, name, value + 1)
        return value


@dataclass(frozen=True)
class _Session:
    id: int
    fund_id: str
    starts_at: datetime
    closed: bool


def _pick(rnd: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rnd.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _split(rnd: random.Random, total: int, parts: int) -> list[int]:
    """Split total cents into `parts` positive amounts (whole euros except the last)."""
    parts = max(1, min(parts, total // 100))
    cuts = sorted(rnd.sample(range(1, total // 100), parts - 1)) if parts > 1 else []
    euros = [b - a for a, b in zip([0, *cuts], [*cuts, total // 100], strict=True)]
    amounts = [e * 100 for e in euros]
    amounts[-1] += total - sum(amounts)
    return amounts


def _sessions(conn: Connection, office_id: int, funds: Iterable[str]) -> dict[str, list[_Session]]:
    """Quarterly jury sessions 2025-2026 (closed), two planned ones ahead, per fund."""
    out: dict[str, list[_Session]] = {}
    next_id = (conn.scalar(select(func.max(JurySession.id))) or 0) + 1
    rows: list[dict[str, Any]] = []
    for fund_id in funds:
        days = [datetime(y, m, 12, 17, 0, tzinfo=UTC) for y in (2025, 2026) for m in (2, 5, 8, 11)]
        days += [datetime(2026, 12, 9, 17, 0, tzinfo=UTC), datetime(2027, 2, 10, 17, 0, tzinfo=UTC)]
        for at in days:
            closed = at < NOW
            out.setdefault(fund_id, []).append(_Session(next_id, fund_id, at, closed))
            rows.append(
                {
                    "id": next_id,
                    "fund_id": fund_id,
                    "starts_at": at,
                    "place": "Stadtteilbüro, Ruhrstraße 12",
                    "status": "closed" if closed else "planned",
                    "chair_id": office_id,
                    "opened_at": at if closed else None,
                    "closed_at": at + timedelta(hours=2) if closed else None,
                    "created_at": at - timedelta(days=30),
                }
            )
            next_id += 1
    conn.execute(insert(JurySession), rows)
    return out


class _Writer:
    """Builds the rows of one application at a time into the current batch."""

    def __init__(
        self,
        rnd: random.Random,
        ids: _Ids,
        sessions: dict[str, list[_Session]],
        office_id: int,
        applicants: list[tuple[int, str]],
        versions: dict[str, tuple[int, int]],
        funds: dict[str, str],
    ) -> None:
        self.rnd, self.ids, self.sessions, self.office_id = rnd, ids, sessions, office_id
        self.applicants, self.versions = applicants, versions
        self.like = funds  # fund id -> the Witten fund it copies (QF or CF)
        self.fund_weights = tuple((f, FUND_WEIGHT.get(f, OTHER_WEIGHT)) for f in funds)
        self.session_times = {f: [s.starts_at for s in ss] for f, ss in sessions.items()}
        self.agenda_positions: dict[int, int] = {}

    def _session_after(self, fund_id: str, at: datetime, decided: bool) -> _Session:
        ss = self.sessions[fund_id]
        i = bisect.bisect_left(self.session_times[fund_id], at)
        if decided:  # the first closed session after scheduling, else the last closed one
            closed = [s for s in ss[i:] if s.closed]
            return closed[0] if closed else [s for s in ss if s.closed][-1]
        return next(s for s in ss[i:] + ss if not s.closed)  # still on the agenda: a planned session

    def _timeline(
        self, fund_id: str, year: int, steps: tuple[tuple[str, str], ...]
    ) -> tuple[list[datetime], _Session | None]:
        """When each step happened (created in the budget year's window, 1-25 days apart) and the jury session."""
        r = self.rnd
        start = datetime(year - 1, 10, 1, 8, tzinfo=UTC) if year < 2027 else datetime(2026, 6, 1, 8, tzinfo=UTC)
        window = min((NOW - timedelta(days=60) - start).days, 330)
        at = start + timedelta(days=r.randrange(max(window, 1)), minutes=r.randrange(600))
        times: list[datetime] = []
        session: _Session | None = None
        for trigger, _reached in steps:
            if times:
                at = at + timedelta(days=r.randint(1, 25), minutes=r.randrange(300))
            if trigger == "schedule":
                decided = steps[-1][1] not in ("on_agenda",)
                session = self._session_after(fund_id, at, decided)
            if trigger in ("jury_approve", "jury_reject", "jury_recommend") and session is not None:
                at = max(at, session.starts_at + timedelta(hours=2))
            at = min(at, NOW - timedelta(hours=len(steps) - len(times)))
            times.append(at)
        return times, session

    def application(self, b: _Batch) -> None:
        """One application with everything that belongs to its state."""
        r = self.rnd
        app_id = self.ids.take("application")
        fund_id = _pick(r, self.fund_weights)
        like = self.like[fund_id]
        year = r.choices(YEARS, weights=YEAR_WEIGHTS)[0]
        state = _pick(r, tuple(w for w in STATE_WEIGHTS[year] if like == CF or w[0] != "recommended"))
        steps = chain(state, like)
        applicant_id, person = self.applicants[r.randrange(len(self.applicants))]
        kind = r.choice(CF_KINDS if like == CF else QF_KINDS)
        project = r.choice(PROJECTS)
        street = r.choice(STREETS)
        title = f"{project} {street}" if r.random() < 0.7 else f"{project} im Quartier {year}"
        organisation = f"{r.choice(ORGS)} {street}" if kind in ("association", "initiative") else None
        if kind in ("trader", "property_owner") and like == CF:
            organisation = f"{person.split()[-1]} {r.choice(('GmbH', 'e. K.', 'OHG'))}"

        times, session = self._timeline(fund_id, year, steps)
        created, last = times[0], times[-1]
        submitted = times[1] if len(steps) > 1 and steps[1][0] == "submit" else None
        decided_at = next(
            (
                t
                for (tr, _s), t in zip(steps, times, strict=True)
                if tr in ("jury_approve", "jury_reject", "city_grant")
            ),
            None,
        )

        project_start = date(year, r.randint(3, 9), r.randint(1, 28))
        project_end = project_start + timedelta(days=r.randint(0, 60))
        if project_end.year != year:
            project_end = date(year, 12, 31)
        n_items = r.randint(1, 4)
        cats = CF_CATEGORIES if like == CF else QF_CATEGORIES
        low, high = (1_000, 15_000) if like == CF else (100, 3_000)
        total = r.randint(low, high) * 100
        requested = total // 2 if like == CF else total
        own = total - requested
        approved = None
        if state in APPROVED_OR_LATER:
            approved = requested if r.random() < 0.85 else max(100, requested * r.randint(70, 99) // 100)
        for pos, amount in enumerate(_split(r, total, n_items), start=1):
            b.add(
                CostItem,
                {
                    "application_id": app_id,
                    "position": pos,
                    "category": r.choice(cats),
                    "description": f"{project}: Posten {pos}",
                    "amount_cents": amount,
                },
            )

        settled = advance = None
        if state in PAID_OR_LATER and approved is not None:
            advance = approved * 80 // 100
        if state in PROOF_ACCEPTED and approved is not None and advance is not None:
            if state == "refund_claimed":
                settled = max(100, advance * r.randint(50, 90) // 100)
            else:
                settled = approved if r.random() < 0.7 else max(advance, approved * r.randint(85, 99) // 100)
        waiting = state in ("approved", "paid", "proof_returned")
        paper = r.random() < 0.08
        b.add(
            Application,
            {
                "id": app_id,
                "fund_id": fund_id,
                "budget_year": year,
                "file_number": None if state == "draft" else f"{'QF' if like == QF else 'CF'}-{year}-{app_id:06d}",
                "guideline_version_id": self.versions[fund_id][0],
                "workflow_version_id": self.versions[fund_id][1],
                "state": state,
                "row_version": len(steps),
                "applicant_id": applicant_id,
                "entered_by_id": self.office_id if paper else None,
                "applicant_kind": kind,
                "organisation": organisation,
                "nonprofit": like == QF,
                "area_link": "lives" if like == QF else "based",
                "contact_name": person,
                "contact_email": None if paper else f"person{applicant_id}@example.org",
                "contact_street": f"{street} {r.randint(1, 80)}",
                "contact_postcode": "58452",
                "contact_city": "Witten",
                "title": title,
                "description": (
                    f"{project} für die Nachbarschaft an der {street}: wir laden alle ein, "
                    f"planen gemeinsam und brauchen Geld für {r.choice(('Material', 'Miete', 'Werbung', 'Honorare'))}."
                ),
                "goals": "Begegnung im Quartier",
                "target_group": "Alle Nachbarinnen und Nachbarn",
                "place": street,
                "street": street,
                "postcode": "58452",
                "benefits_area": True,
                "project_start": project_start,
                "project_end": project_end,
                "participants_expected": r.randint(10, 300),
                "requested_cents": requested,
                "own_funds_cents": own,
                "declarations": ["not_started", "no_double_funding", "publicity"],
                "approved_cents": approved,
                "decided_at": decided_at,
                "grant_file_number": f"61/{year}/{app_id}" if like == CF and approved else None,
                "settled_cents": settled,
                "proof_due_on": project_end + timedelta(days=90) if waiting else None,
                "lapse_due_on": (decided_at.date() + timedelta(days=180))
                if state == "approved" and decided_at
                else None,
                "iban": "DE02120300000000202051" if approved else None,
                "account_holder": person if approved else None,
                "participants_reached": r.randint(10, 300) if state in PROOF_ACCEPTED else None,
                "created_at": created,
                "submitted_at": submitted,
                "updated_at": last,
                "closed_at": last if state in ("documented", "rejected", "withdrawn", "lapsed") else None,
            },
        )
        self._audit(b, app_id, fund_id, steps, times, paper, applicant_id)
        if session is not None:
            self._agenda(b, app_id, session, state, steps, approved)
        self._money(b, app_id, fund_id, year, state, steps, times, approved, advance, settled)

    def _audit(
        self, b: _Batch, app_id: int, fund_id: str, steps: Any, times: list[datetime], paper: bool, applicant_id: int
    ) -> None:
        previous: str | None = None
        applicant_steps = ("create_draft", "submit", "withdraw", "submit_proof")
        for (trigger, reached), at in zip(steps, times, strict=True):
            by_applicant = trigger in applicant_steps and not paper
            b.add(
                AuditEvent,
                {
                    "id": self.ids.take("audit"),
                    "at": at,
                    "actor_id": applicant_id if by_applicant else self.office_id,
                    "actor_role": "applicant" if by_applicant else "manager",
                    "on_behalf_of_id": applicant_id if paper and trigger in applicant_steps else None,
                    "fund_id": fund_id,
                    "application_id": app_id,
                    "action": trigger,
                    "from_state": previous,
                    "to_state": reached,
                    "reason": None,
                    "guideline_hash": None,
                    "clause": None,
                    "data": {},
                },
            )
            previous = reached

    def _agenda(self, b: _Batch, app_id: int, session: _Session, state: str, steps: Any, approved: int | None) -> None:
        outcome_of = {"jury_approve": "approve", "jury_reject": "reject", "jury_recommend": "recommend"}
        outcome = next((outcome_of[t] for t, _s in steps if t in outcome_of), None)
        position = self.agenda_positions.get(session.id, 0) + 1
        self.agenda_positions[session.id] = position
        b.add(
            AgendaItem,
            {
                "session_id": session.id,
                "application_id": app_id,
                "position": position,
                "status": "closed" if outcome else "open",
                "outcome": outcome,
                "decided_cents": approved if outcome in ("approve", "recommend") else None,
                "closed_at": session.starts_at + timedelta(hours=2) if outcome else None,
            },
        )

    def _money(
        self,
        b: _Batch,
        app_id: int,
        fund_id: str,
        year: int,
        state: str,
        steps: Any,
        times: list[datetime],
        approved: int | None,
        advance: int | None,
        settled: int | None,
    ) -> None:
        at = dict(zip([t for t, _s in steps], times, strict=True))

        def book(kind: str, cents: int, when: datetime, payment_id: int | None = None) -> None:
            if cents > 0:
                b.add(
                    LedgerEntry,
                    {
                        "id": self.ids.take("ledger"),
                        "fund_id": fund_id,
                        "budget_year": year,
                        "kind": kind,
                        "amount_cents": cents,
                        "application_id": app_id,
                        "payment_id": payment_id,
                        "counter_of_id": None,
                        "actor_id": self.office_id,
                        "note": "",
                        "booked_at": when,
                    },
                )

        def pay(kind: str, cents: int, when: datetime, paid: bool) -> int:
            pid = self.ids.take("payment")
            b.add(
                Payment,
                {
                    "id": pid,
                    "application_id": app_id,
                    "fund_id": fund_id,
                    "kind": kind,
                    "status": "paid" if paid else "requested",
                    "amount_cents": cents,
                    "iban": "DE02120300000000202051",
                    "account_holder": None,
                    "purpose": f"Zuschuss {app_id}",
                    "requested_at": when,
                    "paid_at": when if paid else None,
                    "recorded_by_id": self.office_id if paid else None,
                },
            )
            return pid

        if approved is None:
            return
        decided = at.get("jury_approve") or at["city_grant"]
        book("commitment", approved, decided)
        if state == "lapsed":
            book("release", approved, at["lapse"])
        if advance is None:
            return
        book("payment", advance, at["record_payment"], pay("advance", advance, at["record_payment"], True))
        if state not in WITH_PROOF:
            return
        proof_id = self.ids.take("proof")
        status = {"proof_submitted": "submitted", "proof_returned": "returned"}.get(state, "accepted")
        spent = settled if settled is not None else max(100, approved * self.rnd.randint(80, 100) // 100)
        b.add(
            ProofOfUse,
            {
                "id": proof_id,
                "application_id": app_id,
                "report": "Das Projekt hat stattgefunden.",
                "participants_reached": None,
                "status": status,
                "submitted_at": at["submit_proof"],
                "decided_at": at.get("accept_proof") or at.get("return_proof"),
                "decided_by_id": None if status == "submitted" else self.office_id,
                "return_reason": "Bitte Belege nachreichen." if status == "returned" else None,
                "eligible_cents": settled,
            },
        )
        for pos, cents in enumerate(_split(self.rnd, spent, self.rnd.randint(1, 3)), start=1):
            b.add(
                Receipt,
                {
                    "proof_id": proof_id,
                    "position": pos,
                    "paid_on": at["submit_proof"].date(),
                    "payee": "Baumarkt Witten",
                    "purpose": "Material",
                    "category": "material",
                    "amount_cents": cents,
                    "status": "accepted" if status == "accepted" else "pending",
                },
            )
        if settled is None:
            return
        book("release", approved - settled, at["accept_proof"])
        if state == "refund_claimed":
            b.add(
                Refund,
                {
                    "application_id": app_id,
                    "fund_id": fund_id,
                    "claimed_cents": advance - settled,
                    "received_cents": 0,
                    "reason": "Nicht verbrauchter Zuschuss",
                    "due_on": at["claim_refund"].date() + timedelta(days=30),
                    "claimed_at": at["claim_refund"],
                    "settled_at": None,
                },
            )
        elif settled > advance:
            final_at = at.get("record_final_payment") or at["accept_proof"]
            pid = pay("final", settled - advance, final_at, state == "documented")
            if state == "documented":
                book("payment", settled - advance, final_at, pid)


ORDER = (Application, CostItem, Payment, LedgerEntry, ProofOfUse, Receipt, Refund, AuditEvent, AgendaItem)
# the tables whose ids the seeder picks itself (PostgreSQL: their id sequences are moved past them afterwards)
EXPLICIT_IDS = ("users", "applications", "payments", "proofs_of_use", "jury_sessions", "ledger_entries", "audit_events")
CHAINED: dict[Any, ChainSpec] = {LedgerEntry: LEDGER, AuditEvent: AUDIT}  # ledger before audit: the lock order


def seal_rows(conn: Connection, spec: ChainSpec, rows: list[dict[str, Any]]) -> None:
    """Give rows about to be inserted their chain position, predecessor's hash and own hash, following
    the chain's head (locked), and move the head past them: the rows are written sealed, instead of
    inserted unsealed and sealed by one UPDATE each (`integrity.chain.seal`). The hash is the engine's
    `row_hash` over exactly the values inserted, so every row must carry all of the chain's fields
    (its id included, no column default in between)."""
    if not rows:
        return
    head = read_head(conn, spec, lock=True)
    if head is None:
        raise RuntimeError(f"chain head {spec.name!r} is missing")
    seq, prev = head.row_count, head.last_hash
    for row in rows:
        missing = set(spec.fields) - row.keys()
        if missing:
            raise ValueError(f"{spec.table_name} row without {sorted(missing)}")
        seq += 1
        digest = row_hash(spec, seq, prev, row)
        row["chain_seq"], row["prev_hash"], row["row_hash"] = seq, prev, digest
        prev = digest
    conn.execute(
        update(HEADS).where(HEADS.c.name == spec.name).values(row_count=seq, last_id=rows[-1]["id"], last_hash=prev)
    )


def _batches(n: int, batch: int) -> Iterator[int]:
    done = 0
    while done < n:
        size = min(batch, n - done)
        yield size
        done += size


def seed_bulk(fonds: Engine, n: int, *, batch: int = BATCH, seed: int = 4, applicants: int | None = None) -> SeedReport:
    """Write n applications (funds must be loaded); returns the office user id, row counts, seconds."""
    t0 = time.perf_counter()
    rnd = random.Random(seed)
    office_id = create_user(
        fonds, name="Innenstadt-Büro mitten@witten", email=OFFICE_EMAIL, password=OFFICE_PASSWORD, confirmed=True
    )
    for fund_id, _w in FUND_WEIGHTS:
        grant_role(fonds, Actor.scheduler(), user_id=office_id, fund_id=fund_id, role="manager")
    report = SeedReport(office_id)
    engine = fonds.db.engine
    with engine.begin() as conn, fonds.db.read() as s:
        funds = seeded_funds(s)
        versions = {}
        for fund_id in funds:
            _fund, row, _g = fonds.catalog.current(s, fund_id)
            versions[fund_id] = (row.id, row.workflow_version_id)
        first_user = (conn.scalar(select(func.max(User.id))) or 0) + 1
        count = applicants or max(10, n // 3)
        people = [(first_user + i, f"{rnd.choice(FIRST)} {rnd.choice(LAST)}") for i in range(count)]
        for start in range(0, count, batch):
            conn.execute(
                insert(User),
                [
                    {
                        "id": uid,
                        "email": f"person{uid}@example.org",
                        "name": name,
                        "email_confirmed_at": NOW,
                        "created_at": datetime(2024, 10, 1, tzinfo=UTC),
                    }
                    for uid, name in people[start : start + batch]
                ],
            )
        sessions = _sessions(conn, office_id, funds)
        ids = _Ids(
            application=(conn.scalar(select(func.max(Application.id))) or 0) + 1,
            payment=(conn.scalar(select(func.max(Payment.id))) or 0) + 1,
            proof=(conn.scalar(select(func.max(ProofOfUse.id))) or 0) + 1,
            ledger=(conn.scalar(select(func.max(LedgerEntry.id))) or 0) + 1,
            audit=(conn.scalar(select(func.max(AuditEvent.id))) or 0) + 1,
        )
    writer = _Writer(rnd, ids, sessions, office_id, people, versions, funds)
    report.rows["users"] = count + 1
    report.rows["jury_sessions"] = sum(len(v) for v in sessions.values())
    chained = _has_chains(fonds)
    for size in _batches(n, batch):
        b = _Batch()
        for _ in range(size):
            writer.application(b)
        with engine.begin() as conn:
            for model in ORDER:
                rows = b.tables.get(model)
                if rows:
                    if chained and model in CHAINED:
                        seal_rows(conn, CHAINED[model], rows)  # hash-chained, so the database verifies
                    conn.execute(insert(model), rows)
                    report.rows[model.__tablename__] = report.rows.get(model.__tablename__, 0) + len(rows)
    _top_up(fonds, office_id, chained)
    _rebuild_totals(fonds)
    with fonds.db.engine.begin() as conn:  # each application's first paid advance (the to-do list's order)
        advance_paid_at_from_payments(conn)
    _after(fonds)
    report.seconds = time.perf_counter() - t0
    return report


def seeded_funds(s: Session) -> dict[str, str]:
    """Every loaded fund -> the Witten fund it copies: the two Witten funds themselves and the copies
    `prepared_fonds(funds=K)` loaded as other cities' funds (`other-0001-<witten fund>`)."""
    ids = s.scalars(select(Fund.id).order_by(Fund.id))
    return {f: f.split("-", 2)[2] if f.startswith("other-") else f for f in ids}


def _has_chains(fonds: Engine) -> bool:
    """True when the schema has the hash chains (migration 0008; --revision may stop before)."""
    with fonds.db.engine.connect() as conn:
        return "chain_seq" in {c["name"] for c in inspect(conn).get_columns("ledger_entries")}


def _top_up(fonds: Engine, office_id: int, chained: bool = True) -> None:
    """An allocation per fund year so that allocated >= 120 % of committed (the seeded grants fit)."""
    with fonds.db.engine.begin() as conn:
        rows = conn.execute(
            select(
                LedgerEntry.fund_id, LedgerEntry.budget_year, LedgerEntry.kind, func.sum(LedgerEntry.amount_cents)
            ).group_by(LedgerEntry.fund_id, LedgerEntry.budget_year, LedgerEntry.kind)
        ).all()
        sums: dict[tuple[str, int], dict[str, int]] = {}
        for fund_id, year, kind, cents in rows:
            sums.setdefault((fund_id, year), {})[kind] = int(cents)
        next_id = (conn.scalar(select(func.max(LedgerEntry.id))) or 0) + 1
        top_ups: list[dict[str, Any]] = []
        for (fund_id, year), kinds in sorted(sums.items()):
            committed = kinds.get("commitment", 0) - kinds.get("release", 0)
            missing = committed * 6 // 5 - kinds.get("allocation", 0)
            if missing > 0:
                top_ups.append(
                    {
                        "id": next_id + len(top_ups),
                        "fund_id": fund_id,
                        "budget_year": year,
                        "kind": "allocation",
                        "amount_cents": missing,
                        "application_id": None,
                        "payment_id": None,
                        "counter_of_id": None,
                        "actor_id": office_id,
                        "note": "Benchmark: Aufstockung",
                        "booked_at": datetime(year - 1, 12, 1, tzinfo=UTC),
                    }
                )
        if top_ups:
            if chained:
                seal_rows(conn, LEDGER, top_ups)
            conn.execute(insert(LedgerEntry), top_ups)


def _rebuild_totals(fonds: Engine) -> None:
    """The rows above bypass `ledger.book` and the session's hooks: set the budget years' running totals
    and month sums from the entries (migration 0015) and the counters per state from the applications
    (0024; an older --revision has neither)."""
    with fonds.db.engine.begin() as conn:
        if "allocated_cents" in {c["name"] for c in inspect(conn).get_columns("budget_years")}:
            rebuild_totals(conn)
        if inspect(conn).has_table("application_counts"):  # migration 0024: the counters per state
            counts.rebuild(conn)


def _after(fonds: Engine) -> None:
    """PostgreSQL: move the id sequences past the explicit ids, VACUUM (visibility map, GIN pending
    lists) and ANALYZE; SQLite: ANALYZE."""
    engine = fonds.db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in EXPLICIT_IDS:
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def prepared_fonds(url: str, workdir: Path, revision: str = "head", *, load: bool = True, funds: int = 2) -> Engine:
    """Migrate an empty database (to `revision`) and load both funds' guidelines (clock fixed at NOW);
    `load=False` for a database seeded before (loading again would book the seeded budgets twice).
    `funds` > 2: the platform case, other cities' funds beside Witten's (copies of its two guideline
    files under other fund ids, alternately), which the Witten office does not manage."""
    upgrade(url, revision)
    settings = load_settings(
        environ={},
        database_url=url,
        instance_path=str(workdir / "instance"),
        secret_key="bench-secret-key-0123456789abcdef-32+",
        dispatch_after_commit=False,
    )
    fonds = Engine(db=open_database(url), settings=settings, clock=FixedClock(NOW))
    if load:
        load_funds(fonds, Actor.scheduler(), _guideline_dir(workdir, funds), ROOT / "workflows")
    return fonds


def _guideline_dir(workdir: Path, funds: int) -> Path:
    """The shipped guideline directory, or a copy of it with `funds - 2` further funds."""
    if funds <= 2:
        return ROOT / "richtlinien"
    folder = workdir / "richtlinien"
    folder.mkdir(parents=True, exist_ok=True)
    for name in GUIDELINE_FILE.values():
        (folder / name).write_bytes((ROOT / "richtlinien" / name).read_bytes())
    witten = tuple(GUIDELINE_FILE.items())
    for i in range(funds - 2):
        fund_id, name = witten[i % 2]
        (folder / f"other-{i + 1:04d}-{fund_id}.yaml").write_bytes((ROOT / "richtlinien" / name).read_bytes())
    return folder


def main() -> None:
    """Seed a database and print the row counts."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tmp = Path(tempfile.mkdtemp(prefix="fonds-seed-"))
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tmp / 'bench.db'}"
    fonds = prepared_fonds(url, tmp)
    report = seed_bulk(fonds, n)
    print(f"{n:,} applications seeded in {report.seconds:.1f} s ({url.split(':')[0]})")
    for table, count in sorted(report.rows.items()):
        print(f"  {table:<16}{count:>10,}")
    fonds.db.dispose()


if __name__ == "__main__":
    main()
