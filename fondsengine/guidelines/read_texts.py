"""Read the proof-of-use, publicity, retention, form, declaration and letter sections."""

from __future__ import annotations

from typing import Annotated

from yaml.nodes import MappingNode, Node, ScalarNode

from fondsengine.guidelines.model import (
    ChecklistItem,
    ConditionText,
    Declaration,
    FormField,
    Guideline,
    LetterText,
    ProofRules,
    PublicityRules,
    RetentionRules,
    TransparencyRules,
)
from fondsengine.guidelines.read_rules import check_unique, need
from fondsengine.guidelines.spec import Bool, Spec, Text, integer, line_at, values
from fondsengine.guidelines.yamlreader import Collector, Section, line_of
from fondsengine.schema import Located

FIELD_TYPES = ("text", "textarea", "number", "date", "choice", "bool")
PROOF_PARTS = ("report", "receipts", "photos", "participants", "publicity_evidence")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def read_proof(sec: Section) -> ProofRules:
    """Deadline, parts and refunds of the proof of use."""
    months = sec.integer("due_months_after_end", required=False, minimum=1, maximum=24)
    fixed = _month_day(sec)
    no_deadline = sec.node("due_months_after_end") is None and sec.node("due_fixed_date") is None
    if no_deadline and not sec.absent:
        sec.out.add(sec.line, "In 'proof' fehlt die Frist: 'due_months_after_end' oder 'due_fixed_date'.")
    elif months is not None and fixed is not None:
        sec.out.add(
            sec.line_at("due_fixed_date"),
            "Bitte nur eine Frist angeben: 'due_months_after_end' oder 'due_fixed_date'.",
        )
    parts = sec.texts("parts", required=True)
    for part in parts:
        if part not in PROOF_PARTS:
            sec.out.add(
                sec.line_at("parts"),
                f"'parts' kennt nur: {', '.join(PROOF_PARTS)}; gefunden: {part}",
            )
    return ProofRules(
        due_months_after_end=months,
        due_fixed_month_day=fixed,
        parts=tuple(parts),
        refund_unused=need(sec.boolean("refund_unused", True), True),
        cut_when_lower=need(sec.boolean("cut_when_lower", True), True),
        refund_due_days=need(sec.integer("refund_due_days", required=False, minimum=1), 30),
        clause=sec.text("clause", required=False),
        refund_clause=sec.text("refund_clause", required=False),
        refund_iban=sec.text("refund_iban", required=False),
        refund_account_holder=sec.text("refund_account_holder", required=False),
        refund_interest_note=sec.text("refund_interest_note", required=False),
        receipts_before_approval=need(sec.boolean("receipts_before_approval", False), False),
    )


def _month_day(sec: Section) -> tuple[int, int] | None:
    raw = sec.text("due_fixed_date", required=False)
    if raw is None:
        return None
    parts = raw.split("-")
    ok = len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts)
    month, day = (int(parts[0]), int(parts[1])) if ok else (0, 0)
    if not ok or not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        sec.out.add(
            sec.line_at("due_fixed_date"),
            "'due_fixed_date' muss Monat und Tag im Format \"MM-TT\" sein "
            f'(z. B. "01-31" für den 31. Januar des Folgejahres), gefunden: {raw}',
        )
        return None
    return (month, day)


class PublicitySpec(Spec):
    """publicity: the publicity duty; its text is needed when the duty applies."""

    required: Bool = True
    text: Text | None = None
    clause: Text | None = PublicityRules.clause

    def problems(self, data: Located, out: Collector) -> None:
        if self.required and self.text is None:
            out.add(line_at(data), "In 'publicity' fehlt der Pflichtschlüssel 'text'.")

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


def read_form_fields(out: Collector, nodes: list[Node]) -> tuple[FormField, ...]:
    """Extra form fields."""
    fields: list[FormField] = []
    ids: list[tuple[str, int]] = []
    for node in nodes:
        item = Section(out, node, "form_fields", {"id", "label", "type", "required", "choices", "help"})
        kind = need(item.choice("type", FIELD_TYPES), "text")
        choices = item.texts("choices", required=kind == "choice")
        if kind == "choice" and item.present("choices") and not choices:
            out.add(
                item.line_at("choices"),
                "Ein Auswahlfeld braucht mindestens eine Auswahl ('choices').",
            )
        field = FormField(
            id=need(item.text("id"), ""),
            label=need(item.text("label"), ""),
            type=kind,
            required=need(item.boolean("required", False), False),
            choices=tuple(choices),
            help=item.text("help", required=False),
        )
        ids.append((field.id, item.line_at("id")))
        fields.append(field)
    check_unique(out, ids, "Formularfeldern (form_fields)")
    return tuple(fields)


def read_declarations(out: Collector, nodes: list[Node]) -> tuple[Declaration, ...]:
    """Declarations the applicant must tick."""
    result: list[Declaration] = []
    ids: list[tuple[str, int]] = []
    for node in nodes:
        item = Section(out, node, "declarations", {"id", "text", "clause"})
        decl = Declaration(
            need(item.text("id"), ""),
            need(item.text("text"), ""),
            item.text("clause", required=False),
        )
        ids.append((decl.id, item.line_at("id")))
        result.append(decl)
    check_unique(out, ids, "Erklärungen (declarations)")
    return tuple(result)


def read_checklist(out: Collector, nodes: list[Node]) -> tuple[ChecklistItem, ...]:
    """Items of the formal review checklist."""
    result: list[ChecklistItem] = []
    ids: list[tuple[str, int]] = []
    for node in nodes:
        item = Section(out, node, "review_checklist", {"id", "label", "clause"})
        entry = ChecklistItem(
            need(item.text("id"), ""),
            need(item.text("label"), ""),
            item.text("clause", required=False),
        )
        ids.append((entry.id, item.line_at("id")))
        result.append(entry)
    check_unique(out, ids, "Prüfpunkten (review_checklist)")
    return tuple(result)


def read_conditions(out: Collector, nodes: list[Node]) -> tuple[ConditionText, ...]:
    """Standard conditions (Auflagen)."""
    result: list[ConditionText] = []
    ids: list[tuple[str, int]] = []
    for node in nodes:
        item = Section(out, node, "conditions", {"id", "text"})
        entry = ConditionText(need(item.text("id"), ""), need(item.text("text"), ""))
        ids.append((entry.id, item.line_at("id")))
        result.append(entry)
    check_unique(out, ids, "Auflagen (conditions)")
    return tuple(result)


def letter_text_kinds() -> tuple[str, ...]:
    """The letter kinds whose text a guideline may bring (the registry of letter kinds says which)."""
    from fondsengine.letters.registry import GUIDELINE_TEXT_KINDS

    return GUIDELINE_TEXT_KINDS


def read_letters(sec: Section) -> dict[str, LetterText]:
    """Letter texts by kind."""
    letters: dict[str, LetterText] = {}
    for kind in letter_text_kinds():
        if not sec.present(kind):
            continue
        item = sec.section(kind, {"subject", "body", "closing"})
        letters[kind] = LetterText(
            subject=need(item.text("subject"), ""),
            body=need(item.text("body"), ""),
            closing=item.text("closing", required=False),
        )
        _check_placeholders(item, kind, letters[kind])
    return letters


def _check_placeholders(item: Section, kind: str, text: LetterText) -> None:
    """Report {placeholders} the letter of this kind does not know (they would print verbatim)."""
    from fondsengine.letters.registry import check_template, placeholders_for

    for key, value in (("subject", text.subject), ("body", text.body), ("closing", text.closing)):
        if not value:
            continue
        unknown = check_template(value, kind)
        if unknown:
            known = ", ".join("{" + n + "}" for n in placeholders_for(kind))
            names = ", ".join("{" + n + "}" for n in unknown)
            item.out.add(
                item.line_at(key), f"Unbekannte Platzhalter im Brief '{kind}': {names}. Erlaubt sind: {known}."
            )


def _line_of_placeholder(top: Section, path: tuple[str, ...], name: str) -> int:
    """The line of the first key under `path` whose text uses {name}; else the line of `path`."""
    node = top.node(path[0])
    line = top.line_at(path[0])
    for key in path[1:]:
        if not isinstance(node, MappingNode):
            return line
        entry = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)
        if entry is None:
            return line
        line, node = line_of(entry[0]), entry[1]
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(v, ScalarNode) and "{" + name + "}" in str(v.value):
                return line_of(k)
    return line


def check_fillable(top: Section, g: Guideline) -> None:
    """Report placeholders a letter kind can never fill for this guideline (it would be held)."""
    from fondsengine.letters.fillable import unfillable_placeholders

    found = unfillable_placeholders(g)
    remedy_kinds: dict[str, list[str]] = {}
    for u in found:
        if u.in_remedy:
            remedy_kinds.setdefault(u.name, []).append(f"'{u.kind}'")
            continue
        _never_filled(top, ("letters", u.kind), u.name, f"dem Brief '{u.kind}' ({u.label})")
    remedy_path = ("letters", "objection") if "objection" in g.letters else ("issuance",)
    for name, kinds in remedy_kinds.items():
        _never_filled(top, remedy_path, name, f"der Rechtsbehelfsbelehrung (Briefe {', '.join(kinds)})")


def _never_filled(top: Section, path: tuple[str, ...], name: str, where: str) -> None:
    top.out.add(
        _line_of_placeholder(top, path, name),
        f"Der Platzhalter {{{name}}} in {where} bleibt bei dieser Förderrichtlinie immer leer; "
        "der Brief würde nie verschickt. Bitte nehmen Sie ihn aus dem Text oder ergänzen Sie die "
        "Angabe, aus der er gefüllt wird (z. B. Runden mit Sitzungsterminen für {session_date}, "
        "'office.phone' für {office_phone}).",
    )
