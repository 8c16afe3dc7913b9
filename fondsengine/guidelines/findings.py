"""Plain values the pure rule checks work on, and what they return."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Severity(StrEnum):
    BLOCKING = "blocking"  # submission / approval is refused while this remains
    WARNING = "warning"  # shown, the office decides
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One result of a rule check, always citing the clause it rests on."""

    code: str  # stable machine code, e.g. "amount.above_max"
    severity: Severity
    message: str  # German, plain language
    clause: str | None = None
    field: str | None = None  # form field the finding is about (for the UI), e.g. "requested"

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    def cited(self) -> str:
        """The message with its clause in brackets."""
        return f"{self.message} ({self.clause})" if self.clause else self.message


@dataclass(frozen=True)
class CostLine:
    """One line of the cost plan."""

    category: str
    description: str
    amount_cents: int
    hours: Decimal | None = None  # for fees: hours worked (hourly cap check)
    payee_is_applicant: bool = False  # fee paid to the applicant themselves
    payee: str | None = None  # who is paid (checked against the applicant's group members)
    vat_cents: int | None = None  # VAT included in amount_cents, if the applicant gave it


@dataclass(frozen=True)
class ApplicationData:
    """What the applicant declared, as plain values (no ORM objects)."""

    applicant_kind: str
    nonprofit: bool
    area_link: str | None  # lives, works, owns_property, based; None if none
    postcode: str | None  # of the project location
    street: str | None
    project_start: date | None
    project_end: date | None
    cost_items: tuple[CostLine, ...]
    requested_cents: int
    own_funds_cents: int = 0
    volunteer_hours: Decimal = Decimal(0)
    other_funding_cents: int = 0
    prior_consultation_on: date | None = None
    declarations: frozenset[str] = frozenset()
    extra: Mapping[str, str] = field(default_factory=dict)
    title: str = ""
    benefits_area: bool = False  # project outside the area but for its residents
    applicant_names: tuple[str, ...] = ()  # the applicant's own names (contact, organisation)
    group_members: tuple[str, ...] = ()  # members of the applicant's group or organisation
    input_tax_deductible: bool = False  # entitled to deduct input tax (eligible costs are net)
    de_minimis_prior_cents: int | None = None  # earlier de-minimis aid declared; None: not declared
    de_minimis_prior_on: date | None = None  # day of the latest earlier de-minimis aid
    lifted_limits: Mapping[str, str] = field(default_factory=dict)  # soft limit code -> the reason


@dataclass(frozen=True)
class CheckContext:
    """Facts from outside the application that some rules need."""

    today: date  # day of the check (submission day), Europe/Berlin
    budget_year: int
    applicant_other_grants_cents: int = (
        0  # other approved or pending grants of this applicant in the year
    )
    repeat_count: int = 0  # how often this project was funded before (0 = first time)
    budget_free_cents: int | None = None  # free budget of the year, if known
    # the first funding of a repeated project, when the office linked the chain (repeat funding)
    first_funding: ApplicationData | None = None
