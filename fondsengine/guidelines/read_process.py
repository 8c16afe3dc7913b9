"""Read the timing, decision, jury, payment, proof-of-use and text sections."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

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
from fondsengine.guidelines.read_rules import check_unique, need
from fondsengine.guidelines.yamlreader import Section, line_of
from fondsengine.money import format_euro

TIMING_KEYS = {
    "mode", "rounds", "monthly_deadline_day", "min_lead_days", "no_retroactive",
    "end_within_budget_year", "prior_consultation_required", "clause", "lead_clause",
    "consultation_clause", "no_start_before_approval", "start_clause", "changes_response_days",
    "changes_clause",
}  # fmt: skip
JURY_KEYS = {
    "size", "groups", "balance", "selection", "term_years", "quorum_basis",
    "quorum_min_members", "majority", "abstentions_count", "tie", "management_votes",
    "conflict", "circulation_allowed", "circulation_days", "votes_open", "public_minutes",
    "visible_fields", "clause", "quorum_clause", "majority_clause", "criteria",
}  # fmt: skip


def _values(enum: type[SubmissionMode | DecidedBy | Majority | TieRule | QuorumBasis]) -> list[str]:
    return [m.value for m in enum]


def _rounds(sec: Section) -> list[Round]:
    rounds: list[Round] = []
    ids: list[tuple[str, int]] = []
    previous: Round | None = None
    for node in sec.items("rounds"):
        item = Section(sec.out, node, "rounds", {"id", "deadline", "session_date", "label"})
        deadline = item.day("deadline")
        session = item.day("session_date")
        rnd = Round(
            id=need(item.text("id"), ""),
            deadline=deadline or date.min,
            session_date=session or date.min,
            label=item.text("label", required=False),
        )
        ids.append((rnd.id, item.line_at("id")))
        if deadline is None or session is None:
            rounds.append(rnd)
            continue
        if deadline > session:
            sec.out.add(
                item.line_at("deadline"),
                f"Die Antragsfrist ({deadline.isoformat()}) der Runde '{rnd.id}' liegt nach "
                f"ihrer Jurysitzung ({session.isoformat()}).",
            )
        elif previous is not None and deadline <= previous.session_date:
            sec.out.add(
                item.line_at("deadline"),
                f"Die Runden sind nicht zeitlich geordnet oder überschneiden sich: die Frist der "
                f"Runde '{rnd.id}' ({deadline.isoformat()}) muss nach der Sitzung der Runde "
                f"'{previous.id}' ({previous.session_date.isoformat()}) liegen.",
            )
        previous = rnd
        rounds.append(rnd)
    check_unique(sec.out, ids, "Runden (rounds)")
    return rounds


def read_timing(sec: Section) -> TimingRules:
    """Submission mode, rounds, lead time and timing duties."""
    mode = SubmissionMode(need(sec.choice("mode", _values(SubmissionMode)), "open"))
    rounds = _rounds(sec)
    if mode is SubmissionMode.ROUNDS and sec.present("mode") and not rounds:
        sec.out.add(
            sec.line_at("mode"), "Bei 'mode: rounds' muss 'rounds' mindestens eine Runde enthalten."
        )
    day = sec.integer(
        "monthly_deadline_day", required=mode is SubmissionMode.MONTHLY, minimum=1, maximum=28
    )
    no_retroactive = need(sec.boolean("no_retroactive", True), True)
    before_approval = need(sec.boolean("no_start_before_approval", False), False)
    if before_approval and not no_retroactive:
        sec.out.add(
            sec.line_at("no_start_before_approval"),
            "'no_start_before_approval' ist true, aber 'no_retroactive' ist false: wer erst nach "
            "der Bewilligung beginnen darf, darf auch nicht vor dem Antrag beginnen.",
        )
    return TimingRules(
        mode=mode,
        rounds=tuple(rounds),
        monthly_deadline_day=day,
        min_lead_days=need(sec.integer("min_lead_days", required=False, minimum=0), 0),
        no_retroactive=no_retroactive,
        end_within_budget_year=need(sec.boolean("end_within_budget_year", False), False),
        prior_consultation_required=need(sec.boolean("prior_consultation_required", False), False),
        clause=sec.text("clause", required=False),
        lead_clause=sec.text("lead_clause", required=False),
        consultation_clause=sec.text("consultation_clause", required=False),
        no_start_before_approval=before_approval,
        start_clause=sec.text("start_clause", required=False),
        changes_response_days=need(
            sec.integer("changes_response_days", required=False, minimum=1, maximum=365), 14
        ),
        changes_clause=sec.text("changes_clause", required=False),
    )


def read_decision(sec: Section) -> DecisionRules:
    """Decision tiers by amount and the two-step procedure."""
    tiers: list[DecisionTier] = []
    last_bound: int | None = None
    unbounded_line: int | None = None
    two_step = need(sec.boolean("two_step", False), False)
    for node in sec.items("tiers", required=True):
        item = Section(sec.out, node, "tiers", {"up_to", "decided_by", "body", "clause", "two_step"})
        up_to = item.money("up_to", required=False)
        decided = DecidedBy(need(item.choice("decided_by", _values(DecidedBy)), "jury"))
        body = item.text("body", required=decided is DecidedBy.EXTERNAL)
        if unbounded_line is not None:
            sec.out.add(item.line, "Nach einer Stufe ohne 'up_to' darf keine weitere Stufe folgen.")
        if up_to is None:
            unbounded_line = item.line
        elif last_bound is not None and up_to <= last_bound:
            sec.out.add(
                item.line_at("up_to"),
                f"Die Entscheidungsstufen müssen aufsteigend sein: {format_euro(up_to)} folgt auf "
                f"{format_euro(last_bound)}.",
            )
        last_bound = up_to if up_to is not None else last_bound
        tier_two_step = need(item.boolean("two_step", two_step), two_step)
        if item.present("two_step") and decided is not DecidedBy.JURY:
            sec.out.add(
                item.line_at("two_step"),
                "'two_step' gilt nur für eine Stufe mit 'decided_by: jury' (die Jury empfiehlt, "
                "'granting_body' bewilligt).",
            )
        tiers.append(
            DecisionTier(
                up_to,
                decided,
                body,
                item.text("clause", required=False),
                tier_two_step and decided is DecidedBy.JURY,
                item.line,
            )
        )
    if sec.present("tiers") and not tiers:
        sec.out.add(sec.line_at("tiers"), "'tiers' muss mindestens eine Stufe enthalten.")
    any_two_step = any(t.two_step for t in tiers)
    return DecisionRules(
        tiers=tuple(tiers),
        two_step=two_step,
        # whoever grants after a recommendation, needed as soon as one tier is two-step
        granting_body=sec.text("granting_body", required=any_two_step),
        clause=sec.text("clause", required=False),
    )


def _groups(sec: Section, size: int | None) -> list[JuryGroup]:
    groups: list[JuryGroup] = []
    ids: list[tuple[str, int]] = []
    for node in sec.items("groups", required=True):
        item = Section(sec.out, node, "groups", {"id", "label", "seats"})
        group = JuryGroup(
            id=need(item.text("id"), ""),
            label=need(item.text("label"), ""),
            seats=need(item.integer("seats", minimum=1), 0),
        )
        groups.append(group)
        ids.append((group.id, item.line_at("id")))
    check_unique(sec.out, ids, "Jurygruppen (groups)")
    total = sum(g.seats for g in groups)
    if size is not None and groups and all(g.seats for g in groups) and total != size:
        sec.out.add(
            sec.line_at("groups"),
            f"Die Sitze der Gruppen ergeben zusammen {total}, "
            f"die Jury hat aber {size} Mitglieder ('size').",
        )
    return groups


def _criteria(sec: Section) -> list[ScoringCriterion]:
    criteria: list[ScoringCriterion] = []
    ids: list[tuple[str, int]] = []
    for node in sec.items("criteria"):
        item = Section(sec.out, node, "criteria", {"id", "label", "max_points", "clause"})
        criterion = ScoringCriterion(
            id=need(item.text("id"), ""),
            label=need(item.text("label"), ""),
            max_points=need(item.integer("max_points", minimum=1), 1),
            clause=item.text("clause", required=False),
        )
        criteria.append(criterion)
        ids.append((criterion.id, item.line_at("id")))
    check_unique(sec.out, ids, "Bewertungskriterien (criteria)")
    return criteria


def _balance(sec: Section, groups: list[JuryGroup], size: int | None) -> list[BalanceRule]:
    seats = {g.id: g.seats for g in groups}
    rules: list[BalanceRule] = []
    for node in sec.items("balance"):
        item = Section(sec.out, node, "balance", {"kind", "group", "other", "margin", "clause"})
        kind = need(item.choice("kind", ("majority", "more_than")), "majority")
        rule = BalanceRule(
            kind=kind,
            group=need(item.text("group"), ""),
            other=item.text("other", required=kind == "more_than"),
            margin=need(item.integer("margin", required=False, minimum=1), 1),
            clause=item.text("clause", required=False),
        )
        for key, ident in (("group", rule.group), ("other", rule.other)):
            if ident and groups and ident not in seats:
                sec.out.add(
                    item.line_at(key), f"Die Jurygruppe '{ident}' gibt es unter 'groups' nicht."
                )
        mine = seats.get(rule.group)
        if mine is not None and size and kind == "majority" and mine * 2 <= size:
            sec.out.add(
                item.line,
                f"Die Gruppe '{rule.group}' hat mit {mine} von {size} Sitzen keine Mehrheit.",
            )
        other = seats.get(rule.other or "")
        if (
            mine is not None
            and other is not None
            and kind == "more_than"
            and mine < other + rule.margin
        ):
            sec.out.add(
                item.line,
                f"Die Gruppe '{rule.group}' ({mine} Sitze) braucht mindestens "
                f"{rule.margin} Sitz(e) mehr als '{rule.other}' ({other} Sitze).",
            )
        rules.append(rule)
    return rules


def read_jury(sec: Section) -> JuryRules:
    """Size, groups, quorum, majority and conflict rules of the jury."""
    size = sec.integer("size", minimum=1)
    groups = _groups(sec, size)
    quorum = sec.integer("quorum_min_members", minimum=1)
    if quorum is not None and size is not None and quorum > size:
        sec.out.add(
            sec.line_at("quorum_min_members"),
            f"'quorum_min_members' ({quorum}) ist größer als die Jury ('size': {size}).",
        )
    conflict_sec = sec.section(
        "conflict",
        {"applicant_excluded", "related_excluded", "declaration_required", "clause"},
        required=False,
    )
    conflict = ConflictRules(
        applicant_excluded=need(conflict_sec.boolean("applicant_excluded", True), True),
        related_excluded=need(conflict_sec.boolean("related_excluded", True), True),
        declaration_required=need(conflict_sec.boolean("declaration_required", True), True),
        clause=conflict_sec.text("clause", required=False),
    )
    return JuryRules(
        size=need(size, 0),
        groups=tuple(groups),
        balance=tuple(_balance(sec, groups, size)),
        selection=need(sec.choice("selection", ("lot", "election", "mixed")), "lot"),
        term_years=need(sec.integer("term_years", required=False, minimum=1), 1),
        quorum_basis=QuorumBasis(
            need(sec.choice("quorum_basis", _values(QuorumBasis), default="present"), "present")
        ),
        quorum_min_members=need(quorum, 1),
        majority=Majority(need(sec.choice("majority", _values(Majority)), "simple")),
        abstentions_count=need(sec.boolean("abstentions_count", False), False),
        tie=TieRule(need(sec.choice("tie", _values(TieRule), default="rejected"), "rejected")),
        management_votes=need(sec.boolean("management_votes", False), False),
        conflict=conflict,
        circulation_allowed=need(sec.boolean("circulation_allowed", False), False),
        circulation_days=need(sec.integer("circulation_days", required=False, minimum=1), 7),
        votes_open=need(sec.boolean("votes_open", False), False),
        public_minutes=need(sec.boolean("public_minutes", False), False),
        visible_fields=tuple(sec.texts("visible_fields")),
        clause=sec.text("clause", required=False),
        quorum_clause=sec.text("quorum_clause", required=False),
        majority_clause=sec.text("majority_clause", required=False),
        criteria=tuple(_criteria(sec)),
    )


REPLACED_PAYMENT_KEYS = ("use_within_days", "use_clause")  # accepted only to say where the rule is now


def read_payment(sec: Section) -> PaymentRules:
    """Payment modes, advance share and the lapse period."""
    modes: list[PaymentMode] = []
    allowed = [m.value for m in PaymentMode]
    for node in sec.items("modes", required=True):
        value = str(getattr(node, "value", ""))
        if value in allowed:
            modes.append(PaymentMode(value))
        else:
            sec.out.add(
                line_of(node), f"'modes' kennt nur: {', '.join(allowed)}; gefunden: {value}"
            )
    for old in REPLACED_PAYMENT_KEYS:
        if old in sec.entries:
            sec.out.add(
                sec.line_at(old),
                f"'payment.{old}' gibt es nicht mehr: Die Frist, in der abgerufenes Geld zu verwenden ist, "
                "steht einmal in 'issuance.use_within_months' (in Monaten, Nr. 1.4 ANBest-P); die Bewilligung "
                "nennt sie, und die Aufgabenliste zeigt danach die noch nicht verwendeten Mittel. Bitte den "
                "Schlüssel hier entfernen.",
            )
    advance = sec.percent("advance_max_share_percent", required=PaymentMode.ADVANCE in modes)
    instalments = sec.integer("instalments", required=PaymentMode.INSTALMENTS in modes, minimum=2)
    return PaymentRules(
        modes=tuple(modes),
        advance_max_share=need(advance, Fraction(0)),
        instalments=need(instalments, 1),
        lapse_after_days=need(sec.integer("lapse_after_days", minimum=1), 0),
        clause=sec.text("clause", required=False),
        lapse_clause=sec.text("lapse_clause", required=False),
    )
