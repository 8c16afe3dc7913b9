"""The office's to-do list: one list across all funds the actor manages and all budget years.

Each group is one query (limited to LIST_LIMIT rows, with a window count of all), over indexed columns
(state, status, due dates). The groups, in the order the dashboard shows them:

| group | what is in it |
|---|---|
| formal_check | submitted, or in the formal check: the office checks them |
| changes_overdue | requests for changes not answered by the date the letter names (`changes_due_on`) |
| decision_due | formally checked or on an agenda: a decision is due (jury or office) |
| city_grant | recommended by the jury: the city's grant (two-step funds) is due |
| payment_request | payment requests the office still has to execute |
| proof_review | proofs of use submitted and waiting for the office's review |
| final_payment | proofs accepted with money still due to the applicant |
| refund_open | refund claims not (fully) received, oldest due first; overdue ones marked |
| proof_overdue | proofs of use not submitted by their due date |
| unused_advance | advances paid longer ago than the guideline's `issuance.use_within_months` with no proof yet |
| undeliverable | mails that could not be delivered (outbox status dead) |
| letter_held | letters held instead of rendered: a placeholder would have had no value (`held_reason`) |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.guidelines.calc import add_months, use_by_date
from fondsengine.letters.registry import LETTER_KINDS, letter_kind
from fondsengine.lifecycle import authz
from fondsengine.model import Application, LedgerEntry, Letter, Membership, OutboxMessage, Payment, Refund

LIST_LIMIT = 20

GROUPS: dict[str, str] = {
    "formal_check": "Formale Prüfung",
    "changes_overdue": "Überfällige Antworten auf Nachforderungen",
    "decision_due": "Entscheidung fällig",
    "granting_due": "Bewilligung der Stadt ausstehend",
    "payment_request": "Auszahlungsanforderungen",
    "proof_review": "Verwendungsnachweise zu prüfen",
    "final_payment": "Schlusszahlungen",
    "refund_open": "Offene Rückforderungen",
    "proof_overdue": "Überfällige Verwendungsnachweise",
    "unused_advance": "Abgerufene, noch nicht verwendete Mittel",
    "undeliverable": "Nicht zustellbare E-Mails",
    "letter_held": "Zurückgehaltene Briefe",
}


@dataclass(frozen=True)
class TodoItem:
    """One thing to do, with what the office needs to find it."""

    application_id: int | None
    fund_id: str
    budget_year: int | None
    file_number: str | None
    title: str
    amount_cents: int | None
    day: date | None  # since (waiting) or due (deadlines)
    overdue: bool = False
    note: str = ""


@dataclass(frozen=True)
class TodoGroup:
    """One group of the to-do list: its key, German heading, the first items and how many in all."""

    key: str
    label: str
    items: tuple[TodoItem, ...]
    total: int


def managed_funds(session: Session, actor: Actor, today: date) -> list[str]:
    """The funds the actor manages today."""
    ids = session.scalars(
        select(Membership.fund_id).where(Membership.user_id == actor.user_id, Membership.role == "manager").distinct()
    )
    return sorted(f for f in ids if "manager" in authz.fund_roles(session, actor, f, today))


def _app_cols() -> tuple[Any, ...]:
    return (Application.id, Application.fund_id, Application.budget_year, Application.file_number, Application.title)


def _group(session: Session, key: str, query: Any, make: Any) -> TodoGroup:
    """One statement per group: the first LIST_LIMIT rows, each carrying the count of all rows
    (a window count over the whole result, computed before the limit)."""
    rows = session.execute(query.add_columns(func.count().over()).limit(LIST_LIMIT)).all()
    total = int(rows[0][-1]) if rows else 0
    return TodoGroup(key, GROUPS[key], tuple(make(r) for r in rows), total)


def _by_state(session: Session, key: str, funds: list[str], states: tuple[str, ...], since: Any) -> TodoGroup:
    query = (
        select(*_app_cols(), Application.requested_cents, since)
        .where(Application.fund_id.in_(funds), Application.state.in_(states))
        .order_by(since, Application.id)
    )
    return _group(
        session,
        key,
        query,
        lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], local_date(r[6]) if r[6] else None),
    )


def office_todo(fonds: Engine, actor: Actor, *, now: datetime | None = None) -> list[TodoGroup]:
    """The to-do list of the actor's office across all funds they manage and all budget years
    (the dashboard shows it, the daily digest mails it; `now` for a job's own time)."""
    with fonds.db.read() as s:
        now = now or fonds.clock.now()
        today = local_date(now)
        funds = managed_funds(s, actor, today)
        if not funds:
            raise PermissionDenied("Die Aufgabenliste sieht nur die Geschäftsführung eines Fonds.")
        groups = [
            _by_state(
                s, "formal_check", funds, fonds.catalog.state_ids(s, waiting_for="review"), Application.submitted_at
            ),
            _changes_overdue(s, funds, fonds.catalog.state_ids(s, waiting_for="changes"), today),
            _by_state(
                s,
                "decision_due",
                funds,
                fonds.catalog.state_ids(s, waiting_for="decision") + fonds.catalog.state_ids(s, waiting_for="jury"),
                Application.submitted_at,
            ),
            _by_state(s, "granting_due", funds, fonds.catalog.state_ids(s, waiting_for="city"), Application.decided_at),
        ]
        requests = (
            select(*_app_cols(), Payment.amount_cents, Payment.requested_at, Payment.kind)
            .join(Payment, Payment.application_id == Application.id)
            .where(Application.fund_id.in_(funds), Payment.status.in_(("requested", "ordered")))
            .order_by(Payment.requested_at, Payment.id)
        )
        groups.append(
            _group(
                s,
                "payment_request",
                requests,
                lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], local_date(r[6]), note=r[7]),
            )
        )
        proof_check = fonds.catalog.state_ids(s, waiting_for="proof_check")
        groups.append(_by_state(s, "proof_review", funds, proof_check, Application.updated_at))
        paid = (
            select(
                LedgerEntry.application_id.label("app_id"),
                func.sum(LedgerEntry.amount_cents).label("cents"),
            )
            .where(LedgerEntry.kind == "payment", LedgerEntry.application_id.is_not(None))
            .group_by(LedgerEntry.application_id)
            .subquery("paid")
        )
        received = (
            select(Refund.application_id.label("app_id"), func.sum(Refund.received_cents).label("cents"))
            .group_by(Refund.application_id)
            .subquery("received")
        )
        due = Application.settled_cents - func.coalesce(paid.c.cents, 0) + func.coalesce(received.c.cents, 0)
        # waiting for the (final) payment, no longer for a proof: the proof is accepted
        proof_states = set(fonds.catalog.state_ids(s, waiting_for="proof"))
        waiting_for_payment = fonds.catalog.state_ids(s, waiting_for="payment")
        final_payment_states = [st for st in waiting_for_payment if st not in proof_states]
        finals = (
            select(*_app_cols(), due, Application.updated_at)
            .outerjoin(paid, paid.c.app_id == Application.id)
            .outerjoin(received, received.c.app_id == Application.id)
            .where(Application.fund_id.in_(funds), Application.state.in_(final_payment_states), due > 0)
            .order_by(Application.updated_at, Application.id)
        )
        groups.append(
            _group(
                s,
                "final_payment",
                finals,
                lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], int(r[5]), local_date(r[6])),
            )
        )
        refunds = (
            select(*_app_cols(), Refund.claimed_cents - Refund.received_cents, Refund.due_on)
            .join(Refund, Refund.application_id == Application.id)
            .where(Application.fund_id.in_(funds), Refund.received_cents < Refund.claimed_cents)
            .order_by(Refund.due_on, Refund.id)
        )
        groups.append(
            _group(
                s,
                "refund_open",
                refunds,
                lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], int(r[5]), r[6], overdue=r[6] < today),
            )
        )
        overdue = (
            select(*_app_cols(), Application.approved_cents, Application.proof_due_on)
            .where(
                Application.fund_id.in_(funds),
                Application.state.in_(fonds.catalog.state_ids(s, waiting_for="proof")),
                Application.proof_due_on < today,
            )
            .order_by(Application.proof_due_on, Application.id)
        )
        groups.append(
            _group(s, "proof_overdue", overdue, lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], True))
        )
        groups.append(_unused_advances(fonds, s, funds, today))
        dead = (
            select(
                OutboxMessage.application_id,
                func.coalesce(Application.fund_id, ""),
                Application.budget_year,
                Application.file_number,
                func.coalesce(Application.title, OutboxMessage.topic),
                OutboxMessage.created_at,
                OutboxMessage.recipient_email,
                OutboxMessage.last_error,
            )
            .outerjoin(Application, Application.id == OutboxMessage.application_id)
            .where(OutboxMessage.status == "dead")
            .where((Application.fund_id.in_(funds)) | (OutboxMessage.application_id.is_(None)))
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
        groups.append(
            _group(
                s,
                "undeliverable",
                dead,
                lambda r: TodoItem(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    None,
                    local_date(r[5]),
                    note=f"an {r[6] or '(keine Adresse)'}" + (f": {r[7]}" if r[7] else ""),
                ),
            )
        )
        groups.append(_held_letters(s, funds))
        return groups


def _changes_overdue(s: Session, funds: list[str], states: Sequence[str], today: date) -> TodoGroup:
    """Requests for changes whose answer is overdue: still waiting for the applicant past the date the
    letter named."""
    query = (
        select(*_app_cols(), Application.requested_cents, Application.changes_due_on)
        .where(
            Application.fund_id.in_(funds),
            Application.state.in_(states),
            Application.changes_due_on < today,
        )
        .order_by(Application.changes_due_on, Application.id)
    )
    return _group(
        s,
        "changes_overdue",
        query,
        lambda r: TodoItem(r[0], r[1], r[2], r[3], r[4], r[5], r[6], True, "Antwort auf die Nachforderung fehlt"),
    )


def _held_letters(s: Session, funds: list[str]) -> TodoGroup:
    """Letters of the office's funds held instead of rendered (a placeholder would have been empty)."""
    query = (
        select(*_app_cols(), Letter.created_at, Letter.kind)
        .join(Letter, Letter.application_id == Application.id)
        .where(Application.fund_id.in_(funds), Letter.pdf.is_(None), Letter.held_reason.is_not(None))
        .order_by(Letter.created_at, Letter.id)
    )

    def item(r: Any) -> TodoItem:
        label = letter_kind(r[6]).label if r[6] in LETTER_KINDS else r[6]
        note = f"{label}: ein Platzhalter des Brieftextes hätte keinen Wert, der Brief wurde nicht erstellt"
        return TodoItem(r[0], r[1], r[2], r[3], r[4], None, local_date(r[5]), note=note)

    return _group(s, "letter_held", query, item)


def _unused_advances(fonds: Engine, s: Session, funds: list[str], today: date) -> TodoGroup:
    """Advances and instalments paid longer ago than the fund's `issuance.use_within_months` (Nr. 1.4
    ANBest-P), no proof submitted yet (the application still waits for it)."""
    items: list[TodoItem] = []
    total = 0
    proof_states = fonds.catalog.state_ids(s, waiting_for="proof")
    for fund_id in funds:
        guideline = fonds.catalog.current(s, fund_id)[2]
        if guideline.issuance is None:
            continue
        months = guideline.issuance.use_within_months
        limit = datetime.combine(add_months(today, -months), datetime.min.time()).replace(
            tzinfo=fonds.clock.now().tzinfo
        )
        query = (
            select(*_app_cols(), Payment.amount_cents, Payment.paid_at)
            .join(Payment, Payment.application_id == Application.id)
            .where(
                Application.fund_id == fund_id,
                Application.state.in_(proof_states),
                Payment.status == "paid",
                Payment.kind.in_(("advance", "instalment")),
                Payment.paid_at < limit,
            )
            .order_by(Payment.paid_at, Payment.id)
        )
        group = _group(
            s,
            "unused_advance",
            query,
            lambda r, g=guideline, m=months: TodoItem(
                r[0], r[1], r[2], r[3], r[4], r[5], use_by_date(g, local_date(r[6])), True,
                f"abgerufen am {local_date(r[6]).strftime('%d.%m.%Y')}, zu verwenden binnen {m} Monaten",
            ),
        )  # fmt: skip
        items += group.items
        total += group.total
    return TodoGroup("unused_advance", GROUPS["unused_advance"], tuple(items[:LIST_LIMIT]), total)
