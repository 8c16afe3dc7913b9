"""The values a letter fills its placeholders with, and the texts it uses (no reportlab here)."""

from __future__ import annotations

from typing import Any

from fondsengine.guidelines.model import LetterText
from fondsengine.letters.defaults import DEFAULT_OBJECTION
from fondsengine.letters.fmt import format_date
from fondsengine.letters.model import LetterContext
from fondsengine.letters.spec import LetterKind


def common_values(ctx: LetterContext) -> dict[str, str]:
    """Placeholder values every letter offers."""
    return {
        "recipient_name": ctx.recipient_name,
        "applicant_name": ctx.applicant_name,
        "project_title": ctx.project_title,
        "title": ctx.project_title,
        "fund_name": ctx.fund_name,
        "file_number": ctx.file_number,
        "date": format_date(ctx.date),
        "office_name": ctx.office.name,
        "office_email": ctx.contact_email or ctx.office.email,
        "office_phone": ctx.contact_phone or ctx.office.phone or "",
        "contact_person": ctx.contact_person or "",
        "city_name": ctx.office.city_name or "",
        "guideline_version": ctx.guideline_version,
        "issuer_name": ctx.issuer_name,
        "authority_file_number": ctx.authority_file_number or ctx.file_number,
    }


def remedy_text(ctx: LetterContext, data: Any) -> str:
    """The remedy of a decision: the letter's own, the guideline's issuance, its letters, the default."""
    own = getattr(data, "objection_text", None)
    if own:
        return str(own)
    if ctx.issuance is not None and ctx.issuance.remedy:
        return ctx.issuance.remedy
    configured = ctx.letter_texts.get("objection")
    return configured.body if configured else DEFAULT_OBJECTION


def remedy_clause(ctx: LetterContext, data: Any) -> str | None:
    """Where the law rules the remedy the letter prints (issuance.remedy_clause), when it prints the
    issuance's remedy (a letter's own or a configured objection text carries its own wording)."""
    if getattr(data, "objection_text", None) or ctx.issuance is None or not ctx.issuance.remedy:
        return None
    return ctx.issuance.remedy_clause


def letter_text(spec: LetterKind[Any], ctx: LetterContext) -> LetterText:
    """The guideline's text of this kind, else the default text."""
    return ctx.letter_texts.get(spec.kind) or spec.default_text


def letter_values(spec: LetterKind[Any], ctx: LetterContext, data: Any) -> dict[str, str]:
    """Every placeholder value of one letter (the common ones and the kind's own)."""
    values = common_values(ctx) | spec.values(data)
    if values.get("decided_on") == "":
        values["decided_on"] = format_date(ctx.date)
    return values


def texts_used(spec: LetterKind[Any], ctx: LetterContext, data: Any) -> list[str]:
    """The texts with placeholders one letter prints: subject, body, closing and the remedy."""
    text = letter_text(spec, ctx)
    used = [text.subject, text.body, text.closing or ""]
    if spec.objection:
        used.append(remedy_text(ctx, data))
    return used
