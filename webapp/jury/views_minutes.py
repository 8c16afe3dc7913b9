"""The minutes (Protokoll): the page and PDF for the jury and the office, the public summary.

The public summary (`jury_reads.public_minutes`) exists only for a closed session of a fund whose
guideline says `jury.public_minutes: true`; the page leaves out the names of people.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.jury import usecases as jury
from fondsengine.jury.reads import public_minutes as published_minutes
from fondsengine.jury.reads import public_minutes_allowed
from webapp.extensions import actor, fonds
from webapp.jury import bp
from webapp.jury.common import load_info


@bp.route("/sitzungen/<int:session_id>/protokoll")
@login_required
def minutes(session_id: int) -> ResponseReturnValue:
    """The minutes of a session for its jury and the office."""
    info = load_info(session_id)
    m = jury.minutes(fonds(), actor(), session_id)
    return render_template("jury/minutes.html", info=info, m=m, public=public_minutes_allowed(fonds(), session_id))


@bp.route("/sitzungen/<int:session_id>/protokoll.pdf")
@login_required
def minutes_pdf(session_id: int) -> ResponseReturnValue:
    """The minutes as a PDF (the letters renderer)."""
    from fondsengine.reports.pdf import render_minutes  # reportlab: only when a PDF is asked for

    load_info(session_id)
    m = jury.minutes(fonds(), actor(), session_id)
    pdf = render_minutes(jury.minutes_data(m, recorder=m.office_name))
    name = f"protokoll-{m.starts_at:%Y-%m-%d}-{session_id}.pdf"
    return pdf, 200, {"Content-Type": "application/pdf", "Content-Disposition": f'attachment; filename="{name}"'}


@bp.route("/protokolle/<int:session_id>")
def public_minutes(session_id: int) -> ResponseReturnValue:
    """The public summary of a closed session's decisions, where the guideline publishes minutes."""
    return render_template("jury/public_minutes.html", m=published_minutes(fonds(), session_id))
