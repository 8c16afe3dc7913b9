"""Converting ORM rows into the plain values the pure rule checks work on."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ScalarSelect, case, func, select
from sqlalchemy.orm import Session, aliased

from fondsengine.guidelines.findings import ApplicationData, CheckContext, CostLine
from fondsengine.model import Application
from fondsengine.model.money import LedgerEntry

if TYPE_CHECKING:  # the catalog loads workflows, whose loader imports the guards that use this module
    from fondsengine.funds.catalog import Catalog


def pending_states(catalog: Catalog, session: Session) -> tuple[str, ...]:
    """States of applications that are submitted but not decided yet (in any stored workflow)."""
    return catalog.state_ids(session, initial=False, decided=False)


def application_data(app: Application) -> ApplicationData:
    """The application's declared values as plain data."""
    return ApplicationData(
        applicant_kind=app.applicant_kind,
        nonprofit=app.nonprofit,
        area_link=app.area_link,
        postcode=app.postcode,
        street=app.street,
        project_start=app.project_start,
        project_end=app.project_end,
        cost_items=tuple(
            CostLine(
                category=c.category,
                description=c.description,
                amount_cents=c.amount_cents,
                hours=c.hours,
                payee_is_applicant=c.payee_is_applicant,
                payee=c.payee,
                vat_cents=c.vat_cents,
            )
            for c in app.cost_items
        ),
        requested_cents=app.requested_cents,
        own_funds_cents=app.own_funds_cents,
        volunteer_hours=Decimal(app.volunteer_hours or 0),
        other_funding_cents=app.other_funding_cents,
        prior_consultation_on=app.prior_consultation_on,
        declarations=frozenset(str(d) for d in app.declarations or ()),
        extra={str(k): str(v) for k, v in (app.extra or {}).items()},
        title=app.title,
        benefits_area=app.benefits_area,
        applicant_names=tuple(n for n in (app.contact_name, app.organisation) if n),
        group_members=tuple(str(m) for m in app.group_members or ()),
        input_tax_deductible=app.input_tax_deductible,
        de_minimis_prior_cents=app.de_minimis_prior_cents,
        de_minimis_prior_on=app.de_minimis_prior_on,
        lifted_limits={str(k): str(v) for k, v in (app.lifted_limits or {}).items()},
    )


def funded_chain(session: Session, app: Application) -> list[Application]:
    """The earlier funded applications this one continues, the first funding first.

    Follows the office's links (`continues_id`); an earlier application counts when it was
    approved (it has an approved amount). A link loop ends the walk."""
    chain: list[Application] = []
    seen = {app.id}
    current = app
    while current.continues_id is not None and current.continues_id not in seen:
        earlier = session.get(Application, current.continues_id)
        if earlier is None:
            break
        seen.add(earlier.id)
        if earlier.approved_cents is not None:
            chain.append(earlier)
        current = earlier
    return list(reversed(chain))


def check_context(
    session: Session,
    app: Application,
    *,
    now_date: date,
    budget_free: int | None,
    pending_states: Collection[str],
) -> CheckContext:
    """Facts from the database the rule checks need (other grants of the applicant etc.).

    `pending_states`: the states of submitted, not yet decided applications (from the catalog)."""
    bound, pending = _other_sums(app.applicant_id, app.fund_id, app.budget_year, app.id, pending_states, correlate=None)
    row = session.execute(select(bound, pending)).one()
    return _context(session, app, now_date, budget_free, int(row[0]) + int(row[1]))


def check_contexts(
    session: Session,
    apps: Sequence[Application],
    *,
    now_dates: Mapping[int, date],
    budget_free: Mapping[int, int | None],
    pending_states: Collection[str],
) -> dict[int, CheckContext]:
    """`check_context` of several applications (read as stored) in one statement: application id ->
    context; `now_dates` and `budget_free` by application id."""
    if not apps:
        return {}
    outer = aliased(Application, name="checked")
    bound, pending = _other_sums(
        outer.applicant_id, outer.fund_id, outer.budget_year, outer.id, pending_states, correlate=outer
    )
    rows = session.execute(select(outer.id, bound, pending).where(outer.id.in_(sorted({a.id for a in apps})))).all()
    others = {int(r[0]): int(r[1]) + int(r[2]) for r in rows}
    return {a.id: _context(session, a, now_dates[a.id], budget_free[a.id], others.get(a.id, 0)) for a in apps}


def _other_sums(
    applicant_id: Any,
    fund_id: Any,
    budget_year: Any,
    application_id: Any,
    pending_states: Collection[str],
    *,
    correlate: Any,
) -> tuple[ScalarSelect[Any], ScalarSelect[Any]]:
    """What binds this applicant's other grants of the year (commitments minus releases) and what
    their other pending applications request, as two scalar subqueries (of values, or of the columns
    of an outer query `correlate`)."""
    others = (
        Application.applicant_id == applicant_id,
        Application.fund_id == fund_id,
        Application.budget_year == budget_year,
        Application.id != application_id,
    )
    bound_sum = (
        select(
            func.coalesce(
                func.sum(
                    case(
                        (LedgerEntry.kind == "commitment", LedgerEntry.amount_cents),
                        (LedgerEntry.kind == "release", -LedgerEntry.amount_cents),
                        else_=0,
                    )
                ),
                0,
            )
        )
        .join(Application, Application.id == LedgerEntry.application_id)
        .where(*others, LedgerEntry.kind.in_(("commitment", "release")))
    )
    pending_sum = select(func.coalesce(func.sum(Application.requested_cents), 0)).where(
        *others, Application.state.in_(pending_states)
    )
    if correlate is not None:
        bound_sum, pending_sum = bound_sum.correlate(correlate), pending_sum.correlate(correlate)
    return bound_sum.scalar_subquery(), pending_sum.scalar_subquery()


def _context(
    session: Session, app: Application, now_date: date, budget_free: int | None, other_grants: int
) -> CheckContext:
    repeat_count, first = app.repeat_count, None
    if app.continues_id is not None:  # linked by the office: the engine counts the fundings
        chain = funded_chain(session, app)
        repeat_count = len(chain)
        first = application_data(chain[0]) if chain else None
    return CheckContext(
        today=now_date,
        budget_year=app.budget_year,
        applicant_other_grants_cents=other_grants,
        repeat_count=repeat_count,
        budget_free_cents=budget_free,
        first_funding=first,
    )
