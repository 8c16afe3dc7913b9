"""Public pages: the start page, a page per fund, the gallery of funded projects, legal pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from fondsengine.applications.queries import fund_balance
from fondsengine.clock import local_date
from fondsengine.funds.current import current_guidelines
from fondsengine.guidelines.model import Guideline, Round
from fondsengine.guidelines.summary import plain_summary
from fondsengine.public.legal import legal_info
from webapp.extensions import fonds

bp = Blueprint("public", __name__)


@dataclass(frozen=True)
class FundCard:
    """What the start page shows about one fund."""

    id: str
    name: str
    summary: str
    sentences: list[str]
    year: int
    free_cents: int | None
    available_cents: int | None
    next_round: Round | None
    easy_language: bool = False  # the guideline has a summary in Leichte Sprache


def _next_round(guideline: Guideline, today: date) -> Round | None:
    """The next round one can still apply for: its deadline is today or later (a round whose deadline
    has passed is not current, even when its session is still to come)."""
    upcoming = sorted(
        (r for r in guideline.timing.rounds if r.deadline >= today),
        key=lambda r: r.deadline,
    )
    return upcoming[0] if upcoming else None


def open_funds() -> list[FundCard]:
    """The active funds with their plain-language summary and this year's free budget."""
    f = fonds()
    today = local_date(f.clock.now())
    cards: list[FundCard] = []
    for g in current_guidelines(f):
        next_round = _next_round(g, today)
        # the money an application can get now: the year of the next open round's session (in December
        # that is next year's pot, not the few euros left of this year)
        year = next_round.session_date.year if next_round else today.year
        balance = fund_balance(f, g.fund_id, year) if g.budget.for_year(year) else None
        cards.append(
            FundCard(
                id=g.fund_id,
                name=g.name,
                summary=g.summary,
                sentences=plain_summary(g, year),
                year=year,
                free_cents=balance.free if balance else None,
                available_cents=balance.available if balance else None,
                next_round=next_round,
                easy_language=bool(g.summary_easy_language),
            )
        )
    return cards


@bp.route("/")
def index() -> ResponseReturnValue:
    """The start page."""
    return render_template("public/index.html", funds=open_funds())


@bp.route("/barrierefreiheit")
def accessibility() -> ResponseReturnValue:
    """Erklärung zur Barrierefreiheit (BITV 2.0 § 7), from configuration."""
    return render_template("public/accessibility.html", info=legal_info(fonds()))


from webapp.public import feed, legal, pages  # noqa: E402,F401  (register their routes on bp)
