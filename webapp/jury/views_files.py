"""The files the office released to the jury's papers, for download by the session's members."""

from __future__ import annotations

import io

from flask import abort, current_app, send_file
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.errors import NotFound
from fondsengine.jury.papers_files import jury_file
from fondsengine.storage import StorageError
from webapp.extensions import actor, fonds
from webapp.jury import bp


@bp.route("/antraege/<int:application_id>/anhaenge/<int:attachment_id>")
@login_required
def attachment(application_id: int, attachment_id: int) -> ResponseReturnValue:
    """Download a file released to the jury of an application on the member's agenda."""
    try:
        row, content = jury_file(fonds(), actor(), application_id, attachment_id)
    except NotFound:
        abort(404)
    except StorageError:
        current_app.logger.exception("Anhang fehlt im Dateispeicher")
        abort(404)
    return send_file(io.BytesIO(content), mimetype=row.mimetype, as_attachment=True, download_name=row.original_name)
