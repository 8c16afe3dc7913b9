"""The `issuance` section: decision form, issuer, file number scheme, remedy, financing."""

from __future__ import annotations

from typing import Annotated

from fondsengine.guidelines.model import DecisionForm, Financing, Issuance, Issuer, Signatory
from fondsengine.guidelines.spec import Bool, Spec, Text, Texts, default_of, integer, line_at, one_of, values
from fondsengine.guidelines.yamlreader import Collector
from fondsengine.letters.registry import check_template
from fondsengine.letters.template import placeholders_in
from fondsengine.schema import Located

SCHEME_PLACEHOLDERS = ("year", "number", "file_number")


class SignatorySpec(Spec):
    """issuance.issuer.signatory: the person who signs, with their role."""

    name: Text
    role: Text


class IssuerSpec(Spec):
    """issuance.issuer: who issues the decisions; who signs them, or the note that nobody does."""

    name: Text
    address: Texts
    signatory: SignatorySpec | None = None
    unsigned: Text | None = Issuer.unsigned_text

    def problems(self, data: Located, out: Collector) -> None:
        if data.get(("signatory",)) is None and data.get(("unsigned",)) is None:
            out.add(
                line_at(data),
                "In 'issuer' fehlt, wer unterschreibt: 'signatory' (mit 'name' und 'role') oder "
                "'unsigned' (der Hinweis für Schreiben ohne Unterschrift).",
            )
        elif self.signatory is not None and self.unsigned is not None:
            out.add(
                line_at(data, "unsigned"),
                "Bitte nur eins angeben: 'signatory' (wer unterschreibt) oder 'unsigned' "
                "(Schreiben ohne Unterschrift).",
            )

    def build(self) -> Issuer:
        signatory = Signatory(**values(self.signatory)) if self.signatory else None
        return Issuer(self.name, tuple(self.address), signatory, self.unsigned)


class IssuanceSpec(Spec):
    """issuance (absent: letters name the office only)."""

    form: Annotated[DecisionForm, one_of(DecisionForm)]
    financing: Annotated[Financing, one_of(Financing)]
    issuer: IssuerSpec
    file_number_scheme: Text  # e.g. "61/QF/{year}/{number}"
    remedy: Text | None = None  # needed for a Bescheid
    remedy_clause: Text | None = Issuance.remedy_clause
    revocation: Text | None = Issuance.revocation
    use_within_months: Annotated[int, integer(1, 24)] = Issuance.use_within_months
    general_terms: Texts = default_of(Issuance.general_terms)
    address_required: Bool = Issuance.address_required
    clause: Text | None = Issuance.clause

    def problems(self, data: Located, out: Collector) -> None:
        self.issuer.problems(data.at(("issuer",)), out)
        self._check_scheme(data, out)
        if self.form is DecisionForm.BESCHEID and data.get(("remedy",)) is None:
            out.add(
                line_at(data, "form"),
                "Ein Bescheid (form: bescheid) ist ein Verwaltungsakt und braucht eine "
                "Rechtsbehelfsbelehrung ('remedy'): bei welchem Gericht oder welcher Behörde, "
                "innerhalb welcher Frist und in welcher Form.",
            )
        if self.remedy is not None:
            unknown = check_template(self.remedy, "objection")
            if unknown:
                out.add(
                    line_at(data, "remedy"),
                    f"Unbekannte Platzhalter in 'remedy': {', '.join('{' + n + '}' for n in unknown)}.",
                )

    def _check_scheme(self, data: Located, out: Collector) -> None:
        names = placeholders_in(self.file_number_scheme)
        unknown = [n for n in names if n not in SCHEME_PLACEHOLDERS]
        if unknown:
            out.add(
                line_at(data, "file_number_scheme"),
                f"Unbekannte Platzhalter in 'file_number_scheme': {', '.join('{' + n + '}' for n in unknown)}. "
                "Erlaubt sind: {year}, {number}, {file_number}.",
            )
        elif "number" not in names and "file_number" not in names:
            out.add(
                line_at(data, "file_number_scheme"),
                "'file_number_scheme' braucht {number} oder {file_number}, sonst bekämen alle Anträge "
                "dasselbe Aktenzeichen.",
            )

    def build(self) -> Issuance:
        return Issuance(**{**values(self), "issuer": self.issuer.build(), "general_terms": tuple(self.general_terms)})
