"""Rule checks on money: amounts, shares, own contribution, cost categories, financing plan."""

from __future__ import annotations

from fractions import Fraction

from fondsengine.guidelines.calc import (
    breakdown,
    counts_net,
    effective_share,
    net_cents,
    paid_to_own_group,
    repeats_exhausted,
    required_share_cents,
    share_base_cents,
    volunteer_caps_cents,
    volunteer_counted_cents,
    volunteer_value_cents,
)
from fondsengine.guidelines.findings import ApplicationData, CheckContext, Finding, Severity
from fondsengine.guidelines.model import Financing, Guideline
from fondsengine.money import format_euro as eur
from fondsengine.money import share_of
from fondsengine.text import format_date

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO


# blocking findings a lower grant resolves: the office may grant less instead of refusing
# (the what-if tells "gekürzt auf X" from "nicht förderfähig" by them)
LIMIT_CODES = frozenset(
    {
        "amount.above_max",
        "amount.above_share",
        "amount.above_repeat_share",
        "amount.applicant_year_cap",
        "de_minimis.above_limit",
        "own.below_min",
        "own.money_below_min",
    }
)

def pct(share: Fraction | None) -> str:
    """A share as a German percent text: 50 %, 66,67 %."""
    value = (share or Fraction(0)) * 100
    if value.denominator == 1:
        return f"{value.numerator} %"
    return f"{float(value):.2f}".replace(".", ",").rstrip("0").rstrip(",") + " %"


def check_costs(app: ApplicationData, g: Guideline) -> list[Finding]:
    """Cost plan: known categories, eligibility, caps, hourly caps, fees, inventory, overhead."""
    out: list[Finding] = []
    costs = g.costs
    if not app.cost_items:
        out.append(
            Finding(
                "costs.empty",
                B,
                "Bitte tragen Sie im Kostenplan mindestens eine Ausgabe ein.",
                costs.clause,
                "cost_items",
            )
        )
        return out
    for line in app.cost_items:
        cat = costs.category(line.category)
        what = f"„{line.description}“ ({eur(line.amount_cents)})"
        if line.amount_cents < 0:
            out.append(
                Finding(
                    "costs.negative",
                    B,
                    f"Die Ausgabe {what} darf nicht negativ sein.",
                    costs.clause,
                    "cost_items",
                )
            )
        if cat is None:
            out.append(
                Finding(
                    "costs.unknown_category",
                    B,
                    f"Die Ausgabe {what} hat eine unbekannte Kostenart „{line.category}“.",
                    costs.clause,
                    "cost_items",
                )
            )
            continue
        if not cat.eligible:
            out.append(
                Finding(
                    "costs.not_eligible",
                    W,
                    f"{cat.label} sind nicht förderfähig: {what} zählt nicht zu den "
                    "förderfähigen Kosten und muss anders bezahlt werden.",
                    cat.clause,
                    "cost_items",
                )
            )
            continue
        if cat.not_for_group_members and not line.payee_is_applicant:
            if not line.payee:
                out.append(
                    Finding(
                        "costs.payee_missing",
                        B,
                        f"Bitte geben Sie für {what} an, wer das Geld bekommt: {cat.label} "
                        "dürfen nicht an Mitglieder Ihrer Gruppe oder Organisation gehen.",
                        cat.clause,
                        "cost_items",
                    )
                )
            elif paid_to_own_group(line, app):
                out.append(
                    Finding(
                        "costs.fee_for_group_member",
                        W,
                        f"{cat.label} dürfen nicht an Sie oder Mitglieder Ihrer Gruppe oder "
                        f"Organisation gezahlt werden: {what} an {line.payee} zählt nicht zu den "
                        "förderfähigen Kosten.",
                        cat.clause,
                        "cost_items",
                    )
                )
                continue
        if cat.not_for_applicant and line.payee_is_applicant:
            out.append(
                Finding(
                    "costs.fee_for_applicant",
                    W,
                    f"{cat.label} dürfen nicht an Sie selbst gezahlt werden: {what} zählt nicht "
                    "zu den förderfähigen Kosten.",
                    cat.clause,
                    "cost_items",
                )
            )
            continue
        if cat.hourly_cap_cents is not None:
            if line.hours is None or line.hours <= 0:
                out.append(
                    Finding(
                        "costs.hours_missing",
                        B,
                        f"Bitte geben Sie für {what} die Zahl der Stunden an (höchstens "
                        f"{eur(cat.hourly_cap_cents)} pro Stunde).",
                        cat.clause,
                        "cost_items",
                    )
                )
            elif line.amount_cents > line.hours * cat.hourly_cap_cents:
                allowed = int(line.hours * cat.hourly_cap_cents)
                out.append(
                    Finding(
                        "costs.hourly_rate_above_cap",
                        W,
                        f"Für {what} sind höchstens {eur(cat.hourly_cap_cents)} pro Stunde "
                        f"förderfähig, bei {line.hours} Stunden also {eur(allowed)}.",
                        cat.clause,
                        "cost_items",
                    )
                )
        if cat.inventory_duty:
            out.append(
                Finding(
                    "costs.inventory_duty",
                    INFO,
                    f"{what}: Angeschaffte Gegenstände kommen in eine Inventarliste.",
                    cat.clause,
                    "cost_items",
                )
            )
    if counts_net(app, g):
        gross = sum(max(0, line.amount_cents) for line in app.cost_items)
        net = sum(
            net_cents(line.amount_cents, line.vat_cents, costs.vat_share)
            for line in app.cost_items
            if line.amount_cents > 0
        )
        text = (
            "Sie sind zum Vorsteuerabzug berechtigt: förderfähig sind nur die Nettobeträge "
            f"ohne Umsatzsteuer ({eur(net)} statt {eur(gross)} brutto)."
        )
        out.append(Finding("costs.net_of_vat", INFO, text, costs.vat_clause or costs.clause))
    parts = breakdown(app, g)
    for cat_id, amount in parts.by_category_cents.items():
        cat = costs.category(cat_id)
        counted = parts.capped_category_cents[cat_id]
        if cat is None or counted >= amount:
            continue
        if cat.max_cents is not None and counted == cat.max_cents:
            text = (
                f"{cat.label} sind nur bis {eur(cat.max_cents)} förderfähig (geplant "
                f"{eur(amount)})."
            )
            out.append(Finding("costs.category_above_max", W, text, cat.clause, "cost_items"))
        else:
            share = pct(cat.max_share)
            text = (
                f"{cat.label} sind nur bis {share} der förderfähigen Kosten förderfähig, hier "
                f"{eur(counted)} (geplant {eur(amount)})."
            )
            out.append(Finding("costs.category_above_share", W, text, cat.clause, "cost_items"))
    if parts.overhead_cents:
        assert costs.overhead_flat_share is not None
        text = (
            "Zu den förderfähigen Kosten kommt eine Verwaltungspauschale von "
            f"{pct(costs.overhead_flat_share)} ({eur(parts.overhead_cents)})."
        )
        out.append(Finding("costs.overhead", INFO, text, costs.overhead_clause))
    return out


def check_amounts(app: ApplicationData, g: Guideline, ctx: CheckContext) -> list[Finding]:
    """Requested amount: minimum, maximum, share of eligible costs, yearly cap, repeats."""
    out: list[Finding] = []
    a = g.amounts
    req = app.requested_cents
    if req <= 0:
        out.append(
            Finding(
                "amount.not_positive",
                B,
                "Bitte geben Sie an, wie viel Geld Sie beantragen.",
                a.clause,
                "requested",
            )
        )
        return out
    if req < a.min_cents:
        out.append(
            Finding(
                "amount.below_min",
                B,
                f"Der Zuschuss muss mindestens {eur(a.min_cents)} betragen (beantragt {eur(req)}).",
                a.max_clause or a.clause,
                "requested",
            )
        )
    if req > a.max_cents:
        out.append(
            Finding(
                "amount.above_max",
                B,
                f"Der Zuschuss darf höchstens {eur(a.max_cents)} betragen (beantragt {eur(req)}).",
                a.max_clause or a.clause,
                "requested",
            )
        )
    cap = a.per_applicant_year_cap_cents
    if cap is not None and ctx.applicant_other_grants_cents + req > cap:
        rest = max(0, cap - ctx.applicant_other_grants_cents)
        text = (
            f"Pro Antragsteller gibt es im Jahr {ctx.budget_year} höchstens {eur(cap)}; Sie "
            f"haben schon {eur(ctx.applicant_other_grants_cents)} erhalten oder beantragt, "
            f"möglich sind noch {eur(rest)} (beantragt {eur(req)})."
        )
        out.append(
            Finding("amount.applicant_year_cap", B, text, a.cap_clause or a.clause, "requested")
        )
    if ctx.repeat_count > 0 and not a.repeat_allowed:
        out.append(
            Finding(
                "amount.repeat_not_allowed",
                B,
                "Ein Projekt, das schon einmal gefördert wurde, kann nicht noch einmal "
                "gefördert werden.",
                a.repeat_clause or a.clause,
            )
        )
        return out
    if repeats_exhausted(g, ctx.repeat_count):
        text = (
            f"Dieses Projekt wurde schon {ctx.repeat_count}-mal gefördert; nach der Richtlinie "
            f"kann es höchstens {a.repeat_max}-mal wiederholt gefördert werden."
        )
        out.append(
            Finding("amount.repeat_max_reached", B, text, a.repeat_clause or a.clause, "requested")
        )
        return out
    share = effective_share(g, ctx.repeat_count)
    base = share_base_cents(app, g, ctx)
    limit = share_of(base, share)
    if req > limit:
        if share != a.max_share:
            of_what = (
                "der förderfähigen Kosten der ersten Förderung"
                if base != breakdown(app, g).eligible_cents
                else "der förderfähigen Kosten"
            )
            text = (
                f"Bei der {ctx.repeat_count + 1}. Förderung desselben Projekts darf der "
                f"Zuschuss höchstens {pct(share)} {of_what} betragen (höchstens "
                f"{eur(limit)}, beantragt {eur(req)})."
            )
            out.append(
                Finding(
                    "amount.above_repeat_share",
                    B,
                    text,
                    a.repeat_clause or a.share_clause,
                    "requested",
                )
            )
        else:
            text = (
                f"Der Zuschuss darf höchstens {pct(share)} der förderfähigen Kosten betragen "
                f"(höchstens {eur(limit)}, beantragt {eur(req)})."
            )
            out.append(
                Finding("amount.above_share", B, text, a.share_clause or a.clause, "requested")
            )
    return out


SOFT_SHARE, SOFT_MAX = "amount.above_normal_share", "amount.above_normal_max"


def soft_limits(app: ApplicationData, g: Guideline) -> list[tuple[str, str]]:
    """The soft limits this application goes beyond: (code, German text of the limit)."""
    a = g.amounts
    out: list[tuple[str, str]] = []
    req = app.requested_cents
    if a.normal_max_cents is not None and req > a.normal_max_cents:
        out.append((SOFT_MAX, f"in der Regel höchstens {eur(a.normal_max_cents)} je Projekt"))
    if a.normal_share is not None:
        eligible = breakdown(app, g).eligible_cents
        if req > share_of(eligible, a.normal_share):
            out.append(
                (SOFT_SHARE, f"in der Regel höchstens {pct(a.normal_share)} der förderfähigen Kosten")
            )
    return out


def soft_cap_cents(app: ApplicationData, g: Guideline) -> int | None:
    """The most that can be granted without going beyond a soft limit the office has not lifted
    (None: no such limit). The what-if cuts to it, as the approval refuses more without a reason."""
    a = g.amounts
    caps: list[int] = []
    if a.normal_max_cents is not None and not app.lifted_limits.get(SOFT_MAX):
        caps.append(a.normal_max_cents)
    if a.normal_share is not None and not app.lifted_limits.get(SOFT_SHARE):
        caps.append(share_of(breakdown(app, g).eligible_cents, a.normal_share))
    return min(caps) if caps else None


def check_soft_limits(app: ApplicationData, g: Guideline) -> list[Finding]:
    """Soft limits: beyond them a warning; the approval needs the reason the office records."""
    clause = g.amounts.soft_clause or g.amounts.share_clause or g.amounts.clause
    out: list[Finding] = []
    for code, limit in soft_limits(app, g):
        reason = app.lifted_limits.get(code)
        if reason:
            text = f"Abweichend von der Regel ({limit}) zugelassen: {reason}"
            out.append(Finding(code + ".lifted", INFO, text, clause, "requested"))
        else:
            text = (
                f"Der Zuschuss liegt über der Regel ({limit}). Mehr ist nur mit einer schriftlichen "
                "Begründung möglich, die das entscheidende Gremium annimmt; ohne sie kann nicht "
                "bewilligt werden."
            )
            out.append(Finding(code, W, text, clause, "requested"))
    return out


def unlifted_soft_limit(app: ApplicationData, g: Guideline) -> Finding | None:
    """The first soft limit the application goes beyond without a recorded reason (blocks the
    approval), or None."""
    for finding in check_soft_limits(app, g):
        if finding.severity is W:
            return Finding(finding.code, B, finding.message, finding.clause, finding.field)
    return None


def soft_clause(g: Guideline) -> str | None:
    """The clause cited for the soft limits (`soft_clause`, else the share's, else the amounts')."""
    return g.amounts.soft_clause or g.amounts.share_clause or g.amounts.clause


def lifted_limits_cited(app: ApplicationData, g: Guideline) -> list[tuple[str, str | None, str]]:
    """The soft limits the application goes beyond that the office lifted: (German text of the
    limit, its clause, the recorded reason). A reason recorded for a limit the amount no longer
    goes beyond is left out (there is nothing to lift)."""
    clause = soft_clause(g)
    return [
        (limit, clause, app.lifted_limits[code].strip())
        for code, limit in soft_limits(app, g)
        if app.lifted_limits.get(code, "").strip()
    ]


def lifted_limits_text(clause: str | None, lifted: dict[str, str], limits: dict[str, str]) -> str:
    """The sentence the approval records for the lifted soft limits (German)."""
    cited = f" ({clause})" if clause else ""
    parts = [f"{limits.get(code, code)}: {reason}" for code, reason in lifted.items() if code in limits]
    return f"Abweichung von der Regel-Grenze{cited} mit Begründung: " + "; ".join(parts) + "." if parts else ""


def check_own_contribution(app: ApplicationData, g: Guideline) -> list[Finding]:
    """Eigenanteil in money and Eigenleistung in volunteer hours."""
    out: list[Finding] = []
    own = g.own_contribution
    eligible = breakdown(app, g).eligible_cents
    if app.volunteer_hours > 0 and not own.volunteer_allowed:
        out.append(
            Finding(
                "own.volunteer_not_allowed",
                W,
                "Ehrenamtliche Arbeit wird in diesem Fonds nicht als Eigenanteil angerechnet.",
                own.clause,
                "volunteer_hours",
            )
        )
    value = volunteer_value_cents(app, g)
    counted = volunteer_counted_cents(app, g)
    if counted < value:
        share_cap, euro_cap = volunteer_caps_cents(app, g)
        if euro_cap is not None and counted == euro_cap and euro_cap < share_cap:
            limit = f"höchstens {eur(euro_cap)}"
        else:
            limit = f"höchstens bis {pct(own.volunteer_max_share)} der förderfähigen Kosten"
        text = (
            f"Ehrenamtliche Arbeit zählt {limit}: angerechnet werden {eur(counted)} "
            f"von {eur(value)}."
        )
        clause = own.volunteer_clause or own.clause
        out.append(Finding("own.volunteer_capped", INFO, text, clause, "volunteer_hours"))
    need_total = required_share_cents(eligible, own.min_share)
    if own.min_share > 0 and app.own_funds_cents + counted < need_total:
        text = (
            f"Der Eigenanteil muss mindestens {pct(own.min_share)} der förderfähigen Kosten "
            f"betragen, also {eur(need_total)} (angegeben {eur(app.own_funds_cents + counted)})."
        )
        out.append(Finding("own.below_min", B, text, own.clause, "own_funds"))
    need_money = required_share_cents(eligible, own.money_min_share)
    if own.money_min_share > 0 and app.own_funds_cents < need_money:
        text = (
            f"Mindestens {pct(own.money_min_share)} der förderfähigen Kosten müssen Sie in "
            f"Geld selbst tragen, also {eur(need_money)} (angegeben {eur(app.own_funds_cents)})."
        )
        out.append(Finding("own.money_below_min", B, text, own.clause, "own_funds"))
    return out


FINANCING_INFO = {
    Financing.FIXED_AMOUNT: (
        "Festbetragsfinanzierung: Der Zuschuss ist ein fester Betrag; er sinkt nur, wenn Ihre "
        "förderfähigen Ausgaben niedriger sind als er."
    ),
    Financing.DEFICIT: (
        "Fehlbedarfsfinanzierung: Der Zuschuss deckt nur, was Eigenmittel, Eigenleistung und "
        "andere Mittel nicht decken; jede Einsparung mindert ihn."
    ),
}


def financing_info(g: Guideline) -> Finding | None:
    """How the type of financing recomputes the grant after the proof of use (info)."""
    if g.issuance is None:
        return None
    financing = g.issuance.financing
    if financing is Financing.SHARE and g.proof.cut_when_lower:
        text = (
            f"Anteilfinanzierung: Der Zuschuss beträgt höchstens {pct(g.amounts.max_share)} "
            "Ihrer förderfähigen Ausgaben; geben Sie weniger aus, sinkt er entsprechend."
        )
    else:
        text = FINANCING_INFO.get(financing, FINANCING_INFO[Financing.FIXED_AMOUNT])
    return Finding("financing.kind", INFO, text, g.issuance.clause)


def check_financing(app: ApplicationData, g: Guideline) -> list[Finding]:
    """The financing plan covers the total costs exactly; how the grant is recomputed."""
    info = financing_info(g)
    return ([info] if info is not None else []) + _check_balance(app, g)


def _check_balance(app: ApplicationData, g: Guideline) -> list[Finding]:
    parts = breakdown(app, g)
    total = parts.total_cents + parts.overhead_cents
    income = (
        app.requested_cents
        + app.own_funds_cents
        + volunteer_counted_cents(app, g)
        + app.other_funding_cents
    )
    if not app.cost_items or income == total:
        return []
    diff = income - total
    if diff > 0:
        text = (
            "Der Finanzierungsplan geht nicht auf: Zuschuss, Eigenanteil und andere Mittel "
            f"({eur(income)}) sind {eur(diff)} höher als die Gesamtkosten ({eur(total)})."
        )
    else:
        text = (
            "Der Finanzierungsplan geht nicht auf: Zuschuss, Eigenanteil und andere Mittel "
            f"({eur(income)}) decken die Gesamtkosten ({eur(total)}) nicht, es fehlen "
            f"{eur(-diff)}."
        )
    return [Finding("financing.unbalanced", B, text, g.costs.clause, "financing")]


def check_de_minimis(app: ApplicationData, g: Guideline) -> list[Finding]:
    """Businesses declare earlier de-minimis aid; earlier aid plus this grant within the limit."""
    dm = g.de_minimis
    if dm is None or app.applicant_kind not in dm.kinds:
        return []
    if app.de_minimis_prior_cents is None:
        text = (
            f"Bitte geben Sie an, welche De-minimis-Beihilfen Sie in den letzten {dm.years} "
            "Jahren erhalten haben (0 €, wenn keine)."
        )
        return [Finding("de_minimis.undeclared", B, text, dm.clause, "de_minimis_prior_cents")]
    total = app.de_minimis_prior_cents + app.requested_cents
    latest = app.de_minimis_prior_on
    since = f" (zuletzt am {format_date(latest)})" if latest and app.de_minimis_prior_cents else ""
    text = (
        f"De-minimis-Beihilfen in {dm.years} Jahren: bisher {eur(app.de_minimis_prior_cents)}{since}, "
        f"mit diesem Zuschuss {eur(total)} von höchstens {eur(dm.limit_cents)}."
    )
    out: list[Finding] = []
    if app.de_minimis_prior_cents > 0 and latest is None:
        ask = "Bitte geben Sie an, wann Sie die letzte frühere De-minimis-Beihilfe erhalten haben."
        out.append(Finding("de_minimis.date_missing", W, ask, dm.clause, "de_minimis_prior_on"))
    if total > dm.limit_cents:
        rest = max(0, dm.limit_cents - app.de_minimis_prior_cents)
        text += f" Möglich sind noch {eur(rest)}."
        return [*out, Finding("de_minimis.above_limit", B, text, dm.clause, "requested")]
    return [*out, Finding("de_minimis.sum", INFO, text, dm.clause, "requested")]
