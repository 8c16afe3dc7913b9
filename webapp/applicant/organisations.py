"""My organisations: create one, add and remove members, name the representative, link a draft."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fondsengine.accounts import organisations as orgs
from fondsengine.errors import FondsError, NotFound, PermissionDenied
from webapp import fields
from webapp.applicant import bp
from webapp.applicant.common import error_list
from webapp.applicant.page_forms import (
    LinkOrganisationForm,
    OrganisationForm,
    OrganisationMemberForm,
    OrganisationPersonForm,
)
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds

Errors = list[tuple[str | None, str]]


def _page(errors: Errors | None = None, values: dict[str, str] | None = None, form: str = "") -> ResponseReturnValue:
    errors = errors or []
    return render_template(
        "applicant/organisations.html",
        organisations=orgs.organisations_of(fonds(), actor()),
        kinds=orgs.KINDS,
        errors=errors,
        err={f: m for f, m in errors if f},
        values=values or {},
        form=form,
    ), 400 if errors else 200


@bp.route("/konto/organisationen", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def organisations() -> ResponseReturnValue:
    """The organisations I belong to, and a form to create one."""
    if request.method == "GET":
        return _page()
    form = OrganisationForm()
    values = {"name": form.name.data or "", "kind": form.kind.data or ""}
    if csrf_failed():
        return _page([(None, CSRF_MESSAGE)], values, "new")
    try:
        orgs.create_organisation(fonds(), actor(), values["name"], values["kind"])
    except FondsError as exc:
        return _page(error_list(exc), values, "new")
    flash("Die Organisation ist angelegt. Sie vertreten sie und können Mitglieder hinzufügen.", "success")
    return redirect(url_for("applicant.organisations"))


def _act(
    organisation_id: int, run: Callable[[], object], done: str, values: dict[str, str] | None = None
) -> ResponseReturnValue:
    """Run a use case of the representative; 404 for outsiders, 403 for other members."""
    if csrf_failed():
        return _page([(None, CSRF_MESSAGE)], values, f"org-{organisation_id}")
    try:
        run()
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    except FondsError as exc:
        return _page(
            [(f"{f}-{organisation_id}" if f else None, m) for f, m in error_list(exc)], values, f"org-{organisation_id}"
        )
    flash(done, "success")
    return redirect(url_for("applicant.organisations"))


@bp.route("/konto/organisationen/<int:organisation_id>/mitglieder", methods=["POST"])
@login_required
@rerender_on_csrf
def organisation_member(organisation_id: int) -> ResponseReturnValue:
    """The representative adds a member by the e-mail address of their account."""
    email = OrganisationMemberForm().email.data or ""
    return _act(
        organisation_id,
        lambda: orgs.add_organisation_member(fonds(), actor(), organisation_id, email),
        "Die Person gehört jetzt zur Organisation und kann ihre Anträge sehen und bearbeiten.",
        {f"email-{organisation_id}": email},
    )


@bp.route("/konto/organisationen/<int:organisation_id>/entfernen", methods=["POST"])
@login_required
def organisation_remove(organisation_id: int) -> ResponseReturnValue:
    """The representative removes a member."""
    user_id = fields.ident(OrganisationPersonForm().user.data) or 0
    return _act(
        organisation_id,
        lambda: orgs.remove_organisation_member(fonds(), actor(), organisation_id, user_id),
        "Die Person gehört nicht mehr zur Organisation.",
    )


@bp.route("/konto/organisationen/<int:organisation_id>/vertretung", methods=["POST"])
@login_required
def organisation_representative(organisation_id: int) -> ResponseReturnValue:
    """The representative hands the representation to another member."""
    user_id = fields.ident(OrganisationPersonForm().user.data) or 0
    return _act(
        organisation_id,
        lambda: orgs.name_representative(fonds(), actor(), organisation_id, user_id),
        "Die Vertretung der Organisation ist übergeben.",
    )


@bp.route("/antraege/<int:application_id>/organisation", methods=["POST"])
@login_required
def link_organisation(application_id: int) -> ResponseReturnValue:
    """The applicant makes a draft an application of one of their organisations."""
    organisation_id = fields.ident(LinkOrganisationForm().organisation.data) or 0
    if csrf_failed():
        flash(CSRF_MESSAGE, "error")
        return redirect(url_for("applicant.detail", application_id=application_id))
    try:
        orgs.link_organisation(fonds(), actor(), application_id, organisation_id)
    except NotFound:
        abort(404)
    except FondsError as exc:
        for _f, message in error_list(exc):
            flash(message, "error")
    else:
        flash(
            "Der Antrag gehört jetzt zur Organisation; alle ihre Mitglieder können ihn sehen und bearbeiten.", "success"
        )
    return redirect(url_for("applicant.detail", application_id=application_id))
