"""Erasure requests (Art. 17 DSGVO) for the office: who asked, what the engine may erase, carry it out."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from fondsengine.accounts.erasure import carry_out_erasure, erasure_requests
from fondsengine.errors import FondsError, NotFound, PermissionDenied
from webapp.errors import csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.manage import bp


class CarryOutForm(FlaskForm):
    """Carry out one erasure request (CSRF only; the plan is the engine's)."""


@bp.route("/loeschantraege")
@login_required
def erasure_list() -> ResponseReturnValue:
    """The open requests with the engine's plan, and the ones done."""
    try:
        open_cases = erasure_requests(fonds(), actor())
        done = [c for c in erasure_requests(fonds(), actor(), open_only=False) if c.status != "open"]
    except PermissionDenied:
        abort(403)
    return render_template("manage/erasure.html", open_cases=open_cases, done=done[-20:], form=CarryOutForm())


@bp.route("/loeschantraege/<int:request_id>", methods=["POST"])
@login_required
@rerender_on_csrf
def erasure_carry_out(request_id: int) -> ResponseReturnValue:
    """Erase what the retention rules allow; the person gets the result by mail."""
    form = CarryOutForm()
    if csrf_failed() or not form.validate_on_submit():
        flash("Die Seite war zu lange offen. Bitte versuchen Sie es noch einmal.", "error")
        return redirect(url_for("manage.erasure_list"))
    try:
        steps = carry_out_erasure(fonds(), actor(), request_id)
    except NotFound:
        abort(404)
    except FondsError as exc:
        flash(exc.message, "error")
        return redirect(url_for("manage.erasure_list"))
    erased = sum(st.erase for st in steps)
    flash(f"Löschantrag erledigt: {erased} gelöscht oder anonymisiert, {len(steps) - erased} aufbewahrt. "
          "Die Person bekommt das Ergebnis per E-Mail.", "success")  # fmt: skip
    return redirect(url_for("manage.erasure_list"))
