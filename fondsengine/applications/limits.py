"""Soft limits: "normally at most …; more with a written justification the deciding body accepts".

The office records the accepted justification per application and limit (`lift_limit`); the
rule check then reports the limit as lifted with its reason, and the approval cites it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.guidelines.asks import repeats_counted
from fondsengine.guidelines.model import Guideline
from fondsengine.guidelines.rules_money import soft_limits
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.fire import guideline_of
from fondsengine.lifecycle.views import application_data
from fondsengine.model import Application


def lift_limit(fonds: Engine, actor: Actor, application_id: int, code: str, reason: str) -> None:
    """The office lifts one soft limit of an application with the accepted written reason."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Nur die Geschäftsführung kann eine Regel-Grenze aufheben.")
        if not reason.strip():
            raise InvalidInput("Bitte tragen Sie die schriftliche Begründung ein.", field="reason")
        guideline = guideline_of(uow, app)
        beyond = dict(soft_limits(application_data(app), guideline))
        if code not in beyond:
            raise InvalidInput(
                "Dieser Antrag liegt über keiner Regel-Grenze, die sich mit Begründung aufheben lässt.",
                field="code",
            )
        app.lifted_limits = {**(app.lifted_limits or {}), code: reason.strip()}
        app.updated_at = now
        record(
            s,
            actor=actor,
            role="manager",
            action="lift_limit",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"code": code, "limit": beyond[code], "reason": reason.strip()},
        )
        uow.commit()


@dataclass(frozen=True)
class SoftLimit:
    """A soft limit the application goes beyond, and the reason it was lifted (None: not yet)."""

    code: str
    limit: str
    reason: str | None


@dataclass(frozen=True)
class RuleExceptions:
    """What the office may decide about an application's rules: soft limits and the repeat link."""

    soft_limits: tuple[SoftLimit, ...]
    repeats_counted: bool  # the guideline has repeat rules (the office links earlier projects)
    continues_file_number: str | None  # named by the applicant or linked by the office
    linked: bool = False  # the office linked (confirmed) the earlier project


def exceptions_of(app: Application, guideline: Guideline) -> RuleExceptions:
    """The soft limits and the repeat link of an application already loaded for its office (pure)."""
    lifted = app.lifted_limits or {}
    limits = tuple(SoftLimit(code, text, lifted.get(code)) for code, text in
                   soft_limits(application_data(app), guideline))  # fmt: skip
    return RuleExceptions(limits, repeats_counted(guideline), app.continues_file_number, app.continues_id is not None)


def rule_exceptions(fonds: Engine, actor: Actor, application_id: int) -> RuleExceptions:
    """The office's view of soft limits and the repeat link of one application (managers only)."""
    with fonds.db.read() as s:
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(fonds.clock.now()))
        if "manager" not in roles:
            raise PermissionDenied("Das sieht nur die Geschäftsführung.")
        return exceptions_of(app, fonds.catalog.guideline(s, app.guideline_version_id))
