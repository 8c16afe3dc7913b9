"""People and their roles in a fund: give a role (inviting a new person), take it away again."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from fondsengine.accounts.users import grant_role, revoke_role
from fondsengine.errors import FondsError
from fondsengine.model import Membership, User
from webapp import fields
from webapp.auth.views import send_invitation
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.manage import bp
from webapp.manage.common import Errors, error_list, require_any_fund, require_fund
from webapp.manage.paper import find_or_create_person

ROLE_LABELS = {
    "manager": "Geschäftsführung",
    "jury_member": "Jurymitglied",
    "city_approver": "Bewilligung durch die Stadt",
    "auditor": "Nur lesen (Prüfung)",
}


def memberships(fund_id: str) -> list[Any]:
    """Everyone holding a role in the fund, by name (one query)."""
    with fonds().db.read() as s:
        return list(
            s.execute(
                select(
                    User.id,
                    User.name,
                    User.email,
                    Membership.role,
                    Membership.group,
                    Membership.valid_from,
                    Membership.valid_to,
                )
                .join(User, User.id == Membership.user_id)
                .where(Membership.fund_id == fund_id)
                .order_by(User.name, Membership.role)
            ).all()
        )


def _jury_groups(fund_id: str) -> dict[str, str]:
    f = fonds()
    with f.db.read() as s:
        return {g.id: g.label for g in f.catalog.current(s, fund_id)[2].jury.groups}


@bp.route("/rollen", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def roles() -> ResponseReturnValue:
    """The fund's people and roles; give someone a role (a new person is created without a password)."""
    funds = require_any_fund()
    fund_id = request.values.get("fonds") or funds[0].id
    require_fund(fund_id)
    groups = _jury_groups(fund_id)
    values = {k: request.form.get(k, "").strip() for k in ("email", "name", "role", "group")}
    errors: Errors = []
    if request.method == "POST":
        if csrf_failed():
            errors = [(None, CSRF_MESSAGE)]
        elif values["role"] not in ROLE_LABELS:
            errors = [("role", "Bitte wählen Sie eine Rolle.")]
        elif not values["email"]:
            errors = [("email", "Bitte geben Sie die E-Mail-Adresse der Person an.")]
        else:
            try:
                fields.text(values, "name", label="Name", max_len=200)
                fields.email(values, "email")
                fields.text(values, "group", label="Gruppe", max_len=64)
                user_id = find_or_create_person(values["name"], values["email"])
                grant_role(
                    fonds(),
                    actor(),
                    user_id=user_id,
                    fund_id=fund_id,
                    role=values["role"],
                    group=(values["group"] or None) if values["role"] == "jury_member" else None,
                )
            except FondsError as exc:
                errors = [("name" if f == "person_name" else f, m) for f, m in error_list(exc)]
            else:
                fund_name = next((fc.name for fc in funds if fc.id == fund_id), fund_id)
                invited = send_invitation(user_id, ROLE_LABELS[values["role"]], fund_name)
                note = " Die Person bekommt eine Einladung, um ihr Passwort festzulegen." if invited else ""
                flash(f"Die Rolle „{ROLE_LABELS[values['role']]}“ ist vergeben.{note}", "success")
                return redirect(url_for("manage.roles", fonds=fund_id))
    return render_template(
        "manage/roles.html",
        funds=funds,
        fund_id=fund_id,
        rows=memberships(fund_id),
        role_labels=ROLE_LABELS,
        groups=groups,
        values=values,
        errors=errors,
        err={f: m for f, m in errors if f},
        me=int(current_user.id),
    ), 400 if errors else 200


@bp.route("/rollen/entziehen", methods=["POST"])
@login_required
def revoke() -> ResponseReturnValue:
    """Take a role away; it takes effect with the person's next request."""
    funds = require_any_fund()
    fund_id = request.form.get("fonds") or funds[0].id
    require_fund(fund_id)
    user_id = request.form.get("user_id", "")
    try:
        revoke_role(
            fonds(),
            actor(),
            user_id=fields.ident(user_id) or 0,
            fund_id=fund_id,
            role=request.form.get("role", ""),
        )
    except FondsError as exc:
        for _f, message in error_list(exc):
            flash(message, "error")
    else:
        flash("Die Rolle ist entzogen.", "success")
    return redirect(url_for("manage.roles", fonds=fund_id))
