"""Files in the jury's papers: the attachment of a message the office shared, and nothing else."""

from __future__ import annotations

import io

from flask import abort, current_app, send_file
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.applications.message_sharing import shared_attachment
from fondsengine.errors import NotFound
from fondsengine.storage import StorageError
from webapp.extensions import actor, fonds
from webapp.jury import bp


@bp.route("/antraege/<int:application_id>/nachrichten/<int:message_id>/anhang")
@login_required
def shared_attachment_file(application_id: int, message_id: int) -> ResponseReturnValue:
    """Download the attachment of a message shared with the papers (404 for any other file)."""
    try:
        row, content = shared_attachment(fonds(), actor(), application_id, message_id)
    except NotFound:
        abort(404)
    except StorageError:
        current_app.logger.exception("Anhang fehlt im Dateispeicher")
        abort(404)
    return send_file(io.BytesIO(content), mimetype=row.mimetype, as_attachment=True, download_name=row.original_name)
