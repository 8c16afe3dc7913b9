"""Files in the jury's papers: the attachment of a message the office shared, and the files the office
released to the jury; nothing else."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.message_sharing import shared_attachment
from fondsengine.jury.papers_files import jury_file
from webapp.extensions import actor, fonds
from webapp.jury import bp
from webapp.uploads import send_attachment


@bp.route("/antraege/<int:application_id>/nachrichten/<int:message_id>/anhang")
@login_required
def shared_attachment_file(application_id: int, message_id: int) -> ResponseReturnValue:
    """Download the attachment of a message shared with the papers (404 for any other file)."""
    return send_attachment(lambda: shared_attachment(fonds(), actor(), application_id, message_id))


@bp.route("/antraege/<int:application_id>/anhaenge/<int:attachment_id>")
@login_required
def attachment(application_id: int, attachment_id: int) -> ResponseReturnValue:
    """Download a file released to the jury of an application on the member's agenda."""
    return send_attachment(lambda: jury_file(fonds(), actor(), application_id, attachment_id))
