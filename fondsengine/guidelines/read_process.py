"""The timing, decision, jury and payment sections (declared as in guidelines/spec.py)."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from fondsengine.guidelines.model import (
    BalanceRule,
    ConflictRules,
    DecidedBy,
    DecisionRules,
    DecisionTier,
    JuryGroup,
    JuryRules,
    Majority,
    PaymentMode,
    PaymentRules,
    QuorumBasis,
    Round,
    ScoringCriterion,
    SubmissionMode,
    TieRule,
    TimingRules,
)
from fondsengine.guidelines.spec import (
    LIST,
    Bool,
    Day,
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
    fail,
    integer,
    line_at,
    needs,
    one_of,
    raw,
    unique,
    values,
)
from fondsengine.guidelines.yamlreader import Collector
from fondsengine.money import format_euro
from fondsengine.schema import Located


class RoundSpec(Spec):
    """timing.rounds[]: applications received by `deadline` go to the session on `session_date`."""

    id: Text
    deadline: Day
    session_date: Day
    label: Text | None = Round.label

    def build(self) -> Round:
        return Round(**values(self))


class TimingSpec(Spec):
    """timing: submission mode, rounds, lead time and timing duties."""

    mode: Annotated[SubmissionMode, one_of(SubmissionMode)]
    rounds: Annotated[list[RoundSpec], LIST] = Field(default_factory=list)
    monthly_deadline_day: Annotated[int, integer(1, 28)] | None = None  # needed for mode monthly
    min_lead_days: Annotated[int, integer(0)] = 0
    no_retroactive: Bool = True
    end_within_budget_year: Bool = False
    prior_consultation_required: Bool = False
    clause: Text | None = TimingRules.clause
    lead_clause: Text | None = TimingRules.lead_clause
    consultation_clause: Text | None = TimingRules.consultation_clause
    no_start_before_approval: Bool = TimingRules.no_start_before_approval
    start_clause: Text | None = TimingRules.start_clause
    changes_response_days: Annotated[int, integer(1, 365)] = TimingRules.changes_response_days

    def problems(self, data: Located, out: Collector) -> None:
        previous: RoundSpec | None = None
        for rnd, item in aligned(self.rounds, data, "rounds"):
            if rnd.deadline > rnd.session_date:
                out.add(
                    line_at(item, "deadline"),
                    f"Die Antragsfrist ({rnd.deadline.isoformat()}) der Runde '{rnd.id}' liegt nach "
                    f"ihrer Jurysitzung ({rnd.session_date.isoformat()}).",
                )
            elif previous is not None and rnd.deadline <= previous.session_date:
                out.add(
                    line_at(item, "deadline"),
                    f"Die Runden sind nicht zeitlich geordnet oder überschneiden sich: die Frist der "
                    f"Runde '{rnd.id}' ({rnd.deadline.isoformat()}) muss nach der Sitzung der Runde "
                    f"'{previous.id}' ({previous.session_date.isoformat()}) liegen.",
                )
            previous = rnd
        unique(out, data, ("rounds",), "Runden (rounds)")
        if self.mode is SubmissionMode.ROUNDS and not self.rounds and complete(self.rounds, data, "rounds"):
            out.add(line_at(data, "mode"), "Bei 'mode: rounds' muss 'rounds' mindestens eine Runde enthalten.")
        if self.mode is SubmissionMode.MONTHLY and self.monthly_deadline_day is None:
            needs(out, data, "timing", "monthly_deadline_day")
        if self.no_start_before_approval and not self.no_retroactive:
            out.add(
                line_at(data, "no_start_before_approval"),
                "'no_start_before_approval' ist true, aber 'no_retroactive' ist false: wer erst nach "
                "der Bewilligung beginnen darf, darf auch nicht vor dem Antrag beginnen.",
            )

    def build(self) -> TimingRules:
        return TimingRules(**{**values(self), "rounds": tuple(r.build() for r in self.rounds)})


class TierSpec(Spec):
    """decision.tiers[]: who decides amounts up to `up_to` (the last may have no bound)."""

    up_to: Money | None = None
    decided_by: Annotated[DecidedBy, one_of(DecidedBy)]
    body: Text | None = DecisionTier.body  # needed for an external tier
    clause: Text | None = DecisionTier.clause
    two_step: Bool | None = None  # jury tiers; none: the section's two_step


class DecisionSpec(Spec):
    """decision: the decision tiers by amount and the two-step procedure."""

    tiers: Annotated[list[TierSpec], LIST, at_least_one("'tiers' muss mindestens eine Stufe enthalten.")]
    two_step: Bool = False
    granting_body: Text | None = None  # needed as soon as one tier is two-step
    clause: Text | None = DecisionRules.clause

    def problems(self, data: Located, out: Collector) -> None:
        last_bound: int | None = None
        unbounded = False
        for tier, item in aligned(self.tiers, data, "tiers"):
            if tier.decided_by is DecidedBy.EXTERNAL and tier.body is None:
                needs(out, item, "tiers", "body")
            if unbounded:
                out.add(item.line(()), "Nach einer Stufe ohne 'up_to' darf keine weitere Stufe folgen.")
            if tier.up_to is None:
                unbounded = True
            elif last_bound is not None and tier.up_to <= last_bound:
                out.add(
                    line_at(item, "up_to"),
                    f"Die Entscheidungsstufen müssen aufsteigend sein: {format_euro(tier.up_to)} folgt auf "
                    f"{format_euro(last_bound)}.",
                )
            last_bound = tier.up_to if tier.up_to is not None else last_bound
            if tier.two_step is not None and tier.decided_by is not DecidedBy.JURY:
                out.add(
                    line_at(item, "two_step"),
                    "'two_step' gilt nur für eine Stufe mit 'decided_by: jury' (die Jury empfiehlt, "
                    "'granting_body' bewilligt).",
                )
        if self.granting_body is None and self.build(data).any_two_step:
            needs(out, data, "decision", "granting_body")

    def build(self, data: Located) -> DecisionRules:
        tiers = tuple(
            DecisionTier(
                t.up_to,
                t.decided_by,
                t.body,
                t.clause,
                (self.two_step if t.two_step is None else t.two_step) and t.decided_by is DecidedBy.JURY,
                data.line(("tiers", i)),
            )
            for i, t in enumerate(self.tiers)
        )
        return DecisionRules(tiers, self.two_step, self.granting_body, self.clause)


class GroupSpec(Spec):
    """jury.groups[]: a group of members and its seats."""

    id: Text
    label: Text
    seats: Annotated[int, integer(1)]


class BalanceSpec(Spec):
    """jury.balance[]: a required balance between the groups."""

    kind: Annotated[str, choice(("majority", "more_than"))]
    group: Text
    other: Text | None = BalanceRule.other  # needed for more_than
    margin: Annotated[int, integer(1)] = BalanceRule.margin
    clause: Text | None = BalanceRule.clause

    def problems_with(self, item: Located, out: Collector, seats: dict[str, int], size: int) -> None:
        if self.kind == "more_than" and self.other is None:
            needs(out, item, "balance", "other")
        for key, ident in (("group", self.group), ("other", self.other)):
            if ident and seats and ident not in seats:
                out.add(line_at(item, key), f"Die Jurygruppe '{ident}' gibt es unter 'groups' nicht.")
        mine = seats.get(self.group)
        if mine is not None and self.kind == "majority" and mine * 2 <= size:
            out.add(item.line(()), f"Die Gruppe '{self.group}' hat mit {mine} von {size} Sitzen keine Mehrheit.")
        other = seats.get(self.other or "")
        if mine is not None and other is not None and self.kind == "more_than" and mine < other + self.margin:
            out.add(
                item.line(()),
                f"Die Gruppe '{self.group}' ({mine} Sitze) braucht mindestens "
                f"{self.margin} Sitz(e) mehr als '{self.other}' ({other} Sitze).",
            )


class ConflictSpec(Spec):
    """jury.conflict: who does not vote (absent: the defaults of ConflictRules)."""

    applicant_excluded: Bool = ConflictRules.applicant_excluded
    related_excluded: Bool = ConflictRules.related_excluded
    declaration_required: Bool = ConflictRules.declaration_required
    clause: Text | None = ConflictRules.clause


class CriterionSpec(Spec):
    """jury.criteria[]: a criterion the jury scores each item by."""

    id: Text
    label: Text
    max_points: Annotated[int, integer(1)]
    clause: Text | None = ScoringCriterion.clause


class JurySpec(Spec):
    """jury: size, groups, quorum, majority and conflict rules."""

    size: Annotated[int, integer(1)]
    groups: Annotated[list[GroupSpec], LIST]
    quorum_min_members: Annotated[int, integer(1)]
    balance: Annotated[list[BalanceSpec], LIST] = Field(default_factory=list)
    selection: Annotated[str, choice(("lot", "election", "mixed"))]
    term_years: Annotated[int, integer(1)] = 1
    quorum_basis: Annotated[QuorumBasis, one_of(QuorumBasis)] = QuorumBasis.PRESENT
    majority: Annotated[Majority, one_of(Majority)]
    abstentions_count: Bool = False
    tie: Annotated[TieRule, one_of(TieRule)] = TieRule.REJECTED
    management_votes: Bool = False
    conflict: ConflictSpec = ConflictSpec()
    circulation_allowed: Bool = False
    circulation_days: Annotated[int, integer(1)] = 7
    votes_open: Bool = False
    public_minutes: Bool = False
    visible_fields: Texts = Field(default_factory=list)
    clause: Text | None = JuryRules.clause
    quorum_clause: Text | None = JuryRules.quorum_clause
    majority_clause: Text | None = JuryRules.majority_clause
    criteria: Annotated[list[CriterionSpec], LIST] = default_of(JuryRules.criteria)

    def problems(self, data: Located, out: Collector) -> None:
        unique(out, data, ("groups",), "Jurygruppen (groups)")
        total = sum(g.seats for g in self.groups)
        if self.groups and complete(self.groups, data, "groups") and total != self.size:
            out.add(
                line_at(data, "groups"),
                f"Die Sitze der Gruppen ergeben zusammen {total}, die Jury hat aber {self.size} Mitglieder ('size').",
            )
        if self.quorum_min_members > self.size:
            out.add(
                line_at(data, "quorum_min_members"),
                f"'quorum_min_members' ({self.quorum_min_members}) ist größer als die Jury ('size': {self.size}).",
            )
        seats = {g.id: g.seats for g in self.groups}
        for rule, item in aligned(self.balance, data, "balance"):
            rule.problems_with(item, out, seats, self.size)
        unique(out, data, ("criteria",), "Bewertungskriterien (criteria)")

    def build(self) -> JuryRules:
        return JuryRules(
            **{
                **values(self),
                "groups": tuple(JuryGroup(**values(g)) for g in self.groups),
                "balance": tuple(BalanceRule(**values(b)) for b in self.balance),
                "conflict": ConflictRules(**values(self.conflict)),
                "criteria": tuple(ScoringCriterion(**values(c)) for c in self.criteria),
            }
        )


def _mode(value: Any) -> PaymentMode:
    allowed = [m.value for m in PaymentMode]
    if not isinstance(value, str) or value not in allowed:
        raise fail(
            "mode", "'{key}' kennt nur: {allowed}; gefunden: {value}", allowed=", ".join(allowed), value=raw(value)
        )
    return PaymentMode(value)


REPLACED_PAYMENT_KEYS = ("use_within_days", "use_clause")  # accepted only to say where the rule is now


class PaymentSpec(Spec):
    """payment: payment modes, advance share and the lapse period."""

    modes: Annotated[list[Annotated[PaymentMode, BeforeValidator(_mode)]], LIST]
    advance_max_share_percent: Percent | None = None  # needed for mode advance
    instalments: Annotated[int, integer(2)] | None = None  # needed for mode instalments
    lapse_after_days: Annotated[int, integer(1)]
    clause: Text | None = PaymentRules.clause
    lapse_clause: Text | None = PaymentRules.lapse_clause
    use_within_days: Any = None  # replaced by issuance.use_within_months (REPLACED_PAYMENT_KEYS)
    use_clause: Any = None

    def problems(self, data: Located, out: Collector) -> None:
        written = data.value if isinstance(data.value, dict) else {}
        for old in REPLACED_PAYMENT_KEYS:
            if old in written:
                out.add(
                    line_at(data, old),
                    f"'payment.{old}' gibt es nicht mehr: Die Frist, in der abgerufenes Geld zu verwenden ist, "
                    "steht einmal in 'issuance.use_within_months' (in Monaten, Nr. 1.4 ANBest-P); die Bewilligung "
                    "nennt sie, und die Aufgabenliste zeigt danach die noch nicht verwendeten Mittel. Bitte den "
                    "Schlüssel hier entfernen.",
                )
        if PaymentMode.ADVANCE in self.modes and self.advance_max_share_percent is None:
            needs(out, data, "payment", "advance_max_share_percent")
        if PaymentMode.INSTALMENTS in self.modes and self.instalments is None:
            needs(out, data, "payment", "instalments")

    def build(self) -> PaymentRules:
        return PaymentRules(
            **values(
                self,
                skip={"advance_max_share_percent", "instalments", *REPLACED_PAYMENT_KEYS},
            ),
            advance_max_share=self.advance_max_share_percent or Fraction(0),
            instalments=self.instalments or 1,
        )
