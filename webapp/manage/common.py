"""Helpers shared by the office views: which funds the user manages, the role check, errors."""

from __future__ import annotations

from datetime import date

from flask import abort, request
from flask_wtf import FlaskForm
from wtforms import HiddenField

from fondsengine.clock import local_date
from fondsengine.errors import FondsError
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.authz import FundChoice as FundChoice  # re-exported for the office views
from webapp.extensions import actor, fonds, page_read
from webapp.fields import stripped
from webapp.form_errors import refusal_lines
from webapp.queries import FundQuery

Errors = list[tuple[str | None, str]]


def today() -> date:
    """Today in Witten (engine clock)."""
    return local_date(fonds().clock.now())


def managed_funds() -> list[FundChoice]:
    """The funds the logged-in user manages today, by name (the engine decides, one query in the
    request's read session, which then also knows the user's roles in these funds)."""
    return [FundChoice(i, name) for i, name in authz.managed_funds(page_read(), actor(), today())]


def require_any_fund() -> list[FundChoice]:
    """The managed funds; 403 when the user manages none."""
    funds = managed_funds()
    if not funds:
        abort(403)
    return funds


def require_fund(fund_id: str) -> None:
    """403 unless the logged-in user manages this fund (the engine decides; in the request's read
    session, so after `managed_funds` without another query)."""
    if "manager" not in authz.fund_roles(page_read(), actor(), fund_id, today()):
        abort(403)


class FundPost(FlaskForm):
    """The fund a post is about, from its hidden `fonds` field (the post's CSRF token is checked by the
    app's CSRFProtect before any view runs)."""

    fonds = HiddenField("Fonds", filters=[stripped])


def chosen_fund() -> tuple[list[FundChoice], str]:
    """The managed funds and the one the page is about: `?fonds=` of the address, else on a post its
    `fonds` field, else the first managed fund. 403 when the user manages none, or not the one named."""
    funds = require_any_fund()
    wanted = FundQuery().fund_id
    if not wanted and request.method == "POST":
        wanted = FundPost().fonds.data
    fund_id = str(wanted or funds[0].id)
    require_fund(fund_id)
    return funds, fund_id


def error_list(exc: FondsError) -> Errors:
    """An engine error as (field, message) lines for the error summary, with its clause."""
    return refusal_lines(exc)
