"""Helpers shared by the office views: which funds the user manages, the role check, errors."""

from __future__ import annotations

from datetime import date

from flask import abort

from fondsengine.applications.decisions import require_manager
from fondsengine.clock import local_date
from fondsengine.errors import FondsError, PermissionDenied
from fondsengine.lifecycle.authz import FundChoice as FundChoice  # re-exported for the office views
from fondsengine.lifecycle.authz import funds_with_role
from webapp.extensions import actor, fonds

Errors = list[tuple[str | None, str]]


def today() -> date:
    """Today in Witten (engine clock)."""
    return local_date(fonds().clock.now())


def managed_funds() -> list[FundChoice]:
    """The funds the logged-in user manages today, by name (one query)."""
    return funds_with_role(fonds(), actor(), ("manager",))


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
