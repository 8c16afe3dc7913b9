"""Load and validate guideline files (richtlinien/*.yaml) into immutable Guideline objects.

Strict: unknown keys, wrong types, missing keys and impossible numbers are all
reported at once, each with file and line. Nothing in the file is executed.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from fondsengine.errors import FondsError
from fondsengine.guidelines import read_process as rp
from fondsengine.guidelines import read_rules as rr
from fondsengine.guidelines import read_texts as rt
from fondsengine.guidelines.model import JURY_FIELDS, NEVER_VISIBLE, NO_JURY, DecidedBy, Guideline
from fondsengine.guidelines.read_issuance import ISSUANCE_KEYS, read_issuance
from fondsengine.guidelines.yamlreader import Collector, Section, compose
from fondsengine.problems import Problem

__all__ = ["GuidelineError", "load_guideline", "load_guideline_text", "load_guidelines"]

KINDS = ("bewohnerfonds", "verfuegungsfonds")
TOP_KEYS = {
    "name", "short_name", "kind", "workflow", "valid_from", "legal_basis", "summary", "office",
    "budget", "area", "applicants", "amounts", "own_contribution", "costs", "timing", "decision",
    "jury", "payment", "proof", "publicity", "retention", "form_fields", "declarations",
    "review_checklist", "conditions", "letters", "issuance", "de_minimis", "transparency",
    "summary_easy_language",
}  # fmt: skip
OFFICE_KEYS = {"name", "address", "email", "phone", "website", "logo", "city_name"}
AREA_KEYS = {
    "name", "postcodes", "streets", "link_kinds", "link_required", "benefit_suffices", "clause",
    "outline",
}  # fmt: skip
AMOUNT_KEYS = {
    "min", "max", "per_applicant_year_cap", "max_share_percent", "repeat_shares",
    "repeat_allowed", "clause", "cap_clause", "share_clause", "repeat_clause", "max_clause",
    "repeat_max", "repeat_share_base", "normal_share_percent", "normal_max", "soft_clause",
}  # fmt: skip
OWN_KEYS = {
    "min_share_percent", "money_min_share_percent", "volunteer_hour_rate",
    "volunteer_max_share_percent", "volunteer_allowed", "clause", "volunteer_max",
    "volunteer_clause",
}  # fmt: skip
PAYMENT_KEYS = {
    "modes", "advance_max_share_percent", "instalments", "lapse_after_days", "clause",
    "lapse_clause",
    "use_within_days", "use_clause",
}  # fmt: skip
PROOF_KEYS = {
    "due_months_after_end", "due_fixed_date", "parts", "refund_unused", "cut_when_lower",
    "refund_due_days", "clause", "refund_clause",
    "refund_iban", "refund_account_holder", "refund_interest_note",
    "receipts_before_approval",
}  # fmt: skip


class GuidelineError(FondsError):
    """A guideline file is invalid; `problems` lists every problem with its line."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0].format() if problems else "ungültige Förderrichtlinie"
        more = f" (und {len(problems) - 1} weitere Probleme)" if len(problems) > 1 else ""
        super().__init__(first + more)
        self.problems = problems


def load_guideline(path: str | Path, *, known_workflows: set[str] | None = None) -> Guideline:
    """Load one guideline file; its fund id is the file name without `.yaml`."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem(str(path), 1, f"Die Datei ist nicht in UTF-8 gespeichert ({exc.reason}).")
        raise GuidelineError([problem]) from exc
    except OSError as exc:
        problem = Problem(str(path), 0, f"Die Datei kann nicht gelesen werden: {exc.strerror}")
        raise GuidelineError([problem]) from exc
    return load_guideline_text(
        text, source=str(path), fund_id=path.stem, known_workflows=known_workflows
    )


def load_guidelines(
    directory: str | Path, *, known_workflows: set[str] | None = None
) -> dict[str, Guideline]:
    """Load every *.yaml in a directory; one GuidelineError lists the problems of all files."""
    guidelines: dict[str, Guideline] = {}
    problems: list[Problem] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            guidelines[path.stem] = load_guideline(path, known_workflows=known_workflows)
        except GuidelineError as exc:
            problems.extend(exc.problems)
    if problems:
        raise GuidelineError(problems)
    return guidelines


def load_guideline_text(
    text: str, *, source: str, fund_id: str, known_workflows: set[str] | None = None
) -> Guideline:
    """Load a guideline from YAML text; raises GuidelineError listing every problem."""
    out = Collector(source)
    root = compose(text, out)
    if root is None:
        raise GuidelineError(out.problems)
    top = Section(out, root, "Förderrichtlinie", TOP_KEYS)
    workflow = rr.need(top.text("workflow"), "")
    if workflow and known_workflows is not None and workflow not in known_workflows:
        known = ", ".join(sorted(known_workflows)) or "(keine)"
        out.add(
            top.line_at("workflow"),
            f"Den Ablauf (workflow) '{workflow}' gibt es nicht; bekannt sind: {known}",
        )
    amounts = rr.read_amounts(top.section("amounts", AMOUNT_KEYS))
    decision = rp.read_decision(
        top.section("decision", {"tiers", "two_step", "granting_body", "clause"})
    )
    jury_needed = decision.two_step or any(t.decided_by is DecidedBy.JURY for t in decision.tiers)
    # without a jury section and without a jury tier the office or an outside body decides all
    if jury_needed and not top.present("jury"):
        out.add(
            top.line_at("decision"),
            "Die Jury entscheidet oder empfiehlt hier (eine Stufe mit 'decided_by: jury' oder "
            "'two_step: true'), aber der Abschnitt 'jury' fehlt. Ohne Jury entscheiden nur "
            "'management' oder 'external'.",
        )
    wants_jury = top.present("jury")
    jury = rp.read_jury(top.section("jury", rp.JURY_KEYS)) if wants_jury else NO_JURY
    applicants = rr.read_applicants(
        top.section("applicants", {"kinds", "excluded", "nonprofit_required", "clause"})
    )
    guideline = Guideline(
        fund_id=fund_id,
        version_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=source,
        name=rr.need(top.text("name"), ""),
        short_name=rr.need(top.text("short_name"), ""),
        kind=rr.need(top.choice("kind", KINDS), ""),
        workflow=workflow,
        valid_from=top.day("valid_from") or date.min,
        legal_basis=top.text("legal_basis", required=False),
        summary=rr.need(top.text("summary"), ""),
        office=rr.read_office(top.section("office", OFFICE_KEYS)),
        budget=rr.read_budget(
            top.section(
                "budget", {"years", "carry_over", "clause", "co_financing", "funding_sources", "funding_clause"}
            )
        ),
        area=rr.read_area(top.section("area", AREA_KEYS)),
        applicants=applicants,
        amounts=amounts,
        own_contribution=rr.read_own_contribution(
            top.section("own_contribution", OWN_KEYS, required=False)
        ),
        costs=rr.read_costs(top.section("costs", rr.COST_KEYS)),
        timing=rp.read_timing(top.section("timing", rp.TIMING_KEYS)),
        decision=decision,
        jury=jury,
        payment=rp.read_payment(top.section("payment", PAYMENT_KEYS)),
        proof=rt.read_proof(top.section("proof", PROOF_KEYS)),
        publicity=rt.read_publicity(top.section("publicity", {"required", "text", "clause"})),
        retention=rt.read_retention(top.section("retention", {"years", "clause"})),
        transparency=rt.read_transparency(
            top.section("transparency", {"monitoring_public", "easy_language", "clause"}, required=False)
        ),
        form_fields=rt.read_form_fields(out, top.items("form_fields")),
        declarations=rt.read_declarations(out, top.items("declarations")),
        review_checklist=rt.read_checklist(out, top.items("review_checklist")),
        conditions=rt.read_conditions(out, top.items("conditions")),
        letters=rt.read_letters(top.section("letters", set(rt.letter_text_kinds()), required=False)),
        issuance=read_issuance(top.section("issuance", ISSUANCE_KEYS, required=False)),
        summary_easy_language=top.text("summary_easy_language", required=False),
        de_minimis=rr.read_de_minimis(
            top.section("de_minimis", rr.DE_MINIMIS_KEYS, required=False),
            applicants.kind_ids(),
        ),
    )
    _cross_checks(out, top, guideline)
    if not out.problems:  # the letters are probed only with an otherwise sound guideline
        rt.check_fillable(top, guideline)
    if out.problems:
        raise GuidelineError(sorted(out.problems, key=lambda p: p.line))
    return guideline


def _cross_checks(out: Collector, top: Section, g: Guideline) -> None:
    """Checks that span several sections."""
    if g.transparency.easy_language and not g.summary_easy_language:
        out.add(
            top.line_at("transparency"),
            "Der Fonds bietet laut 'transparency.easy_language' eine Zusammenfassung in Leichter Sprache an, "
            "aber 'summary_easy_language' fehlt. Bitte schreiben Sie sie in die Richtlinie.",
        )
    tiers = g.decision.tiers
    if tiers and g.decision.two_step and all(t.decided_by is not DecidedBy.JURY for t in tiers):
        out.add(
            top.line_at("decision"),
            "'two_step' ist true, aber keine Stufe wird von der Jury entschieden.",
        )
    if tiers and tiers[-1].up_to_cents is not None and tiers[-1].up_to_cents < g.amounts.max_cents:
        out.add(
            top.line_at("decision"),
            "Die letzte Entscheidungsstufe muss bis zum Höchstbetrag ('amounts.max') reichen "
            "oder ohne 'up_to' enden.",
        )
    if g.has_jury:
        _check_jury_fields(top, g)


def _check_jury_fields(top: Section, g: Guideline) -> None:
    """Every name in jury.visible_fields is an application field, and none is private."""
    own = {f.id for f in g.form_fields}
    # a second look at the section, its key problems already reported once
    line = Section(Collector(g.source), top.node("jury"), "jury", rp.JURY_KEYS).line_at("visible_fields")
    for name in g.jury.visible_fields:
        if name in NEVER_VISIBLE:
            top.out.add(
                line,
                f"'{name}' in 'visible_fields' sieht die Jury nie (Bankverbindung und private Kontaktdaten).",
            )
        elif name not in JURY_FIELDS and name not in own:
            known = ", ".join(sorted(JURY_FIELDS))
            top.out.add(
                line,
                f"Das Feld '{name}' in 'visible_fields' gibt es nicht; möglich sind {known} "
                "und die Kennungen aus 'form_fields'.",
            )
