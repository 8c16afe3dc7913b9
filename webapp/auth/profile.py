"""Changing one's own name and postal address on the account page (the e-mail address: views.py)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fondsengine.accounts.profile import change_profile
from fondsengine.engine import Actor
from fondsengine.errors import InvalidInput
from webapp.auth import bp
from webapp.auth.forms import ProfileForm
from webapp.auth.views import _account_page
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import fonds
from webapp.form_errors import engine_errors, merged


@bp.route("/konto/angaben", methods=["POST"])
@login_required
@rerender_on_csrf
def change_profile_data() -> ResponseReturnValue:
    """Save name and postal address (audited); the page shows the first error at its field."""
    form = ProfileForm()
    errors: list[tuple[str | None, str]] = []
    if csrf_failed():
        errors.append(("name", CSRF_MESSAGE))
    elif form.validate_on_submit():
        try:
            changed = change_profile(
                fonds(),
                Actor(int(current_user.id)),
                name=form.name.data or "",
                street=form.street.data or "",
                postcode=form.postcode.data or "",
                city=form.city.data or "",
            )
        except InvalidInput as exc:
            errors = engine_errors(form, exc)
        else:
            flash(_("Ihre Angaben sind gespeichert.") if changed else "Es gab nichts zu ändern.", "success")
            return redirect(url_for("auth.account"))
    errors = merged(errors, form)
    return _account_page(errors=errors, profile_form=form)
