"""The fund's guideline in the browser: versions with their differences, drafts checked on every
save, the preview (what-if with money, the residents' summary) and the council's adoption.

Every page asks the engine (fondsengine.funds.drafts); the web layer only reads the form, checks
uploads (webapp.uploads for the council decision) and shows the answer."""

from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import StringField, TextAreaField

from fondsengine.errors import FondsError, InvalidInput, NotFound
from fondsengine.funds import drafts
from fondsengine.storage import StorageError
from fondsengine.text import format_date
from webapp import uploads
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import GermanDateField, SafeText, UploadField
from webapp.form_errors import summary_errors
from webapp.manage import bp
from webapp.manage.common import Errors, chosen_fund, error_list, today

MAX_FILE = drafts.MAX_CHARS * 4  # bytes of an uploaded guideline file (UTF-8, at most 4 bytes a character)


class DraftForm(FlaskForm):
    """The text of a draft, typed in the browser or uploaded as a file."""

    content = TextAreaField("Text der Richtlinie")
    upload = UploadField("Oder eine Richtliniendatei hochladen (YAML, UTF-8)")


class AdoptForm(FlaskForm):
    """The council decision that adopts a draft."""

    council_date = GermanDateField(
        "Datum des Ratsbeschlusses", required="Bitte geben Sie das Datum des Ratsbeschlusses an."
    )
    council_reference = StringField("Aktenzeichen oder Drucksache des Beschlusses", validators=[SafeText(200)])
    decision = UploadField("Beschluss (PDF, JPEG oder PNG)")


def _uploaded_text(upload: FileStorage | None) -> str | None:
    """The text of an uploaded guideline file, None when no file was chosen."""
    if upload is None:
        return None
    raw = upload.stream.read(MAX_FILE + 1)
    name = uploads.clean_name(upload.filename)
    if len(raw) > MAX_FILE:
        raise InvalidInput(f"„{name}“ ist zu groß für eine Richtliniendatei.", field="upload")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"„{name}“ ist nicht in UTF-8 gespeichert. Bitte speichern Sie die Datei als UTF-8-Text.", field="upload"
        ) from None


@bp.route("/richtlinie")
@login_required
def guidelines() -> ResponseReturnValue:
    """The fund's guideline: the versions (current first), the council decisions, open drafts."""
    funds, fund_id = chosen_fund()
    overview = drafts.guideline_overview(fonds(), actor(), fund_id)
    return render_template("manage/guidelines.html", funds=funds, fund_id=fund_id, overview=overview)


@bp.route("/richtlinie/fassungen/<int:version_id>")
@login_required
def guideline_version(version_id: int) -> ResponseReturnValue:
    """One version's text with line numbers and what changed against the version before it."""
    try:
        version = drafts.version_text(fonds(), actor(), version_id)
    except NotFound:
        abort(404)
    return render_template("manage/guideline_version.html", fund_id=version.fund_id, version=version)


def _render_editor(
    fund_id: str, form: DraftForm, errors: Errors, draft: drafts.Draft | None, text: str
) -> ResponseReturnValue:
    problems = draft.problems if draft is not None else ()
    by_line: dict[int, list[str]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(p.message)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    context = [
        (p, [(n, lines[n - 1]) for n in range(max(1, p.line - 1), min(len(lines), p.line + 1) + 1)] if p.line else [])
        for p in problems
    ]
    return render_template(
        "manage/guideline_draft.html",
        context=context,
        fund_id=fund_id,
        form=form,
        errors=errors,
        draft=draft,
        text=text,
        lines=lines,
        by_line=by_line,
        problems=problems,
    ), 400 if errors else 200


def _save(fund_id: str, form: DraftForm, draft_id: int | None) -> tuple[Errors, drafts.Draft | None, str]:
    """Save the posted text (or the uploaded file); the errors of the request and the saved draft."""
    text = form.content.data or ""
    try:
        uploaded = _uploaded_text(form.upload.data)
        if uploaded is not None:
            text = uploaded
        saved = drafts.save_draft(fonds(), actor(), fund_id, text, draft_id=draft_id)
    except FondsError as exc:
        return error_list(exc), None, text
    return [], saved, saved.content


@bp.route("/richtlinie/entwurf", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def guideline_new() -> ResponseReturnValue:
    """Start a draft from the current version (the text is stored with the first save)."""
    _funds, fund_id = chosen_fund()
    form = DraftForm()
    if request.method == "POST":
        if csrf_failed():
            return _render_editor(fund_id, form, [(None, CSRF_MESSAGE)], None, form.content.data or "")
        errors, saved, text = _save(fund_id, form, None)
        if saved is None:
            return _render_editor(fund_id, form, errors, None, text)
        _flash_saved(saved)
        return redirect(url_for("manage.guideline_draft", draft_id=saved.id))
    overview = drafts.guideline_overview(fonds(), actor(), fund_id)
    current = next((v for v in overview.versions if v.current), None)
    text = drafts.version_text(fonds(), actor(), current.id).content if current is not None else ""
    return _render_editor(fund_id, form, [], None, text)


def _flash_saved(saved: drafts.Draft) -> None:
    if saved.problems:
        flash(
            f"Der Entwurf ist gespeichert, die Prüfung hat aber {len(saved.problems)} Fehler gefunden: "
            "siehe die markierten Zeilen.",
            "error",
        )
    else:
        flash("Der Entwurf ist gespeichert und fehlerfrei. Sie können jetzt die Vorschau ansehen.", "success")


def _draft(draft_id: int) -> drafts.Draft:
    try:
        return drafts.draft_of(fonds(), actor(), draft_id)
    except NotFound:
        abort(404)


@bp.route("/richtlinie/entwuerfe/<int:draft_id>", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def guideline_draft(draft_id: int) -> ResponseReturnValue:
    """Edit a draft: every save runs the loader; its problems are shown beside their lines."""
    draft = _draft(draft_id)
    form = DraftForm()
    if request.method == "POST":
        if csrf_failed():
            return _render_editor(draft.fund_id, form, [(None, CSRF_MESSAGE)], draft, form.content.data or "")
        errors, saved, text = _save(draft.fund_id, form, draft_id)
        if saved is None:
            return _render_editor(draft.fund_id, form, errors, draft, text)
        _flash_saved(saved)
        return redirect(url_for("manage.guideline_draft", draft_id=draft_id))
    return _render_editor(draft.fund_id, form, [], draft, draft.content)


class DeleteDraftForm(FlaskForm):
    """The confirmation that throws a draft away (only its CSRF token)."""


@bp.route("/richtlinie/entwuerfe/<int:draft_id>/loeschen", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def guideline_delete(draft_id: int) -> ResponseReturnValue:
    """Ask before a draft is thrown away; an adopted draft cannot be deleted."""
    draft = _draft(draft_id)
    form = DeleteDraftForm()
    errors: Errors = []
    if request.method == "POST":
        if not form.validate_on_submit():
            errors = [(None, CSRF_MESSAGE)]
        else:
            try:
                fund_id = drafts.delete_draft(fonds(), actor(), draft_id)
            except NotFound:
                abort(404)
            except FondsError as exc:
                errors = error_list(exc)
            else:
                flash(f"Entwurf {draft_id} ist gelöscht.", "success")
                return redirect(url_for("manage.guidelines", fonds=fund_id))
    return render_template(
        "manage/guideline_delete.html", fund_id=draft.fund_id, draft=draft, form=form, errors=errors
    ), 400 if errors else 200


@bp.route("/richtlinie/entwuerfe/<int:draft_id>/vorschau", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def guideline_preview(draft_id: int) -> ResponseReturnValue:
    """What the draft changes (applications, money, the residents' summary); the council's adoption."""
    draft = _draft(draft_id)
    form = AdoptForm()
    errors: Errors = []
    if request.method == "POST":
        if csrf_failed():
            errors = [(None, CSRF_MESSAGE)]
        elif not form.validate():
            errors = summary_errors(form, skip=())
        else:
            try:
                council_date = form.council_date.data
                assert isinstance(council_date, date)
                upload = form.decision.data
                if upload is None:
                    raise InvalidInput("Bitte laden Sie den Beschluss des Rates hoch.", field="decision")
                checked = uploads.check(upload, fonds().settings)
                adopted = drafts.adopt_draft(
                    fonds(),
                    actor(),
                    draft_id,
                    council_date=council_date,
                    council_reference=form.council_reference.data or "",
                    decision=drafts.DecisionFile(checked.original_name, checked.mimetype, checked.content),
                )
            except FondsError as exc:
                errors = [("decision" if f == "file" else f, m) for f, m in error_list(exc)]
            else:
                start = format_date(adopted.valid_from)
                if adopted.active:
                    flash(f"Die Richtlinie ist beschlossen und gilt (ab {start}) für alle neu eingereichten "
                          "Anträge. Eingereichte Anträge behalten ihre Fassung.", "success")  # fmt: skip
                else:
                    flash(f"Die Richtlinie ist beschlossen; sie gilt ab {start} für neu eingereichte Anträge.",
                          "success")  # fmt: skip
                return redirect(url_for("manage.guidelines", fonds=draft.fund_id))
    try:
        preview = drafts.preview_draft(fonds(), actor(), draft_id)
    except InvalidInput as exc:
        flash(exc.message, "error")
        return redirect(url_for("manage.guideline_draft", draft_id=draft_id))
    if not form.is_submitted():
        form.council_date.typed = today().isoformat()
    return render_template(
        "manage/guideline_preview.html",
        fund_id=draft.fund_id,
        preview=preview,
        form=form,
        errors=errors,
        err={f: m for f, m in errors if f},
        max_upload=fonds().settings.upload_max_bytes,
    ), 400 if errors else 200


@bp.route("/richtlinie/beschluesse/<int:adoption_id>")
@login_required
def guideline_decision(adoption_id: int) -> ResponseReturnValue:
    """Download the uploaded council decision."""
    try:
        name, mimetype, content = drafts.council_decision(fonds(), actor(), adoption_id)
    except (NotFound, StorageError):
        abort(404)
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
