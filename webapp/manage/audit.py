"""The audit trail for the office and the auditors: per fund and per application, filtered, as CSV.

The engine (`fondsengine.integrity.audit_view`) decides who may read it and shapes the lines; this module
only reads the filter form (GET, no CSRF token: it changes nothing) and renders or exports.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.integrity.audit_view import (
    READERS,
    AuditFilter,
    AuditTrail,
    Integrity,
    application_trail,
    fund_trail,
    integrity_for_fund,
)
from fondsengine.lifecycle.authz import funds_with_role
from webapp.extensions import actor, fonds
from webapp.fields import options
from webapp.filters import zeit
from webapp.form_errors import summary_errors
from webapp.manage import bp
from webapp.manage.common import FundChoice
from webapp.manage.downloads import csv_download
from webapp.queries import FundQuery

CSV_HEADER = (
    "Nr.",
    "Zeitpunkt",
    "Person",
    "Rolle",
    "für",
    "Ereignis",
    "Kennung",
    "Aktenzeichen",
    "Antrag",
    "von Stand",
    "zu Stand",
    "Begründung",
    "Richtlinienstelle",
    "Richtlinienversion",
    "Workflowversion",
)


class AuditFilterForm(FlaskForm):
    """The filter of the trail, read from the query string."""

    class Meta:
        csrf = False

    von = DateField("Von (Datum)", validators=[Optional()], format="%Y-%m-%d")
    bis = DateField("Bis (Datum)", validators=[Optional()], format="%Y-%m-%d")
    art = SelectField("Ereignis", validators=[Optional()], validate_choice=True)
    person = SelectField("Person", validators=[Optional()], validate_choice=True)

    def validate_bis(self, field: DateField) -> None:
        if field.data and self.von.data and field.data < self.von.data:
            raise ValidationError("„Bis“ liegt vor „Von“.")

    def as_filter(self) -> AuditFilter:
        return AuditFilter(
            since=self.von.data,
            until=self.bis.data,
            action=self.art.data or None,
            person_id=int(self.person.data) if self.person.data else None,
        )


def readable_funds() -> list[FundChoice]:
    """The funds the logged-in user manages or audits today (for the fund switch)."""
    return funds_with_role(fonds(), actor(), READERS)


def _form(trail: AuditTrail) -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args)
    form.art.choices = options([("", "alle Ereignisse"), *trail.kinds])
    form.person.choices = options([("", "alle Personen"), *((str(i), n) for i, n in trail.people)])
    return form


def _load(fund_id: str | None, application_id: int | None) -> tuple[AuditTrail, AuditFilterForm]:
    """The trail filtered by the form (unfiltered first, to know the choices); 403/404 from the engine."""
    f, a = fonds(), actor()
    try:
        if application_id is not None:
            everything = application_trail(f, a, application_id, AuditFilter(), limit=0)
        else:
            assert fund_id is not None
            everything = fund_trail(f, a, fund_id, AuditFilter(), limit=0)
        form = _form(everything)
        if not form.validate():
            return everything, form
        filt = form.as_filter()
        if application_id is not None:
            return application_trail(f, a, application_id, filt), form
        return fund_trail(f, a, everything.fund_id, filt), form
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)


def _fund_id() -> str:
    wanted = FundQuery().fund_id
    if wanted:
        return wanted
    funds = readable_funds()
    if not funds:
        abort(403)
    return funds[0].id


def _errors(form: AuditFilterForm) -> list[tuple[str | None, str]]:
    return summary_errors(form, skip=())


def _carried(form: AuditFilterForm) -> dict[str, str]:
    """The filter as the address gave it, for the CSV link (the CSV view checks it with the same form)."""
    wanted = FundQuery().fund_id
    given = {f.name: str(f.raw_data[0]) for f in form if f.raw_data and f.raw_data[0]}
    return {"fonds": wanted, **given} if wanted else given


def _page(trail: AuditTrail, form: AuditFilterForm, integrity: Integrity | None) -> ResponseReturnValue:
    errors = _errors(form)
    return render_template(
        "manage/audit.html",
        trail=trail,
        form=form,
        errors=errors,
        integrity=integrity,
        funds=readable_funds() if trail.application_id is None else [],
        fund_id=trail.fund_id,
        query=_carried(form),
    ), (400 if errors else 200)


def _csv(trail: AuditTrail, form: AuditFilterForm, filename: str) -> ResponseReturnValue:
    if form.errors:
        abort(400)
    rows = [
        [
            line.id,
            zeit(line.at),
            line.who,
            line.role,
            line.on_behalf_of or "",
            line.label,
            line.action,
            line.file_number or "",
            line.application_id or "",
            line.from_state or "",
            line.to_state or "",
            line.reason or "",
            line.clause or "",
            line.guideline_version or "",
            line.workflow_version or "",
        ]
        for line in trail.lines
    ]
    return csv_download(CSV_HEADER, rows, filename)


@bp.route("/protokoll")
@login_required
def audit_fund() -> ResponseReturnValue:
    """The fund's audit trail with the result of the integrity check."""
    trail, form = _load(_fund_id(), None)
    integrity = integrity_for_fund(fonds(), actor(), trail.fund_id)
    return _page(trail, form, integrity)


@bp.route("/protokoll.csv")
@login_required
def audit_fund_csv() -> ResponseReturnValue:
    """The filtered trail of the fund as CSV."""
    trail, form = _load(_fund_id(), None)
    return _csv(trail, form, f"protokoll-{trail.fund_id}.csv")


@bp.route("/antraege/<int:application_id>/protokoll")
@login_required
def audit_application(application_id: int) -> ResponseReturnValue:
    """One application's audit trail."""
    trail, form = _load(None, application_id)
    integrity = integrity_for_fund(fonds(), actor(), trail.fund_id)
    return _page(trail, form, integrity)


@bp.route("/antraege/<int:application_id>/protokoll.csv")
@login_required
def audit_application_csv(application_id: int) -> ResponseReturnValue:
    """One application's filtered trail as CSV."""
    trail, form = _load(None, application_id)
    return _csv(trail, form, f"protokoll-antrag-{application_id}.csv")
