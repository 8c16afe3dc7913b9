"""The application form: generated from the guideline, parsed into the engine's ApplicationInput.

This module only validates and shapes input; every eligibility rule lives in the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fondsengine.applications.service import ApplicationInput, CostItemInput
from fondsengine.errors import InvalidInput
from fondsengine.guidelines.asks import RuleQuestions, rule_questions
from fondsengine.guidelines.model import Guideline
from fondsengine.inputs import MAX_TEXT
from fondsengine.model import Application
from webapp import fields
from webapp.filters import euro_input
from webapp.form_errors import refusal
from webapp.labels import AREA_LINK_CHOICES

AREA_LINKS = AREA_LINK_CHOICES  # what the form offers for each link to the area (webapp/labels.py)
CORE_FIELDS = {"participants_expected"}  # extra fields of a guideline that the core form already asks
TEXT_FIELDS = (
    "organisation",
    "contact_name",
    "contact_email",
    "contact_phone",
    "title",
    "description",
    "goals",
    "target_group",
    "place",
    "street",
    "postcode",
    "area_link",
    "applicant_kind",
    "legal_form",
    "representative",
    "contact_street",
    "contact_postcode",
    "contact_city",
)
MIN_COST_ROWS = 3
MAX_MEMBERS = 100  # names of the group's members, one a line
COST_FIELDS = ("category", "description", "amount", "hours", "payee", "vat")


@dataclass
class FormState:
    """Values to (re-)render the form with, and the problems found while parsing."""

    values: dict[str, str] = field(default_factory=dict)
    checks: set[str] = field(default_factory=set)  # ticked checkboxes
    costs: list[dict[str, str]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def cost_rows(self, extra: int = 0) -> list[dict[str, str]]:
        """The cost rows to show: the entered ones plus blank rows to fill in."""
        blank = max(MIN_COST_ROWS - len(self.costs), 1) + extra
        return self.costs + [{} for _ in range(blank)]


TEXT_RULES: dict[str, tuple[str, int, bool]] = {  # field: (German label, max length = column, multi-line)
    "organisation": ("Organisation", 300, False),
    "contact_name": ("Name", 200, False),
    "contact_email": ("E-Mail-Adresse", 320, False),
    "contact_phone": ("Telefon", 50, False),
    "title": ("Projekttitel", 300, False),
    "description": ("Projektbeschreibung", MAX_TEXT, True),
    "goals": ("Ziele", MAX_TEXT, True),
    "target_group": ("Zielgruppe", MAX_TEXT, True),
    "place": ("Ort", 300, False),
    "street": ("Straße und Hausnummer", 200, False),
    "postcode": ("Postleitzahl", 10, False),
    "area_link": ("Bezug zum Gebiet", 64, False),
    "applicant_kind": ("Wer stellt den Antrag", 64, False),
    "legal_form": ("Rechtsform", 100, False),
    "representative": ("Vertreten durch", 200, False),
    "contact_street": ("Straße und Hausnummer der Postanschrift", 200, False),
    "contact_postcode": ("Postleitzahl der Postanschrift", 10, False),
    "contact_city": ("Ort der Postanschrift", 100, False),
}
MAX_EXTRA = 5_000  # characters of an extra field of the guideline


def _money(state: FormState, name: str, text: str, *, required: bool = False) -> int:
    try:
        cents = fields.euro({name: text}, name, required="Bitte geben Sie einen Betrag an." if required else None)
    except InvalidInput as exc:
        state.errors[name] = exc.message
        return 0
    return cents or 0


def _checked(state: FormState, name: str, label: str, max_len: int, multiline: bool) -> None:
    try:
        fields.clean(state.values[name], label=label, max_len=max_len, multiline=multiline, field=name)
    except InvalidInput as exc:
        state.errors[name] = exc.message


def parse_form(
    form: Mapping[str, Any], guideline: Guideline, checkbox_names: list[str]
) -> tuple[ApplicationInput | None, FormState]:
    """Parse the posted form into (input or None when a value is unreadable, form state)."""
    state = FormState()

    def get(name: str) -> str:
        return str(form.get(name, "") or "")

    asks = rule_questions(guideline)
    for name in (
        *TEXT_FIELDS,
        "project_start",
        "project_end",
        "participants_expected",
        "requested",
        "own_funds",
        "other_funding",
        "volunteer_hours",
        "prior_consultation_on",
    ):
        state.values[name] = get(name).strip()
    for name, (label, max_len, multiline) in TEXT_RULES.items():
        _checked(state, name, label, max_len, multiline)
    for name in checkbox_names:
        if form.get(name):
            state.checks.add(name)
    for ff in guideline.form_fields:
        if ff.id not in CORE_FIELDS:
            key = f"extra-{ff.id}"
            state.values[key] = get(key).strip()
            _checked(state, key, ff.label, MAX_EXTRA, True)
    indexes = sorted({i for k in form if k.startswith("cost-") for i in [fields.ident(k.split("-")[1])] if i})
    items: list[CostItemInput] = []
    categories = {c.id for c in guideline.costs.categories}
    for i in indexes[:200]:
        row = {k: get(f"cost-{i}-{k}").strip() for k in COST_FIELDS}
        if not (row["description"] or row["amount"] or row["hours"]):
            continue
        state.costs.append(row)
        n = len(state.costs)
        if row["category"] not in categories:
            state.errors[f"cost-{n}"] = f"Kostenposition {n}: Bitte wählen Sie eine Kostenart."
            continue
        try:
            fields.clean(row["description"], label=f"Kostenposition {n}", max_len=500)
            amount = fields.euro(row, "amount") or 0
            hours = fields.hours(row, "hours", label=f"Kostenposition {n}, Stunden")
            payee, vat = _cost_rule_values(row, asks, n)
        except InvalidInput as exc:
            state.errors[f"cost-{n}"] = f"Kostenposition {n}: {exc.message}"
            continue
        items.append(CostItemInput(row["category"], row["description"], amount, hours, payee=payee, vat_cents=vat))
    dates: dict[str, date | None] = {}
    for name in ("project_start", "project_end", "prior_consultation_on"):
        try:
            dates[name] = fields.day(state.values, name)
        except InvalidInput as exc:
            state.errors[name] = exc.message
            dates[name] = None
    participants: int | None = None
    try:
        participants = fields.whole(state.values, "participants_expected", label="Erwartete Teilnehmende")
    except InvalidInput as exc:
        state.errors["participants_expected"] = exc.message
    try:
        volunteer = fields.hours(state.values, "volunteer_hours", label="Ehrenamtliche Stunden") or Decimal(0)
    except InvalidInput as exc:
        state.errors["volunteer_hours"] = exc.message
        volunteer = Decimal(0)
    requested = _money(state, "requested", state.values["requested"])
    own = _money(state, "own_funds", state.values["own_funds"])
    other = _money(state, "other_funding", state.values["other_funding"])
    rules = _rule_answers(form, state, asks)
    if state.errors:
        return None, state
    extra = {ff.id: state.values.get(f"extra-{ff.id}", "") for ff in guideline.form_fields if ff.id not in CORE_FIELDS}
    if participants is not None and any(ff.id == "participants_expected" for ff in guideline.form_fields):
        extra["participants_expected"] = str(participants)
    v = state.values
    data = ApplicationInput(
        title=v["title"],
        applicant_kind=v["applicant_kind"],
        contact_name=v["contact_name"],
        requested_cents=requested,
        cost_items=tuple(items),
        organisation=v["organisation"] or None,
        nonprofit="nonprofit" in state.checks,
        area_link=v["area_link"] or None,
        contact_email=v["contact_email"] or None,
        contact_phone=v["contact_phone"] or None,
        description=v["description"],
        goals=v["goals"],
        target_group=v["target_group"],
        place=v["place"],
        street=v["street"] or None,
        postcode=v["postcode"] or None,
        benefits_area="benefits_area" in state.checks,
        project_start=dates["project_start"],
        project_end=dates["project_end"],
        participants_expected=participants,
        own_funds_cents=own,
        volunteer_hours=volunteer,
        other_funding_cents=other,
        prior_consultation_on=dates["prior_consultation_on"],
        declarations=frozenset(c[len("decl-") :] for c in state.checks if c.startswith("decl-")),
        extra=extra,
        contact_street=v["contact_street"] or None,
        contact_postcode=v["contact_postcode"] or None,
        contact_city=v["contact_city"] or None,
        legal_form=v["legal_form"] or None,
        representative=v["representative"] or None,
        **rules,
    )
    return data, state


def _cost_rule_values(row: dict[str, str], asks: RuleQuestions, n: int) -> tuple[str | None, int | None]:
    """A cost line's payee and VAT, where the guideline asks for them (else None)."""
    payee = vat = None
    if asks.payee and row["payee"]:
        payee = fields.clean(row["payee"], label=f"Kostenposition {n}, Empfänger", max_len=200)
    if asks.input_tax and row["vat"]:
        vat = fields.euro(row, "vat", label=f"Kostenposition {n}, Umsatzsteuer")
    return payee, vat


def _rule_answers(form: Mapping[str, Any], state: FormState, asks: RuleQuestions) -> dict[str, Any]:
    """The answers to the guideline's rule questions (group members, input tax, earlier de-minimis
    aid, the earlier file number of a repeat), as ApplicationInput values; problems in state.errors."""
    out: dict[str, Any] = {}
    v = state.values
    for name in ("group_members", "de_minimis_prior", "de_minimis_prior_on", "continues_file_number"):
        v[name] = str(form.get(name, "") or "").strip()
    try:
        if asks.group_members:
            text = fields.clean(v["group_members"], label="Mitglieder Ihrer Gruppe", max_len=MAX_EXTRA,
                                multiline=True, field="group_members")  # fmt: skip
            names = tuple(n.strip() for n in text.splitlines() if n.strip())
            if len(names) > MAX_MEMBERS or any(len(n) > 200 for n in names):
                raise InvalidInput(f"Bitte höchstens {MAX_MEMBERS} Namen mit je höchstens 200 Zeichen.",
                                   field="group_members")  # fmt: skip
            out["group_members"] = names
        if asks.input_tax:
            out["input_tax_deductible"] = bool(form.get("input_tax_deductible"))
            if out["input_tax_deductible"]:
                state.checks.add("input_tax_deductible")
        if asks.de_minimis:
            out["de_minimis_prior_cents"] = fields.euro(v, "de_minimis_prior", label="Frühere De-minimis-Beihilfen")
            out["de_minimis_prior_on"] = fields.day(v, "de_minimis_prior_on", label="Datum der letzten Beihilfe")
        if asks.repeat and v["continues_file_number"]:
            out["continues_file_number"] = fields.clean(
                v["continues_file_number"], label="Aktenzeichen des früheren Projekts", max_len=40,
                field="continues_file_number")  # fmt: skip
    except InvalidInput as exc:
        name, message = refusal(exc, default="group_members")
        state.errors[name] = message
    return out


def state_from_application(app: Application, guideline: Guideline) -> FormState:
    """Form values of a stored application (to edit it)."""
    state = FormState()
    for name in TEXT_FIELDS:
        state.values[name] = str(getattr(app, name) or "")
    for name in ("project_start", "project_end", "prior_consultation_on"):
        value = getattr(app, name)
        state.values[name] = value.isoformat() if value else ""
    state.values["participants_expected"] = str(app.participants_expected or "")
    state.values["requested"] = euro_input(app.requested_cents)
    state.values["own_funds"] = euro_input(app.own_funds_cents) if app.own_funds_cents else ""
    state.values["other_funding"] = euro_input(app.other_funding_cents) if app.other_funding_cents else ""
    hours = Decimal(app.volunteer_hours or 0)
    state.values["volunteer_hours"] = str(hours.normalize()).replace(".", ",") if hours else ""
    for ff in guideline.form_fields:
        if ff.id not in CORE_FIELDS:
            state.values[f"extra-{ff.id}"] = str((app.extra or {}).get(ff.id, ""))
    if app.nonprofit:
        state.checks.add("nonprofit")
    if app.benefits_area:
        state.checks.add("benefits_area")
    state.checks |= {f"decl-{d}" for d in app.declarations or ()}
    state.costs = [
        {
            "category": c.category,
            "description": c.description,
            "amount": euro_input(c.amount_cents),
            "hours": str(c.hours).replace(".", ",") if c.hours is not None else "",
            "payee": c.payee or "",
            "vat": euro_input(c.vat_cents) if c.vat_cents is not None else "",
        }
        for c in app.cost_items
    ]
    state.values["group_members"] = "\n".join(str(m) for m in app.group_members or ())
    if app.input_tax_deductible:
        state.checks.add("input_tax_deductible")
    prior = app.de_minimis_prior_cents
    state.values["de_minimis_prior"] = euro_input(prior) if prior is not None else ""
    state.values["de_minimis_prior_on"] = app.de_minimis_prior_on.isoformat() if app.de_minimis_prior_on else ""
    state.values["continues_file_number"] = app.continues_file_number or ""
    return state


def blank_state(contact_name: str, contact_email: str | None) -> FormState:
    """An empty form with the contact prefilled from the account; no declaration is ticked in advance
    (the applicant declares it herself, issue 18)."""
    state = FormState()
    state.values.update(contact_name=contact_name, contact_email=contact_email or "")
    return state


def checkbox_names(guideline: Guideline) -> list[str]:
    """Names of all checkboxes of the form."""
    return ["nonprofit", "benefits_area", *(f"decl-{d.id}" for d in guideline.declarations)]


def input_id(finding_field: str | None, guideline: Guideline) -> str | None:
    """The form element a finding or error is about (for the link in the error summary)."""
    if not finding_field:
        return None
    if any(d.id == finding_field for d in guideline.declarations):
        return f"decl-{finding_field}"
    if any(f.id == finding_field for f in guideline.form_fields if f.id not in CORE_FIELDS):
        return f"extra-{finding_field}"
    named = {
        "cost_items": "cost-1-description",
        "financing": "requested",
        "de_minimis_prior_cents": "de_minimis_prior",
    }
    return named.get(finding_field, finding_field)
