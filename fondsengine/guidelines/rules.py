"""Pure eligibility checks of an application against a guideline (no database, no clock).

`check` returns every finding at once; each cites the clause of the rule it rests on.
The calculations (eligible costs, caps, due dates) live in `calc` and are re-exported here.
"""

from __future__ import annotations

import re
from datetime import date

from fondsengine.guidelines.calc import (
    eligible_costs_cents,
    lapse_date,
    max_grant_cents,
    proof_due_date,
    volunteer_value_cents,
)
from fondsengine.guidelines.findings import ApplicationData, CheckContext, Finding, Severity
from fondsengine.guidelines.model import Guideline, SubmissionMode
from fondsengine.guidelines.rules_money import (
    check_amounts,
    check_costs,
    check_de_minimis,
    check_financing,
    check_own_contribution,
    check_soft_limits,
)
from fondsengine.guidelines.summary import plain_summary
from fondsengine.labels import AREA_LINK_NAMES
from fondsengine.money import format_euro as eur
from fondsengine.text import format_date

__all__ = [
    "check",
    "eligible_costs_cents",
    "lapse_date",
    "max_grant_cents",
    "normalise_street",
    "plain_summary",
    "proof_due_date",
    "volunteer_value_cents",
]

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO
_HOUSE_NUMBER = re.compile(r"\s+\d+\s*[a-z]?(\s*[-/]\s*\d+\s*[a-z]?)?$")


def check(app: ApplicationData, guideline: Guideline, ctx: CheckContext) -> list[Finding]:
    """Every finding of the submission-time rules for one application."""
    return [
        *check_applicant(app, guideline),
        *check_area(app, guideline),
        *check_amounts(app, guideline, ctx),
        *check_de_minimis(app, guideline),
        *check_soft_limits(app, guideline),
        *check_own_contribution(app, guideline),
        *check_costs(app, guideline),
        *check_financing(app, guideline),
        *check_timing(app, guideline, ctx),
        *check_forms(app, guideline),
        *check_budget(app, guideline, ctx),
    ]


def check_applicant(app: ApplicationData, g: Guideline) -> list[Finding]:
    """Applicant kind allowed, not excluded, non-profit where required."""
    rules = g.applicants
    out: list[Finding] = []
    excluded = {k.id: k.label for k in rules.excluded}
    if app.applicant_kind in excluded:
        text = f"{excluded[app.applicant_kind]} können aus diesem Fonds nicht gefördert werden."
        out.append(Finding("applicant.kind_excluded", B, text, rules.clause, "applicant_kind"))
    elif app.applicant_kind not in rules.kind_ids():
        allowed = ", ".join(k.label for k in rules.kinds)
        text = f"Einen Antrag stellen können: {allowed}."
        out.append(Finding("applicant.kind_not_allowed", B, text, rules.clause, "applicant_kind"))
    if rules.nonprofit_required and not app.nonprofit:
        text = "Gefördert werden nur gemeinnützige Projekte ohne Gewinnabsicht."
        out.append(Finding("applicant.not_nonprofit", B, text, rules.clause, "nonprofit"))
    return out


def normalise_street(street: str) -> str:
    """A street name for comparison: lower case, 'str.'/'strasse' as 'straße', no house number."""
    text = " ".join(street.strip().lower().split())
    text = _HOUSE_NUMBER.sub("", text)
    text = re.sub(r"str\.?$", "straße", text)
    text = re.sub(r"str\.(?=\s|$)", "straße", text)
    return text.replace("strasse", "straße")


def check_area(app: ApplicationData, g: Guideline) -> list[Finding]:
    """Link to the area and location of the project in the Programmgebiet."""
    area = g.area
    out: list[Finding] = []
    if area.link_required and app.area_link not in area.link_kinds:
        kinds = ", ".join(AREA_LINK_NAMES[k].example if k in AREA_LINK_NAMES else k for k in area.link_kinds)
        text = f"Sie brauchen einen Bezug zum Gebiet {area.name} (zum Beispiel: {kinds})."
        out.append(Finding("area.link_missing", B, text, area.clause, "area_link"))
    if not area.postcodes and not area.streets:
        return out
    if not app.postcode and not app.street:
        text = "Bitte geben Sie an, wo das Projekt stattfindet (Straße und Postleitzahl)."
        return [*out, Finding("area.location_missing", B, text, area.clause, "street")]
    inside = True
    if area.postcodes and app.postcode and app.postcode.strip() not in area.postcodes:
        inside = False
    if area.streets and app.street:
        known = {normalise_street(s) for s in area.streets}
        inside = inside and normalise_street(app.street) in known
    if inside:
        return out
    where = ", ".join(x for x in (app.street, app.postcode) if x)
    if app.benefits_area and area.benefit_suffices:
        text = (
            f"Der Projektort ({where}) liegt außerhalb des Gebiets {area.name}; das Projekt kann "
            "gefördert werden, wenn es den Menschen im Gebiet nützt. Das prüfen wir."
        )
        return [*out, Finding("area.outside_benefits", W, text, area.clause, "street")]
    text = f"Das Projekt muss im Gebiet {area.name} stattfinden; {where} liegt außerhalb."
    if area.benefit_suffices:
        text += " Ein Projekt außerhalb geht nur, wenn es den Menschen im Gebiet nützt."
    return [*out, Finding("area.outside", B, text, area.clause, "street")]


def check_timing(app: ApplicationData, g: Guideline, ctx: CheckContext) -> list[Finding]:
    """Project dates, lead time, no retroactive start, budget year, open round, consultation."""
    t = g.timing
    out: list[Finding] = [*_check_round(g, ctx)]
    if t.prior_consultation_required and app.prior_consultation_on is None:
        text = (
            f"Vor dem Antrag ist ein Beratungsgespräch mit {g.office.name} nötig. "
            "Bitte vereinbaren Sie einen Termin."
        )
        out.append(
            Finding(
                "timing.consultation_missing",
                B,
                text,
                t.consultation_clause or t.clause,
                "prior_consultation_on",
            )
        )
    start, end = app.project_start, app.project_end
    if start is None or end is None:
        text = "Bitte geben Sie an, wann das Projekt beginnt und wann es endet."
        out.append(Finding("timing.dates_missing", B, text, t.clause, "project_start"))
        return out
    if end < start:
        text = f"Das Projektende ({format_date(end)}) liegt vor dem Projektbeginn ({format_date(start)})."
        out.append(Finding("timing.end_before_start", B, text, t.clause, "project_end"))
    if t.no_retroactive and start < ctx.today:
        text = (
            f"Das Projekt hat schon begonnen ({format_date(start)}). "
            "Projekte, die schon laufen, können nicht gefördert werden."
        )
        out.append(Finding("timing.retroactive", B, text, t.start_clause or t.clause, "project_start"))
    elif (start - ctx.today).days < t.min_lead_days:
        earliest = date.fromordinal(ctx.today.toordinal() + t.min_lead_days)
        text = (
            f"Zwischen Antrag und Projektbeginn müssen mindestens {t.min_lead_days} Tage liegen; "
            f"das Projekt kann frühestens am {format_date(earliest)} beginnen (geplant {format_date(start)})."
        )
        out.append(Finding("timing.lead_time", B, text, t.lead_clause or t.clause, "project_start"))
    rnd = t.round_for(ctx.today) if t.mode is SubmissionMode.ROUNDS else None
    if t.no_start_before_approval and start >= ctx.today:
        earliest = rnd.session_date if rnd is not None else ctx.today
        if start < earliest:
            text = (
                f"Das Projekt darf erst nach der schriftlichen Bewilligung beginnen; entschieden "
                f"wird frühestens am {format_date(earliest)} (geplant {format_date(start)})."
            )
            out.append(
                Finding(
                    "timing.start_before_approval", B, text, t.start_clause or t.clause,
                    "project_start",
                )
            )
        else:
            text = "Bitte beginnen Sie das Projekt erst, wenn Sie die schriftliche Bewilligung haben."
            out.append(Finding("timing.wait_for_approval", INFO, text, t.start_clause or t.clause))
    elif rnd is not None and start < rnd.session_date and start >= ctx.today:
        text = (
            f"Das Projekt beginnt ({format_date(start)}) vor der Jurysitzung am {format_date(rnd.session_date)}; "
            "bis zur Entscheidung tragen Sie das Risiko selbst."
        )
        out.append(Finding("timing.start_before_session", W, text, t.clause, "project_start"))
    if t.end_within_budget_year and end.year != ctx.budget_year:
        text = (
            f"Das Projekt muss im Haushaltsjahr {ctx.budget_year} enden, "
            f"spätestens am 31.12.{ctx.budget_year} (geplant {format_date(end)})."
        )
        out.append(Finding("timing.end_outside_budget_year", B, text, t.clause, "project_end"))
    return out


def start_before_approval(g: Guideline, project_start: date | None, approved_on: date) -> Finding | None:
    """The blocking finding when a guideline forbids a start before the written approval and the
    project starts (or started) before the day of the approval; None otherwise."""
    t = g.timing
    if not t.no_start_before_approval or project_start is None or project_start >= approved_on:
        return None
    text = (
        f"Das Projekt beginnt am {format_date(project_start)}, also vor der Bewilligung am "
        f"{format_date(approved_on)}; nach der Förderrichtlinie darf es erst nach der schriftlichen "
        "Bewilligung beginnen. Bitte verschieben Sie den Projektbeginn oder lehnen Sie ab."
    )
    return Finding("timing.started_before_approval", B, text, t.start_clause or t.clause, "project_start")


def _check_round(g: Guideline, ctx: CheckContext) -> list[Finding]:
    t = g.timing
    if t.mode is SubmissionMode.OPEN:
        return []
    if t.mode is SubmissionMode.MONTHLY:
        day = t.monthly_deadline_day or 1
        text = f"Anträge werden monatlich gesammelt; Stichtag ist jeweils der {day}. des Monats."
        return [Finding("timing.monthly", INFO, text, t.clause)]
    rnd = t.round_for(ctx.today)
    if rnd is None:
        text = (
            "Zurzeit ist keine Antragsrunde offen. Bitte fragen Sie im Büro nach der nächsten "
            "Frist."
        )
        return [Finding("timing.no_open_round", B, text, t.clause)]
    label = f"„{rnd.label}“" if rnd.label else rnd.id
    text = (
        f"Ihr Antrag gehört zur Runde {label}: Antragsfrist {format_date(rnd.deadline)}, "
        f"Jurysitzung am {format_date(rnd.session_date)}."
    )
    return [Finding("timing.round", INFO, text, t.clause)]


def check_forms(app: ApplicationData, g: Guideline) -> list[Finding]:
    """Required declarations ticked and required extra fields filled in."""
    out: list[Finding] = []
    for decl in g.declarations:
        if decl.id not in app.declarations:
            text = f"Bitte bestätigen Sie: „{decl.text}“"
            out.append(Finding("form.declaration_missing", B, text, decl.clause, decl.id))
    for field in g.form_fields:
        if field.required and not str(app.extra.get(field.id, "")).strip():
            text = f"Bitte füllen Sie das Feld „{field.label}“ aus."
            out.append(Finding("form.field_missing", B, text, None, field.id))
    return out


def check_budget(app: ApplicationData, g: Guideline, ctx: CheckContext) -> list[Finding]:
    """Warn when the year's free budget does not cover the request (the office decides)."""
    year = g.budget.for_year(ctx.budget_year)
    if year is None:
        text = f"Für das Jahr {ctx.budget_year} ist in diesem Fonds kein Geld vorgesehen."
        return [Finding("budget.no_year", W, text, g.budget.clause)]
    free = ctx.budget_free_cents
    if free is not None and app.requested_cents > free:
        text = (
            f"Im Fonds sind für {ctx.budget_year} nur noch {eur(free)} frei "
            f"(beantragt {eur(app.requested_cents)})."
        )
        return [Finding("budget.insufficient", W, text, g.budget.clause, "requested")]
    return []
