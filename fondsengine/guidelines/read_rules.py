"""Read the fund, budget, area, applicant, amount, own-contribution and cost sections."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Annotated

from pydantic import Field

from fondsengine.guidelines.model import (
    AmountRules,
    ApplicantKind,
    ApplicantRules,
    AreaRules,
    BudgetRules,
    BudgetYear,
    CoFinancing,
    CostCategory,
    CostRules,
    DeMinimisRules,
    FundingSource,
    Office,
    OwnContributionRules,
)
from fondsengine.guidelines.spec import (
    LIST,
    Bool,
    Fractions,
    Money,
    Percent,
    Spec,
    Text,
    Texts,
    aligned,
    at_least_one,
    choice,
    complete,
    default_of,
    integer,
    line_at,
    needs,
    unique,
    values,
)
from fondsengine.guidelines.yamlreader import Collector
from fondsengine.labels import AREA_LINK_NAMES
from fondsengine.money import format_euro
from fondsengine.schema import Located

LINK_KINDS = frozenset(AREA_LINK_NAMES)  # the links to the area a guideline may accept, named in fondsengine/labels.py


class OfficeSpec(Spec):
    """office: the Geschäftsführung (letterhead)."""

    name: Text
    address: Texts
    email: Text
    phone: Text | None = Office.phone
    website: Text | None = Office.website
    logo: Text | None = Office.logo
    city_name: Text | None = Office.city_name

    def build(self) -> Office:
        return Office(**values(self))


class YearSpec(Spec):
    """budget.years[]: the pot of one Haushaltsjahr."""

    year: Annotated[int, integer(2000, 2100)]
    amount: Money
    clause: Text | None = BudgetYear.clause

    def build(self) -> BudgetYear:
        return BudgetYear(**values(self, amount="amount_cents"))


class CoFinancingSpec(Spec):
    """budget.co_financing: the share of the pot that must come from private money."""

    private_min_share_percent: Percent
    clause: Text | None = CoFinancing.clause


class FundingSourceSpec(Spec):
    """budget.funding_sources[]: who pays which share of the fund."""

    name: Text
    share_percent: Percent


class BudgetSpec(Spec):
    """budget: the yearly pots and the fund's financing."""

    years: Annotated[list[YearSpec], LIST, at_least_one("'years' muss mindestens ein Haushaltsjahr enthalten.")]
    carry_over: Bool = False
    clause: Text | None = BudgetRules.clause
    co_financing: CoFinancingSpec | None = None
    funding_sources: Annotated[list[FundingSourceSpec], LIST] = default_of(BudgetRules.funding_sources)
    funding_clause: Text | None = BudgetRules.funding_clause

    def problems(self, data: Located, out: Collector) -> None:
        unique(out, data, ("years",), "Haushaltsjahren (years)", "year")
        unique(out, data, ("funding_sources",), "Geldgebern (funding_sources)", "name")
        co = self.co_financing
        if co is not None and not 0 < co.private_min_share_percent < 1:
            out.add(
                line_at(data, "co_financing", "private_min_share_percent"),
                "'private_min_share_percent' muss größer als 0 und kleiner als 100 sein.",
            )
        total = sum((s.share_percent for s in self.funding_sources), Fraction(0))
        if aligned(self.funding_sources, data, "funding_sources") and total != 1:
            out.add(
                line_at(data, "funding_sources"),
                "Die Anteile in 'funding_sources' müssen zusammen 100 % ergeben, "
                f"gefunden: {float(total * 100):.4g} %.",
            )

    def build(self) -> BudgetRules:
        co = self.co_financing
        return BudgetRules(
            **values(self, skip={"years", "co_financing", "funding_sources"}),
            years=tuple(sorted((y.build() for y in self.years), key=lambda y: y.year)),
            co_financing=CoFinancing(co.private_min_share_percent, co.clause) if co else None,
            funding_sources=tuple(FundingSource(s.name, s.share_percent) for s in self.funding_sources),
        )


class AreaSpec(Spec):
    """area: the Programmgebiet."""

    name: Text
    postcodes: Texts = Field(default_factory=list)
    streets: Texts = Field(default_factory=list)
    link_kinds: Texts = Field(default_factory=list)
    link_required: Bool = False
    benefit_suffices: Bool = False
    clause: Text | None = AreaRules.clause
    outline: Texts = default_of(AreaRules.outline)  # corners written "51.4381, 7.3352" (latitude, longitude)

    def problems(self, data: Located, out: Collector) -> None:
        for link in self.link_kinds:
            if link not in LINK_KINDS:
                options = ", ".join(sorted(LINK_KINDS))
                out.add(line_at(data, "link_kinds"), f"'link_kinds' kennt nur: {options}; gefunden: {link}")
        if self.link_required and not self.link_kinds:
            out.add(line_at(data, "link_required"), "'link_required' ist true, aber 'link_kinds' ist leer.")
        self._corners(data, out)

    def _corners(self, data: Located, out: Collector | None = None) -> tuple[tuple[float, float], ...]:
        corners: list[tuple[float, float]] = []
        for text in self.outline:
            parts = [p.strip() for p in text.split(",")]
            try:
                lat, lon = (float(parts[0]), float(parts[1])) if len(parts) == 2 else (math.nan, math.nan)
            except ValueError:
                lat, lon = math.nan, math.nan
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                if out is not None:
                    out.add(
                        line_at(data, "outline"),
                        f"Jeder Eckpunkt in 'outline' ist „Breite, Länge“ in Grad (WGS 84), "
                        f"z. B. „51.4381, 7.3352“; gefunden: {text}",
                    )
                return ()
            corners.append((lat, lon))
        if corners and len(corners) < 3:
            if out is not None:
                out.add(line_at(data, "outline"), "'outline' braucht mindestens drei Eckpunkte.")
            return ()
        return tuple(corners)

    def build(self) -> AreaRules:
        return AreaRules(**{**values(self), "outline": self._corners(Located({}, {}))})


class KindSpec(Spec):
    """applicants.kinds[] / applicants.excluded[]: a kind of applicant."""

    id: Text
    label: Text


class ApplicantsSpec(Spec):
    """applicants: who may apply."""

    kinds: Annotated[
        list[KindSpec], LIST, at_least_one("'kinds' muss mindestens eine Art von Antragstellenden nennen.")
    ]
    excluded: Annotated[list[KindSpec], LIST] = Field(default_factory=list)
    nonprofit_required: Bool = False
    clause: Text | None = ApplicantRules.clause

    def problems(self, data: Located, out: Collector) -> None:
        unique(out, data, ("kinds", "excluded"), "Antragstellenden (kinds/excluded)")

    def build(self) -> ApplicantRules:
        return ApplicantRules(
            **values(self, skip={"kinds", "excluded"}),
            kinds=tuple(ApplicantKind(**values(k)) for k in self.kinds),
            excluded=tuple(ApplicantKind(**values(k)) for k in self.excluded),
        )


class AmountsSpec(Spec):
    """amounts: minimum, maximum, caps, share and repeat funding."""

    min: Money
    max: Money
    per_applicant_year_cap: Money | None = None
    max_share_percent: Percent
    repeat_shares: Fractions = Field(default_factory=list)  # "2/3": the 2nd, 3rd ... funding
    repeat_allowed: Bool = AmountRules.repeat_allowed
    clause: Text | None = AmountRules.clause
    cap_clause: Text | None = AmountRules.cap_clause
    share_clause: Text | None = AmountRules.share_clause
    repeat_clause: Text | None = AmountRules.repeat_clause
    max_clause: Text | None = AmountRules.max_clause
    repeat_max: Annotated[int, integer(0, 20)] | None = AmountRules.repeat_max
    repeat_share_base: Annotated[str, choice(("own", "first"))] = AmountRules.repeat_share_base
    normal_share_percent: Percent | None = AmountRules.normal_share
    normal_max: Money | None = AmountRules.normal_max_cents
    soft_clause: Text | None = AmountRules.soft_clause

    def problems(self, data: Located, out: Collector) -> None:
        low, high, cap = self.min, self.max, self.per_applicant_year_cap
        if high < low:
            out.add(line_at(data, "max"), f"'max' ({format_euro(high)}) ist kleiner als 'min' ({format_euro(low)}).")
        if cap is None and self.cap_clause is not None:
            out.add(
                line_at(data, "cap_clause"),
                "'cap_clause' gilt nur für die Jahresobergrenze je Antragsteller "
                "('per_applicant_year_cap'), die hier fehlt; für den Höchstbetrag je Projekt "
                "nehmen Sie 'max_clause'.",
            )
        if cap is not None and cap < high:
            out.add(
                line_at(data, "per_applicant_year_cap"),
                f"'per_applicant_year_cap' ({format_euro(cap)}) ist kleiner als 'max' ({format_euro(high)}).",
            )
        if self.max_share_percent == 0:
            out.add(line_at(data, "max_share_percent"), "'max_share_percent' muss größer als 0 sein.")
        for i, (before, share) in enumerate(itertools.pairwise(self.repeat_shares), start=1):
            if share > before:
                out.add(data.line(("repeat_shares", i)), "Die Anteile in 'repeat_shares' dürfen nicht steigen.")
        if self.repeat_max is not None and (self.repeat_max == 0 or not self.repeat_allowed):
            out.add(
                line_at(data, "repeat_max"),
                "'repeat_max' zählt erlaubte Wiederholungen und muss mindestens 1 sein; sollen "
                "Wiederholungen gar nicht gefördert werden, setzen Sie 'repeat_allowed: false'.",
            )
        if self.repeat_share_base == "first" and not self.repeat_shares:
            out.add(
                line_at(data, "repeat_share_base"),
                "'repeat_share_base: first' braucht fallende Anteile in 'repeat_shares'.",
            )
        normal = self.normal_share_percent
        if normal is not None and not 0 < normal < self.max_share_percent:
            out.add(
                line_at(data, "normal_share_percent"),
                "'normal_share_percent' (die Regel-Grenze) muss größer als 0 und kleiner als "
                "'max_share_percent' (die feste Grenze) sein.",
            )
        if self.normal_max is not None and not low <= self.normal_max < high:
            out.add(
                line_at(data, "normal_max"),
                "'normal_max' (der Regel-Höchstbetrag) muss zwischen 'min' und 'max' liegen und "
                "kleiner als 'max' sein.",
            )

    def build(self) -> AmountRules:
        return AmountRules(
            **values(
                self,
                min="min_cents",
                max="max_cents",
                per_applicant_year_cap="per_applicant_year_cap_cents",
                max_share_percent="max_share",
                normal_share_percent="normal_share",
                normal_max="normal_max_cents",
            )
        )


class OwnContributionSpec(Spec):
    """own_contribution: Eigenanteil (money) and Eigenleistung (volunteer work); absent: none asked."""

    min_share_percent: Percent = Fraction(0)
    money_min_share_percent: Percent = Fraction(0)
    volunteer_hour_rate: Money | None = None  # needed when volunteer work counts
    volunteer_max_share_percent: Percent = Fraction(1)
    volunteer_allowed: Bool = False
    clause: Text | None = OwnContributionRules.clause
    volunteer_max: Money | None = OwnContributionRules.volunteer_max_cents
    volunteer_clause: Text | None = OwnContributionRules.volunteer_clause

    def problems(self, data: Located, out: Collector) -> None:
        if self.money_min_share_percent > self.min_share_percent:
            out.add(
                line_at(data, "money_min_share_percent"),
                "'money_min_share_percent' darf nicht größer sein als 'min_share_percent'.",
            )
        if self.volunteer_allowed and self.volunteer_hour_rate is None:
            needs(out, data, "own_contribution", "volunteer_hour_rate")
        if self.volunteer_max is not None and not self.volunteer_allowed:
            out.add(
                line_at(data, "volunteer_max"),
                "'volunteer_max' ist gesetzt, aber 'volunteer_allowed' ist false: ehrenamtliche "
                "Arbeit zählt in diesem Fonds gar nicht.",
            )
        if self.volunteer_max == 0:
            out.add(
                line_at(data, "volunteer_max"),
                "'volunteer_max' muss größer als 0 sein; soll Ehrenamt nicht zählen, "
                "setzen Sie 'volunteer_allowed: false'.",
            )

    def build(self) -> OwnContributionRules:
        return OwnContributionRules(
            **values(
                self,
                skip={"volunteer_hour_rate"},
                min_share_percent="min_share",
                money_min_share_percent="money_min_share",
                volunteer_max_share_percent="volunteer_max_share",
                volunteer_max="volunteer_max_cents",
            ),
            volunteer_hour_rate_cents=self.volunteer_hour_rate or 0,
        )


class CategorySpec(Spec):
    """costs.categories[]: a cost category and its limits."""

    id: Text
    label: Text
    eligible: Bool
    max: Money | None = CostCategory.max_cents
    max_share_percent: Percent | None = CostCategory.max_share
    hourly_cap: Money | None = CostCategory.hourly_cap_cents
    not_for_applicant: Bool = CostCategory.not_for_applicant
    not_for_group_members: Bool = CostCategory.not_for_group_members
    inventory_duty: Bool = CostCategory.inventory_duty
    note: Text | None = CostCategory.note
    clause: Text | None = CostCategory.clause

    def problems(self, data: Located, out: Collector) -> None:
        if self.not_for_group_members and not self.not_for_applicant:
            out.add(
                line_at(data, "not_for_group_members"),
                f"Die Kostenart '{self.id}' hat 'not_for_group_members: true', aber nicht "
                "'not_for_applicant: true': was nicht an Mitglieder der Gruppe gehen darf, darf "
                "erst recht nicht an die antragstellende Person gehen.",
            )
        limited = self.max is not None or self.max_share_percent is not None or self.hourly_cap
        if not self.eligible and limited:
            out.add(
                line_at(data, "eligible"),
                f"Die Kostenart '{self.id}' ist nicht förderfähig, hat aber eine Obergrenze.",
            )

    def build(self) -> CostCategory:
        return CostCategory(
            **values(self, max="max_cents", max_share_percent="max_share", hourly_cap="hourly_cap_cents")
        )


class CostsSpec(Spec):
    """costs: the cost categories, the flat overhead and VAT."""

    categories: Annotated[list[CategorySpec], LIST]
    overhead_flat_percent: Percent | None = CostRules.overhead_flat_share
    overhead_clause: Text | None = CostRules.overhead_clause
    clause: Text | None = CostRules.clause
    net_if_input_tax_deductible: Bool = CostRules.net_if_input_tax_deductible
    vat_percent: Percent | None = None  # none: CostRules.vat_share
    vat_clause: Text | None = CostRules.vat_clause

    def problems(self, data: Located, out: Collector) -> None:
        for category, item in aligned(self.categories, data, "categories"):
            category.problems(item, out)
        unique(out, data, ("categories",), "Kostenarten (categories)")
        if complete(self.categories, data, "categories") and not any(c.eligible for c in self.categories):
            out.add(line_at(data, "categories"), "Mindestens eine Kostenart muss förderfähig sein.")
        if self.vat_percent is not None and not self.net_if_input_tax_deductible:
            out.add(
                line_at(data, "vat_percent"),
                "'vat_percent' wird nur mit 'net_if_input_tax_deductible: true' gebraucht.",
            )

    def build(self) -> CostRules:
        return CostRules(
            **values(self, skip={"categories", "vat_percent"}, overhead_flat_percent="overhead_flat_share"),
            categories=tuple(c.build() for c in self.categories),
            vat_share=CostRules.vat_share if self.vat_percent is None else self.vat_percent,
        )


class DeMinimisSpec(Spec):
    """de_minimis: the limit of de-minimis aid, the applicant kinds it applies to, the years counted."""

    limit: Money
    kinds: Annotated[Texts, at_least_one("'kinds' muss mindestens eine Art nennen.")]
    years: Annotated[int, integer(1, 10)] = DeMinimisRules.years
    clause: Text | None = DeMinimisRules.clause

    def problems(self, data: Located, out: Collector) -> None:
        if self.limit == 0:
            out.add(line_at(data, "limit"), "'limit' muss größer als 0 sein.")

    def kind_problems(self, data: Located, out: Collector, applicant_kinds: frozenset[str]) -> None:
        """Every kind is a kind of applicant ('applicants.kinds')."""
        for kind in self.kinds:
            if applicant_kinds and kind not in applicant_kinds:
                known = ", ".join(sorted(applicant_kinds))
                out.add(
                    line_at(data, "kinds"),
                    f"'kinds' nennt '{kind}', das ist keine Art von Antragstellenden in 'applicants.kinds' ({known}).",
                )

    def build(self) -> DeMinimisRules:
        return DeMinimisRules(**values(self, limit="limit_cents"))
