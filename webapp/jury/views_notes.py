"""Comments and scores of jury members on an agenda item (for the jury and the office only)."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.errors import FondsError
from fondsengine.jury.notes import comment_on_item, score_item
from webapp import fields
from webapp.errors import rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.jury import bp
from webapp.jury.common import Errors, error_lines, guideline_of_fund, render_session, stale_form
from webapp.jury.views_member import back_to, info_of_item


@bp.route("/top/<int:item_id>/kommentar", methods=["POST"])
@login_required
@rerender_on_csrf
def comment(item_id: int) -> ResponseReturnValue:
    """A jury member (or the office) writes a comment on an item."""
    info = info_of_item(item_id)
    body = request.form.get("comment", "")
    values = {f"comment-{item_id}": body}
    errors: Errors = stale_form()
    if not errors:
        try:
            comment_on_item(fonds(), actor(), item_id, body)
        except FondsError as exc:
            errors = error_lines(exc, f"-{item_id}")
        else:
            return back_to(info, item_id, "Ihr Kommentar ist gespeichert.")
    return render_session(info, errors, values)


@bp.route("/top/<int:item_id>/bewertung", methods=["POST"])
@login_required
@rerender_on_csrf
def score(item_id: int) -> ResponseReturnValue:
    """A member scores an item by the guideline's criteria (empty fields are left out)."""
    info = info_of_item(item_id)
    criteria = guideline_of_fund(fonds(), info.fund_id).jury.criteria
    raw = {c.id: request.form.get(f"points-{c.id}", "").strip() for c in criteria}
    values = {f"points-{cid}-{item_id}": text for cid, text in raw.items()}
    errors: Errors = stale_form()
    if not errors:
        try:
            points: dict[str, int] = {}
            for c in criteria:
                value = fields.whole(request.form, f"points-{c.id}", label=c.label, high=c.max_points)
                if value is not None:
                    points[c.id] = value
            score_item(fonds(), actor(), item_id, points)
        except FondsError as exc:
            errors = error_lines(exc, f"-{item_id}")
        else:
            return back_to(info, item_id, "Ihre Bewertung ist gespeichert.")
    return render_session(info, errors, values)
