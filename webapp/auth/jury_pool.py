"""Joining and leaving a fund's pool of jury volunteers from the account (engine: jury/pool.py, members.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired

from fondsengine.engine import Actor
from fondsengine.errors import FondsError
from fondsengine.jury.members import register_volunteer, withdraw_volunteer
from fondsengine.jury.pool import PoolPlace, my_pools
from webapp.auth import bp
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import fonds
from webapp.fields import SafeText


class PoolForm(FlaskForm):
    """Join a fund's pool in one of its groups (`step=join`) or leave it (`step=leave`)."""

    fund = HiddenField(validators=[DataRequired(), SafeText(64)])
    step = HiddenField(validators=[AnyOf(("join", "leave"))])
    group = StringField(validators=[SafeText(64)])


def _page(places: list[PoolPlace], errors: list[tuple[str | None, str]], status: int) -> ResponseReturnValue:
    return render_template("auth/jury_pool.html", places=places, errors=errors), status


@bp.route("/konto/jury", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def jury_pool() -> ResponseReturnValue:
    """The funds that draw their jury by lot: join the pool of volunteers or leave it."""
    me = Actor(int(current_user.id))
    places = my_pools(fonds(), me)
    form = PoolForm()
    if not form.is_submitted():
        return _page(places, [], 200)
    if csrf_failed():
        return _page(places, [(None, CSRF_MESSAGE)], 400)
    place = next((p for p in places if p.fund_id == form.fund.data), None)
    if not form.validate() or place is None:
        return _page(places, [(None, _("Bitte wählen Sie einen Fonds aus der Liste."))], 400)
    try:
        if form.step.data == "join":
            group = form.group.data or (place.groups[0][0] if len(place.groups) == 1 else "")
            if not group:
                return _page(places, [(f"group-{place.fund_id}", _("Bitte wählen Sie eine Gruppe."))], 400)
            register_volunteer(fonds(), me, place.fund_id, me.user_id or 0, group)
            flash(_("Sie stehen jetzt im Los-Pool für die Jury von %(fund)s.", fund=place.fund_name), "success")
        else:
            withdraw_volunteer(fonds(), me, place.fund_id, me.user_id or 0)
            flash(_("Sie stehen nicht mehr im Los-Pool für die Jury von %(fund)s.", fund=place.fund_name), "success")
    except FondsError as exc:
        return _page(places, [(None, exc.message)], 400)
    return redirect(url_for("auth.jury_pool"))
