"""The applicant writes to the office on the status page (form and checks: webapp/manage/messages.py)."""

from __future__ import annotations

from flask import flash, make_response, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from webapp.applicant import bp
from webapp.applicant.common import load
from webapp.applicant.views_status import detail
from webapp.errors import rerender_on_csrf
from webapp.manage.messages import post_message


@bp.route("/antraege/<int:application_id>/nachrichten", methods=["POST"])
@login_required
@rerender_on_csrf
def message(application_id: int) -> ResponseReturnValue:
    """Send a message to the office; a refused one is shown again with the error and the text."""
    load(application_id)
    errors = post_message(application_id)
    if errors:
        for e in errors:
            flash(e, "error")
        page = detail(application_id)
        response = make_response(page[0] if isinstance(page, tuple) else page)
        response.status_code = 400
        return response
    flash(_("Ihre Nachricht ist an die Geschäftsführung verschickt."), "success")
    return redirect(url_for("applicant.detail", application_id=application_id, _anchor="nachrichten"))
