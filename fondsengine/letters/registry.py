"""The registry of letter kinds: render_letter(kind, ctx, data) and template checks."""

from __future__ import annotations

from typing import Any

from fondsengine.errors import InvalidInput
from fondsengine.letters.kinds_decision import APPROVAL, PROOF_RESULT, REFUND, REJECTION
from fondsengine.letters.kinds_notice import CHANGES, LAPSE, PAYMENT, RECEIPT, RECOMMENDATION
from fondsengine.letters.model import LetterContext
from fondsengine.letters.spec import COMMON_PLACEHOLDERS, LetterKind
from fondsengine.letters.template import unknown_placeholders

_REGISTRY: dict[str, LetterKind[Any]] = {
    spec.kind: spec
    for spec in (
        RECEIPT,
        CHANGES,
        APPROVAL,
        REJECTION,
        PAYMENT,
        PROOF_RESULT,
        REFUND,
        LAPSE,
        RECOMMENDATION,
    )
}

LETTER_KINDS: tuple[str, ...] = tuple(_REGISTRY)

# extra text keys a guideline may set besides the letter kinds
EXTRA_TEXT_KEYS: tuple[str, ...] = ("objection",)


def letter_kind(kind: str) -> LetterKind[Any]:
    """The registration of a letter kind; InvalidInput for an unknown kind."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        known = ", ".join(LETTER_KINDS)
        raise InvalidInput(f"Unbekannte Briefart „{kind}“ (bekannt: {known}).") from None


def render_letter(kind: str, ctx: LetterContext, data: object) -> bytes:
    """Render a letter of the given kind into PDF bytes (same input, same bytes)."""
    spec = letter_kind(kind)
    if not isinstance(data, spec.data_type):
        raise TypeError(
            f"letter {kind!r} needs {spec.data_type.__name__}, got {type(data).__name__}"
        )
    from fondsengine.letters.compose import compose_letter  # reportlab: only when a letter is rendered

    return compose_letter(spec, ctx, data)


def placeholders_for(kind: str | None = None) -> tuple[str, ...]:
    """Placeholders a text of this kind may use; without a kind, those of any kind."""
    if kind is None or kind in EXTRA_TEXT_KEYS:
        names = list(COMMON_PLACEHOLDERS)
        for spec in _REGISTRY.values():
            names += [n for n in spec.placeholders if n not in names]
        return tuple(names)
    return letter_kind(kind).all_placeholders()


def check_template(text: str, kind: str | None = None) -> list[str]:
    """Unknown placeholder names in a letter text (for the guideline loader); [] if all fine."""
    return unknown_placeholders(text, placeholders_for(kind))
