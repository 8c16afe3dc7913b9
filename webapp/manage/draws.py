"""The draw by lot (Losziehung) of jury members from the pool of volunteers, for the office."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.errors import FondsError, InvalidInput
from fondsengine.jury.draw import random_seed
from fondsengine.jury.draw_records import office_draws
from fondsengine.jury.members import draw_members
from webapp import fields
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.manage import bp
from webapp.manage.common import Errors, error_list, require_any_fund, require_fund, today


@bp.route("/losziehung", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def draws() -> ResponseReturnValue:
    """The pool of volunteers, a form to draw members by lot, and every recorded draw with seed and fingerprint."""
    funds = require_any_fund()
    fund_id = request.values.get("fonds") or funds[0].id
    require_fund(fund_id)
    page = office_draws(fonds(), actor(), fund_id)
    errors: Errors = []
    values = {k: request.form.get(k, "") for k in ("size", "seed", "term_from")}
    values.update({f"group-{g}": request.form.get(f"group-{g}", "") for g, _ in page.groups})
    if request.method == "POST":
        errors = [(None, CSRF_MESSAGE)] if csrf_failed() else []
        if not errors:
            try:
                size = fields.whole(request.form, "size", label="Anzahl", low=1, high=1000)
                if size is None:
                    raise InvalidInput("Bitte geben Sie an, wie viele Mitglieder gelost werden.", field="size")
                counts = {
                    g: fields.whole(request.form, f"group-{g}", label=label, high=1000) for g, label in page.groups
                }
                per_group = {g: n for g, n in counts.items() if n is not None} or None
                seed = fields.text(request.form, "seed", label="Startwert", max_len=200) or ""
                term_from = fields.day(request.form, "term_from", label="Amtszeit ab") or today()
                draw_members(fonds(), actor(), fund_id, size, seed, per_group=per_group, term_from=term_from)
            except FondsError as exc:
                errors = error_list(exc)
            else:
                flash("Die Losziehung ist aufgezeichnet; die Gelosten sind in die Jury berufen.", "success")
                return redirect(url_for("manage.draws", fonds=fund_id))
    return render_template(
        "manage/draws.html",
        funds=funds,
        fund_id=fund_id,
        page=page,
        seed=values["seed"] or random_seed(),
        errors=errors,
        err={f: m for f, m in errors if f},
        values=values,
    ), 400 if errors else 200
