"""Typed, immutable objects a guideline file (richtlinien/*.yaml) is loaded into.

Money is integer cents, shares are exact Fractions, dates are datetime.date.
Every rule object carries the clause of the guideline it comes from (e.g. "§ 4 Abs. 2").
Only the loader builds these from a file: each section's model (read_*.py) builds its
dataclass; where a dataclass has a default, that model takes it from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction


class DecidedBy(StrEnum):
    """Who decides an application within a decision tier."""

    MANAGEMENT = "management"  # the Geschäftsführung alone
    JURY = "jury"  # the jury decides
    EXTERNAL = "external"  # an outside body (district council, city) decides


class Majority(StrEnum):
    """Majority rule of the jury."""

    SIMPLE = "simple"  # more yes than no among the votes cast
    ABSOLUTE = "absolute"  # more than half of all (eligible) members say yes
    TWO_THIRDS = "two_thirds"  # at least two thirds of the votes cast say yes
    UNANIMOUS = "unanimous"  # every vote cast is yes


class TieRule(StrEnum):
    """How a tie ends."""

    REJECTED = "rejected"
    CHAIR_DECIDES = "chair_decides"


class QuorumBasis(StrEnum):
    """Who counts towards the quorum."""

    PRESENT = "present"  # members present at the session (minus excluded for conflict)
    PARTICIPATING = "participating"  # members who cast a vote (yes/no/abstain)


class SubmissionMode(StrEnum):
    """How applications are collected."""

    ROUNDS = "rounds"  # deadlines tied to jury sessions
    MONTHLY = "monthly"  # a deadline every month
    OPEN = "open"  # open all year until the money is gone


class PaymentMode(StrEnum):
    """How a grant is paid out."""

    REIMBURSEMENT = "reimbursement"  # Erstattung against receipts after the project
    ADVANCE = "advance"  # Abschlag before the start, rest after proof of use
    INSTALMENTS = "instalments"  # several instalments


@dataclass(frozen=True)
class Office:
    """The Geschäftsführung that runs the fund (letterhead)."""

    name: str
    address: tuple[str, ...]
    email: str
    phone: str | None = None
    website: str | None = None
    logo: str | None = None  # path relative to the guideline file, optional
    city_name: str | None = None  # the city (Zuwendungsgeber), e.g. "Stadt Witten"


@dataclass(frozen=True)
class BudgetYear:
    """The yearly pot of one Haushaltsjahr."""

    year: int
    amount_cents: int
    clause: str | None = None


@dataclass(frozen=True)
class CoFinancing:
    """Fund-level co-financing (e.g. a Verfügungsfonds financed at least half by private money):
    the year's amount in the guideline is the public money; private contributions are recorded as
    they come in, booked into the year's pot, and their share is shown against the minimum."""

    private_min_share: Fraction  # share of the pot that must come from private contributions
    clause: str | None = None


@dataclass(frozen=True)
class FundingSource:
    """Who pays which share of the fund's money (e.g. Bund, Land, Stadt); the shares add up to 100 %."""

    name: str
    share: Fraction


@dataclass(frozen=True)
class BudgetRules:
    years: tuple[BudgetYear, ...]
    carry_over: bool  # free money at year end moves to next year (else it expires)
    clause: str | None = None
    co_financing: CoFinancing | None = None  # None: the fund is financed by the public pot alone
    # the fund's own financing, for the roll-up to the Land and the annual report (optional)
    funding_sources: tuple[FundingSource, ...] = ()
    funding_clause: str | None = None

    def for_year(self, year: int) -> BudgetYear | None:
        """The pot of one year, or None when the guideline declares none."""
        for by in self.years:
            if by.year == year:
                return by
        return None


@dataclass(frozen=True)
class AreaRules:
    """The Programmgebiet."""

    name: str
    postcodes: tuple[str, ...]  # empty: any postcode
    streets: tuple[
        str, ...
    ]  # empty: any street; compared case-insensitively, normalised "str." = "straße"
    link_kinds: tuple[str, ...]  # accepted links to the area: lives, works, owns_property, based
    link_required: bool
    benefit_suffices: bool  # a project outside the area counts if it benefits its residents
    clause: str | None = None
    outline: tuple[tuple[float, float], ...] = ()  # (latitude, longitude) corners, WGS 84, for the map


@dataclass(frozen=True)
class ApplicantKind:
    id: str  # resident, initiative, association, institution, property_owner, trader
    label: str  # German label shown in the form


@dataclass(frozen=True)
class ApplicantRules:
    kinds: tuple[ApplicantKind, ...]
    excluded: tuple[
        ApplicantKind, ...
    ]  # e.g. commercial_firm, political_party (labels for the form/letters)
    nonprofit_required: bool
    clause: str | None = None

    def kind_ids(self) -> frozenset[str]:
        """Ids of the allowed applicant kinds."""
        return frozenset(k.id for k in self.kinds)


@dataclass(frozen=True)
class AmountRules:
    min_cents: int
    max_cents: int
    per_applicant_year_cap_cents: int | None  # total grants per applicant per budget year
    max_share: Fraction  # max grant / eligible costs, e.g. Fraction(1, 2)
    repeat_shares: tuple[
        Fraction, ...
    ]  # share for the 2nd, 3rd, ... funding of the same project; () = no reduction
    repeat_allowed: bool = True  # False: a repeated project is not funded at all
    clause: str | None = None
    cap_clause: str | None = None  # the yearly cap per applicant (per_applicant_year_cap) only
    share_clause: str | None = None
    repeat_clause: str | None = None
    max_clause: str | None = None  # minimum and maximum per project (else `clause`)
    repeat_max: int | None = None  # at most this many repeats (2nd, 3rd ... funding); None: no limit
    normal_share: Fraction | None = None  # soft limit: "normally at most"; more with a reason
    normal_max_cents: int | None = None  # soft per-project maximum, below the hard `max_cents`
    soft_clause: str | None = None  # clause of the soft limits and their justification
    repeat_share_base: str = "own"  # "own": share of this project's costs; "first": of the first grant's


@dataclass(frozen=True)
class OwnContributionRules:
    min_share: (
        Fraction  # own contribution (money + valued volunteer work) / eligible costs, e.g. 1/2
    )
    money_min_share: Fraction  # part of that which must be money (0 = volunteer work may cover all)
    volunteer_hour_rate_cents: int  # value of one hour of volunteer work, e.g. 1500
    volunteer_max_share: (
        Fraction  # volunteer value counted up to this share of eligible costs, e.g. 1/5
    )
    volunteer_allowed: bool
    clause: str | None = None
    volunteer_max_cents: int | None = None  # volunteer value counted up to this amount (and the share)
    volunteer_clause: str | None = None  # clause of the volunteer caps (else `clause`)


@dataclass(frozen=True)
class DeMinimisRules:
    """De-minimis aid: businesses declare earlier aid; the sum must stay within the limit."""

    limit_cents: int  # e.g. 300.000 € in three years (Regulation (EU) 2023/2831)
    kinds: tuple[str, ...]  # applicant kinds that count as businesses here
    years: int = 3
    clause: str | None = None


@dataclass(frozen=True)
class CostCategory:
    id: str  # material, fees, rental, publicity, catering, purchases, personnel, follow_up, plans ...
    label: str
    eligible: bool
    max_cents: int | None = None  # cap per application for this category
    max_share: Fraction | None = None  # cap as share of eligible costs (e.g. catering at most 10 %)
    hourly_cap_cents: int | None = None  # fees: max hourly rate
    not_for_applicant: bool = False  # e.g. fees never paid to the applicant themselves
    not_for_group_members: bool = False  # nor to members of the applicant's group/organisation
    inventory_duty: bool = False  # purchases must be listed in an inventory
    note: str | None = None  # German explanation shown in the form
    clause: str | None = None


@dataclass(frozen=True)
class CostRules:
    categories: tuple[CostCategory, ...]
    overhead_flat_share: Fraction | None = None  # flat overhead on eligible costs, e.g. 3/100
    overhead_clause: str | None = None
    clause: str | None = None
    net_if_input_tax_deductible: bool = False  # applicants who deduct input tax: costs count net
    vat_share: Fraction = Fraction(19, 100)  # VAT rate used when a cost line gives no VAT amount
    vat_clause: str | None = None

    def category(self, category_id: str) -> CostCategory | None:
        """Look up a category by id."""
        for c in self.categories:
            if c.id == category_id:
                return c
        return None


@dataclass(frozen=True)
class Round:
    """A submission round: applications received by `deadline` go to the session on `session_date`."""

    id: str
    deadline: date
    session_date: date
    label: str | None = None


@dataclass(frozen=True)
class TimingRules:
    mode: SubmissionMode
    rounds: tuple[Round, ...]  # for mode rounds
    monthly_deadline_day: int | None  # for mode monthly
    min_lead_days: int  # days between submission and project start
    no_retroactive: bool  # project must not have started before submission
    end_within_budget_year: bool
    prior_consultation_required: bool
    clause: str | None = None
    lead_clause: str | None = None
    consultation_clause: str | None = None
    # the project must not start before the written approval (stricter than no_retroactive,
    # which only forbids a start before the submission)
    no_start_before_approval: bool = False
    start_clause: str | None = None  # clause of the start rules (else `clause`)
    # the time an applicant gets to answer a request for changes (Nachforderung); the letter names the date
    changes_response_days: int = 14

    def round_for(self, submitted_on: date) -> Round | None:
        """The first round whose deadline is on or after the day of submission."""
        open_rounds = sorted(
            (r for r in self.rounds if r.deadline >= submitted_on), key=lambda r: r.deadline
        )
        return open_rounds[0] if open_rounds else None


@dataclass(frozen=True)
class DecisionTier:
    up_to_cents: int | None  # inclusive upper bound of the requested amount; None = no bound
    decided_by: DecidedBy
    body: str | None = None  # name of the deciding body for external tiers
    clause: str | None = None
    two_step: bool = False  # jury tiers: the jury only recommends, the granting body grants
    line: int = field(default=0, compare=False)  # line of the tier in the guideline file


@dataclass(frozen=True)
class DecisionRules:
    tiers: tuple[DecisionTier, ...]  # ordered by up_to_cents ascending; last may be unbounded
    two_step: bool  # default of the jury tiers: the jury only recommends; the city grants (Bewilligung)
    granting_body: str | None  # e.g. "Stadt Witten, Amt für Stadtentwicklung"
    clause: str | None = None

    def tier_for(self, amount_cents: int) -> DecisionTier:
        """The tier that decides an amount."""
        for t in self.tiers:
            if t.up_to_cents is None or amount_cents <= t.up_to_cents:
                return t
        return self.tiers[-1]

    def recommends(self, requested_cents: int) -> bool:
        """True when the jury only recommends this amount and the granting body grants it."""
        tier = self.tier_for(requested_cents)
        return tier.decided_by is DecidedBy.JURY and tier.two_step

    @property
    def any_two_step(self) -> bool:
        """True when some amount goes from the jury's recommendation to the granting body."""
        return any(t.decided_by is DecidedBy.JURY and t.two_step for t in self.tiers)


# Application fields a guideline may show the jury (`jury.visible_fields`), besides its own
# form fields; fondsengine.jury.minutes reads them, the loader refuses any other name.
JURY_FIELDS = frozenset(
    {
        "title", "description", "goals", "target_group", "applicant_kind", "organisation", "applicant",
        "contact_name", "requested", "own_funds", "other_funding", "volunteer_hours", "project_start",
        "project_end", "participants_expected", "area_link", "location", "cost_items", "total_cost",
    }
)  # fmt: skip
# Never on the jury's papers, whatever the guideline says: bank details and private contact data.
NEVER_VISIBLE = frozenset(
    {
        "iban", "account_holder", "contact_email", "contact_phone", "contact_street", "contact_postcode",
        "contact_city", "contact_address", "email", "phone", "address", "bank",
    }
)  # fmt: skip


@dataclass(frozen=True)
class JuryGroup:
    id: str  # resident, institution, expert, trader ...
    label: str
    seats: int


@dataclass(frozen=True)
class BalanceRule:
    """A required balance between member groups."""

    kind: str  # "majority": group holds more than half of all seats; "more_than": group has >= other + margin
    group: str
    other: str | None = None
    margin: int = 1
    clause: str | None = None


@dataclass(frozen=True)
class ConflictRules:
    applicant_excluded: bool = (
        True  # the applicant (member who applied) never votes on their own application
    )
    related_excluded: bool = (
        True  # members tied to the applicant (family, same organisation) do not vote
    )
    declaration_required: bool = True  # members must declare conflicts before the vote
    clause: str | None = None


@dataclass(frozen=True)
class ScoringCriterion:
    """A criterion the jury scores each item by (0 to `max_points` points)."""

    id: str
    label: str
    max_points: int
    clause: str | None = None


@dataclass(frozen=True)
class JuryRules:
    size: int
    groups: tuple[JuryGroup, ...]
    balance: tuple[BalanceRule, ...]
    selection: str  # "lot" (drawn by lot) or "election"
    term_years: int
    quorum_basis: QuorumBasis
    quorum_min_members: int  # at least this many present/participating members
    majority: Majority
    abstentions_count: bool  # abstentions count as votes cast (make a majority harder)
    tie: TieRule
    management_votes: bool
    conflict: ConflictRules
    circulation_allowed: bool
    circulation_days: int  # default deadline for a vote by circulation
    votes_open: bool  # members see the running result while voting
    public_minutes: bool  # a public summary of the minutes is published
    visible_fields: tuple[str, ...]  # application fields jury members may see
    clause: str | None = None
    quorum_clause: str | None = None
    majority_clause: str | None = None
    criteria: tuple[ScoringCriterion, ...] = ()  # optional scoring of each item, shown to the chair


NO_JURY = JuryRules(
    size=0,
    groups=(),
    balance=(),
    selection="none",
    term_years=0,
    quorum_basis=QuorumBasis.PRESENT,
    quorum_min_members=0,
    majority=Majority.SIMPLE,
    abstentions_count=False,
    tie=TieRule.REJECTED,
    management_votes=False,
    conflict=ConflictRules(),
    circulation_allowed=False,
    circulation_days=0,
    votes_open=False,
    public_minutes=False,
    visible_fields=(),
)  # a fund without a jury: the office or an outside body decides everything


@dataclass(frozen=True)
class PaymentRules:
    modes: tuple[PaymentMode, ...]
    advance_max_share: Fraction  # share of the approved amount payable before the proof of use
    instalments: int  # number of instalments for mode instalments
    lapse_after_days: int  # approval lapses if no payment is called within this many days
    clause: str | None = None
    lapse_clause: str | None = None


@dataclass(frozen=True)
class ProofRules:
    due_months_after_end: int | None  # proof due N months after the project end
    due_fixed_month_day: (
        tuple[int, int] | None
    )  # or by a fixed date (month, day) of the following year
    parts: tuple[str, ...]  # report, receipts, photos, participants, publicity_evidence
    refund_unused: bool  # money paid but not used as approved is claimed back
    cut_when_lower: bool  # approved amount cut when real costs were lower
    refund_due_days: int  # days to pay a refund claim
    clause: str | None = None
    refund_clause: str | None = None
    refund_iban: str | None = None  # the fund's account refunds are paid into
    refund_account_holder: str | None = None
    refund_interest_note: str | None = None  # e.g. interest on late refunds (German text for the letter)
    receipts_before_approval: bool = False  # receipts dated before the approval may be recognised


@dataclass(frozen=True)
class TransparencyRules:
    """What the fund publishes about itself beyond the always-public budget and counts."""

    monitoring_public: bool = False  # the monitoring summary (times, categories, reach) is public
    clause: str | None = None
    easy_language: bool = False  # the fund offers a summary in Leichte Sprache (`summary_easy_language`)


@dataclass(frozen=True)
class PublicityRules:
    required: bool
    text: str  # German text of the duty, printed in the approval letter
    clause: str | None = None


@dataclass(frozen=True)
class RetentionRules:
    years: int  # personal data kept this many years after the application is closed
    clause: str | None = None


@dataclass(frozen=True)
class FormField:
    """An extra form field the guideline asks for."""

    id: str
    label: str
    type: str  # text, textarea, number, date, choice, bool
    required: bool
    choices: tuple[str, ...] = ()
    help: str | None = None


@dataclass(frozen=True)
class Declaration:
    """A declaration the applicant must tick before submitting."""

    id: str  # not_started, no_double_funding, publicity, ...
    text: str
    clause: str | None = None


@dataclass(frozen=True)
class ChecklistItem:
    """One item of the formal review checklist."""

    id: str
    label: str
    clause: str | None = None


@dataclass(frozen=True)
class ConditionText:
    """A standard condition (Auflage) the office may attach to an approval."""

    id: str
    text: str


@dataclass(frozen=True)
class LetterText:
    subject: str
    body: str  # German paragraphs; may use {placeholders} documented in docs/guidelines.md
    closing: str | None = None


@dataclass(frozen=True)
class Guideline:
    """One version of a fund's Förderrichtlinie."""

    fund_id: str  # file name without .yaml
    version_hash: str  # sha256 of the file content
    source: str  # file path it was loaded from
    name: str  # full name, e.g. 'Quartiersfonds „Dein Projektgeld“'
    short_name: str
    kind: str  # bewohnerfonds | verfuegungsfonds
    workflow: str  # id of the workflow file (workflows/<id>.yaml)
    valid_from: date
    legal_basis: str | None
    summary: str  # plain-language German summary for residents
    office: Office
    budget: BudgetRules
    area: AreaRules
    applicants: ApplicantRules
    amounts: AmountRules
    own_contribution: OwnContributionRules
    costs: CostRules
    timing: TimingRules
    decision: DecisionRules
    jury: JuryRules
    payment: PaymentRules
    proof: ProofRules
    publicity: PublicityRules
    retention: RetentionRules
    form_fields: tuple[FormField, ...] = ()
    declarations: tuple[Declaration, ...] = ()
    review_checklist: tuple[ChecklistItem, ...] = ()
    conditions: tuple[ConditionText, ...] = ()
    letters: dict[str, LetterText] = field(
        default_factory=dict
    )  # kind -> text; kinds: receipt, changes, approval, rejection, payment, proof_result, refund, lapse
    issuance: Issuance | None = None  # form, issuer, file numbers and remedy of the decisions
    de_minimis: DeMinimisRules | None = None  # None: the fund gives no de-minimis aid
    transparency: TransparencyRules = TransparencyRules()
    summary_easy_language: str | None = None  # the guideline in Leichte Sprache, paragraphs split by blank lines

    @property
    def has_jury(self) -> bool:
        """False for a fund without a jury (no `jury` section; no tier is decided by a jury)."""
        return self.jury.size > 0


class DecisionForm(StrEnum):
    """The legal form a decision takes."""

    BESCHEID = "bescheid"  # administrative act (Verwaltungsakt) of an authority
    ZUWENDUNGSVERTRAG = "zuwendungsvertrag"  # private-law grant agreement


class Financing(StrEnum):
    """Type of financing (Finanzierungsart) the grant is given as."""

    FIXED_AMOUNT = "fixed_amount"  # Festbetragsfinanzierung
    SHARE = "share"  # Anteilfinanzierung: a share of the eligible costs
    DEFICIT = "deficit"  # Fehlbedarfsfinanzierung: what own and other money leaves uncovered


@dataclass(frozen=True)
class Signatory:
    """The person who signs decisions, with their role."""

    name: str
    role: str


@dataclass(frozen=True)
class Issuer:
    """Who issues the decisions: the authority or body, its address, who signs."""

    name: str
    address: tuple[str, ...]
    signatory: Signatory | None  # None: letters are issued without signature (unsigned_text)
    unsigned_text: str | None = None  # e.g. "Dieses Schreiben ist ohne Unterschrift gültig."


@dataclass(frozen=True)
class Issuance:
    """Form, issuer, file number scheme and legal remedy of the fund's decisions."""

    form: DecisionForm
    issuer: Issuer
    file_number_scheme: str  # e.g. "61/QF/{year}/{number}"; {file_number} is the office's number
    financing: Financing
    remedy: str | None  # Rechtsbehelfsbelehrung; required for a Bescheid
    remedy_clause: str | None = None
    revocation: str | None = None  # revocation and interest note; None = the default text
    use_within_months: int = 2  # called money must be used within this many months
    general_terms: tuple[str, ...] = ()  # general terms named in the approval (e.g. ANBest-P)
    address_required: bool = True  # applications need a postal address
    clause: str | None = None

    @property
    def is_bescheid(self) -> bool:
        """True when the decision is an administrative act."""
        return self.form is DecisionForm.BESCHEID

    def authority_file_number(self, file_number: str) -> str:
        """The granting authority's file number of an application ("QF-2026-0042" -> scheme)."""
        parts = file_number.rsplit("-", 2)
        year, number = (parts[1], parts[2]) if len(parts) == 3 else ("", file_number)
        return (
            self.file_number_scheme.replace("{year}", year)
            .replace("{number}", number)
            .replace("{file_number}", file_number)
        )

