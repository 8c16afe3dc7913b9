"""Asking for the erasure of one's data (Art. 17 DSGVO) on the account page."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from fondsengine.accounts.erasure import request_erasure
from fondsengine.engine import Actor
from fondsengine.errors import FondsError
from webapp.auth import bp
from webapp.auth.forms import ErasureForm
from webapp.auth.views import _account_page
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import fonds
from webapp.form_errors import summary_errors


@bp.route("/konto/loeschung", methods=["POST"])
@login_required
@rerender_on_csrf
def ask_for_erasure() -> ResponseReturnValue:
    """Record the request; the office is told and carries it out as the retention rules allow."""
    form = ErasureForm()
    errors: list[tuple[str | None, str]] = []
    if csrf_failed():
        errors.append(("erasure_confirm", CSRF_MESSAGE))
    elif form.validate_on_submit():
        try:
            request_erasure(fonds(), Actor(int(current_user.id)), form.erasure_reason.data or "")
        except FondsError as exc:
            errors.append(("erasure_confirm", exc.message))
        else:
            flash("Ihr Antrag auf Löschung ist eingegangen. Die Geschäftsführung bearbeitet ihn innerhalb eines "
                  "Monats; Sie bekommen das Ergebnis per E-Mail.", "success")  # fmt: skip
            return redirect(url_for("auth.account") + "#loeschung")
    errors += summary_errors(form)
    return _account_page(errors=errors, erasure_form=form)
