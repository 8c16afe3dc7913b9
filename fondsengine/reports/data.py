"""The annual report and the roll-up for the Land, assembled from the database.

Every figure comes from a handful of aggregate queries (ledger sums grouped by application,
by month and by kind; counts grouped by state; cost plans and receipts grouped by category),
so a year with 100,000 applications needs the same number of round trips as one with ten.
The amounts of the project list add up to the ledger balances of the year: a project's
"approved" figure is its commitment as it stands (commitments minus releases, so a grant cut
after the proof of use shows the recognised amount) and "paid" is paid out minus paid back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from fondsengine import ledger
from fondsengine.clock import BERLIN, local_date
from fondsengine.engine import Actor, Engine
from fondsengine.guidelines.model import Guideline
from fondsengine.lifecycle import authz
from fondsengine.model import Application, ChainHead, CostItem, LedgerEntry, ProofOfUse, Receipt
from fondsengine.reports import figures, financing
from fondsengine.reports.model import (
    AnnualReportData,
    CategoryRow,
    ChainHeadLine,
    CountRow,
    FundedProject,
    MonthlyUse,
    RollupData,
    RollupProject,
)

REPORT_ROLES = ("manager", "auditor", "city_approver", "system")
NO_CATEGORY = "Ohne Kostenplan"
PROOF_PENDING = "Der Verwendungsnachweis liegt noch nicht vor. Geplant war: "


@dataclass(frozen=True)
class ProjectFigures:
    """One funded project of a year with its amounts from the application and the ledger."""

    application_id: int
    file_number: str
    title: str
    applicant_name: str
    state: str
    state_label: str
    approved_cents: int  # the grant decision (Bewilligung)
    settled_cents: int | None  # recognised after the proof-of-use check
    booked_cents: int  # figures "approved": the commitment bookings
    committed_cents: int  # figures "committed": commitments minus releases
    paid_cents: int  # figures "paid_net": payments minus refunds
    participants: int | None
    project_start: date | None
    project_end: date | None
    description: str
    guideline_version_id: int


def apportion(total: int, weights: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Split `total` cents over labelled weights in proportion (largest remainder, exact sum)."""
    merged: dict[str, int] = {}
    for label, weight in weights:
        merged[label] = merged.get(label, 0) + max(weight, 0)
    base = sum(merged.values())
    if not merged:
        return {}
    if base == 0:
        first = next(iter(merged))
        return {label: (total if label == first else 0) for label in merged}
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares = {label: magnitude * w // base for label, w in merged.items()}
    rest = magnitude - sum(shares.values())
    by_remainder = sorted(merged, key=lambda lb: (-(magnitude * merged[lb] % base), lb))
    for label in by_remainder[:rest]:
        shares[label] += 1
    return {label: sign * cents for label, cents in shares.items()}


def _authorise(fonds: Engine, session: Session, actor: Actor, fund_id: str) -> Guideline:
    """The fund's current guideline, after checking the actor may read its reports.

    On PostgreSQL the read runs as REPEATABLE READ, so all queries of one report see the same
    snapshot and its figures add up even while bookings happen (SQLite's read transaction in
    WAL mode is a snapshot already)."""
    if not fonds.db.is_sqlite:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    _, _, guideline = fonds.catalog.current(session, fund_id)
    today = local_date(fonds.clock.now())
    authz.require_fund_role(session, actor, fund_id, today, *REPORT_ROLES)
    return guideline


def _ledger_by_application(fund_id: str, year: int) -> Subquery:
    """Per application: the money figures of fondsengine.reports.figures (approved, committed, paid_net ...)."""
    return figures.ledger_by_application(fund_id, year)


def _funded_ids(led: Subquery) -> Select[Any]:
    """The ids of applications that hold money in the year (committed or paid net)."""
    return select(led.c.app_id).where(figures.holding_money(led))


class ReportLabels:
    """German labels of states and cost categories across the stored versions in use."""

    def __init__(self, fonds: Engine, session: Session, current: Guideline) -> None:
        self._fonds, self._session, self.current = fonds, session, current
        self._categories: dict[int, dict[str, str]] = {}

    def state(self, workflow_version_id: int, state: str) -> tuple[str, int]:
        """The label of a state and its position in the workflow (for ordering)."""
        wf = self._fonds.catalog.workflow(self._session, workflow_version_id)
        for i, s in enumerate(wf.states):
            if s.id == state:
                return s.label, i
        return state, len(wf.states)

    def category(self, guideline_version_id: int, category: str) -> str:
        """The label of a cost category under the guideline version an application is bound to."""
        labels = self._categories.get(guideline_version_id)
        if labels is None:
            g = self._fonds.catalog.guideline(self._session, guideline_version_id)
            labels = {c.id: c.label for c in g.costs.categories}
            self._categories[guideline_version_id] = labels
        return labels.get(category, category)

    def category_order(self, labels: Iterable[str]) -> list[str]:
        """Labels in the order of the current guideline's categories, others after them."""
        order = {c.label: i for i, c in enumerate(self.current.costs.categories)}
        return sorted(set(labels), key=lambda lb: (order.get(lb, len(order)), lb))


def funded_projects(session: Session, fund_id: str, year: int, labels: ReportLabels) -> list[ProjectFigures]:
    """All projects holding money in the fund's budget year, by file number (one query)."""
    led = _ledger_by_application(fund_id, year)
    rows = session.execute(
        select(
            Application.id,
            Application.file_number,
            Application.title,
            Application.organisation,
            Application.contact_name,
            Application.state,
            Application.workflow_version_id,
            Application.guideline_version_id,
            Application.approved_cents,
            Application.settled_cents,
            Application.participants_reached,
            Application.project_start,
            Application.project_end,
            Application.description,
            led.c.approved,
            led.c.committed,
            led.c.paid_net,
        )
        .join(led, led.c.app_id == Application.id)
        .where(Application.fund_id == fund_id, figures.holding_money(led))
        .order_by(Application.file_number, Application.id)
    ).all()
    return [
        ProjectFigures(
            application_id=r.id,
            file_number=r.file_number or "",
            title=r.title,
            applicant_name=r.organisation or r.contact_name,
            state=r.state,
            state_label=labels.state(r.workflow_version_id, r.state)[0],
            approved_cents=r.approved_cents or 0,
            settled_cents=r.settled_cents,
            booked_cents=int(r.approved),
            committed_cents=int(r.committed),
            paid_cents=int(r.paid_net),
            participants=r.participants_reached,
            project_start=r.project_start,
            project_end=r.project_end,
            description=r.description or "",
            guideline_version_id=r.guideline_version_id,
        )
        for r in rows
    ]


def state_counts(session: Session, fund_id: str, year: int, labels: ReportLabels) -> list[CountRow]:
    """Submitted applications of the year counted by state, in workflow order (one query)."""
    rows = session.execute(
        select(Application.workflow_version_id, Application.state, func.count())
        .where(
            Application.fund_id == fund_id,
            Application.budget_year == year,
            Application.submitted_at.is_not(None),
        )
        .group_by(Application.workflow_version_id, Application.state)
    ).all()
    counts: dict[str, int] = {}
    position: dict[str, tuple[int, int]] = {}
    for version_id, state, count in rows:
        label, index = labels.state(version_id, state)
        counts[label] = counts.get(label, 0) + int(count)
        position[label] = min(position.get(label, (index, version_id)), (index, version_id))
    return [CountRow(label, counts[label]) for label in sorted(counts, key=lambda lb: position[lb])]


def _month_starts(year: int) -> list[datetime]:
    """The first instant of February .. December of a year in Berlin (as aware datetimes)."""
    return [datetime(year, m, 1, tzinfo=BERLIN) for m in range(2, 13)]


def monthly_use(session: Session, fund_id: str, year: int) -> list[MonthlyUse]:
    """Committed and paid money booked per Berlin month; earlier bookings count in January,
    later ones (final payments in the next year) in December, so the months sum to the year."""
    at = LedgerEntry.booked_at
    month = case(*[(at < start, m) for m, start in enumerate(_month_starts(year), start=1)], else_=12)
    inner = (
        select(
            month.label("month"),
            LedgerEntry.kind.label("kind"),
            LedgerEntry.amount_cents.label("amount"),
        )
        .where(
            LedgerEntry.fund_id == fund_id,
            LedgerEntry.budget_year == year,
            LedgerEntry.kind.in_(tuple(ledger.MONTHLY)),
        )
        .subquery("booked")
    )
    rows = session.execute(
        select(inner.c.month, inner.c.kind, func.sum(inner.c.amount)).group_by(inner.c.month, inner.c.kind)
    ).all()
    months: dict[str, dict[int, int]] = {"committed": defaultdict(int), "paid": defaultdict(int)}
    for m, kind, total in rows:
        figure, sign = ledger.MONTHLY[kind]  # the one table of what a booking adds to its month
        months[figure][int(m)] += sign * int(total)
    return [MonthlyUse(m, months["committed"][m], months["paid"][m]) for m in range(1, 13)]


def _sum_by_category(
    session: Session, query: Select[int, str, int], projects: Sequence[ProjectFigures], labels: ReportLabels
) -> dict[int, list[tuple[str, int]]]:
    """Run an (application_id, category, cents) query; labelled amounts per application."""
    versions = {p.application_id: p.guideline_version_id for p in projects}
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for app_id, category, cents in session.execute(query).all():
        if app_id in versions:
            out[app_id].append((labels.category(versions[app_id], category), int(cents)))
    return out


def category_rows(
    session: Session,
    fund_id: str,
    year: int,
    projects: Sequence[ProjectFigures],
    labels: ReportLabels,
) -> list[CategoryRow]:
    """Money by cost category: each project's committed and paid amounts split in proportion
    to its cost plan, so the rows add up exactly to the project totals (one query)."""
    funded = _funded_ids(_ledger_by_application(fund_id, year))
    plans = _sum_by_category(
        session,
        select(CostItem.application_id, CostItem.category, func.sum(CostItem.amount_cents))
        .where(CostItem.application_id.in_(funded))
        .group_by(CostItem.application_id, CostItem.category),
        projects,
        labels,
    )
    count: dict[str, int] = defaultdict(int)
    approved: dict[str, int] = defaultdict(int)
    paid: dict[str, int] = defaultdict(int)
    for p in projects:
        plan = plans.get(p.application_id) or [(NO_CATEGORY, 1)]
        for label in {lb for lb, _ in plan}:
            count[label] += 1
        for label, cents in apportion(p.committed_cents, plan).items():
            approved[label] += cents
        for label, cents in apportion(p.paid_cents, plan).items():
            paid[label] += cents
    return [CategoryRow(label, count[label], approved[label], paid[label]) for label in labels.category_order(count)]


def annual_report_data(
    fonds: Engine, actor: Actor, fund_id: str, year: int, *, summary: str | None = None
) -> AnnualReportData:
    """The annual report of a fund and budget year (office, auditors, the city, the system)."""
    with fonds.db.read() as s:
        guideline = _authorise(fonds, s, actor, fund_id)
        labels = ReportLabels(fonds, s, guideline)
        fig = figures.year_figures(s, fund_id, year)
        projects = funded_projects(s, fund_id, year, labels)
        by_state = state_counts(s, fund_id, year, labels)
        led = _ledger_by_application(fund_id, year)
        plans = financing.project_financing(fonds, s, led, _funded_ids(led))
        by_category = category_rows(s, fund_id, year, projects, labels)
        monthly = monthly_use(s, fund_id, year)
        heads = s.execute(
            select(ChainHead.name, ChainHead.row_count, ChainHead.last_hash).order_by(ChainHead.name.desc())
        )
        chain_heads = tuple(ChainHeadLine(str(n), int(c), str(h)) for n, c, h in heads)
    return AnnualReportData(
        fund_name=guideline.name,
        office_name=guideline.office.name,
        year=year,
        created_on=local_date(fonds.clock.now()),
        allocated_cents=fig.allocated + fig.carried,
        committed_cents=fig.committed,
        paid_cents=fig.paid,
        refunded_cents=fig.refund_received,
        expired_cents=fig.expired,
        free_cents=fig.free,
        by_state=tuple(by_state),
        by_category=tuple(by_category),
        monthly=tuple(monthly),
        projects=tuple(
            FundedProject(
                file_number=p.file_number,
                title=p.title,
                applicant_name=p.applicant_name,
                approved_cents=p.committed_cents,
                paid_cents=p.paid_cents,
                state=p.state_label,
                participants=p.participants,
            )
            for p in projects
        ),
        participants=sum(p.participants or 0 for p in projects),
        applications=sum(r.count for r in by_state),
        chain_heads=chain_heads,
        summary=summary,
        approved_cents=fig.approved,
        released_cents=fig.released,
        refund_claimed_cents=fig.refund_claimed,
        applied_cents=fig.applied,
        financing=financing.summary(
            ((plans[p.application_id], p.booked_cents, p.paid_cents) for p in projects if p.application_id in plans),
            guideline,
        ),
    )


def _accepted_proofs(session: Session, funded: Select[Any]) -> tuple[Select[int, str, int], dict[int, str]]:
    """The receipts query of accepted proofs, and each application's accepted report text."""
    reports = {
        app_id: text
        for app_id, text in session.execute(
            select(ProofOfUse.application_id, ProofOfUse.report)
            .where(ProofOfUse.status == "accepted", ProofOfUse.application_id.in_(funded))
            .order_by(ProofOfUse.id)
        ).all()
    }
    receipts = (
        select(
            ProofOfUse.application_id,
            Receipt.category,
            func.sum(func.coalesce(Receipt.accepted_cents, Receipt.amount_cents)),
        )
        .join(ProofOfUse, ProofOfUse.id == Receipt.proof_id)
        .where(
            ProofOfUse.status == "accepted",
            Receipt.status == "accepted",
            ProofOfUse.application_id.in_(funded),
        )
        .group_by(ProofOfUse.application_id, Receipt.category)
    )
    return receipts, reports


def rollup_data(fonds: Engine, actor: Actor, fund_id: str, year: int) -> RollupData:
    """The roll-up of a year's funded projects for the city's own proof of use to the Land."""
    with fonds.db.read() as s:
        guideline = _authorise(fonds, s, actor, fund_id)
        labels = ReportLabels(fonds, s, guideline)
        projects = funded_projects(s, fund_id, year, labels)
        led = _ledger_by_application(fund_id, year)
        receipts, reports = _accepted_proofs(s, _funded_ids(led))
        spent = _sum_by_category(s, receipts, projects, labels)
        plans = financing.project_financing(fonds, s, led, _funded_ids(led))
    eligible = [c.label for c in guideline.costs.categories if c.eligible]
    used = {label for costs in spent.values() for label, _ in costs}
    categories = [*eligible, *[lb for lb in labels.category_order(used) if lb not in eligible]]
    fallback_day = date(year, 12, 31)
    none = financing.ProjectFinancing(0, 0, 0, 0, 0, 0)
    return RollupData(
        city_name=guideline.office.city_name or guideline.office.name,
        programme=guideline.area.name,
        fund_name=guideline.name,
        year=year,
        created_on=local_date(fonds.clock.now()),
        categories=tuple(categories),
        projects=tuple(
            RollupProject(
                file_number=p.file_number,
                title=p.title,
                applicant_name=p.applicant_name,
                start=p.project_start or p.project_end or fallback_day,
                end=p.project_end or p.project_start or fallback_day,
                approved_cents=p.booked_cents,
                recognised_cents=(p.settled_cents or 0) if p.application_id in reports else 0,
                costs=tuple(_merge(spent.get(p.application_id, []))),
                what_was_done=reports.get(p.application_id) or PROOF_PENDING + p.description,
                participants=p.participants,
                total_cost_cents=plans.get(p.application_id, none).total_cost_cents,
                own_funds_cents=plans.get(p.application_id, none).own_funds_cents,
                volunteer_cents=plans.get(p.application_id, none).volunteer_cents,
                other_funding_cents=plans.get(p.application_id, none).other_funding_cents,
                paid_cents=p.paid_cents,
                refund_claimed_cents=plans.get(p.application_id, none).refund_claimed_cents,
                refund_received_cents=plans.get(p.application_id, none).refund_received_cents,
            )
            for p in projects
        ),
        financing=financing.summary(
            ((plans.get(p.application_id, none), p.booked_cents, p.paid_cents) for p in projects), guideline
        ),
    )


def _merge(costs: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Sum amounts of equal labels (two category ids may share a label)."""
    out: dict[str, int] = {}
    for label, cents in costs:
        out[label] = out.get(label, 0) + cents
    return list(out.items())


__all__ = [
    "REPORT_ROLES",
    "ProjectFigures",
    "ReportLabels",
    "annual_report_data",
    "apportion",
    "category_rows",
    "funded_projects",
    "monthly_use",
    "rollup_data",
    "state_counts",
]
