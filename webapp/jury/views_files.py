"""The files the office released to the jury's papers, for download by the session's members."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.jury.papers_files import jury_file
from webapp.extensions import actor, fonds
from webapp.jury import bp
from webapp.uploads import send_stored


@bp.route("/antraege/<int:application_id>/anhaenge/<int:attachment_id>")
@login_required
def attachment(application_id: int, attachment_id: int) -> ResponseReturnValue:
    """Download a file released to the jury of an application on the member's agenda."""
    return send_stored(lambda: jury_file(fonds(), actor(), application_id, attachment_id))
