"""Plain, immutable data the reports are rendered from: jury minutes, annual report, roll-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MinutesItem:
    """One application decided in a jury session (Tagesordnungspunkt)."""

    file_number: str
    project_title: str
    applicant_name: str
    total_cost_cents: int
    requested_cents: int
    decided_cents: int | None  # None when nothing was granted
    yes: int
    no: int
    abstain: int
    outcome: str  # German label, e.g. "bewilligt", "abgelehnt", "empfohlen", "vertagt"
    explanation: str = ""
    excluded: tuple[str, ...] = ()  # members excluded for conflict of interest (Befangenheit)
    clause: str | None = None
    motion: str = ""  # the motion voted on, e.g. "Förderung mit 800,00 €"
    record: str = ""  # how the vote was taken: in the system, or on paper with the protocol's checksum


@dataclass(frozen=True)
class MinutesData:
    """Sitzungsprotokoll of one jury session."""

    fund_name: str
    office_name: str
    session_title: str  # e.g. "1. Sitzung 2026"
    session_date: date
    place: str
    chair: str
    recorder: str  # who wrote the minutes
    present: tuple[str, ...]
    items: tuple[MinutesItem, ...]
    absent: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()  # Geschäftsführung, applicants presenting (no vote)
    quorum_note: str | None = (
        None  # e.g. "9 von 15 Mitgliedern anwesend; beschlussfähig (§ 6 Abs. 3)"
    )
    circulation: bool = False  # vote by circulation (Umlaufverfahren) instead of a meeting
    notes: tuple[str, ...] = ()
    times: str | None = None  # e.g. "18:00 bis 19:35 Uhr"


@dataclass(frozen=True)
class CountRow:
    """A label with a count, e.g. a state and how many applications are in it."""

    label: str
    count: int


@dataclass(frozen=True)
class CategoryRow:
    """Money by cost category over a year."""

    label: str
    count: int  # cost items or projects using the category
    approved_cents: int
    paid_cents: int


@dataclass(frozen=True)
class MonthlyUse:
    """Bookings in one month (amounts of that month, not running totals)."""

    month: int  # 1..12
    committed_cents: int
    paid_cents: int


@dataclass(frozen=True)
class FundedProject:
    """One funded project in the annual report's list."""

    file_number: str
    title: str
    applicant_name: str
    approved_cents: int
    paid_cents: int
    state: str  # German label of the state
    participants: int | None = None


@dataclass(frozen=True)
class AnnualReportData:
    """Jahresbericht of one fund and budget year."""

    fund_name: str
    office_name: str
    year: int
    created_on: date
    allocated_cents: int
    committed_cents: int
    paid_cents: int
    refunded_cents: int
    expired_cents: int
    free_cents: int
    by_state: tuple[CountRow, ...]
    by_category: tuple[CategoryRow, ...]
    monthly: tuple[MonthlyUse, ...]
    projects: tuple[FundedProject, ...]
    participants: int
    applications: int
    summary: str | None = None  # a few sentences by the office
    chain_heads: tuple[ChainHeadLine, ...] = ()  # the hash-chain ends, to be kept outside the database
    # the remaining figures of fondsengine.reports.figures (committed = approved - released;
    # refunded_cents above is "refund received", money paid back)
    approved_cents: int = 0
    released_cents: int = 0
    refund_claimed_cents: int = 0
    applied_cents: int = 0
    financing: FinancingSummary | None = None  # how the funded projects were financed


@dataclass(frozen=True)
class FinancingSummary:
    """How the year's funded projects were financed, and who pays the fund's share (Bund, Land, Stadt).

    Project figures come from the applications' financing plans (total cost = the cost plan; own
    funds in money; volunteer work valued at the guideline's hourly rate; other funding = private
    and third-party money); grant, paid and refund figures from fondsengine.reports.figures."""

    total_cost_cents: int = 0
    own_funds_cents: int = 0
    volunteer_cents: int = 0
    other_funding_cents: int = 0
    approved_cents: int = 0  # figures "approved": the commitment bookings (grant decisions as booked)
    paid_cents: int = 0  # figures "paid_net"
    refund_claimed_cents: int = 0
    refund_received_cents: int = 0
    # the guideline's budget.funding_sources applied to the grants and to the money paid (exact sums)
    split_approved: tuple[tuple[str, int], ...] = ()
    split_paid: tuple[tuple[str, int], ...] = ()
    funding_clause: str | None = None


@dataclass(frozen=True)
class ChainHeadLine:
    """The end of a hash chain as printed on the report (fondsengine verify --expect-head)."""

    name: str  # "ledger" or "audit"
    row_count: int
    last_hash: str


@dataclass(frozen=True)
class RollupProject:
    """One project in the city's proof of use to the Land."""

    file_number: str
    title: str
    applicant_name: str
    start: date
    end: date
    approved_cents: int
    recognised_cents: int  # grant recognised after the proof-of-use check
    costs: tuple[tuple[str, int], ...]  # (category label, eligible cents spent)
    what_was_done: str
    participants: int | None = None
    # the project's financing (reports/financing.py)
    total_cost_cents: int = 0
    own_funds_cents: int = 0
    volunteer_cents: int = 0
    other_funding_cents: int = 0
    paid_cents: int = 0
    refund_claimed_cents: int = 0
    refund_received_cents: int = 0


@dataclass(frozen=True)
class RollupData:
    """Roll-up of all projects of a year for the city's own proof of use to the Land."""

    city_name: str
    programme: str  # e.g. "Städtebauförderung Innenstadt Witten"
    fund_name: str
    year: int
    created_on: date
    categories: tuple[str, ...]  # category labels, in the order of the columns
    projects: tuple[RollupProject, ...]
    financing: FinancingSummary = FinancingSummary()

    def category_totals(self) -> list[tuple[str, int]]:
        """Eligible spending per category summed over all projects, in column order."""
        totals = dict.fromkeys(self.categories, 0)
        for project in self.projects:
            for label, cents in project.costs:
                totals[label] = totals.get(label, 0) + cents
        return list(totals.items())
