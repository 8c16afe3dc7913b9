"""The office dashboard's read model (issues 11 and 19): one fund's budget year with its figures, the
undecided applications, what is coming up, the month sums and the to-do list of every fund the actor
manages, read in the caller's one read session and authorised once.

Every part comes from one statement of its own module (the budget figures from the running totals and
the counter table, `reports.figures`; the attention lists, `reports.attention`; the month sums,
`reports.months`; the to-do list, `applications.todo`); this module chooses the fund and the year and
checks that the actor manages the fund. Drawing (the bar and the chart) is the web layer's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from fondsengine.applications.todo import TodoGroup, todo_lists
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.authz import FundChoice
from fondsengine.reports.attention import Attention, attention, undecided_states
from fondsengine.reports.figures import YearFigures, fund_year_figures, year_figures
from fondsengine.reports.months import Month, monthly

NOT_MANAGER = "Die Übersicht sieht nur die Geschäftsführung eines Fonds."


@dataclass(frozen=True)
class Dashboard:
    """What the office's landing page shows for one fund and budget year."""

    funds: tuple[FundChoice, ...]  # every fund the actor manages today, by name (the fund switch)
    fund_id: str
    years: tuple[int, ...]  # the fund's budget years, newest first
    year: int
    figures: YearFigures
    next_figures: YearFigures | None  # the coming year, where it has a budget already
    pipeline_count: int  # submitted, not yet decided (count and requested sum)
    pipeline_cents: int
    attention: Attention
    months: tuple[Month, ...]
    todo: tuple[TodoGroup, ...]  # across all managed funds and years

    @property
    def fund_name(self) -> str:
        return next((f.name for f in self.funds if f.id == self.fund_id), self.fund_id)


def choose_year(years: list[int], today: date, waiting: Callable[[int], int]) -> int:
    """The budget year to show when none is asked for: the current one when the fund has it, else the
    newest. In December the coming year opens as soon as applications for it wait (`waiting(year)`:
    how many; the ending year has little left to do)."""
    if today.month == 12 and today.year + 1 in years and waiting(today.year + 1):
        return today.year + 1
    return today.year if today.year in years or not years else years[0]


def managed(session: Session, actor: Actor, today: date) -> tuple[FundChoice, ...]:
    """The funds the actor manages today; PermissionDenied when none."""
    funds = tuple(FundChoice(i, name) for i, name in authz.managed_funds(session, actor, today))
    if not funds:
        raise PermissionDenied(NOT_MANAGER)
    return funds


def dashboard(
    fonds: Engine, session: Session, actor: Actor, fund_id: str | None = None, year: int | None = None,
    *, now: datetime | None = None,
) -> Dashboard:  # fmt: skip
    """The dashboard of `fund_id` (default: the first fund the actor manages) and `year` (default:
    `choose_year`). PermissionDenied unless the actor manages the fund today."""
    now = now or fonds.clock.now()
    today = local_date(now)
    funds = managed(session, actor, today)
    fund_id = fund_id or funds[0].id
    if all(f.id != fund_id for f in funds):
        raise PermissionDenied(NOT_MANAGER)
    row = fonds.catalog.current(session, fund_id)[1]
    workflow = fonds.catalog.workflow(session, row.workflow_version_id)
    per_year = fund_year_figures(session, fund_id, undecided_states(workflow))
    years = sorted(per_year.figures, reverse=True)
    if year is None:
        year = choose_year(years, today, lambda y: per_year.pipeline.get(y, (0, 0))[0])
    figures = per_year.figures.get(year) or year_figures(session, fund_id, year)  # a year without a budget row
    count, cents = per_year.pipeline.get(year, (0, 0))
    return Dashboard(
        funds=funds,
        fund_id=fund_id,
        years=tuple(years),
        year=year,
        figures=figures,
        next_figures=per_year.figures.get(year + 1),
        pipeline_count=count,
        pipeline_cents=cents,
        attention=attention(session, fund_id, year, today, now, workflow),
        months=tuple(monthly(session, fund_id, year)),
        todo=tuple(todo_lists(fonds, session, [f.id for f in funds], now)),
    )


def waiting_for_decision(fonds: Engine, session: Session, fund_id: str, year: int) -> int:
    """How many applications of a fund's budget year wait for a decision (for `choose_year` on pages
    that do not read the dashboard)."""
    row = fonds.catalog.current(session, fund_id)[1]
    workflow = fonds.catalog.workflow(session, row.workflow_version_id)
    return fund_year_figures(session, fund_id, undecided_states(workflow)).pipeline.get(year, (0, 0))[0]
