"""Messages between applicant and office on the application page (engine: applications/messages.py).

The partial `_messages.html` is included in both application pages; it reads the messages through
the template global `application_messages` so the pages' views stay as they are.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired

from fondsengine.applications.message_sharing import share_message_with_jury, unshare_message_with_jury
from fondsengine.applications.messages import MAX_MESSAGE, MessageView, messages_of, send_message
from fondsengine.errors import FondsError, NotFound
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import SafeText, UploadField
from webapp.form_errors import summary_errors
from webapp.manage import bp
from webapp.manage.application import load_for_office, render_application
from webapp.uploads import as_input, check


class MessageForm(FlaskForm):
    """A message with an optional file (PDF, JPEG, PNG; the upload rules of all attachments)."""

    message = TextAreaField(
        "Ihre Nachricht",
        validators=[DataRequired("Bitte schreiben Sie eine Nachricht."), SafeText(MAX_MESSAGE, multiline=True)],
    )
    file = UploadField("Datei anhängen (freiwillig; PDF, JPEG oder PNG)")


class ShareForm(FlaskForm):
    """Share a message with the jury's papers (`share=ja`) or take it back (`share=nein`)."""

    share = HiddenField(
        validators=[AnyOf(("ja", "nein"), "Bitte teilen Sie die Nachricht oder nehmen Sie sie zurück.")]
    )


@bp.app_template_global()
def application_messages(application_id: int) -> list[MessageView]:
    """The messages of an application for the logged-in person (the engine decides who may read)."""
    return messages_of(fonds(), actor(), application_id)


@bp.app_template_global()
def message_form() -> MessageForm:
    """The form of a new message (with the posted values after a refused post)."""
    return MessageForm()


def post_message(application_id: int) -> list[str]:
    """Check the form and the file and send the message; the German errors (empty when sent)."""
    form = MessageForm()
    if csrf_failed():
        return [CSRF_MESSAGE]
    if not form.validate_on_submit():
        return [message for _field, message in summary_errors(form)]
    upload = form.file.data
    try:
        attachment = None
        if upload is not None:
            settings = fonds().settings
            attachment = as_input(check(upload, settings), "other")
        send_message(fonds(), actor(), application_id, form.message.data or "", attachment)
    except FondsError as exc:
        return [exc.message]
    return []


@bp.route("/antraege/<int:application_id>/nachrichten", methods=["POST"])
@login_required
@rerender_on_csrf
def office_message(application_id: int) -> ResponseReturnValue:
    """The office writes to the applicant."""
    load_for_office(application_id)
    errors = post_message(application_id)
    if errors:
        return render_application(application_id, [("message", e) for e in errors], 400)
    flash("Ihre Nachricht ist verschickt.", "success")
    return redirect(url_for("manage.application", application_id=application_id, _anchor="nachrichten"))


@bp.route("/antraege/<int:application_id>/nachrichten/<int:message_id>/jury", methods=["POST"])
@login_required
@rerender_on_csrf
def share_message(application_id: int, message_id: int) -> ResponseReturnValue:
    """The office shares a message (and its attachment) with the jury's papers, or takes it back."""
    load_for_office(application_id)
    form = ShareForm()
    if csrf_failed():
        return render_application(application_id, [(None, CSRF_MESSAGE)], 400)
    if not form.validate_on_submit():
        return render_application(application_id, [(None, m) for m in form.share.errors], 400)
    shared = form.share.data == "ja"
    try:
        (share_message_with_jury if shared else unshare_message_with_jury)(fonds(), actor(), application_id, message_id)
    except NotFound:
        raise
    except FondsError as exc:
        return render_application(application_id, [(None, exc.message)], 400)
    flash(
        "Die Nachricht liegt jetzt der Jury mit den Unterlagen vor."
        if shared
        else "Die Nachricht liegt der Jury nicht mehr vor.",
        "success",
    )
    return redirect(url_for("manage.application", application_id=application_id, _anchor="nachrichten"))
