"""The registry of letter kinds: render_letter(kind, ctx, data), template checks, labels and names.

Each kind is registered once, in its module (kinds_notice.py, kinds_decision.py), as a LetterKind
with its typed snapshot, data class, German label, file name, mail subject and default text; every
other place asks this registry (tests/unit/test_letter_kinds_registered.py keeps it so)."""

from __future__ import annotations

from typing import Any

from fondsengine.errors import InvalidInput
from fondsengine.guidelines.model import LetterText
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

# the kinds whose text a guideline may bring (its letters section)
GUIDELINE_TEXT_KINDS: tuple[str, ...] = tuple(k for k, spec in _REGISTRY.items() if spec.guideline_text)

# the default text of each kind
DEFAULT_TEXTS: dict[str, LetterText] = {k: spec.default_text for k, spec in _REGISTRY.items()}

# extra text keys a guideline may set besides the letter kinds
EXTRA_TEXT_KEYS: tuple[str, ...] = ("objection",)


def letter_kind(kind: str) -> LetterKind[Any]:
    """The registration of a letter kind; InvalidInput for an unknown kind."""
    try:
        return _REGISTRY[kind]
    except KeyError:
        known = ", ".join(LETTER_KINDS)
        raise InvalidInput(f"Unbekannte Briefart „{kind}“ (bekannt: {known}).") from None


def kind_label(kind: str) -> str:
    """The German name of a letter kind (the kind itself when unknown)."""
    spec = _REGISTRY.get(kind)
    return spec.label if spec is not None else kind


def letter_filename(kind: str, file_number: str | None) -> str:
    """The attachment name of a letter PDF, e.g. Bewilligungsbescheid-QF-2026-0001.pdf."""
    spec = _REGISTRY.get(kind)
    base = spec.file_name if spec is not None else kind
    return f"{base}-{file_number}.pdf" if file_number else f"{base}.pdf"


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
