"""A jury decision (approve, reject, recommend) exists only with its vote record.

The engine refuses it without the votes of the jury's session or the counts of the paper
protocol, in German and without writing anything; a deferral (Vertagung) needs no votes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from fondsengine.applications import decisions
from fondsengine.applications.steps import PaperRecord, StepCall, StepInput, take_step
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.jury import paper as jury_paper
from fondsengine.model import AgendaItem, Application, AuditEvent, LedgerEntry, Letter, OutboxMessage
from fondsengine.workflow.registry import USE_CASES
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input
from tests.support.journey import Journey
from tests.support.jury import decide_in_session, decide_on_paper, open_item_with_jury, paper_protocol


@dataclass(frozen=True)
class Footprint:
    """What a jury decision would write: the application's state, its agenda item, audit rows,
    letters, budget bookings and mails."""

    state: str
    approved_cents: int | None
    item: tuple[str, str | None]
    audit_rows: int
    letters: int
    ledger_rows: int
    outbox: int


def footprint(fonds: Engine, app_id: int) -> Footprint:
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        item = s.execute(
            select(AgendaItem.status, AgendaItem.outcome)
            .where(AgendaItem.application_id == app_id)
            .order_by(AgendaItem.id.desc())
        ).first()
        assert item is not None

        def count(model: type[object]) -> int:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

        return Footprint(
            app.state,
            app.approved_cents,
            (item[0], item[1]),
            count(AuditEvent),
            count(Letter),
            count(LedgerEntry),
            count(OutboxMessage),
        )


@pytest.fixture
def office(fonds: Engine) -> Actor:
    return person(fonds, "Büro mitten@witten", "buero@example.org", (QF, "manager"), (CF, "manager"))


APPLICANTS = itertools.count(1)


def on_agenda(fonds: Engine, office: Actor, fund: str = QF) -> int:
    """A new application of its own applicant, reviewed and on the agenda of a planned session."""
    n = next(APPLICANTS)
    anna = person(fonds, f"Anna Beispiel {n}", f"anna{n}@example.org")
    data = quartiersfonds_input() if fund == QF else cityfonds_input()
    return Journey(fonds, office=office, applicant=anna, fund=fund, data=data).to("on_agenda")


def jury_decision(fonds: Engine, actor: Actor, app_id: int, trigger: str, given: StepInput) -> None:
    """The registered use case of the jury's steps, as a workflow that does not ask for the paper
    record would reach it (take_step itself refuses a step asking for it without one)."""
    USE_CASES.functions["jury_decision"](StepCall(fonds, actor, app_id, trigger, given))


@pytest.mark.parametrize(
    ("fund", "trigger"),
    [(QF, "jury_approve"), (QF, "jury_reject"), (CF, "jury_recommend")],
)
def test_the_jury_use_case_refuses_approve_reject_and_recommend_without_votes_and_writes_nothing(
    fonds: Engine, office: Actor, fund: str, trigger: str
) -> None:
    app_id = on_agenda(fonds, office, fund)
    open_item_with_jury(fonds, office, app_id)  # the session is open: only the votes are missing
    before = footprint(fonds, app_id)
    assert before.state == "on_agenda" and before.item == ("open", None)

    with pytest.raises(InvalidInput) as refused:
        jury_decision(fonds, office, app_id, trigger, StepInput(reason="Beschlossen."))
    assert str(refused.value) == decisions.VOTES_MISSING
    assert "Abstimmungsergebnis der Sitzung" in str(refused.value)
    assert refused.value.field == "yes"
    assert footprint(fonds, app_id) == before


def test_the_engine_core_refuses_a_jury_outcome_without_a_complete_vote_record(fonds: Engine, office: Actor) -> None:
    app_id = on_agenda(fonds, office)
    before = footprint(fonds, app_id)
    tallies: tuple[dict[str, Any] | None, ...] = (
        None,
        {},
        {"yes": 5, "no": 1},
        {"yes": 5, "no": 1, "abstain": "1"},
        {"explanation": "einstimmig"},
    )
    for tally in tallies:
        with fonds.unit_of_work() as uow:
            app = uow.session.get(Application, app_id)
            assert app is not None
            with pytest.raises(InvalidInput, match="Abstimmungsergebnis der Sitzung"):
                decisions.apply_jury_outcome(uow, office, app, "approve", tally=tally)
            uow.commit()
    assert footprint(fonds, app_id) == before
    assert decisions.has_vote_record({"yes": 5, "no": 1, "abstain": 0})
    assert not decisions.has_vote_record({"yes": True, "no": 1, "abstain": 0})


def test_a_step_asking_for_the_paper_record_is_refused_without_one_and_writes_nothing(
    fonds: Engine, office: Actor
) -> None:
    app_id = on_agenda(fonds, office)
    open_item_with_jury(fonds, office, app_id)
    before = footprint(fonds, app_id)
    with pytest.raises(InvalidInput, match="unterschriebene Protokoll"):
        take_step(fonds, office, app_id, "jury_approve", StepInput())
    empty = PaperRecord(yes=None, no=None, abstain=None, protocol=paper_protocol())
    with pytest.raises(InvalidInput, match="Ein Beschluss der Jury braucht sein Protokoll"):
        take_step(fonds, office, app_id, "jury_approve", StepInput(paper=empty))
    assert footprint(fonds, app_id) == before

    # with the counts and the protocol the same step goes through and keeps the record
    counted = PaperRecord(yes=8, no=2, abstain=1, protocol=paper_protocol())
    take_step(fonds, office, app_id, "jury_approve", StepInput(paper=counted))
    after = footprint(fonds, app_id)
    assert (after.state, after.item) == ("approved", ("closed", "approve"))
    assert after.letters == before.letters + 1 and after.ledger_rows == before.ledger_rows + 1
    with fonds.db.read() as s:
        tally = s.scalar(select(AgendaItem.tally).where(AgendaItem.application_id == app_id))
    assert tally is not None and (tally["yes"], tally["no"], tally["abstain"]) == (8, 2, 1)


def test_a_deferral_needs_no_votes_and_sends_the_application_back_to_the_office(fonds: Engine, office: Actor) -> None:
    app_id = on_agenda(fonds, office)
    before = footprint(fonds, app_id)
    take_step(fonds, office, app_id, "jury_defer", StepInput(reason="Unterlagen fehlen noch."))
    after = footprint(fonds, app_id)
    assert (after.state, after.item, after.approved_cents) == ("reviewed", ("closed", "defer"), None)
    assert (after.letters, after.ledger_rows) == (before.letters, before.ledger_rows)
    with fonds.db.read() as s:
        reasons = list(s.scalars(select(AuditEvent.reason).where(AuditEvent.action == "jury_defer")))
    assert reasons == ["Unterlagen fehlen noch."]

    again = on_agenda(fonds, office)
    decisions.record_jury_deferral(fonds, office, again)
    assert footprint(fonds, again).state == "reviewed"


def test_the_legitimate_paths_keep_their_vote_record(fonds: Engine, office: Actor) -> None:
    on_paper = on_agenda(fonds, office)
    result = decide_on_paper(fonds, office, on_paper, "approve")
    assert result.tally is not None and result.tally.yes > result.tally.no
    in_session = on_agenda(fonds, office)
    decide_in_session(fonds, office, in_session, "reject", reason="Zu teuer")
    with fonds.db.read() as s:
        tallies: dict[int, dict[str, Any]] = dict(
            s.execute(
                select(AgendaItem.application_id, AgendaItem.tally).where(
                    AgendaItem.application_id.in_([on_paper, in_session])
                )
            ).all()
        )
    assert "paper" in tallies[on_paper] and decisions.has_vote_record(tallies[on_paper])
    assert "paper" not in tallies[in_session] and decisions.has_vote_record(tallies[in_session])
    assert tallies[in_session]["no"] > tallies[in_session]["yes"] == 0
    assert jury_paper.open_item_of(fonds, on_paper) is None
