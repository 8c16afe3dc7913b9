"""Load and validate guideline files (richtlinien/*.yaml) into immutable Guideline objects.

The file is composed (nothing in it is constructed or executed) and read with the line of every
value (fondsengine.schema). The top is validated by FileSpec, each section by its own pydantic
model (read_rules.py, read_process.py, read_texts.py, read_issuance.py; how a model is declared:
spec.py): every key stated once, with its type and its default. Unknown keys, wrong types,
missing keys and impossible numbers are all reported at once, each with file and line; then the
relations within a sound section (its `problems()`) and across sections (here) are checked, and
only a file without any problem becomes a Guideline.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fondsengine.errors import FondsError
from fondsengine.guidelines import read_process as rp
from fondsengine.guidelines import read_rules as rr
from fondsengine.guidelines import read_texts as rt
from fondsengine.guidelines.model import (
    JURY_FIELDS,
    NEVER_VISIBLE,
    NO_JURY,
    AmountRules,
    ChecklistItem,
    ConditionText,
    DecidedBy,
    DecisionRules,
    Declaration,
    Guideline,
    JuryRules,
    TransparencyRules,
)
from fondsengine.guidelines.read_issuance import IssuanceSpec
from fondsengine.guidelines.spec import (
    LIST,
    TOP,
    Day,
    Spec,
    Text,
    check,
    choice,
    complete,
    default_of,
    items,
    line_at,
    read,
    values,
    written_id,
)
from fondsengine.guidelines.yamlreader import Collector, compose, line_of
from fondsengine.problems import Problem
from fondsengine.schema import Located

S = TypeVar("S", bound=Spec)
T = TypeVar("T")

__all__ = ["GuidelineError", "load_guideline", "load_guideline_text", "load_guidelines"]

KINDS = ("bewohnerfonds", "verfuegungsfonds")


class FileSpec(Spec):
    """The top of a guideline file. Each section is a model of its own (named in the comment),
    validated on its own, so that a broken section neither hides the problems of the others
    nor the relation checks between the sound ones."""

    # (in the order their problems are listed when several keys of a line are missing)
    workflow: Text
    amounts: Any  # rr.AmountsSpec
    decision: Any  # rp.DecisionSpec
    jury: Any = None  # rp.JurySpec; none: the office or an outside body decides everything
    applicants: Any  # rr.ApplicantsSpec
    name: Text
    short_name: Text
    kind: Annotated[str, choice(KINDS)]
    valid_from: Day
    legal_basis: Text | None = None
    summary: Text
    office: Any  # rr.OfficeSpec
    budget: Any  # rr.BudgetSpec
    area: Any  # rr.AreaSpec
    own_contribution: Any = None  # rr.OwnContributionSpec; none: its defaults
    costs: Any  # rr.CostsSpec
    timing: Any  # rp.TimingSpec
    payment: Any  # rp.PaymentSpec
    proof: Any  # rt.ProofSpec
    publicity: Any  # rt.PublicitySpec
    retention: Any  # rt.RetentionSpec
    transparency: Any = None  # rt.TransparencySpec; none: its defaults
    form_fields: Annotated[list[rt.FormFieldSpec], LIST] = default_of(Guideline.form_fields)
    declarations: Annotated[list[rt.DeclarationSpec], LIST] = default_of(Guideline.declarations)
    review_checklist: Annotated[list[rt.ChecklistSpec], LIST] = default_of(Guideline.review_checklist)
    conditions: Annotated[list[rt.ConditionSpec], LIST] = default_of(Guideline.conditions)
    letters: Any = None  # rt.letters_spec(); none: the default texts
    issuance: Any = None  # IssuanceSpec; none: letters name the office only
    de_minimis: Any = None  # rr.DeMinimisSpec; none: the fund gives no de-minimis aid
    summary_easy_language: Text | None = Guideline.summary_easy_language  # the guideline in Leichte Sprache


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
    return load_guideline_text(text, source=str(path), fund_id=path.stem, known_workflows=known_workflows)


def load_guidelines(directory: str | Path, *, known_workflows: set[str] | None = None) -> dict[str, Guideline]:
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


def load_guideline_text(text: str, *, source: str, fund_id: str, known_workflows: set[str] | None = None) -> Guideline:
    """Load a guideline from YAML text; raises GuidelineError listing every problem."""
    out = Collector(source)
    root = compose(text, out)
    if root is None:
        raise GuidelineError(out.problems)
    data = read(root, out, TOP, line_of(root))
    top = check(FileSpec, data, out, TOP)
    given = data.value if isinstance(data.value, dict) else {}

    def section(key: str, model: type[S], absent: S | None = None) -> tuple[S | None, Located]:
        """A section as its model (not given: `absent`; None when it fails) and its data."""
        if given.get(key) is None:
            return absent, Located({}, {(): line_at(data, key)}, {(): line_at(data, key)})
        part = data.at((key,))
        spec = check(model, part, out, key)
        if spec is not None:
            spec.problems(part, out)
        return spec, part

    if top is not None:
        rt.list_problems(out, data, {key: getattr(top, key) for key in rt.LISTS})
    if top is not None and known_workflows is not None and top.workflow not in known_workflows:
        known = ", ".join(sorted(known_workflows)) or "(keine)"
        out.add(
            line_at(data, "workflow"),
            f"Den Ablauf (workflow) '{top.workflow}' gibt es nicht; bekannt sind: {known}",
        )
    office, _ = section("office", rr.OfficeSpec)
    budget, _ = section("budget", rr.BudgetSpec)
    area, _ = section("area", rr.AreaSpec)
    applicants, _ = section("applicants", rr.ApplicantsSpec)
    amounts, _ = section("amounts", rr.AmountsSpec)
    own, _ = section("own_contribution", rr.OwnContributionSpec, rr.OwnContributionSpec())
    costs, _ = section("costs", rr.CostsSpec)
    publicity, _ = section("publicity", rt.PublicitySpec)
    retention, _ = section("retention", rt.RetentionSpec)
    transparency, _ = section("transparency", rt.TransparencySpec, rt.TransparencySpec())
    de_minimis, de_minimis_data = section("de_minimis", rr.DeMinimisSpec)
    if de_minimis is not None and applicants is not None:
        de_minimis.kind_problems(de_minimis_data, out, frozenset(k.id for k in applicants.kinds))
    decision_spec, decision_data = section("decision", rp.DecisionSpec)
    # the checks across sections see the tiers only when none of them failed
    whole = decision_spec is not None and complete(decision_spec.tiers, decision_data, "tiers")
    decision = decision_spec.build(decision_data) if decision_spec and whole else None
    jury_needed = decision is not None and (
        decision.two_step or any(t.decided_by is DecidedBy.JURY for t in decision.tiers)
    )
    # without a jury section and without a jury tier the office or an outside body decides all
    if jury_needed and given.get("jury") is None:
        out.add(
            line_at(data, "decision"),
            "Die Jury entscheidet oder empfiehlt hier (eine Stufe mit 'decided_by: jury' oder "
            "'two_step: true'), aber der Abschnitt 'jury' fehlt. Ohne Jury entscheiden nur "
            "'management' oder 'external'.",
        )
    jury_spec, _ = section("jury", rp.JurySpec)
    jury = NO_JURY if given.get("jury") is None else jury_spec.build() if jury_spec else None
    timing, _ = section("timing", rp.TimingSpec)
    payment, _ = section("payment", rp.PaymentSpec)
    proof, _ = section("proof", rt.ProofSpec)
    letters_spec, letters_data = section("letters", rt.letters_spec())
    letters = rt.read_letters(letters_spec, letters_data, out)
    issuance, _ = section("issuance", IssuanceSpec)
    _cross_checks(
        out,
        data,
        top.summary_easy_language if top else None,
        transparency.build() if transparency and top else None,  # without the top its summary is unknown
        decision,
        amounts.build() if amounts else None,
    )
    if jury is not None and jury.size > 0:
        _check_jury_fields(out, data, jury)
    if out.problems:  # so every part is sound: a part that is missing or fails is a problem
        raise GuidelineError(sorted(out.problems, key=lambda p: p.line))
    top = sound(top)
    guideline = Guideline(
        fund_id=fund_id,
        version_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=source,
        name=top.name,
        short_name=top.short_name,
        kind=top.kind,
        workflow=top.workflow,
        valid_from=top.valid_from,
        legal_basis=top.legal_basis,
        summary=top.summary,
        office=sound(office).build(),
        budget=sound(budget).build(),
        area=sound(area).build(),
        applicants=sound(applicants).build(),
        amounts=sound(amounts).build(),
        own_contribution=sound(own).build(),
        costs=sound(costs).build(),
        timing=sound(timing).build(),
        decision=sound(decision),
        jury=sound(jury),
        payment=sound(payment).build(),
        proof=sound(proof).build(),
        publicity=sound(publicity).build(),
        retention=sound(retention).build(),
        transparency=sound(transparency).build(),
        form_fields=tuple(f.build() for f in top.form_fields),
        declarations=tuple(Declaration(**values(d)) for d in top.declarations),
        review_checklist=tuple(ChecklistItem(**values(c)) for c in top.review_checklist),
        conditions=tuple(ConditionText(**values(c)) for c in top.conditions),
        letters=letters,
        issuance=issuance.build() if issuance else None,
        summary_easy_language=top.summary_easy_language,
        de_minimis=de_minimis.build() if de_minimis else None,
    )
    rt.check_fillable(out, data, guideline)  # the letters are probed only with an otherwise sound guideline
    if out.problems:
        raise GuidelineError(sorted(out.problems, key=lambda p: p.line))
    return guideline


def sound(part: T | None) -> T:
    """A part of a file without problems (a part that is missing or fails is one)."""
    if part is None:
        raise AssertionError("a guideline without problems has every part")
    return part


def _cross_checks(
    out: Collector,
    data: Located,
    easy_summary: str | None,
    transparency: TransparencyRules | None,
    decision: DecisionRules | None,
    amounts: AmountRules | None,
) -> None:
    """Checks that span several sections (each on the sections that are sound)."""
    if transparency is not None and transparency.easy_language and not easy_summary:
        out.add(
            line_at(data, "transparency"),
            "Der Fonds bietet laut 'transparency.easy_language' eine Zusammenfassung in Leichter Sprache an, "
            "aber 'summary_easy_language' fehlt. Bitte schreiben Sie sie in die Richtlinie.",
        )
    tiers = decision.tiers if decision else ()
    if decision and tiers and decision.two_step and all(t.decided_by is not DecidedBy.JURY for t in tiers):
        out.add(
            line_at(data, "decision"),
            "'two_step' ist true, aber keine Stufe wird von der Jury entschieden.",
        )
    last = tiers[-1].up_to_cents if tiers else None
    if amounts is not None and last is not None and last < amounts.max_cents:
        out.add(
            line_at(data, "decision"),
            "Die letzte Entscheidungsstufe muss bis zum Höchstbetrag ('amounts.max') reichen oder ohne 'up_to' enden.",
        )


def _check_jury_fields(out: Collector, data: Located, jury: JuryRules) -> None:
    """Every name in jury.visible_fields is an application field, and none is private."""
    own = {written_id(item.get(("id",))) for item in items(data, "form_fields")}  # also of a broken one
    line = line_at(data, "jury", "visible_fields")
    for name in jury.visible_fields:
        if name in NEVER_VISIBLE:
            out.add(
                line,
                f"'{name}' in 'visible_fields' sieht die Jury nie (Bankverbindung und private Kontaktdaten).",
            )
        elif name not in JURY_FIELDS and name not in own:
            known = ", ".join(sorted(JURY_FIELDS))
            out.add(
                line,
                f"Das Feld '{name}' in 'visible_fields' gibt es nicht; möglich sind {known} "
                "und die Kennungen aus 'form_fields'.",
            )
