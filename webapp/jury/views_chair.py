"""Leading a session (the chair or the office): attendance, show of hands, closing items and the session."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from fondsengine.errors import FondsError, InvalidInput, PermissionDenied
from fondsengine.jury import usecases as jury
from fondsengine.jury.reads import SessionInfo
from webapp import fields
from webapp.errors import rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.jury import bp
from webapp.jury.common import Errors, error_lines, form_lines, load_info, render_session, require_lead, stale_form
from webapp.jury.forms import CloseItemForm, OpenSessionForm, hands_form
from webapp.jury.views_member import back_to, info_of_item

OUTCOME_DONE = {
    "approve": "Der Antrag ist bewilligt",
    "recommend": "Der Antrag ist zur Förderung empfohlen",
    "reject": "Der Antrag ist abgelehnt",
    "defer": "Der Antrag ist vertagt",
}


def _ids(values: list[str]) -> list[int]:
    ids = fields.idents(values)
    if len(ids) != len(values):
        abort(400)
    return ids


@bp.route("/sitzungen/<int:session_id>/eroeffnen", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def open_session(session_id: int) -> ResponseReturnValue:
    """Open the session: who is present, who chairs (again while open, to correct the list)."""
    info = load_info(session_id)
    me = int(current_user.id)
    if info.circulation or info.status == "closed":
        abort(404)
    if not (info.leads(me) or (info.status == "planned" and info.is_member)):
        abort(403)
    errors: Errors = []
    form = OpenSessionForm()
    if request.method == "POST":
        present = set(_ids(form.present.data))
        chair = form.chair.data or ""
        errors = stale_form()
        if not errors and not form.validate():
            errors = form_lines(form)
        if not errors:
            try:
                jury.open_session(fonds(), actor(), session_id, present, _ids([chair])[0])
            except PermissionDenied as exc:
                errors = [(None, f"{exc} Wählen Sie sich selbst als Vorsitz oder bitten Sie die Geschäftsführung.")]
            except FondsError as exc:
                errors = error_lines(exc)
            else:
                flash("Die Sitzung ist eröffnet. Die Anwesenden können jetzt abstimmen.", "success")
                return redirect(url_for("jury.session", session_id=session_id))
        chosen_chair = fields.ident(chair)
    else:
        present = {p.id for p in info.members if p.present} or {p.id for p in info.members if p.confirmed}
        chosen_chair = info.chair_id or (me if info.is_member else None)
    return render_template(
        "jury/open.html",
        info=info,
        present=present,
        chair=chosen_chair,
        errors=errors,
        err={f: m for f, m in errors if f},
    ), 400 if errors else 200


def _lead_item(item_id: int) -> SessionInfo:
    info = info_of_item(item_id)
    require_lead(info)
    return info


@bp.route("/top/<int:item_id>/handzeichen", methods=["POST"])
@login_required
@rerender_on_csrf
def show_of_hands(item_id: int) -> ResponseReturnValue:
    """The chair enters the votes given by show of hands for the present members."""
    info = _lead_item(item_id)
    form = hands_form(p.id for p in info.present)
    votes = {p.id: form[f"hand-{p.id}"].data or "" for p in info.present}
    votes = {uid: c for uid, c in votes.items() if c}
    values = {f"hand-{item_id}-{uid}": c for uid, c in votes.items()}
    errors: Errors = stale_form()
    if not errors:
        try:
            if not votes:
                raise InvalidInput("Bitte tragen Sie mindestens eine Stimme ein.", field="hands")
            jury.enter_show_of_hands(fonds(), actor(), item_id, votes)
        except FondsError as exc:
            errors = error_lines(exc, f"-{item_id}")
        else:
            return back_to(info, item_id, f"{len(votes)} Stimmen per Handzeichen eingetragen.")
    return render_session(info, errors, values)


@bp.route("/top/<int:item_id>/schliessen", methods=["POST"])
@login_required
@rerender_on_csrf
def close_item(item_id: int) -> ResponseReturnValue:
    """The chair closes an item: count, decide (casting vote on a tie, optional amount)."""
    info = _lead_item(item_id)
    form = CloseItemForm()
    casting = form.chair_casting.data or ""
    values = {
        f"chair_casting-{item_id}": casting,
        f"decided-{item_id}": form.amount.typed,
        f"why-{item_id}": form.reason.data or "",
    }
    errors: Errors = stale_form()
    if not errors and not form.validate():
        errors = form_lines(form, f"-{item_id}", rename={"amount": "decided"})
    if not errors:
        try:
            reason = form.reason.data or None
            result = jury.close_item(fonds(), actor(), item_id, casting or None, form.amount.data, (), reason)
        except FondsError as exc:
            errors = error_lines(exc, f"-{item_id}")
        else:
            if result.outcome is None:
                flash(f"Nicht beschlossen, der Punkt bleibt offen: {result.explanation}", "error")
                return redirect(url_for("jury.session", session_id=info.id, _anchor=f"top-{item_id}"))
            return back_to(info, item_id, f"{OUTCOME_DONE.get(result.outcome, result.outcome)}. {result.explanation}")
    return render_session(info, errors, values)


@bp.route("/sitzungen/<int:session_id>/schliessen", methods=["POST"])
@login_required
def close_session(session_id: int) -> ResponseReturnValue:
    """The chair closes the session; undecided items go back to the office."""
    info = load_info(session_id)
    require_lead(info)
    try:
        results = jury.close_session(fonds(), actor(), session_id)
    except FondsError as exc:
        return render_session(info, error_lines(exc))
    deferred = f" {len(results)} Punkte wurden vertagt." if results else ""
    flash(f"Die Sitzung ist geschlossen.{deferred}", "success")
    return redirect(url_for("jury.minutes", session_id=session_id))


@bp.route("/sitzungen/<int:session_id>/umlauf-auswerten", methods=["POST"])
@login_required
def close_circulation(session_id: int) -> ResponseReturnValue:
    """The office closes a vote by circulation after its deadline."""
    info = load_info(session_id)
    require_lead(info)
    try:
        jury.close_circulation(fonds(), actor(), session_id)
    except FondsError as exc:
        return render_session(info, error_lines(exc))
    flash("Das Umlaufverfahren ist ausgewertet.", "success")
    return redirect(url_for("jury.minutes", session_id=session_id))
