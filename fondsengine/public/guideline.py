"""The guideline in force as a readable public page, part by part with its clauses, and its summary in Leichte
Sprache (written in the guideline file). Public by definition: only the guideline's own texts and rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fondsengine.engine import Engine
from fondsengine.guidelines.model import DecidedBy, Guideline, PaymentMode, SubmissionMode
from fondsengine.guidelines.rules_money import pct
from fondsengine.letters.defaults import proof_part_label
from fondsengine.money import format_euro as eur
from fondsengine.public.fund import current_guideline
from fondsengine.text import format_date

PAYMENT_MODE_TEXT = {
    PaymentMode.REIMBURSEMENT: "Erstattung: Das Geld wird nach dem Projekt gegen die Belege ausgezahlt.",
    PaymentMode.ADVANCE: "Abschlag: Ein Teil kann vor dem Projekt abgerufen werden, der Rest nach dem Nachweis.",
    PaymentMode.INSTALMENTS: "Teilzahlungen: Das Geld wird in mehreren Raten ausgezahlt.",
}


@dataclass(frozen=True)
class Part:
    """One part of the guideline: a heading, the clause it comes from and its sentences."""

    title: str
    clause: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ReadableGuideline:
    """What the public guideline page shows."""

    fund_id: str
    name: str
    valid_from: date
    legal_basis: str | None
    summary: str
    parts: tuple[Part, ...]
    easy_language: tuple[str, ...]  # paragraphs of the summary in Leichte Sprache; empty when there is none


def _money_parts(g: Guideline) -> list[Part]:
    a, own, c = g.amounts, g.own_contribution, g.costs
    amount = [f"Gefördert werden Projekte mit {eur(a.min_cents)} bis {eur(a.max_cents)}."]
    if a.max_share < 1:
        amount.append(f"Der Zuschuss beträgt höchstens {pct(a.max_share)} der förderfähigen Kosten.")
    own_lines = []
    if own.min_share > 0:
        own_lines.append(f"Mindestens {pct(own.min_share)} der Kosten tragen die Antragstellenden selbst.")
    if own.volunteer_allowed:
        own_lines.append(f"Ehrenamtliche Arbeit zählt mit {eur(own.volunteer_hour_rate_cents)} pro Stunde.")
    costs = []
    for cat in c.categories:
        where = f" ({cat.clause})" if cat.clause and cat.clause != c.clause else ""
        limit = f", höchstens {eur(cat.max_cents)}" if cat.max_cents else ""
        share = f", höchstens {pct(cat.max_share)} der förderfähigen Kosten" if cat.max_share else ""
        note = f" {cat.note}" if cat.note else ""
        verdict = "förderfähig" if cat.eligible else "nicht förderfähig"
        costs.append(f"{cat.label}: {verdict}{limit}{share}{where}.{note}")
    return [
        Part("Höhe der Förderung", a.max_clause or a.clause, tuple(amount)),
        *([Part("Eigenanteil", own.clause, tuple(own_lines))] if own_lines else []),
        Part("Förderfähige Kosten", c.clause, tuple(costs)),
    ]


def _process_parts(g: Guideline) -> list[Part]:
    t, d, p, pr = g.timing, g.decision, g.payment, g.proof
    timing = []
    if t.mode is SubmissionMode.ROUNDS:
        timing += [
            f"Antragsfrist {format_date(r.deadline)}, Jurysitzung am {format_date(r.session_date)}." for r in t.rounds
        ]
    elif t.mode is SubmissionMode.MONTHLY:
        timing.append(f"Anträge sind jeden Monat bis zum {t.monthly_deadline_day}. möglich.")
    else:
        timing.append("Anträge sind das ganze Jahr möglich, solange Geld da ist.")
    if t.prior_consultation_required:
        timing.append(f"Vor dem Antrag ist ein Beratungsgespräch bei {g.office.name} nötig.")
    if t.min_lead_days:
        timing.append(f"Der Antrag ist mindestens {t.min_lead_days} Tage vor Projektbeginn zu stellen.")
    if t.no_start_before_approval:
        timing.append("Das Projekt darf erst nach der schriftlichen Bewilligung beginnen.")
    bodies = {DecidedBy.MANAGEMENT: "die Geschäftsführung", DecidedBy.JURY: "die Jury"}
    decision = [
        f"{'Bis ' + eur(tier.up_to_cents) if tier.up_to_cents is not None else 'Darüber'} entscheidet "
        f"{bodies.get(tier.decided_by) or tier.body or 'eine andere Stelle'}."
        for tier in d.tiers
    ]
    if d.two_step:
        decision.append(f"Die Jury empfiehlt; bewilligt wird von: {d.granting_body}.")
    payment = [PAYMENT_MODE_TEXT[m] for m in p.modes]
    if PaymentMode.ADVANCE in p.modes:
        payment.append(f"Ein Abschlag beträgt höchstens {pct(p.advance_max_share)} der Zuwendung.")
    if p.lapse_after_days:
        payment.append(f"Wird {p.lapse_after_days} Tage lang kein Geld abgerufen, erlischt die Bewilligung.")
    if pr.due_months_after_end:
        due = f"{pr.due_months_after_end} Monate nach Projektende"
    elif pr.due_fixed_month_day:
        due = f"bis zum {pr.due_fixed_month_day[1]:02d}.{pr.due_fixed_month_day[0]:02d}. des Folgejahres"
    else:
        due = "nach dem Projekt"
    proof = [f"Der Verwendungsnachweis ist {due} fällig. Dazu gehören:", *(proof_part_label(x) for x in pr.parts)]
    if pr.refund_unused:
        proof.append("Geld, das nicht wie bewilligt verwendet wurde, wird zurückgefordert.")
    return [
        Part("Antragstellung und Fristen", t.clause, tuple(timing)),
        Part("Wer entscheidet", d.clause, tuple(decision)),
        Part("Auszahlung", p.clause, tuple(payment)),
        Part("Verwendungsnachweis", pr.clause, tuple(proof)),
    ]


def readable_parts(g: Guideline) -> tuple[Part, ...]:
    """The rules of a guideline in German sentences, part by part, each with its clause (pure)."""
    ap = g.applicants
    who = [f"Antrag stellen können: {', '.join(k.label for k in ap.kinds)}."]
    if ap.excluded:
        who.append(f"Ausgeschlossen sind: {', '.join(k.label for k in ap.excluded)}.")
    if ap.nonprofit_required:
        who.append("Das Projekt muss gemeinnützig sein und darf keinen Gewinn erzielen.")
    area = [f"Das Projekt findet im Gebiet {g.area.name} statt."]
    if g.area.postcodes:
        area.append(f"Postleitzahlen: {', '.join(g.area.postcodes)}.")
    if g.area.benefit_suffices:
        area.append("Ein Projekt außerhalb des Gebiets zählt, wenn es den Menschen im Gebiet zugutekommt.")
    parts = [
        Part("Fördergebiet", g.area.clause, tuple(area)),
        Part("Wer einen Antrag stellen kann", ap.clause, tuple(who)),
        *_money_parts(g),
        *_process_parts(g),
    ]
    if g.publicity.required:
        parts.append(Part("Öffentlichkeitsarbeit", g.publicity.clause, (g.publicity.text,)))
    if g.conditions:
        parts.append(
            Part("Auflagen, die einer Bewilligung beigefügt werden können", None, tuple(c.text for c in g.conditions))
        )
    parts.append(
        Part(
            "Datenschutz und Aufbewahrung",
            g.retention.clause,
            (f"Personenbezogene Daten werden {g.retention.years} Jahre nach Abschluss des Antrags gelöscht.",),
        )
    )
    return tuple(parts)


def paragraphs(text: str | None) -> tuple[str, ...]:
    """A text split at its blank lines into paragraphs (lines joined)."""
    if not text:
        return ()
    return tuple(" ".join(block.split()) for block in text.split("\n\n") if block.strip())


def readable_guideline(fonds: Engine, fund_id: str) -> ReadableGuideline:
    """The guideline in force of an active fund as a readable page (NotFound for others)."""
    g = current_guideline(fonds, fund_id)
    return ReadableGuideline(
        fund_id=g.fund_id,
        name=g.name,
        valid_from=g.valid_from,
        legal_basis=g.legal_basis,
        summary=g.summary,
        parts=readable_parts(g),
        easy_language=paragraphs(g.summary_easy_language),
    )
