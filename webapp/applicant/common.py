"""Helpers shared by the applicant views."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request

from fondsengine.accounts.organisations import application_and_organisation
from fondsengine.applications.queries import may_act_for_applicant
from fondsengine.errors import FondsError
from fondsengine.guidelines.findings import Finding
from fondsengine.guidelines.model import Guideline
from fondsengine.model import Application
from fondsengine.workflow.model import State
from webapp.extensions import actor, fonds
from webapp.form_errors import refusal_lines


@dataclass(frozen=True)
class Loaded:
    """An application the logged-in user may see, with its rules and state."""

    app: Application
    guideline: Guideline
    state: State
    editable: bool
    organisation: str | None  # the organisation the application is made for (its members are co-applicants)


def load(application_id: int) -> Loaded:
    """Load an application whose record the user may read (engine NotFound -> 404) with guideline and
    workflow state; a form post also needs the engine's yes that the user acts for the applicant
    (403 for those who may only read: the city's approvers, the auditors)."""
    f = fonds()
    app, organisation = application_and_organisation(f, actor(), application_id)
    if request.method == "POST" and not may_act_for_applicant(f, actor(), application_id):
        abort(403)
    with f.db.read() as s:
        guideline = f.catalog.guideline(s, app.guideline_version_id)
        state = f.catalog.workflow(s, app.workflow_version_id).state(app.state)
    return Loaded(app, guideline, state, state.editable, organisation)


def error_list(exc: FondsError) -> list[tuple[str | None, str]]:
    """An engine error as (field, message) lines for the error summary."""
    return refusal_lines(exc)


def split_findings(findings: list[Finding]) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(blocking, warnings, info) findings."""
    blocking = [f for f in findings if f.blocking]
    warnings = [f for f in findings if f.severity.value == "warning"]
    info = [f for f in findings if f.severity.value == "info"]
    return blocking, warnings, info
