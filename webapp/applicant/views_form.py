"""The application form: new draft, edit, save; live findings from the engine."""

from __future__ import annotations

import secrets
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from fondsengine.applications import service as applications
from fondsengine.applications.queries import findings_for
from fondsengine.applications.records import add_attachment, attachments_of, remove_attachment
from fondsengine.errors import ConcurrentChange, FondsError
from fondsengine.guidelines.asks import rule_questions
from fondsengine.guidelines.model import Guideline
from webapp import fields
from webapp.applicant import bp
from webapp.applicant.common import Loaded, error_list, load, split_findings
from webapp.applicant.forms import (
    AREA_LINKS,
    CORE_FIELDS,
    FormState,
    blank_state,
    checkbox_names,
    input_id,
    parse_form,
    state_from_application,
)
from webapp.applicant.page_forms import ApplicationPostForm
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.queries import EditQuery
from webapp.uploads import as_input, check

NOT_SAVED = "Ihre Eingaben stehen noch im Formular, sind aber noch nicht gespeichert: Bitte prüfen Sie sie."


def state_is_deletable(application_id: int) -> bool:
    """May the draft be deleted (never submitted)?"""
    return _deletable(load(application_id))


def _guideline(fund_id: str) -> Guideline:
    f = fonds()
    with f.db.read() as s:
        return f.catalog.current(s, fund_id)[2]


def _render(
    guideline: Guideline,
    state: FormState,
    *,
    app_id: int | None,
    row_version: int | None = None,
    form_token: str = "",
    errors: list[tuple[str | None, str]] | None = None,
    findings: list[Any] | None = None,
    extra_rows: int = 0,
    status: int = 200,
) -> ResponseReturnValue:
    summary = list(errors or [])
    for key, message in state.errors.items():
        summary.append((key if not key.startswith("cost-") else f"{key}-description", message))
    field_errors = {(k or ""): m for k, m in summary if k}
    blocking, warnings, info = split_findings(findings or [])
    return render_template(
        "applicant/form.html",
        g_=guideline,
        state=state,
        app_id=app_id,
        row_version=row_version,
        form_token=form_token,
        errors=summary,
        field_errors=field_errors,
        area_links=AREA_LINKS,
        asks=rule_questions(guideline),
        extra_fields=[ff for ff in guideline.form_fields if ff.id not in CORE_FIELDS],
        cost_rows=state.cost_rows(extra_rows),
        blocking=blocking,
        warnings=warnings,
        info=info,
        input_id=lambda fld: input_id(fld, guideline),
        attachments=attachments_of(fonds(), actor(), app_id) if app_id else [],
        max_upload=fonds().settings.upload_max_bytes,
        can_delete=app_id is not None and state_is_deletable(app_id),
    ), status


@bp.route("/antrag/neu/<fund_id>", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def new(fund_id: str) -> ResponseReturnValue:
    """Start a new application for a fund (saved as a draft)."""
    guideline = _guideline(fund_id)
    if request.method == "GET":
        return _render(
            guideline,
            blank_state(current_user.name, current_user.email),
            app_id=None,
            form_token=secrets.token_urlsafe(16),
        )
    form = ApplicationPostForm()
    data, state = parse_form(form.posted, guideline, checkbox_names(guideline))
    token = fields.form_token({"form_token": form.form_token.data})
    extra_rows = 1 if form.action.data == "add_row" else 0
    if csrf_failed():
        return _render(
            guideline,
            state,
            app_id=None,
            form_token=token,
            errors=[(None, CSRF_MESSAGE)],
            extra_rows=extra_rows,
            status=400,
        )
    if data is None:
        return _render(guideline, state, app_id=None, form_token=token, extra_rows=extra_rows, status=400)
    try:
        app_id = applications.create_draft(fonds(), actor(), fund_id, data, client_token=token)
    except FondsError as exc:
        return _render(
            guideline,
            state,
            app_id=None,
            form_token=token,
            errors=error_list(exc),
            extra_rows=extra_rows,
            status=400,
        )
    if extra_rows:
        return redirect(url_for("applicant.edit", application_id=app_id, rows=1, _anchor="kostenplan"))
    flash(_("Ihr Entwurf ist gespeichert. Unten sehen Sie, ob noch etwas fehlt."), "success")
    return redirect(url_for("applicant.detail", application_id=app_id))


@bp.route("/antraege/<int:application_id>/bearbeiten", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def edit(application_id: int) -> ResponseReturnValue:
    """Edit a draft, or an application the office sent back for changes. The attachments are part of
    the same form: uploading or deleting a file saves what was typed too (or keeps it on the page)."""
    loaded = load(application_id)
    g = loaded.guideline
    if not loaded.editable:
        flash(_("Dieser Antrag kann in seinem jetzigen Stand nicht mehr bearbeitet werden."), "error")
        return redirect(url_for("applicant.detail", application_id=application_id))
    if request.method == "GET":
        return _render(
            g,
            state_from_application(loaded.app, g),
            app_id=application_id,
            row_version=loaded.app.row_version,
            findings=findings_for(fonds(), actor(), application_id),
            extra_rows=1 if EditQuery().rows.data else 0,
        )
    form = ApplicationPostForm()
    data, state = parse_form(form.posted, g, checkbox_names(g))
    action = form.action.data or "save"
    removing = fields.ident(form.remove_attachment.data)
    file_step = action == "upload" or removing is not None
    extra_rows = 1 if action == "add_row" else 0
    version = form.row_version.data or ""

    def again(errors: list[tuple[str | None, str]], status: int) -> ResponseReturnValue:
        return _render(
            g,
            state,
            app_id=application_id,
            row_version=_version(application_id),
            errors=errors,
            findings=findings_for(fonds(), actor(), application_id),
            extra_rows=extra_rows,
            status=status,
        )

    if csrf_failed():
        note = " Die Datei wurde noch nicht hochgeladen: Bitte wählen Sie sie noch einmal aus." if file_step else ""
        return again([(None, CSRF_MESSAGE + note)], 400)
    saved, status = False, 400
    errors: list[tuple[str | None, str]] = []
    if data is not None:
        try:
            applications.update_draft(
                fonds(), actor(), application_id, data, expected_version=fields.ident(version, low=0)
            )
            saved = True
        except ConcurrentChange as exc:
            errors, status = [(None, exc.message + " Ihre Eingaben unten sind noch nicht gespeichert.")], 409
        except FondsError as exc:
            errors = error_list(exc)
    if file_step:
        file_errors, done = _file_step(application_id, removing, form.file.data)
        errors += file_errors
        for message in done:
            flash(message, "success")
        if saved and not errors:
            return redirect(url_for("applicant.edit", application_id=application_id, _anchor="anhaenge"))
        if not saved:
            errors.append((None, NOT_SAVED))
        return again(errors, status)
    if not saved:
        return again(errors, status)
    if extra_rows:
        return redirect(url_for("applicant.edit", application_id=application_id, rows=1, _anchor="kostenplan"))
    flash(_("Ihre Änderungen sind gespeichert."), "success")
    return redirect(url_for("applicant.detail", application_id=application_id))


def _version(application_id: int) -> int:
    return load(application_id).app.row_version


def _file_step(
    application_id: int, removing: int | None, files: list[FileStorage]
) -> tuple[list[tuple[str | None, str]], list[str]]:
    """Delete the chosen attachment, or upload the chosen files: (errors next to the file field, successes)."""
    f, a = fonds(), actor()
    errors: list[tuple[str | None, str]] = []
    done: list[str] = []
    if removing is not None:
        try:
            name = remove_attachment(f, a, application_id, removing)
        except FondsError as exc:
            errors.append(("file", exc.message))
        else:
            done.append(f"„{name}“ ist gelöscht.")
        return errors, done
    if not files:
        errors.append(("file", "Bitte wählen Sie zuerst eine Datei aus und klicken Sie dann auf „Datei hochladen“."))
    settings = f.settings
    for fs in files:
        try:
            stored = check(fs, settings)
            add_attachment(f, a, application_id, as_input(stored, "cost_estimate"))
        except FondsError as exc:
            errors.append(("file", exc.message))
        else:
            done.append(f"„{stored.original_name}“ ist hochgeladen.")
    return errors, done


@bp.route("/antraege/<int:application_id>/loeschen", methods=["GET", "POST"])
@login_required
def delete_draft(application_id: int) -> ResponseReturnValue:
    """Delete a draft that was never submitted, after a confirmation page."""
    loaded = load(application_id)
    if not _deletable(loaded):
        flash(_("Nur ein Entwurf, der noch nie eingereicht wurde, kann gelöscht werden."), "error")
        return redirect(url_for("applicant.detail", application_id=application_id))
    if request.method == "POST":
        try:
            applications.delete_draft(fonds(), actor(), application_id)
        except FondsError as exc:
            flash(exc.message, "error")
            return redirect(url_for("applicant.detail", application_id=application_id))
        flash(_("Ihr Entwurf „%(title)s“ ist gelöscht.", title=loaded.app.title), "success")
        return redirect(url_for("applicant.overview"))
    return render_template("applicant/delete.html", app=loaded.app)


def _deletable(loaded: Loaded) -> bool:
    """A draft never submitted (the workflow's initial state, no file number yet)."""
    return loaded.state.initial and loaded.app.file_number is None
