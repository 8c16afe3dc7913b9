"""Jury rules for the pure jury tests (plain defaults, each test overrides what it is about), and a
jury decision with its vote record for the tests that need an application decided: on paper
(`decide_on_paper`, the office enters the protocol) or in the session (`decide_in_session`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from fondsengine.accounts.users import add_person, grant_role_in
from fondsengine.applications.records import AttachmentInput
from fondsengine.engine import Actor, Engine
from fondsengine.guidelines.model import ConflictRules, JuryGroup, JuryRules, Majority, QuorumBasis, TieRule
from fondsengine.jury import closing as jury_closing
from fondsengine.jury import paper as jury_paper
from fondsengine.jury import sessions as jury_sessions
from fondsengine.jury import voting as jury_voting
from fondsengine.jury.closing import ItemResult
from fondsengine.jury.common import declared_conflicts, jury_members, present_ids, role_holders, session_day, voting_ids
from fondsengine.jury.tally import conflicted_members
from fondsengine.model import AgendaItem, Application, JurySession
from tests.support.files import simple_pdf


def jury_rules(**overrides: Any) -> JuryRules:
    """A 15-member jury: simple majority, quorum of 5 present, ties rejected, no balance rule."""
    values: dict[str, Any] = {
        "size": 15,
        "groups": (JuryGroup("resident", "Bewohner*innen", 10), JuryGroup("expert", "Fachleute", 5)),
        "balance": (),
        "selection": "lot",
        "term_years": 2,
        "quorum_basis": QuorumBasis.PRESENT,
        "quorum_min_members": 5,
        "majority": Majority.SIMPLE,
        "abstentions_count": False,
        "tie": TieRule.REJECTED,
        "management_votes": False,
        "conflict": ConflictRules(),
        "circulation_allowed": True,
        "circulation_days": 7,
        "votes_open": False,
        "public_minutes": False,
        "visible_fields": (),
    }
    values.update(overrides)
    return JuryRules(**values)


# --- a jury decision with its vote record, for tests that need an application decided --------------

PROTOCOL_NAME = "protokoll-der-jurysitzung.pdf"
ACCEPTED = ("approve", "recommend")


def paper_protocol() -> AttachmentInput:
    """A signed protocol of a session held on paper (a real PDF)."""
    return AttachmentInput("other", PROTOCOL_NAME, "application/pdf", simple_pdf())


def seat_jury(fonds: Engine, fund_id: str, on: date) -> list[int]:
    """The fund's voting jury members on a day, appointed up to the guideline's size first.

    Members already appointed (a test's juror) keep their seat; the missing ones are created,
    group by group as the guideline seats them, without an email address (nobody gets a mail)."""
    with fonds.db.read() as s:
        rules = fonds.catalog.current(s, fund_id)[2].jury
        held = role_holders(s, fund_id, "jury_member", on)
        voting = voting_ids(jury_members(s, fund_id, on, rules), rules)
    taken = {g.id: sum(1 for group in held.values() if group == g.id) for g in rules.groups}
    missing: list[str | None] = [g.id for g in rules.groups for _ in range(max(g.seats - taken[g.id], 0))]
    missing += [None] * max(rules.size - len(voting) - len(missing), 0)
    wanted = missing[: max(rules.size - len(voting), 0)]
    if wanted:  # all in one unit of work (the engine's in-transaction helpers): a test seats 16 members at once
        with fonds.unit_of_work() as uow:
            now = fonds.clock.now()
            for n, group in enumerate(wanted, start=len(held) + 1):
                uid = add_person(
                    uow.session, Actor.scheduler(), now, name=f"Jurymitglied {fund_id} {n:02d}", email=None
                )
                grant_role_in(
                    uow.session, Actor.scheduler(), now, user_id=uid, fund_id=fund_id, role="jury_member", group=group
                )
            uow.commit()
    with fonds.db.read() as s:
        return sorted(voting_ids(jury_members(s, fund_id, on, rules), rules))


@dataclass(frozen=True)
class OpenItem:
    item_id: int
    voters: tuple[int, ...]  # present, entitled to vote and not conflicted


def open_item_with_jury(fonds: Engine, opener: Actor, app_id: int) -> OpenItem:
    """The application's open agenda item, its session opened (all members present) if still planned;
    the opener chairs when they are a member of the jury."""
    with fonds.db.read() as s:
        item = s.scalar(select(AgendaItem).where(AgendaItem.application_id == app_id, AgendaItem.status == "open"))
        assert item is not None, f"application {app_id} is on no open agenda"
        js = s.get(JurySession, item.session_id)
        assert js is not None
        fund_id, session_id, status, day, item_id = js.fund_id, js.id, js.status, session_day(js), item.id
    members = seat_jury(fonds, fund_id, day)
    if status == "planned":
        chair = opener.user_id if opener.user_id in members else members[0]
        jury_sessions.open_session(fonds, opener, session_id, members, chair)
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        rules = fonds.catalog.guideline(s, app.guideline_version_id).jury
        jury = jury_members(s, fund_id, day, rules)
        conflicts = conflicted_members(rules, jury, app.applicant_id, declared_conflicts(s, item_id), ())
        present = present_ids(s, session_id)
        voters = tuple(sorted((voting_ids(jury, rules) & present) - conflicts))
    return OpenItem(item_id, voters)


def _check(result: ItemResult, outcome: str) -> ItemResult:
    assert result.outcome == outcome, f"the jury decided {result.outcome!r}, not {outcome!r}: {result.explanation}"
    return result


def decide_on_paper(
    fonds: Engine,
    office: Actor,
    app_id: int,
    outcome: str,
    *,
    amount_cents: int | None = None,
    reason: str | None = None,
    conditions: Sequence[str] = (),
) -> ItemResult:
    """The office enters the jury's decision from the paper protocol (approve, recommend or reject):
    the session opened with the whole jury present if it is not yet, a majority of the voters for
    (or against), the signed protocol uploaded (`jury_paper.close_item_on_paper`)."""
    opened = open_item_with_jury(fonds, office, app_id)
    majority = len(opened.voters) // 2 + 1
    yes, no = (majority, 0) if outcome in ACCEPTED else (0, majority)
    result = jury_paper.close_item_on_paper(
        fonds,
        office,
        opened.item_id,
        yes=yes,
        no=no,
        abstain=0,
        protocol=paper_protocol(),
        expected="accepted" if outcome in ACCEPTED else "rejected",
        amount_cents=amount_cents,
        conditions=conditions,
        reason=reason,
    )
    return _check(result, outcome)


def decide_in_session(
    fonds: Engine,
    chair: Actor,
    app_id: int,
    outcome: str,
    *,
    amount_cents: int | None = None,
    reason: str | None = None,
    conditions: Sequence[str] = (),
) -> ItemResult:
    """The jury decides in its session: the chair (a jury member, or the office) opens it with the
    whole jury present if it is not yet, a majority of the voters votes yes (or no) on their own
    devices (each declaring "no conflict" first where the guideline asks for it), the chair closes the
    item (`jury_closing.close_item`)."""
    opened = open_item_with_jury(fonds, chair, app_id)
    choice = "yes" if outcome in ACCEPTED else "no"
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        declare = fonds.catalog.guideline(s, app.guideline_version_id).jury.conflict.declaration_required
    for uid in opened.voters[: len(opened.voters) // 2 + 1]:
        if declare:
            jury_sessions.declare_no_conflict(fonds, Actor(uid), opened.item_id, uid)
        jury_voting.cast_vote(fonds, Actor(uid), opened.item_id, choice)
    result = jury_closing.close_item(
        fonds, chair, opened.item_id, amount_cents=amount_cents, conditions=conditions, reason=reason
    )
    return _check(result, outcome)
