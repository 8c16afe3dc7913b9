"""The site's name on every page: the office's name when all funds share one office, else the fund's
name when there is one fund, else the neutral 'Bewohnerfonds'; and the areas a person can switch between."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fondsengine.errors import FondsError
from webapp.extensions import page_read

NEUTRAL = "Bewohnerfonds"
AREAS = (  # (role or None for everybody, endpoint, label, blueprint)
    (None, "applicant.overview", _l("Meine Anträge"), "applicant"),
    ("jury_member", "jury.index", _l("Jury"), "jury"),
    ("manager", "manage.index", _l("Verwaltung"), "manage"),
    ("city_approver", "granting.queue", _l("Bewilligung"), "granting"),
)


def site_name() -> str:
    """The name the site is branded with (asked once per request: one query, the guidelines cached)."""
    if "site_name" not in g:
        g.site_name = _site_name()
    return str(g.site_name)


def _site_name() -> str:
    fonds = current_app.extensions["fonds"]
    try:  # the request's read session: the funds and their versions are read once per page (one statement)
        s = page_read()
        guidelines = [fonds.catalog.current(s, fund_id)[2] for fund_id in fonds.catalog.fund_ids(s)]
    except (FondsError, LookupError):
        return NEUTRAL
    offices = {g.office.name for g in guidelines if g.office.name}
    if len(offices) == 1:
        return str(offices.pop())
    if len(guidelines) == 1:
        return str(guidelines[0].name)
    return NEUTRAL


def areas() -> list[dict[str, Any]]:
    """The areas of the logged-in person (only when there are several: then the switcher shows)."""
    if not current_user.is_authenticated:
        return []
    roles = set(current_user.roles)
    mine = [
        {"endpoint": e, "label": label, "current": request.blueprint == bp}
        for role, e, label, bp in AREAS
        if role is None or role in roles
    ]
    return mine if len(mine) > 1 else []


def context() -> dict[str, Any]:
    """Template globals of every page."""
    return {"site_name": site_name(), "my_areas": areas()}
