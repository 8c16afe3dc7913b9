"""Jury session planning: plan a session, see and fill its agenda, see who confirmed."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField

from fondsengine.applications import decisions
from fondsengine.clock import local_date
from fondsengine.errors import FondsError, InvalidInput, NotFound
from fondsengine.jury import circulation
from fondsengine.jury import sessions as jury_sessions
from fondsengine.jury.planning import session_fund, session_page, sessions_page
from fondsengine.jury.reads import STATUS_LABELS
from webapp import fields
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import IdField, IdsField, stripped
from webapp.manage import bp
from webapp.manage.common import Errors, chosen_fund, error_list, require_any_fund, require_fund

BERLIN = ZoneInfo("Europe/Berlin")


TIME_RE = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")


def parse_start(day: str, time: str) -> datetime:
    """A date and a time in Witten as a timezone-aware datetime (ValueError if malformed)."""
    try:
        on = fields.day({"day": day}, "day", required="Datum fehlt") or date.min
    except InvalidInput as exc:
        raise ValueError(exc.message) from None
    clock = time.strip() or "18:00"
    if not TIME_RE.match(clock):
        raise ValueError("Uhrzeit wie 18:30")
    local = datetime.fromisoformat(f"{on.isoformat()}T{clock}")
    return local.replace(tzinfo=BERLIN)


class PlanForm(FlaskForm):
    """A new jury session: day, time (18:00 when empty) and place (checked in the view, in this order)."""

    day = StringField("Datum")
    time = StringField("Uhrzeit")
    place = StringField("Ort")


class CirculationForm(FlaskForm):
    """A vote by circulation: the fund, the ticked applications and the deadline."""

    fonds = StringField("Fonds", filters=[stripped])
    application = IdsField("Anträge")
    deadline_day = StringField("Frist (Datum)")
    deadline_time = StringField("Frist (Uhrzeit)")


class AgendaForm(FlaskForm):
    """The applications ticked to put on a session's agenda."""

    application = IdsField("Anträge")


class ScheduleForm(FlaskForm):
    """The session and the applications ticked in the queue."""

    session_id = IdField("Jurysitzung")
    auswahl = IdsField("Auswahl")


@bp.route("/sitzungen", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def sessions() -> ResponseReturnValue:
    """The fund's jury sessions, and a form to plan a new one."""
    funds, fund_id = chosen_fund()
    errors: Errors = []
    form = PlanForm()
    values = {k: str(form[k].data or "") for k in ("day", "time", "place")}
    if request.method == "POST":
        if csrf_failed():
            errors = [(None, CSRF_MESSAGE)]
        else:
            try:
                starts_at = parse_start(values["day"], values["time"])
            except ValueError:
                errors = [("day", "Bitte geben Sie Datum und Uhrzeit der Sitzung an.")]
            else:
                if not values["place"].strip():
                    errors = [("place", "Bitte geben Sie den Ort der Sitzung an.")]
                else:
                    try:
                        fields.text(values, "place", label="Ort", max_len=300)
                        session_id = decisions.create_session(fonds(), actor(), fund_id, starts_at, values["place"])
                    except FondsError as exc:
                        errors = error_list(exc)
                    else:
                        flash("Die Sitzung ist geplant.", "success")
                        return redirect(url_for("manage.session", session_id=session_id))
    return _sessions_page(funds, fund_id, errors, values)


def _sessions_page(
    funds: list[Any], fund_id: str, errors: Errors, values: dict[str, str], chosen: frozenset[int] = frozenset()
) -> ResponseReturnValue:
    f = fonds()
    page = sessions_page(f, actor(), fund_id)
    rules = page.rules
    default_day = (local_date(f.clock.now()) + timedelta(days=rules.circulation_days or 7)).isoformat()
    return render_template(
        "manage/sessions.html",
        funds=funds,
        fund_id=fund_id,
        rows=page.sessions,
        day_over_before=f.clock.now() - timedelta(hours=12),  # a planned session that began before is overdue
        status_labels=STATUS_LABELS,
        ready=page.ready,
        circulation_allowed=rules.circulation_allowed,
        circulation_day=values.get("deadline_day") or default_day,
        chosen=chosen,
        errors=errors,
        err={fld: m for fld, m in errors if fld},
        values=values,
    ), 400 if errors else 200


@bp.route("/sitzungen/umlauf", methods=["POST"])
@login_required
@rerender_on_csrf
def start_circulation() -> ResponseReturnValue:
    """Start a vote by circulation on the ticked reviewed applications, with a deadline."""
    funds = require_any_fund()
    form = CirculationForm()
    fund_id = form.fonds.data or funds[0].id
    require_fund(fund_id)
    values = {k: str(form[k].data or "") for k in ("deadline_day", "deadline_time")}
    chosen = fields.idents(form.application.data)
    errors: Errors = [(None, CSRF_MESSAGE)] if csrf_failed() else []
    if not errors:
        try:
            deadline = parse_start(values["deadline_day"], values["deadline_time"])
        except ValueError:
            errors = [("deadline_day", "Bitte geben Sie Datum und Uhrzeit der Frist an, z. B. 18:00.")]
        else:
            try:
                session_id = circulation.start_circulation(fonds(), actor(), fund_id, chosen, deadline)
            except FondsError as exc:
                errors = [("deadline_day" if f == "deadline" else f, m) for f, m in error_list(exc)]
            else:
                flash("Das Umlaufverfahren läuft. Die Mitglieder der Jury sind eingeladen.", "success")
                return redirect(url_for("jury.session", session_id=session_id))
    return _sessions_page(funds, fund_id, errors, values, frozenset(chosen))


def _session_fund(session_id: int) -> str:
    """The fund of a session (404 when there is none); the caller then checks the office role."""
    try:
        return session_fund(fonds(), session_id)
    except NotFound:
        abort(404)


@bp.route("/sitzungen/<int:session_id>", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def session(session_id: int) -> ResponseReturnValue:
    """One session: its agenda, who confirmed, and reviewed applications to add (several at once)."""
    require_fund(_session_fund(session_id))
    errors: Errors = []
    if request.method == "POST":
        if csrf_failed():
            errors = [(None, CSRF_MESSAGE)]
        else:
            chosen = fields.idents(AgendaForm().application.data)
            if not chosen:
                errors = [(None, "Bitte wählen Sie mindestens einen Antrag aus.")]
            added = 0
            for app_id in chosen:
                try:
                    decisions.schedule(fonds(), actor(), app_id, session_id)
                    added += 1
                except FondsError as exc:
                    errors += [(None, f"Antrag {app_id}: {m}") for _f, m in error_list(exc)]
            if added:
                flash(
                    f"{added} {'Antrag steht' if added == 1 else 'Anträge stehen'} jetzt auf der Tagesordnung.",
                    "success",
                )
            if not errors:
                return redirect(url_for("manage.session", session_id=session_id))
    page = session_page(fonds(), actor(), session_id)
    return render_template(
        "manage/session.html",
        js=page.session,
        fund_id=page.session["fund_id"],
        agenda=page.agenda,
        attendance=page.attendance,
        ready=page.ready,
        errors=errors,
    ), 400 if errors else 200


@bp.route("/sitzungen/<int:session_id>/einladen", methods=["POST"])
@login_required
def invite(session_id: int) -> ResponseReturnValue:
    """Invite the jury members to the session (the engine knows who is a member on that day)."""
    require_fund(_session_fund(session_id))
    try:
        count = jury_sessions.invite(fonds(), actor(), session_id)
    except FondsError as exc:
        for _field, message in error_list(exc):
            flash(message, "error")
    else:
        if count:
            flash(f"{count} {'Mitglied ist' if count == 1 else 'Mitglieder sind'} eingeladen.", "success")
        else:
            flash("Es gibt niemanden, der noch nicht eingeladen ist.", "info")
    return redirect(url_for("manage.session", session_id=session_id))


@bp.route("/antraege/tagesordnung", methods=["POST"])
@login_required
def schedule_selected() -> ResponseReturnValue:
    """Put the applications ticked in the queue on one session's agenda (each through the engine)."""
    require_any_fund()
    form = ScheduleForm()
    session_id = form.session_id.data
    if session_id is None:
        flash("Bitte wählen Sie eine Jurysitzung.", "error")
        return redirect(url_for("manage.queue"))
    require_fund(_session_fund(session_id))
    chosen = fields.idents(form.auswahl.data)
    if not chosen:
        flash("Bitte wählen Sie mindestens einen Antrag aus.", "error")
    added = 0
    for app_id in chosen:
        try:
            decisions.schedule(fonds(), actor(), app_id, session_id)
            added += 1
        except FondsError as exc:
            for _f, message in error_list(exc):
                flash(f"Antrag {app_id}: {message}", "error")
    if added:
        flash(f"{added} {'Antrag steht' if added == 1 else 'Anträge stehen'} jetzt auf der Tagesordnung.", "success")
    return redirect(url_for("manage.session", session_id=session_id))
