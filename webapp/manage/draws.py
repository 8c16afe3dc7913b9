"""The draw by lot (Losziehung) of jury members from the pool of volunteers, for the office."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from fondsengine.errors import FondsError
from fondsengine.jury.draw import random_seed
from fondsengine.jury.draw_records import office_draws
from fondsengine.jury.members import draw_members
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import GermanDateField, SafeText, WholeField, stripped
from webapp.form_errors import engine_errors, summary_errors
from webapp.manage import bp
from webapp.manage.common import Errors, chosen_fund, today

SIZE_REQUIRED = "Bitte geben Sie an, wie viele Mitglieder gelost werden."


def draw_form(groups: Sequence[tuple[str, str]]) -> FlaskForm:
    """How many to draw (in all and per group of the guideline), the seed and the start of the term."""
    items: dict[str, Any] = {
        "size": WholeField("Anzahl", low=1, high=1000, required=SIZE_REQUIRED),
        "seed": StringField("Startwert", validators=[SafeText(200)], filters=[stripped]),
        "term_from": GermanDateField("Amtszeit ab"),
    }
    items.update({f"group-{g}": WholeField(label, high=1000) for g, label in groups})
    form: FlaskForm = type("DrawForm", (FlaskForm,), items)()
    return form


@bp.route("/losziehung", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def draws() -> ResponseReturnValue:
    """The pool of volunteers, a form to draw members by lot, and every recorded draw with seed and fingerprint."""
    funds, fund_id = chosen_fund()
    page = office_draws(fonds(), actor(), fund_id)
    errors: Errors = []
    form = draw_form(page.groups)
    values = {f.name: str((f.raw_data or [""])[0]) for f in form if f.name != "csrf_token"}
    if request.method == "POST":
        errors = [(None, CSRF_MESSAGE)] if csrf_failed() else []
        if not errors and not form.validate():
            errors = summary_errors(form)
        elif not errors:
            counts = {g: form[f"group-{g}"].data for g, _label in page.groups}
            per_group = {g: n for g, n in counts.items() if n is not None} or None
            try:
                draw_members(fonds(), actor(), fund_id, form["size"].data, form["seed"].data or "",
                             per_group=per_group, term_from=form["term_from"].data or today())  # fmt: skip
            except FondsError as exc:
                errors = engine_errors(form, exc)
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
