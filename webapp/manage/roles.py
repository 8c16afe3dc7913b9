"""People and their roles in a fund: give a role (inviting a new person), take it away again."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Optional

from fondsengine.accounts.users import invite_to_role, revoke_role, roles_of_fund
from fondsengine.errors import FondsError
from fondsengine.workflow.names import ROLES
from webapp import fields
from webapp.auth.views import send_invitation
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import SafeText, options
from webapp.form_errors import summary_errors
from webapp.manage import bp
from webapp.manage.common import Errors, chosen_fund, error_list, require_any_fund, require_fund

GRANTABLE = ("manager", "jury_member", "city_approver", "auditor")  # the roles the office gives
ROLE_LABELS = {role: ROLES[role] for role in GRANTABLE}  # the names the workflow files use


class RoleForm(FlaskForm):
    """Give a role to a person by e-mail address (a new address becomes an account without password)."""

    fonds = HiddenField()
    email = StringField(
        "E-Mail-Adresse",
        validators=[InputRequired("Bitte geben Sie die E-Mail-Adresse der Person an."), SafeText(320)],
    )
    name = StringField("Name (nur für neue Personen)", validators=[Optional(), SafeText(200)])
    role = SelectField(
        "Rolle",
        choices=options([("", "bitte wählen"), *ROLE_LABELS.items()]),
        validators=[AnyOf(list(ROLE_LABELS), message="Bitte wählen Sie eine Rolle.")],
        validate_choice=False,
    )
    group = StringField("Gruppe in der Jury (nur für Jurymitglieder)", validators=[Optional(), SafeText(64)])


class RevokeForm(FlaskForm):
    """Take one role away from one person."""

    fonds = HiddenField()
    user_id = HiddenField(validators=[InputRequired()])
    role = HiddenField(validators=[InputRequired()])


@bp.route("/rollen", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def roles() -> ResponseReturnValue:
    """The fund's people and roles; give someone a role (a new person is created without a password)."""
    funds, fund_id = chosen_fund()
    form = RoleForm()
    errors: Errors = []
    if csrf_failed():
        errors = [(None, CSRF_MESSAGE)]
    elif form.validate_on_submit():
        role = str(form.role.data)
        try:
            user_id = invite_to_role(
                fonds(),
                actor(),
                fund_id=fund_id,
                email=form.email.data or "",
                name=form.name.data or "",
                role=role,
                group=form.group.data or None,
            )
        except FondsError as exc:
            errors = error_list(exc)
        else:
            fund_name = next((fc.name for fc in funds if fc.id == fund_id), fund_id)
            invited = send_invitation(user_id, ROLE_LABELS[role], fund_name)
            note = " Die Person bekommt eine Einladung, um ihr Passwort festzulegen." if invited else ""
            flash(f"Die Rolle „{ROLE_LABELS[role]}“ ist vergeben.{note}", "success")
            return redirect(url_for("manage.roles", fonds=fund_id))
    elif form.is_submitted():
        errors = summary_errors(form)
    people = roles_of_fund(fonds(), actor(), fund_id)
    return render_template(
        "manage/roles.html",
        funds=funds,
        fund_id=fund_id,
        rows=people.holders,
        role_labels=ROLE_LABELS,
        groups=people.jury_groups,
        values={name: form[name].data or "" for name in ("email", "name", "role", "group")},
        errors=errors,
        err={f: m for f, m in errors if f},
        me=int(current_user.id),
    ), 400 if errors else 200


@bp.route("/rollen/entziehen", methods=["POST"])
@login_required
def revoke() -> ResponseReturnValue:
    """Take a role away; it takes effect with the person's next request."""
    funds = require_any_fund()
    form = RevokeForm()
    fund_id = form.fonds.data or funds[0].id
    require_fund(fund_id)
    if not form.validate_on_submit():
        flash("Diese Rolle ist nicht vergeben.", "error")
        return redirect(url_for("manage.roles", fonds=fund_id))
    try:
        user_id = fields.ident(form.user_id.data) or 0
        revoke_role(fonds(), actor(), user_id=user_id, fund_id=fund_id, role=form.role.data or "")
    except FondsError as exc:
        for _f, message in error_list(exc):
            flash(message, "error")
    else:
        flash("Die Rolle ist entzogen.", "success")
    return redirect(url_for("manage.roles", fonds=fund_id))
