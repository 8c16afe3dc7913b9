"""The minutes (Protokoll): the page and PDF for the jury and the office, the public summary.

The public summary (`jury_reads.public_minutes`) exists only for a closed session of a fund whose
guideline says `jury.public_minutes: true`; the page leaves out the names of people.
"""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.errors import NotFound
from fondsengine.jury import usecases as jury
from fondsengine.jury.draw_records import check_draw, recorded_draws
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
    m = published_minutes(fonds(), session_id)
    return render_template("jury/public_minutes.html", m=m, draws=bool(recorded_draws(fonds(), m.fund_id)))


@bp.route("/losziehungen/<fund_id>")
def public_draws(fund_id: str) -> ResponseReturnValue:
    """The fund's recorded draws by lot in public: inputs and results as numbers, each to re-check."""
    draws = recorded_draws(fonds(), fund_id)
    if not draws:
        abort(404)
    return render_template("jury/public_draws.html", draws=draws, fund_name=draws[0].fund_name)


@bp.route("/losziehungen/pruefung/<int:draw_id>")
def public_draw(draw_id: int) -> ResponseReturnValue:
    """Re-run the verification of one recorded draw from its recorded inputs (anyone, any time)."""
    try:
        check = check_draw(fonds(), draw_id)
    except NotFound:
        abort(404)
    return render_template("jury/public_draw.html", check=check, d=check.record)
