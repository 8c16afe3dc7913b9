"""Fund-level co-financing: a fund that must be financed at least to a share by private money
(the Cityfonds rule of a Verfügungsfonds) records each private contribution, books it into the
year's pot as an allocation, and shows the private share at any time.

The year's amount in the guideline is the public money (booked when the funds are loaded); each
contribution adds to the pot. The private share is private / (public + private); it is shown
against the guideline's minimum (`budget.co_financing.private_min_share_percent`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import select

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.inputs import check_text
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import BudgetYear, PrivateContribution
from fondsengine.money import format_euro

READERS = ("manager", "auditor", "system")


@dataclass(frozen=True)
class Contribution:
    """One recorded private contribution."""

    id: int
    contributor: str
    amount_cents: int
    received_on: date
    note: str


@dataclass(frozen=True)
class CoFinancingStatus:
    """The private share of a fund's year against the guideline's minimum."""

    fund_id: str
    year: int
    public_cents: int  # the pot without the private contributions
    private_cents: int
    min_share: Fraction
    clause: str | None
    contributions: tuple[Contribution, ...]

    @property
    def share(self) -> Fraction:
        """Private money as a share of the whole pot (0 for an empty pot)."""
        total = self.public_cents + self.private_cents
        return Fraction(self.private_cents, total) if total > 0 else Fraction(0)

    @property
    def met(self) -> bool:
        """True when the private share reaches the minimum."""
        return self.share >= self.min_share

    @property
    def missing_cents(self) -> int:
        """Private money still needed for the minimum share at today's public money (0 when met)."""
        if self.met:
            return 0
        # private / (public + private) >= m  <=>  private >= m * public / (1 - m)   (0 < m < 1)
        need = self.min_share * self.public_cents / (1 - self.min_share)
        return max(0, -(-need.numerator // need.denominator) - self.private_cents)


def co_financing_status(fonds: Engine, actor: Actor, fund_id: str, year: int) -> CoFinancingStatus | None:
    """The co-financing of a fund's year (None when its guideline has no such rule); office and auditors."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), *READERS)
        rule = fonds.catalog.current(s, fund_id)[2].budget.co_financing
        if rule is None:
            return None
        rows = s.scalars(
            select(PrivateContribution)
            .where(PrivateContribution.fund_id == fund_id, PrivateContribution.year == year)
            .order_by(PrivateContribution.received_on, PrivateContribution.id)
        ).all()
        private = int(sum(r.amount_cents for r in rows))
        pot = ledger.balance(s, fund_id, year)
        public = pot.allocated - private
        return CoFinancingStatus(
            fund_id, year, public, private, rule.private_min_share, rule.clause,
            tuple(Contribution(r.id, r.contributor, r.amount_cents, r.received_on, r.note) for r in rows),
        )  # fmt: skip


def record_private_contribution(
    fonds: Engine,
    actor: Actor,
    fund_id: str,
    year: int,
    *,
    contributor: str,
    amount_cents: int,
    received_on: date,
    note: str = "",
) -> int:
    """The office records private money received for the fund's year and books it into the pot."""
    contributor = check_text(contributor.strip(), label="Von wem", max_len=200, field="contributor")
    note = check_text(note.strip(), label="Bemerkung", max_len=500, field="note")
    if not contributor:
        raise InvalidInput("Bitte geben Sie an, von wem das Geld kommt.", field="contributor")
    if amount_cents <= 0:
        raise InvalidInput("Der Betrag muss größer als 0,00 € sein.", field="amount")
    now = fonds.clock.now()
    if received_on > local_date(now):
        raise InvalidInput("Der Eingang kann nicht in der Zukunft liegen.", field="received_on")
    with fonds.unit_of_work() as uow:
        s = uow.session
        role = authz.require_fund_role(s, actor, fund_id, local_date(now), "manager", "system")
        rule = fonds.catalog.current(s, fund_id)[2].budget.co_financing
        if rule is None:
            raise InvalidInput("Dieser Fonds sieht keine private Mitfinanzierung vor.")
        by = s.scalar(
            select(BudgetYear).where(BudgetYear.fund_id == fund_id, BudgetYear.year == year).with_for_update()
        )
        if by is None:
            raise InvalidInput(f"Für {year} ist kein Haushaltsjahr angelegt.", field="year")
        if by.closed_at is not None:
            raise InvalidInput(f"Das Haushaltsjahr {year} ist abgeschlossen; dorthin kann nichts mehr gebucht werden.",
                               field="year")  # fmt: skip
        entry = ledger.book(
            s, fund_id=fund_id, year=year, kind="allocation", amount_cents=amount_cents, at=now,
            actor_id=actor.user_id, note=f"Private Mitfinanzierung: {contributor}", clause=rule.clause,
        )  # fmt: skip
        row = PrivateContribution(
            fund_id=fund_id, year=year, contributor=contributor, amount_cents=amount_cents, received_on=received_on,
            note=note, ledger_entry_id=entry.id, recorded_by_id=actor.user_id, recorded_at=now,
        )  # fmt: skip
        s.add(row)
        s.flush()
        record(s, actor=actor, role=role, action="record_private_contribution", at=now, fund_id=fund_id,
               clause=rule.clause, data={"contribution_id": row.id, "year": year, "amount_cents": amount_cents,
                                         "ledger_entry_id": entry.id})  # fmt: skip
        uow.commit()
        return row.id


def describe(st: CoFinancingStatus) -> str:
    """One German sentence about the share, e.g. for the dashboard."""
    pct = f"{float(st.share) * 100:.1f}".replace(".", ",")
    need = f"{float(st.min_share) * 100:.0f}"
    clause = f" ({st.clause})" if st.clause else ""
    text = (f"Private Mitfinanzierung {st.year}: {format_euro(st.private_cents)} von "
            f"{format_euro(st.public_cents + st.private_cents)} ({pct} %; mindestens {need} %{clause}).")  # fmt: skip
    if not st.met:
        text += f" Es fehlen noch {format_euro(st.missing_cents)} private Mittel."
    return text
