"""The proof-of-use, publicity, retention, transparency and letter sections and the lists of the
form fields, declarations, checklist and conditions (declared as in guidelines/spec.py)."""

from __future__ import annotations

import functools
from typing import Annotated, Any

from pydantic import BeforeValidator, create_model

from fondsengine.guidelines.model import (
    ChecklistItem,
    Declaration,
    FormField,
    Guideline,
    LetterText,
    ProofRules,
    PublicityRules,
    RetentionRules,
    TransparencyRules,
)
from fondsengine.guidelines.spec import (
    Bool,
    Spec,
    Text,
    Texts,
    aligned,
    choice,
    default_of,
    fail,
    integer,
    line_at,
    needs,
    raw,
    scalar,
    unique,
    values,
)
from fondsengine.guidelines.yamlreader import Collector
from fondsengine.letters.fillable import unfillable_placeholders
from fondsengine.letters.registry import GUIDELINE_TEXT_KINDS, check_template, placeholders_for
from fondsengine.schema import Located

FIELD_TYPES = ("text", "textarea", "number", "date", "choice", "bool")
PROOF_PARTS = ("report", "receipts", "photos", "participants", "publicity_evidence")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_day(value: Any) -> tuple[int, int]:
    text = raw(scalar(value)).strip()
    parts = text.split("-")
    ok = len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts)
    month, day = (int(parts[0]), int(parts[1])) if ok else (0, 0)
    if not ok or not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        raise fail(
            "month_day",
            "'{key}' muss Monat und Tag im Format \"MM-TT\" sein "
            '(z. B. "01-31" für den 31. Januar des Folgejahres), gefunden: {value}',
            value=text,
        )
    return (month, day)


class ProofSpec(Spec):
    """proof: the deadline, parts and refunds of the proof of use."""

    due_months_after_end: Annotated[int, integer(1, 24)] | None = None  # this, or due_fixed_date
    due_fixed_date: Annotated[tuple[int, int], BeforeValidator(_month_day)] | None = None  # "MM-TT"
    parts: Texts
    refund_unused: Bool = True
    cut_when_lower: Bool = True
    refund_due_days: Annotated[int, integer(1)] = 30
    clause: Text | None = ProofRules.clause
    refund_clause: Text | None = ProofRules.refund_clause
    refund_iban: Text | None = ProofRules.refund_iban
    refund_account_holder: Text | None = ProofRules.refund_account_holder
    refund_interest_note: Text | None = ProofRules.refund_interest_note
    receipts_before_approval: Bool = ProofRules.receipts_before_approval

    def problems(self, data: Located, out: Collector) -> None:
        if data.get(("due_months_after_end",)) is None and data.get(("due_fixed_date",)) is None:
            out.add(line_at(data), "In 'proof' fehlt die Frist: 'due_months_after_end' oder 'due_fixed_date'.")
        elif self.due_months_after_end is not None and self.due_fixed_date is not None:
            out.add(
                line_at(data, "due_fixed_date"),
                "Bitte nur eine Frist angeben: 'due_months_after_end' oder 'due_fixed_date'.",
            )
        for part in self.parts:
            if part not in PROOF_PARTS:
                out.add(line_at(data, "parts"), f"'parts' kennt nur: {', '.join(PROOF_PARTS)}; gefunden: {part}")

    def build(self) -> ProofRules:
        return ProofRules(**values(self, due_fixed_date="due_fixed_month_day"))


class PublicitySpec(Spec):
    """publicity: the publicity duty; its text is needed when the duty applies."""

    required: Bool = True
    text: Text | None = None
    clause: Text | None = PublicityRules.clause

    def problems(self, data: Located, out: Collector) -> None:
        if self.required and self.text is None:
            needs(out, data, "publicity", "text")

    def build(self) -> PublicityRules:
        return PublicityRules(**{**values(self), "text": self.text or ""})


class TransparencySpec(Spec):
    """transparency: what the fund publishes beyond budget and counts (absent: nothing more)."""

    monitoring_public: Bool = TransparencyRules.monitoring_public
    clause: Text | None = TransparencyRules.clause
    easy_language: Bool = TransparencyRules.easy_language

    def build(self) -> TransparencyRules:
        return TransparencyRules(**values(self))


class RetentionSpec(Spec):
    """retention: how long personal data is kept."""

    years: Annotated[int, integer(1, 30)]
    clause: Text | None = RetentionRules.clause

    def build(self) -> RetentionRules:
        return RetentionRules(**values(self))


class FormFieldSpec(Spec):
    """form_fields[]: an extra form field the guideline asks for."""

    type: Annotated[str, choice(FIELD_TYPES)]
    choices: Texts = default_of(FormField.choices)  # needed for type choice
    id: Text
    label: Text
    required: Bool = False
    help: Text | None = FormField.help

    def problems(self, data: Located, out: Collector) -> None:
        if self.type == "choice" and data.get(("choices",)) is None:
            needs(out, data, "form_fields", "choices")
        elif self.type == "choice" and not self.choices:
            out.add(line_at(data, "choices"), "Ein Auswahlfeld braucht mindestens eine Auswahl ('choices').")

    def build(self) -> FormField:
        return FormField(**values(self))


class DeclarationSpec(Spec):
    """declarations[]: a declaration the applicant must tick."""

    id: Text
    text: Text
    clause: Text | None = Declaration.clause


class ChecklistSpec(Spec):
    """review_checklist[]: an item of the formal review checklist."""

    id: Text
    label: Text
    clause: Text | None = ChecklistItem.clause


class ConditionSpec(Spec):
    """conditions[]: a standard condition (Auflage)."""

    id: Text
    text: Text


# the lists at the top of the file: the model of an element and how its ids are named in a problem
LISTS: dict[str, tuple[type[Spec], str]] = {
    "form_fields": (FormFieldSpec, "Formularfeldern (form_fields)"),
    "declarations": (DeclarationSpec, "Erklärungen (declarations)"),
    "review_checklist": (ChecklistSpec, "Prüfpunkten (review_checklist)"),
    "conditions": (ConditionSpec, "Auflagen (conditions)"),
}


def list_problems(out: Collector, data: Located, valid: dict[str, list[Any]]) -> None:
    """The relations within the elements of the top lists, and their ids unique."""
    for key, (_, what) in LISTS.items():
        for spec, item in aligned(valid.get(key, []), data, key):
            spec.problems(item, out)
        unique(out, data, (key,), what)


def letter_text_kinds() -> tuple[str, ...]:
    """The letter kinds whose text a guideline may bring (the registry of letter kinds says which)."""
    return GUIDELINE_TEXT_KINDS


class LetterSpec(Spec):
    """letters.<kind>: the text of one letter kind."""

    subject: Text
    body: Text
    closing: Text | None = LetterText.closing

    def build(self) -> LetterText:
        return LetterText(**values(self))


@functools.cache
def letters_spec() -> type[Spec]:
    """letters: a text for each kind the registry of letter kinds lets a guideline bring."""
    kinds: dict[str, Any] = {kind: (LetterSpec | None, None) for kind in letter_text_kinds()}
    return create_model("LettersSpec", __base__=Spec, **kinds)


def read_letters(spec: Spec | None, data: Located, out: Collector) -> dict[str, LetterText]:
    """Letter texts by kind; unknown {placeholders} are problems."""
    letters: dict[str, LetterText] = {}
    for kind in letter_text_kinds():
        text = getattr(spec, kind, None)
        if isinstance(text, LetterSpec):
            letters[kind] = text.build()
            _check_placeholders(data.at((kind,)), out, kind, letters[kind])
    return letters


def _check_placeholders(item: Located, out: Collector, kind: str, text: LetterText) -> None:
    """Report {placeholders} the letter of this kind does not know (they would print verbatim)."""
    for key, value in (("subject", text.subject), ("body", text.body), ("closing", text.closing)):
        if not value:
            continue
        unknown = check_template(value, kind)
        if unknown:
            known = ", ".join("{" + n + "}" for n in placeholders_for(kind))
            names = ", ".join("{" + n + "}" for n in unknown)
            out.add(line_at(item, key), f"Unbekannte Platzhalter im Brief '{kind}': {names}. Erlaubt sind: {known}.")


def _line_of_placeholder(data: Located, path: tuple[str, ...], name: str) -> int:
    """The line of the first key under `path` whose text uses {name}; else the line of `path`."""
    line = line_at(data, path[0])
    for end in range(2, len(path) + 1):
        inner = data.get(path[: end - 1])
        if not isinstance(inner, dict) or path[end - 1] not in inner:
            return line
        line = data.key_line(path[:end])
    value = data.get(path)
    for key, text in value.items() if isinstance(value, dict) else ():
        if isinstance(text, str) and "{" + name + "}" in text:
            return data.key_line((*path, key))
    return line


def check_fillable(out: Collector, data: Located, g: Guideline) -> None:
    """Report placeholders a letter kind can never fill for this guideline (it would be held)."""
    found = unfillable_placeholders(g)
    remedy_kinds: dict[str, list[str]] = {}
    for u in found:
        if u.in_remedy:
            remedy_kinds.setdefault(u.name, []).append(f"'{u.kind}'")
            continue
        _never_filled(out, data, ("letters", u.kind), u.name, f"dem Brief '{u.kind}' ({u.label})")
    remedy_path = ("letters", "objection") if "objection" in g.letters else ("issuance",)
    for name, kinds in remedy_kinds.items():
        _never_filled(out, data, remedy_path, name, f"der Rechtsbehelfsbelehrung (Briefe {', '.join(kinds)})")


def _never_filled(out: Collector, data: Located, path: tuple[str, ...], name: str, where: str) -> None:
    out.add(
        _line_of_placeholder(data, path, name),
        f"Der Platzhalter {{{name}}} in {where} bleibt bei dieser Förderrichtlinie immer leer; "
        "der Brief würde nie verschickt. Bitte nehmen Sie ihn aus dem Text oder ergänzen Sie die "
        "Angabe, aus der er gefüllt wird (z. B. Runden mit Sitzungsterminen für {session_date}, "
        "'office.phone' für {office_phone}).",
    )
