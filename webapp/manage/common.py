"""Helpers shared by the office views: which funds the user manages, the role check, errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import or_, select

from fondsengine.applications.decisions import require_manager
from fondsengine.clock import local_date
from fondsengine.errors import FondsError, PermissionDenied
from fondsengine.model import Fund, Membership
from webapp.extensions import actor, fonds

Errors = list[tuple[str | None, str]]


@dataclass(frozen=True)
class FundChoice:
    """A fund the logged-in user manages (for the fund switch)."""

    id: str
    name: str


def today() -> date:
    """Today in Witten (engine clock)."""
    return local_date(fonds().clock.now())


def managed_funds() -> list[FundChoice]:
    """The funds the logged-in user manages today, by name (one query)."""
    f, a, day = fonds(), actor(), today()
    with f.db.read() as s:
        rows = s.execute(
            select(Fund.id, Fund.name)
            .join(Membership, Membership.fund_id == Fund.id)
            .where(
                Membership.user_id == a.user_id,
                Membership.role == "manager",
                or_(Membership.valid_from.is_(None), Membership.valid_from <= day),
                or_(Membership.valid_to.is_(None), Membership.valid_to >= day),
            )
            .distinct()
            .order_by(Fund.name)
        ).all()
    return [FundChoice(r.id, r.name) for r in rows]


def require_any_fund() -> list[FundChoice]:
    """The managed funds; 403 when the user manages none."""
    funds = managed_funds()
    if not funds:
        abort(403)
    return funds


def require_fund(fund_id: str) -> None:
    """403 unless the logged-in user manages this fund (the engine decides)."""
    try:
        require_manager(fonds(), actor(), fund_id)
    except PermissionDenied:
        abort(403)


def error_list(exc: FondsError) -> Errors:
    """An engine error as (field, message) lines for the error summary, with its clause."""
    field = getattr(exc, "field", None)
    lines: Errors = [(field, str(exc))]
    for reason in getattr(exc, "reasons", ()) or ():
        if reason and reason != exc.message:
            lines.append((None, reason))
    return lines
