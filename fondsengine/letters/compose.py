"""Assemble a letter: subject, body text, the kind's sections, basis, objection note, closing."""

from __future__ import annotations

import re
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer

from fondsengine.errors import LetterIncomplete
from fondsengine.letters.model import LetterContext
from fondsengine.letters.pages import build_letter
from fondsengine.letters.spec import LetterKind
from fondsengine.letters.styles import SMALL, SUBJECT, heading, para, paragraphs
from fondsengine.letters.template import empty_placeholders, fill
from fondsengine.letters.values import letter_text, letter_values, remedy_clause, remedy_text, texts_used

# a body that does not open with a greeting gets "Guten Tag <recipient>," in front
_GREETING = re.compile(r"(guten tag|sehr geehrte|hallo|liebe|moin|servus)", re.IGNORECASE)


def remedy_heading(ctx: LetterContext) -> str:
    """A grant agreement has no Rechtsbehelf in the legal sense; a Bescheid (and the default) has."""
    if ctx.issuance is not None and not ctx.issuance.is_bescheid:
        return "Einwände und Rechtsweg"
    return "Rechtsbehelfsbelehrung"


def signature_block(ctx: LetterContext) -> list[Flowable]:
    """Who signs: the issuer with the signatory's name and role, the unsigned wording, or the office."""
    if ctx.issuance is None:
        block: list[Flowable] = [Spacer(1, 6), para(ctx.office.name)]
        if ctx.contact_person:
            block.append(para(ctx.contact_person))
        return block
    issuer = ctx.issuance.issuer
    block = [Spacer(1, 6), para(issuer.name)]
    if issuer.signatory is not None:
        block += [Spacer(1, 22), para("_" * 34), para(issuer.signatory.name), para(issuer.signatory.role, SMALL)]
    elif issuer.unsigned_text:
        block.append(para(issuer.unsigned_text, SMALL))
    if ctx.contact_person:
        block.append(para(f"Ansprechperson: {ctx.contact_person}", SMALL))
    return block


def _basis(ctx: LetterContext) -> str:
    source = ctx.legal_basis or f"Förderrichtlinie des {ctx.fund_name}"
    text = f"Grundlage: {source} (Fassung {ctx.guideline_version})"
    if ctx.clauses:
        text += ", " + ", ".join(ctx.clauses)
    return text + "."


def compose_letter(spec: LetterKind[Any], ctx: LetterContext, data: Any) -> bytes:
    """Render one letter of a registered kind into PDF bytes."""
    subject, story = letter_story(spec, ctx, data)
    return build_letter(ctx, subject, story)


def letter_story(spec: LetterKind[Any], ctx: LetterContext, data: Any) -> tuple[str, list[Flowable]]:
    """The subject and the body of one letter (everything below the address and info block), the
    one source of its PDF and of its HTML page; LetterIncomplete when a placeholder would be empty."""
    text = letter_text(spec, ctx)
    values = letter_values(spec, ctx, data)
    objection = remedy_text(ctx, data) if spec.objection else ""
    missing = sorted({name for t in texts_used(spec, ctx, data) for name in empty_placeholders(t, values)})
    if missing:
        raise LetterIncomplete(
            f"Der Brief „{spec.label}“ wird nicht erstellt: "
            + ", ".join("{" + m + "}" for m in missing)
            + " hätte keinen Wert. Bitte ergänzen Sie die Angaben (z. B. die Runden und Sitzungstermine "
            "in der Förderrichtlinie) und erzeugen Sie den Brief dann neu."
        )
    subject = fill(text.subject, values)
    story: list[Flowable] = [para(subject, SUBJECT)]
    body = fill(text.body, values).lstrip()
    if not _GREETING.match(body):
        body = f"Guten Tag {ctx.recipient_name},\n\n{body}"
    story += paragraphs(body)
    story += spec.sections(ctx, data)
    if spec.objection:
        story += [heading(remedy_heading(ctx)), *paragraphs(fill(objection, values))]
        if clause := remedy_clause(ctx, data):
            story.append(para(f"Rechtsgrundlage dieser Belehrung: {clause}.", SMALL))
    closing = paragraphs(fill(text.closing or "Mit freundlichen Grüßen", values))
    signature = signature_block(ctx)
    story.append(Spacer(1, 4))
    story.append(KeepTogether([*closing, *signature]))
    story += [Spacer(1, 10), para(_basis(ctx), SMALL)]
    return subject, story
