"""Pages of a jury member: my sessions, confirming attendance, the session page, votes, conflicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from fondsengine.engine import Actor, Engine
from fondsengine.errors import FondsError
from fondsengine.jury import usecases as jury
from fondsengine.jury.reads import SessionInfo, SessionLine, my_sessions, session_of_item
from webapp import fields
from webapp.errors import rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.jury import bp
from webapp.jury.common import Errors, error_lines, form_lines, load_info, render_session, stale_form
from webapp.jury.forms import AttendanceForm, ConflictForm, NoConflictForm, VoteForm, WithdrawConflictForm

VOTE_SAVED = {
    "yes": "Ihre Stimme „Ja“ ist gespeichert.",
    "no": "Ihre Stimme „Nein“ ist gespeichert.",
    "abstain": "Ihre Enthaltung ist gespeichert.",
}


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """Meine Sitzungen: upcoming and past sessions of my juries, with my answer to the invitation."""
    lines = my_sessions(fonds(), actor())
    if not lines and not {"jury_member", "manager"} & set(current_user.roles):
        abort(404)
    now = fonds().clock.now()

    def over(x: SessionLine) -> bool:  # closed, or its day (or voting deadline) has passed
        end = x.vote_deadline if x.circulation and x.vote_deadline else x.starts_at + timedelta(hours=12)
        return x.status == "closed" or end < now

    upcoming = [x for x in lines if not over(x)]
    past = sorted((x for x in lines if over(x)), key=lambda x: x.starts_at, reverse=True)
    overdue = {x.id for x in past if x.status != "closed"}
    return render_template("jury/index.html", upcoming=upcoming, past=past, overdue=overdue)


@bp.route("/sitzungen/<int:session_id>/zusage", methods=["POST"])
@login_required
def confirm(session_id: int) -> ResponseReturnValue:
    """An invited member says whether they come."""
    load_info(session_id)
    form = AttendanceForm()
    coming = form.coming.data == "ja"
    try:
        jury.confirm_attendance(fonds(), actor(), session_id, coming)
    except FondsError as exc:
        flash(str(exc), "error")
    else:
        flash("Danke, Sie haben zugesagt." if coming else "Danke, Sie haben abgesagt.", "success")
    back = form.zurueck.data == "sitzung"
    return redirect(url_for("jury.session", session_id=session_id) if back else url_for("jury.index"))


@bp.route("/sitzungen/<int:session_id>")
@login_required
def session(session_id: int) -> ResponseReturnValue:
    """The session page: agenda, papers, conflicts, votes (and the chair's controls)."""
    return render_session(load_info(session_id))


def info_of_item(item_id: int) -> SessionInfo:
    """The session of an agenda item if the user may see it, else 404."""
    session_id = session_of_item(fonds(), item_id)
    if session_id is None:
        abort(404)
    return load_info(session_id)


def back_to(info: SessionInfo, item_id: int, message: str) -> ResponseReturnValue:
    """Flash a success and go back to the item on the session page."""
    flash(message, "success")
    return redirect(url_for("jury.session", session_id=info.id, _anchor=f"top-{item_id}"))


@bp.route("/top/<int:item_id>/stimme", methods=["POST"])
@login_required
@rerender_on_csrf
def vote(item_id: int) -> ResponseReturnValue:
    """A member votes yes, no or abstain (optionally with an amount); changeable until the item is closed."""
    info = info_of_item(item_id)
    form = VoteForm()
    choice = form.choice.data or ""
    values = {f"amount-{item_id}": form.amount.typed, f"choice-{item_id}": choice}
    errors: Errors = stale_form()
    if not errors and not form.validate():
        errors = form_lines(form, f"-{item_id}")
    if not errors:
        try:
            jury.cast_vote(fonds(), actor(), item_id, choice, form.amount.data)
        except FondsError as exc:
            errors = error_lines(exc, f"-{item_id}")
        else:
            return back_to(info, item_id, VOTE_SAVED[choice])
    return render_session(info, errors, values)


@bp.route("/top/<int:item_id>/befangenheit", methods=["POST"])
@login_required
@rerender_on_csrf
def conflict(item_id: int) -> ResponseReturnValue:
    """A member declares a conflict of interest (or the office records one for a member)."""
    info = info_of_item(item_id)
    form = ConflictForm()
    reason = form.reason.data or ""
    values = {f"reason-{item_id}": reason}
    errors: Errors = stale_form()
    if not errors and not form.validate():
        errors = form_lines(form, f"-{item_id}")
    if not errors:
        user_id = fields.ident(form.user.data or current_user.id) or abort(400)
        try:
            jury.declare_conflict(fonds(), actor(), item_id, user_id, reason)
        except FondsError as exc:
            errors = error_lines(exc, f"-{item_id}")
        else:
            own = user_id == int(current_user.id)
            return back_to(
                info,
                item_id,
                "Ihre Befangenheit ist vermerkt; Sie stimmen bei diesem Punkt nicht mit ab."
                if own
                else "Die Befangenheit ist vermerkt.",
            )
    return render_session(info, errors, values)


def _declaration(
    item_id: int,
    form: NoConflictForm | WithdrawConflictForm,
    use_case: Callable[[Engine, Actor, int, int], None],
    own: str,
    other: str,
) -> ResponseReturnValue:
    """A declaration about a conflict of interest without further input: the member's own (`own`
    flashed) or the one the office records for a member (`other`)."""
    info = info_of_item(item_id)
    errors: Errors = stale_form()
    if not errors:
        user_id = fields.ident(form.user.data or current_user.id) or abort(400)
        try:
            use_case(fonds(), actor(), item_id, user_id)
        except FondsError as exc:
            errors = error_lines(exc, f"-{item_id}")
        else:
            return back_to(info, item_id, own if user_id == int(current_user.id) else other)
    return render_session(info, errors)


@bp.route("/top/<int:item_id>/nicht-befangen", methods=["POST"])
@login_required
@rerender_on_csrf
def no_conflict(item_id: int) -> ResponseReturnValue:
    """A member declares that they have no conflict of interest (or the office records it for a member)."""
    return _declaration(
        item_id,
        NoConflictForm(),
        jury.declare_no_conflict,
        "Sie haben erklärt, dass Sie bei diesem Punkt nicht befangen sind.",
        "Die Erklärung „nicht befangen“ ist vermerkt.",
    )


@bp.route("/top/<int:item_id>/befangenheit/zuruecknehmen", methods=["POST"])
@login_required
@rerender_on_csrf
def withdraw_conflict(item_id: int) -> ResponseReturnValue:
    """A member withdraws their declared conflict of interest (or the office one it recorded for a member)."""
    return _declaration(
        item_id,
        WithdrawConflictForm(),
        jury.withdraw_conflict,
        "Ihre Befangenheit ist zurückgenommen; Sie können bei diesem Punkt wieder abstimmen.",
        "Die Befangenheit ist zurückgenommen.",
    )
