"""Read the fund, budget, area, applicant, amount, own-contribution and cost sections."""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import TypeVar

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
from fondsengine.guidelines.spec import Spec, Text, Texts, values
from fondsengine.guidelines.yamlreader import Collector, Section, line_of
from fondsengine.money import format_euro

T = TypeVar("T")
LINK_KINDS = frozenset({"lives", "works", "owns_property", "based"})


def need(value: T | None, fallback: T) -> T:
    """The value, or a fallback when it was missing (a problem is then already recorded)."""
    return fallback if value is None else value


def check_unique(out: Collector, ids: Iterable[tuple[str, int]], what: str) -> None:
    """Report every id that occurs twice."""
    seen: set[str] = set()
    for ident, line in ids:
        if ident in seen:
            out.add(line, f"Die Kennung '{ident}' kommt bei den {what} doppelt vor.")
        seen.add(ident)


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


def read_budget(sec: Section) -> BudgetRules:
    """The yearly pots."""
    years: list[BudgetYear] = []
    seen: list[tuple[str, int]] = []
    for node in sec.items("years", required=True):
        item = Section(sec.out, node, "years", {"year", "amount", "clause"})
        year = item.integer("year", minimum=2000, maximum=2100)
        amount = item.money("amount")
        if year is not None:
            seen.append((str(year), item.line_at("year")))
        years.append(
            BudgetYear(need(year, 0), need(amount, 0), item.text("clause", required=False))
        )
    check_unique(sec.out, seen, "Haushaltsjahren (years)")
    if sec.present("years") and not years:
        sec.out.add(sec.line_at("years"), "'years' muss mindestens ein Haushaltsjahr enthalten.")
    return BudgetRules(
        years=tuple(sorted(years, key=lambda y: y.year)),
        carry_over=need(sec.boolean("carry_over", False), False),
        clause=sec.text("clause", required=False),
        co_financing=_co_financing(sec),
        funding_sources=_funding_sources(sec),
        funding_clause=sec.text("funding_clause", required=False),
    )


def _co_financing(budget: Section) -> CoFinancing | None:
    """The fund-level co-financing rule, if the guideline has one."""
    if not budget.present("co_financing"):
        return None
    sec = budget.section("co_financing", {"private_min_share_percent", "clause"})
    share = sec.percent("private_min_share_percent")
    if share is not None and not 0 < share < 1:
        sec.out.add(
            sec.line_at("private_min_share_percent"),
            "'private_min_share_percent' muss größer als 0 und kleiner als 100 sein.",
        )
        share = None
    return CoFinancing(private_min_share=share, clause=sec.text("clause", required=False)) if share else None


def _funding_sources(sec: Section) -> tuple[FundingSource, ...]:
    """Who pays which share of the fund (Bund, Land, Stadt ...): names unique, shares adding up to 100 %."""
    sources: list[FundingSource] = []
    seen: list[tuple[str, int]] = []
    for node in sec.items("funding_sources"):
        item = Section(sec.out, node, "funding_sources", {"name", "share_percent"})
        name = need(item.text("name"), "")
        share = item.percent("share_percent")
        if name:
            seen.append((name, item.line_at("name")))
        if share is not None:
            sources.append(FundingSource(name, share))
    check_unique(sec.out, seen, "Geldgebern (funding_sources)")
    total = sum((s.share for s in sources), Fraction(0))
    if sources and total != 1:
        sec.out.add(
            sec.line_at("funding_sources"),
            f"Die Anteile in 'funding_sources' müssen zusammen 100 % ergeben, gefunden: {float(total * 100):.4g} %.",
        )
    return tuple(sources)


def read_area(sec: Section) -> AreaRules:
    """The Programmgebiet."""
    links = sec.texts("link_kinds")
    for link in links:
        if link not in LINK_KINDS:
            options = ", ".join(sorted(LINK_KINDS))
            sec.out.add(
                sec.line_at("link_kinds"), f"'link_kinds' kennt nur: {options}; gefunden: {link}"
            )
    link_required = need(sec.boolean("link_required", False), False)
    if link_required and not links:
        sec.out.add(
            sec.line_at("link_required"), "'link_required' ist true, aber 'link_kinds' ist leer."
        )
    return AreaRules(
        name=need(sec.text("name"), ""),
        postcodes=tuple(sec.texts("postcodes")),
        streets=tuple(sec.texts("streets")),
        link_kinds=tuple(links),
        link_required=link_required,
        benefit_suffices=need(sec.boolean("benefit_suffices", False), False),
        clause=sec.text("clause", required=False),
        outline=_outline(sec),
    )


def _outline(sec: Section) -> tuple[tuple[float, float], ...]:
    """The area's outline for the map: corners written "51.4381, 7.3352" (latitude, longitude)."""
    corners: list[tuple[float, float]] = []
    for text in sec.texts("outline"):
        parts = [p.strip() for p in text.split(",")]
        try:
            lat, lon = (float(parts[0]), float(parts[1])) if len(parts) == 2 else (math.nan, math.nan)
        except ValueError:
            lat, lon = math.nan, math.nan
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            sec.out.add(
                sec.line_at("outline"),
                f"Jeder Eckpunkt in 'outline' ist „Breite, Länge“ in Grad (WGS 84), "
                f"z. B. „51.4381, 7.3352“; gefunden: {text}",
            )
            return ()
        corners.append((lat, lon))
    if corners and len(corners) < 3:
        sec.out.add(sec.line_at("outline"), "'outline' braucht mindestens drei Eckpunkte.")
        return ()
    return tuple(corners)


def _kinds(sec: Section, key: str, required: bool) -> list[tuple[ApplicantKind, int]]:
    result: list[tuple[ApplicantKind, int]] = []
    for node in sec.items(key, required=required):
        item = Section(sec.out, node, key, {"id", "label"})
        kind = ApplicantKind(need(item.text("id"), ""), need(item.text("label"), ""))
        result.append((kind, item.line_at("id")))
    return result


def read_applicants(sec: Section) -> ApplicantRules:
    """Who may apply."""
    kinds = _kinds(sec, "kinds", True)
    excluded = _kinds(sec, "excluded", False)
    check_unique(
        sec.out, [(k.id, line) for k, line in kinds + excluded], "Antragstellenden (kinds/excluded)"
    )
    if sec.present("kinds") and not kinds:
        sec.out.add(
            sec.line_at("kinds"), "'kinds' muss mindestens eine Art von Antragstellenden nennen."
        )
    return ApplicantRules(
        kinds=tuple(k for k, _ in kinds),
        excluded=tuple(k for k, _ in excluded),
        nonprofit_required=need(sec.boolean("nonprofit_required", False), False),
        clause=sec.text("clause", required=False),
    )


def read_amounts(sec: Section) -> AmountRules:
    """Minimum, maximum, caps, share and repeat funding."""
    low = sec.money("min")
    high = sec.money("max")
    if low is not None and high is not None and high < low:
        sec.out.add(
            sec.line_at("max"),
            f"'max' ({format_euro(high)}) ist kleiner als 'min' ({format_euro(low)}).",
        )
    cap = sec.money("per_applicant_year_cap", required=False)
    if cap is None and sec.present("cap_clause"):
        sec.out.add(
            sec.line_at("cap_clause"),
            "'cap_clause' gilt nur für die Jahresobergrenze je Antragsteller "
            "('per_applicant_year_cap'), die hier fehlt; für den Höchstbetrag je Projekt "
            "nehmen Sie 'max_clause'.",
        )
    if cap is not None and high is not None and cap < high:
        sec.out.add(
            sec.line_at("per_applicant_year_cap"),
            f"'per_applicant_year_cap' ({format_euro(cap)}) ist kleiner als "
            f"'max' ({format_euro(high)}).",
        )
    share = sec.percent("max_share_percent")
    if share == 0:
        sec.out.add(sec.line_at("max_share_percent"), "'max_share_percent' muss größer als 0 sein.")
    repeat: list[Fraction] = []
    for node in sec.items("repeat_shares"):
        value = sec.fraction(node, "repeat_shares")
        if value is not None:
            if repeat and value > repeat[-1]:
                sec.out.add(line_of(node), "Die Anteile in 'repeat_shares' dürfen nicht steigen.")
            repeat.append(value)
    repeat_allowed = need(sec.boolean("repeat_allowed", True), True)
    repeat_max = sec.integer("repeat_max", required=False, minimum=0, maximum=20)
    if repeat_max is not None and (repeat_max == 0 or not repeat_allowed):
        sec.out.add(
            sec.line_at("repeat_max"),
            "'repeat_max' zählt erlaubte Wiederholungen und muss mindestens 1 sein; sollen "
            "Wiederholungen gar nicht gefördert werden, setzen Sie 'repeat_allowed: false'.",
        )
    base = need(sec.choice("repeat_share_base", ("own", "first"), default="own"), "own")
    if base == "first" and not repeat:
        sec.out.add(
            sec.line_at("repeat_share_base"),
            "'repeat_share_base: first' braucht fallende Anteile in 'repeat_shares'.",
        )
    normal_share = sec.percent("normal_share_percent", required=False)
    if normal_share is not None and share is not None and not 0 < normal_share < share:
        sec.out.add(
            sec.line_at("normal_share_percent"),
            "'normal_share_percent' (die Regel-Grenze) muss größer als 0 und kleiner als "
            "'max_share_percent' (die feste Grenze) sein.",
        )
    normal_max = sec.money("normal_max", required=False)
    if normal_max is not None and high is not None and not (low or 0) <= normal_max < high:
        sec.out.add(
            sec.line_at("normal_max"),
            "'normal_max' (der Regel-Höchstbetrag) muss zwischen 'min' und 'max' liegen und "
            "kleiner als 'max' sein.",
        )
    return AmountRules(
        min_cents=need(low, 0),
        max_cents=need(high, 0),
        per_applicant_year_cap_cents=cap,
        max_share=need(share, Fraction(1)),
        repeat_shares=tuple(repeat),
        repeat_allowed=repeat_allowed,
        clause=sec.text("clause", required=False),
        cap_clause=sec.text("cap_clause", required=False),
        share_clause=sec.text("share_clause", required=False),
        repeat_clause=sec.text("repeat_clause", required=False),
        max_clause=sec.text("max_clause", required=False),
        repeat_max=repeat_max,
        repeat_share_base=base,
        normal_share=normal_share,
        normal_max_cents=normal_max,
        soft_clause=sec.text("soft_clause", required=False),
    )


def read_own_contribution(sec: Section) -> OwnContributionRules:
    """Eigenanteil (money) and Eigenleistung (volunteer work)."""
    min_share = need(sec.percent("min_share_percent", required=False), Fraction(0))
    money_share = need(sec.percent("money_min_share_percent", required=False), Fraction(0))
    if money_share > min_share:
        sec.out.add(
            sec.line_at("money_min_share_percent"),
            "'money_min_share_percent' darf nicht größer sein als 'min_share_percent'.",
        )
    volunteer_allowed = need(sec.boolean("volunteer_allowed", False), False)
    rate = sec.money("volunteer_hour_rate", required=volunteer_allowed)
    volunteer_max = sec.money("volunteer_max", required=False)
    if volunteer_max is not None and not volunteer_allowed:
        sec.out.add(
            sec.line_at("volunteer_max"),
            "'volunteer_max' ist gesetzt, aber 'volunteer_allowed' ist false: ehrenamtliche "
            "Arbeit zählt in diesem Fonds gar nicht.",
        )
    if volunteer_max == 0:
        sec.out.add(
            sec.line_at("volunteer_max"),
            "'volunteer_max' muss größer als 0 sein; soll Ehrenamt nicht zählen, "
            "setzen Sie 'volunteer_allowed: false'.",
        )
    return OwnContributionRules(
        min_share=min_share,
        money_min_share=money_share,
        volunteer_hour_rate_cents=need(rate, 0),
        volunteer_max_share=need(
            sec.percent("volunteer_max_share_percent", required=False), Fraction(1)
        ),
        volunteer_allowed=volunteer_allowed,
        clause=sec.text("clause", required=False),
        volunteer_max_cents=volunteer_max,
        volunteer_clause=sec.text("volunteer_clause", required=False),
    )


CATEGORY_KEYS = {
    "id", "label", "eligible", "max", "max_share_percent", "hourly_cap",
    "not_for_applicant", "inventory_duty", "note", "clause", "not_for_group_members",
}  # fmt: skip
COST_KEYS = {
    "categories", "overhead_flat_percent", "overhead_clause", "clause",
    "net_if_input_tax_deductible", "vat_percent", "vat_clause",
}  # fmt: skip
DE_MINIMIS_KEYS = {"limit", "kinds", "years", "clause"}


def read_costs(sec: Section) -> CostRules:
    """Cost categories and the flat overhead."""
    categories: list[CostCategory] = []
    ids: list[tuple[str, int]] = []
    for node in sec.items("categories", required=True):
        item = Section(sec.out, node, "categories", CATEGORY_KEYS)
        cat = CostCategory(
            id=need(item.text("id"), ""),
            label=need(item.text("label"), ""),
            eligible=need(item.boolean("eligible"), False),
            max_cents=item.money("max", required=False),
            max_share=item.percent("max_share_percent", required=False),
            hourly_cap_cents=item.money("hourly_cap", required=False),
            not_for_applicant=need(item.boolean("not_for_applicant", False), False),
            not_for_group_members=need(item.boolean("not_for_group_members", False), False),
            inventory_duty=need(item.boolean("inventory_duty", False), False),
            note=item.text("note", required=False),
            clause=item.text("clause", required=False),
        )
        ids.append((cat.id, item.line_at("id")))
        if cat.not_for_group_members and not cat.not_for_applicant:
            sec.out.add(
                item.line_at("not_for_group_members"),
                f"Die Kostenart '{cat.id}' hat 'not_for_group_members: true', aber nicht "
                "'not_for_applicant: true': was nicht an Mitglieder der Gruppe gehen darf, darf "
                "erst recht nicht an die antragstellende Person gehen.",
            )
        limited = cat.max_cents is not None or cat.max_share is not None or cat.hourly_cap_cents
        if not cat.eligible and limited:
            sec.out.add(
                item.line_at("eligible"),
                f"Die Kostenart '{cat.id}' ist nicht förderfähig, hat aber eine Obergrenze.",
            )
        categories.append(cat)
    check_unique(sec.out, ids, "Kostenarten (categories)")
    if sec.present("categories") and not any(c.eligible for c in categories):
        sec.out.add(sec.line_at("categories"), "Mindestens eine Kostenart muss förderfähig sein.")
    net = need(sec.boolean("net_if_input_tax_deductible", False), False)
    vat = sec.percent("vat_percent", required=False)
    if vat is not None and not net:
        sec.out.add(
            sec.line_at("vat_percent"),
            "'vat_percent' wird nur mit 'net_if_input_tax_deductible: true' gebraucht.",
        )
    return CostRules(
        categories=tuple(categories),
        overhead_flat_share=sec.percent("overhead_flat_percent", required=False),
        overhead_clause=sec.text("overhead_clause", required=False),
        clause=sec.text("clause", required=False),
        net_if_input_tax_deductible=net,
        vat_share=need(vat, Fraction(19, 100)),
        vat_clause=sec.text("vat_clause", required=False),
    )


def read_de_minimis(sec: Section, applicant_kinds: frozenset[str]) -> DeMinimisRules | None:
    """De-minimis aid: limit, the applicant kinds it applies to, the years counted."""
    if sec.absent:
        return None
    limit = sec.money("limit")
    if limit == 0:
        sec.out.add(sec.line_at("limit"), "'limit' muss größer als 0 sein.")
    kinds = sec.texts("kinds", required=True)
    for kind in kinds:
        if applicant_kinds and kind not in applicant_kinds:
            known = ", ".join(sorted(applicant_kinds))
            sec.out.add(
                sec.line_at("kinds"),
                f"'kinds' nennt '{kind}', das ist keine Art von Antragstellenden in "
                f"'applicants.kinds' ({known}).",
            )
    if sec.present("kinds") and not kinds:
        sec.out.add(sec.line_at("kinds"), "'kinds' muss mindestens eine Art nennen.")
    return DeMinimisRules(
        limit_cents=need(limit, 0),
        kinds=tuple(kinds),
        years=need(sec.integer("years", required=False, minimum=1, maximum=10), 3),
        clause=sec.text("clause", required=False),
    )
