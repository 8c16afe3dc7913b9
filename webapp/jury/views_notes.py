"""Comments and scores of jury members on an agenda item (for the jury and the office only)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.errors import FondsError
from fondsengine.jury.notes import comment_on_item, score_item
from webapp.errors import rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.jury import bp
from webapp.jury.common import Errors, error_lines, form_lines, guideline_of_fund, render_session, stale_form
from webapp.jury.forms import CommentForm, points, score_form
from webapp.jury.views_member import back_to, info_of_item


@bp.route("/top/<int:item_id>/kommentar", methods=["POST"])
@login_required
@rerender_on_csrf
def comment(item_id: int) -> ResponseReturnValue:
    """A jury member (or the office) writes a comment on an item."""
    info = info_of_item(item_id)
    body = CommentForm().comment.data or ""
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
    form = score_form((c.id, c.label, c.max_points) for c in criteria)
    values = {f"points-{c.id}-{item_id}": points(form, c.id).typed for c in criteria}
    errors: Errors = stale_form()
    if not errors and not form.validate():
        errors = form_lines(form, f"-{item_id}")
    if not errors:
        given = {c.id: value for c in criteria if (value := points(form, c.id).data) is not None}
        try:
            score_item(fonds(), actor(), item_id, given)
        except FondsError as exc:
            errors = error_lines(exc, f"-{item_id}")
        else:
            return back_to(info, item_id, "Ihre Bewertung ist gespeichert.")
    return render_session(info, errors, values)
