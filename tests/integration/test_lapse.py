"""Lapse dates that fit the project, on each payment mode, with the injectable clock.

A grant paid only against the proof (Cityfonds: reimbursement) never lapses before its proof is
due; a grant with advances (Quartiersfonds) never lapses before its project ends; an open
payment request stops the lapse; the applicant is warned (mail once, status page) before;
the release goes back into the commitment's budget year; the approval letter data cite the date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.clock import FixedClock
from fondsengine.engine import Actor, Engine
from fondsengine.errors import GuardFailed
from fondsengine.guidelines.calc import lapse_date, lapse_rule_text, proof_due_date
from fondsengine.guidelines.model import PaymentMode
from fondsengine.jobs.deadlines import LAPSE_WARNING_DAYS, approval_lapse, lapse_warning
from fondsengine.model import Application, LedgerEntry, Letter, OutboxMessage
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input
from tests.support.jury import decide_on_paper

IBAN = "DE89 3704 0044 0532 0130 00"


def _berlin_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)


def _approved(fonds: Engine, fund_id: str) -> tuple[int, Actor, Actor]:
    office = person(fonds, "Büro", f"buero-{fund_id}@example.org", (QF, "manager"), (CF, "manager"))
    who = person(fonds, "Anna Beispiel", f"anna-{fund_id}@example.org")
    data = quartiersfonds_input() if fund_id == QF else cityfonds_input()
    app_id = apps.create_draft(fonds, who, fund_id, data)
    apps.submit(fonds, who, app_id)
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, fund_id)[2].review_checklist
    decisions.start_review(fonds, office, app_id)
    decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(fonds, office, app_id)
    session = decisions.create_session(fonds, office, fund_id, datetime(2026, 12, 2, 17, tzinfo=UTC), "Rathaus")
    decisions.schedule(fonds, office, app_id, session)
    if fund_id == QF:
        decide_on_paper(fonds, office, app_id, "approve")
    else:
        city = person(fonds, "Stadt", "stadt@example.org", (CF, "city_approver"))
        decide_on_paper(fonds, office, app_id, "recommend")
        decisions.record_city_grant(fonds, city, app_id, granted_on=date(2026, 11, 25), grant_file_number="61-1")
    return app_id, office, who


def _app(fonds: Engine, app_id: int) -> Application:
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        s.expunge(app)
        return app


def _run_lapse_on(fonds: Engine, day: date) -> int:
    fonds.clock.set(_berlin_noon(day))  # type: ignore[attr-defined]
    return approval_lapse(fonds, fonds.clock.now())


def test_a_grant_paid_only_against_the_proof_lapses_only_after_the_proof_is_due(fonds: Engine) -> None:
    app_id, _office, _ = _approved(fonds, CF)
    app = _app(fonds, app_id)
    with fonds.db.read() as s:
        g = fonds.catalog.guideline(s, app.guideline_version_id)
    assert g.payment.modes == (PaymentMode.REIMBURSEMENT,)
    assert app.project_end is not None and app.proof_due_on == proof_due_date(g, app.project_end)
    assert app.proof_due_on == date(2028, 1, 31)
    # the guideline's 120 days would end in March 2027, before the project (May-June 2027)
    assert app.lapse_due_on == app.proof_due_on
    with fonds.db.read() as s:
        letter = s.scalar(select(Letter).where(Letter.application_id == app_id, Letter.kind == "approval"))
        assert letter is not None
        assert letter.data["lapse_date"] == "2028-01-31"
        assert letter.data["lapse_rule"] == lapse_rule_text(g, date(2028, 1, 31))
        assert "31.01.2028" in letter.data["lapse_rule"] and "Verwendungsnachweis" in letter.data["lapse_rule"]
        commitment_year = s.scalar(
            select(LedgerEntry.budget_year).where(
                LedgerEntry.application_id == app_id, LedgerEntry.kind == "commitment"
            )
        )

    for day in (date(2027, 3, 26), date(2027, 6, 15), date(2027, 12, 1), date(2028, 1, 31)):
        assert _run_lapse_on(fonds, day) == 0, day
        assert _app(fonds, app_id).state == "approved"
    with pytest.raises(GuardFailed, match="Frist zum Abruf"):
        proofs.lapse(fonds, Actor.scheduler(), app_id)

    assert _run_lapse_on(fonds, date(2028, 2, 1)) == 1
    assert _app(fonds, app_id).state == "lapsed"
    with fonds.db.read() as s:
        releases = s.execute(
            select(LedgerEntry.budget_year, LedgerEntry.amount_cents).where(
                LedgerEntry.application_id == app_id, LedgerEntry.kind == "release"
            )
        ).all()
    # released in 2028, booked back into the year of the commitment
    assert [(y, c) for y, c in releases] == [(commitment_year, app.approved_cents)]


def test_a_grant_with_advances_does_not_lapse_during_its_project(fonds: Engine) -> None:
    app_id, _office, _ = _approved(fonds, QF)
    app = _app(fonds, app_id)
    with fonds.db.read() as s:
        g = fonds.catalog.guideline(s, app.guideline_version_id)
    assert PaymentMode.ADVANCE in g.payment.modes
    approved_on = date(2026, 11, 25)
    assert approved_on + timedelta(days=g.payment.lapse_after_days) < date(2027, 9, 30)  # would end mid-project
    # reimbursement is a mode too: not before the proof is due (2 months after the end)
    assert app.lapse_due_on == app.proof_due_on == date(2027, 11, 30)
    assert _run_lapse_on(fonds, date(2027, 6, 1)) == 0  # halfway through the project
    assert _run_lapse_on(fonds, date(2027, 11, 30)) == 0
    assert _run_lapse_on(fonds, date(2027, 12, 1)) == 1
    assert _app(fonds, app_id).state == "lapsed"


def test_an_open_payment_request_stops_the_lapse(fonds: Engine) -> None:
    app_id, _office, who = _approved(fonds, QF)
    payments.request_payment(fonds, who, app_id, amount_cents=50_000, kind="advance", iban=IBAN, account_holder="Anna")
    assert _run_lapse_on(fonds, date(2028, 3, 1)) == 0
    assert _app(fonds, app_id).state == "approved"
    with pytest.raises(GuardFailed, match="Auszahlung ist angefordert"):
        proofs.lapse(fonds, Actor.scheduler(), app_id)
    assert payments.lapse_notice(fonds, who, app_id) is not None
    notice = payments.lapse_notice(fonds, who, app_id)
    assert notice is not None and notice.stopped and not notice.warn


def test_the_applicant_is_warned_once_before_the_lapse(fonds: Engine) -> None:
    app_id, _office, who = _approved(fonds, QF)
    lapse_on = _app(fonds, app_id).lapse_due_on
    assert lapse_on is not None
    clock: FixedClock = fonds.clock  # type: ignore[assignment]

    clock.set(_berlin_noon(lapse_on - timedelta(days=LAPSE_WARNING_DAYS + 1)))
    assert lapse_warning(fonds, clock.now()) == 0
    notice = payments.lapse_notice(fonds, who, app_id)
    assert notice is not None and not notice.warn and notice.lapse_on == lapse_on

    clock.set(_berlin_noon(lapse_on - timedelta(days=LAPSE_WARNING_DAYS)))
    assert lapse_warning(fonds, clock.now()) == 1
    clock.advance(days=1)
    assert lapse_warning(fonds, clock.now()) == 0  # once
    with fonds.db.read() as s:
        mails = list(s.scalars(select(OutboxMessage).where(OutboxMessage.topic == "lapse_warning")))
    assert len(mails) == 1 and mails[0].application_id == app_id
    assert mails[0].payload["due_on"] == lapse_on.isoformat() and "30.11.2027" in mails[0].payload["rule"]
    notice = payments.lapse_notice(fonds, who, app_id)
    assert notice is not None and notice.warn and notice.days_left == LAPSE_WARNING_DAYS - 1


def test_the_lapse_rule_for_each_payment_mode(fonds: Engine) -> None:
    with fonds.db.read() as s:
        g = fonds.catalog.current(s, QF)[2]
    approved, end, proof = date(2027, 1, 10), date(2027, 9, 30), date(2027, 11, 30)
    days = g.payment.lapse_after_days  # 180 -> 9 July 2027
    only = {
        "reimbursement": (PaymentMode.REIMBURSEMENT,),
        "advance": (PaymentMode.ADVANCE,),
        "instalments": (PaymentMode.INSTALMENTS,),
        "both": (PaymentMode.REIMBURSEMENT, PaymentMode.ADVANCE),
    }
    got = {
        name: lapse_date(
            replace(g, payment=replace(g.payment, modes=modes)), approved, project_end=end, proof_due_on=proof
        )
        for name, modes in only.items()
    }
    assert got == {"reimbursement": proof, "advance": end, "instalments": end, "both": proof}
    long = replace(g, payment=replace(g.payment, modes=(PaymentMode.ADVANCE,), lapse_after_days=400))
    assert lapse_date(long, approved, project_end=end, proof_due_on=proof) == approved + timedelta(days=400)
    assert lapse_date(g, approved) == approved + timedelta(days=days)  # no project dates: the plain period
    text = lapse_rule_text(replace(g, payment=replace(g.payment, modes=(PaymentMode.ADVANCE,))), end)
    clause = g.payment.lapse_clause
    assert text == f"Die Bewilligung erlischt ({clause}), wenn bis zum 30.09.2027 keine Auszahlung angefordert wurde."
