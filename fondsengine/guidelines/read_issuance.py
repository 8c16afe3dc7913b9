"""Read the `issuance` section: decision form, issuer, file number scheme, remedy, financing."""

from __future__ import annotations

from fondsengine.guidelines.model import DecisionForm, Financing, Issuance, Issuer, Signatory
from fondsengine.guidelines.read_rules import need
from fondsengine.guidelines.yamlreader import Section
from fondsengine.letters.template import placeholders_in

ISSUANCE_KEYS = {
    "form", "issuer", "file_number_scheme", "financing", "remedy", "remedy_clause", "revocation",
    "use_within_months", "general_terms", "address_required", "clause",
}  # fmt: skip
ISSUER_KEYS = {"name", "address", "signatory", "unsigned"}
SCHEME_PLACEHOLDERS = ("year", "number", "file_number")


def read_issuance(sec: Section) -> Issuance | None:
    """The section, or None when the guideline has none (letters then name the office only)."""
    if sec.absent:
        return None
    form = sec.choice("form", [f.value for f in DecisionForm])
    financing = sec.choice("financing", [f.value for f in Financing])
    issuer = _read_issuer(sec.section("issuer", ISSUER_KEYS))
    scheme = need(sec.text("file_number_scheme"), "{file_number}")
    _check_scheme(sec, scheme)
    remedy = sec.text("remedy", required=False)
    if form == DecisionForm.BESCHEID.value and remedy is None and sec.node("remedy") is None:
        sec.out.add(
            sec.line_at("form"),
            "Ein Bescheid (form: bescheid) ist ein Verwaltungsakt und braucht eine "
            "Rechtsbehelfsbelehrung ('remedy'): bei welchem Gericht oder welcher Behörde, "
            "innerhalb welcher Frist und in welcher Form.",
        )
    if remedy is not None:
        _check_remedy_placeholders(sec, remedy)
    return Issuance(
        form=DecisionForm(form or DecisionForm.ZUWENDUNGSVERTRAG.value),
        issuer=issuer,
        file_number_scheme=scheme,
        financing=Financing(financing or Financing.FIXED_AMOUNT.value),
        remedy=remedy,
        remedy_clause=sec.text("remedy_clause", required=False),
        revocation=sec.text("revocation", required=False),
        use_within_months=need(
            sec.integer("use_within_months", required=False, minimum=1, maximum=24), 2
        ),
        general_terms=tuple(sec.texts("general_terms")),
        address_required=need(sec.boolean("address_required", True), True),
        clause=sec.text("clause", required=False),
    )


def _read_issuer(sec: Section) -> Issuer:
    signatory: Signatory | None = None
    if sec.present("signatory"):
        item = sec.section("signatory", {"name", "role"})
        signatory = Signatory(need(item.text("name"), ""), need(item.text("role"), ""))
    unsigned = sec.text("unsigned", required=False)
    if not sec.absent and signatory is None and unsigned is None and sec.node("unsigned") is None:
        sec.out.add(
            sec.line,
            "In 'issuer' fehlt, wer unterschreibt: 'signatory' (mit 'name' und 'role') oder "
            "'unsigned' (der Hinweis für Schreiben ohne Unterschrift).",
        )
    elif signatory is not None and unsigned is not None:
        sec.out.add(
            sec.line_at("unsigned"),
            "Bitte nur eins angeben: 'signatory' (wer unterschreibt) oder 'unsigned' "
            "(Schreiben ohne Unterschrift).",
        )
    return Issuer(
        name=need(sec.text("name"), ""),
        address=tuple(sec.texts("address", required=True)),
        signatory=signatory,
        unsigned_text=unsigned,
    )


def _check_scheme(sec: Section, scheme: str) -> None:
    names = placeholders_in(scheme)
    unknown = [n for n in names if n not in SCHEME_PLACEHOLDERS]
    if unknown:
        sec.out.add(
            sec.line_at("file_number_scheme"),
            f"Unbekannte Platzhalter in 'file_number_scheme': {', '.join('{' + n + '}' for n in unknown)}. "
            "Erlaubt sind: {year}, {number}, {file_number}.",
        )
    elif "number" not in names and "file_number" not in names:
        sec.out.add(
            sec.line_at("file_number_scheme"),
            "'file_number_scheme' braucht {number} oder {file_number}, sonst bekämen alle Anträge "
            "dasselbe Aktenzeichen.",
        )


def _check_remedy_placeholders(sec: Section, remedy: str) -> None:
    from fondsengine.letters.registry import check_template

    unknown = check_template(remedy, "objection")
    if unknown:
        sec.out.add(
            sec.line_at("remedy"),
            f"Unbekannte Platzhalter in 'remedy': {', '.join('{' + n + '}' for n in unknown)}.",
        )
