"""The example guidelines in richtlinien/examples/ each go through a whole lifecycle, and the
rules of issue 14 act through the service functions (submission, approval, proof of use)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications.queries import findings_for
from fondsengine.applications.service import ApplicationInput, CostItemInput
from fondsengine.clock import FixedClock
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.funds.loading import load_funds
from fondsengine.model import Application, Receipt
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from tests.support.factories import person, quartiersfonds_input, with_bank_account
from tests.support.journey import Journey
from tests.support.jury import decide_on_paper

ROOT = Path(__file__).resolve().parents[2]
AF, EF, SF = "berlin-aktionsfonds", "nrw-engagementfonds", "berlin-quartiersfonds-stufen"


@pytest.fixture
def cast(fonds: Engine) -> dict[str, Actor]:
    load_funds(fonds, Actor.scheduler(), ROOT / "richtlinien" / "examples", ROOT / "workflows")
    funds = (AF, EF, SF)
    return {
        "anna": person(fonds, "Anna Beispiel", "anna@example.org"),
        "office": person(fonds, "Büro", "buero@example.org", *((f, "manager") for f in funds)),
        "juror": person(fonds, "Jana Jury", "jana@example.org", *((f, "jury_member") for f in funds)),
        "senate": person(fonds, "Senatsverwaltung", "senat@example.org", (SF, "city_approver")),
    }


def state(fonds: Engine, app_id: int) -> str:
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        return app.state


def settle(fonds: Engine, cast: dict[str, Actor], app_id: int, spent: int) -> int:
    """Pay what may be paid before the proof, prove `spent` cents of material, accept, settle."""
    office = cast["office"]
    with_bank_account(fonds, office, app_id)
    advance = payments.payment_allowance(fonds, office, app_id).payable_cents
    payments.record_payment(fonds, office, app_id, amount_cents=advance, kind="advance")
    today = fonds.clock.now().date()
    proofs.submit_proof(
        fonds,
        cast["anna"],
        app_id,
        report="Die Aktion hat stattgefunden.",
        participants_reached=40,
        receipts=[ReceiptInput(today, "Baumarkt", "Material", "material", spent)],
        confirmed=True,
    )
    with fonds.db.read() as s:
        receipt_ids = list(s.scalars(select(Receipt.id).where(Receipt.amount_cents == spent)))
    for rid in receipt_ids:
        proofs.review_receipt(fonds, office, rid, accepted=True)
    due = proofs.accept_proof(fonds, office, app_id)
    if due > advance:
        payments.record_payment(fonds, office, app_id, amount_cents=due - advance, kind="final")
    elif due < advance:
        proofs.claim_refund(fonds, office, app_id, reason="Weniger ausgegeben als gezahlt.")
        proofs.record_refund(fonds, office, app_id, amount_cents=advance - due)
    else:
        proofs.close(fonds, office, app_id)
    return due


def aktionsfonds_input(**changes: object) -> ApplicationInput:
    base = {
        "title": "Hoffest im Beispielkiez",
        "postcode": "12681",
        "street": "Musterstraße",
        "project_start": date(2026, 12, 15),  # 20 days after the submission: lead time 14 days
        "project_end": date(2026, 12, 20),
        "requested_cents": 120_000,
        "cost_items": (CostItemInput("material", "Bänke, Pavillon, Deko", 120_000),),
    }
    return quartiersfonds_input(**{**base, **changes})


def test_the_action_fund_goes_through_the_jury_and_two_instalments_to_documented(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    data = aktionsfonds_input()
    app_id = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=AF, data=data).to("approved")
    assert [f.code for f in findings_for(fonds, cast["office"], app_id) if f.blocking] == []
    allowance = payments.payment_allowance(fonds, cast["office"], app_id)
    assert allowance.payable_cents == 60_000  # first instalment: half
    assert settle(fonds, cast, app_id, 120_000) == 120_000
    assert state(fonds, app_id) == "documented"


def test_the_action_fund_refuses_an_approval_after_the_project_has_started(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    data = aktionsfonds_input()
    journey = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=AF, data=data)
    app_id = journey.to("on_agenda")
    assert isinstance(fonds.clock, FixedClock)
    fonds.clock.advance(days=21)  # 16.12.2026: the project began on the 15th
    with pytest.raises(InvalidInput) as refused:
        decide_on_paper(fonds, cast["office"], app_id, "approve")
    assert refused.value.clause == "Nr. 6 Abs. 2"
    assert "vor der Bewilligung" in str(refused.value)
    assert state(fonds, app_id) == "on_agenda"


def test_the_action_fund_refuses_a_submission_starting_before_the_decision_can_be_made(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    from fondsengine.applications import service as apps
    from fondsengine.errors import GuardFailed

    data = aktionsfonds_input(project_start=date(2026, 11, 24), project_end=date(2026, 12, 20))
    app_id = apps.create_draft(fonds, cast["anna"], AF, data)
    with pytest.raises(GuardFailed):
        apps.submit(fonds, cast["anna"], app_id)


def test_the_engagement_fund_counts_volunteer_work_up_to_200_euro_and_the_office_decides(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    # 1.200 € costs, 20 h x 15 € = 300 € volunteer work; 20 % = 240 €, but at most 200 €
    data = quartiersfonds_input(
        applicant_kind="association",
        project_start=date(2027, 5, 8),
        project_end=date(2027, 5, 8),
        requested_cents=100_000,
        volunteer_hours=Decimal(20),
        cost_items=(CostItemInput("material", "Getränke, Material", 120_000),),
    )
    journey = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=EF, data=data)
    app_id = journey.to("approved")
    assert "decide_approve" in journey.taken and "schedule" not in journey.taken  # no jury
    capped = {f.code: f for f in findings_for(fonds, cast["office"], app_id)}["own.volunteer_capped"]
    assert capped.clause == "Nr. 4 Abs. 2"
    assert "höchstens 200,00 €" in capped.message and "200,00 € von 300,00 €" in capped.message
    assert settle(fonds, cast, app_id, 110_000) == 100_000  # fixed amount: not cut to 1.100 x share
    assert state(fonds, app_id) == "documented"


def test_the_engagement_fund_refuses_more_than_the_volunteer_caps_allow(fonds: Engine, cast: dict[str, Actor]) -> None:
    from fondsengine.applications import service as apps
    from fondsengine.errors import GuardFailed

    # claiming all 300 € of volunteer work: the financing plan does not balance with 200 €
    data = quartiersfonds_input(
        applicant_kind="association",
        project_start=date(2027, 5, 8),
        project_end=date(2027, 5, 8),
        requested_cents=90_000,
        volunteer_hours=Decimal(20),
        cost_items=(CostItemInput("material", "Getränke, Material", 120_000),),
    )
    app_id = apps.create_draft(fonds, cast["anna"], EF, data)
    with pytest.raises(GuardFailed, match=r"es fehlen 100,00 €"):
        apps.submit(fonds, cast["anna"], app_id)


def test_the_tiered_fund_sends_large_amounts_to_the_senate_and_settles_a_deficit_grant(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    # 20.000 € costs + 3 % overhead = 20.600 €; 15.000 € requested, 5.600 € own money
    data = quartiersfonds_input(
        requested_cents=1_500_000,
        own_funds_cents=560_000,
        cost_items=(CostItemInput("material", "Ausstattung Nachbarschaftsgarten", 2_000_000),),
    )
    journey = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=data)
    app_id = journey.to("reviewed")
    decisions.external_approve(fonds, cast["senate"], app_id)
    assert state(fonds, app_id) == "approved"
    # deficit financing: 18.000 € spent, 5.600 € own money first, the grant covers 12.400 €
    assert settle(fonds, cast, app_id, 1_800_000) == 1_240_000
    assert state(fonds, app_id) == "documented"


def test_the_tiered_fund_lets_the_office_decide_small_amounts(fonds: Engine, cast: dict[str, Actor]) -> None:
    data = quartiersfonds_input(
        requested_cents=80_000,
        own_funds_cents=23_000,
        cost_items=(CostItemInput("material", "Saatgut", 100_000),),
    )
    journey = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=data)
    journey.to("approved")
    assert "decide_approve" in journey.taken


@pytest.mark.parametrize(
    ("fund", "old", "new", "added"),
    [
        (EF, "  volunteer_max: 200\n", "  volunteer_max: 100\n", "höchstens 100,00 €"),
        (EF, "  financing: fixed_amount", "  financing: deficit", "Fehlbedarfsfinanzierung"),
        (
            EF,
            '  max: 1000\n  max_clause: "Nr. 3 Abs. 1"',
            '  max: 900\n  max_clause: "Nr. 3 Abs. 9"',
            "höchstens 900,00 € betragen (beantragt 1.000,00 €). (Nr. 3 Abs. 9)",
        ),
        (AF, "  no_start_before_approval: true", "  no_start_before_approval: false", None),
        (
            EF,
            '  max_clause: "Nr. 3 Abs. 1"\n',
            '  max_clause: "Nr. 3 Abs. 1"\n  normal_max: 900\n  soft_clause: "Nr. 3 Abs. 4"\n',
            "in der Regel höchstens 900,00 € je Projekt",
        ),
        (
            EF,
            "\ndecision:\n",
            '\nde_minimis:\n  limit: 300000\n  kinds: [association]\n  clause: "Nr. 9"\n\ndecision:\n',
            "welche De-minimis-Beihilfen",
        ),
    ],
)
def test_whatif_shows_the_effect_of_changing_each_new_field(
    fonds: Engine, cast: dict[str, Actor], tmp_path: Path, fund: str, old: str, new: str, added: str | None
) -> None:
    from fondsengine.funds.whatif import whatif

    if fund == EF:  # 1.200 € costs, 20 h volunteer work counted 200 €, 1.000 € asked
        data = quartiersfonds_input(
            applicant_kind="association",
            project_start=date(2027, 5, 8),
            project_end=date(2027, 5, 8),
            requested_cents=100_000,
            volunteer_hours=Decimal(20),
            cost_items=(CostItemInput("material", "Getränke, Material", 120_000),),
        )
    else:
        data = aktionsfonds_input()
    Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=fund, data=data).to("submitted")
    text = (ROOT / "richtlinien" / "examples" / f"{fund}.yaml").read_text(encoding="utf-8")
    assert old in text
    proposal = tmp_path / f"{fund}.yaml"
    proposal.write_text(text.replace(old, new, 1), encoding="utf-8")
    changes = whatif(fonds, fund, proposal).changes
    assert changes, "the change of the field is not visible in the what-if"
    if added is not None:
        assert any(added in line for c in changes for line in c.added), changes
    else:  # the stricter start rule gone: the note to wait for the approval disappears
        assert any("schriftliche Bewilligung" in line for c in changes for line in c.removed), changes
    assert whatif(fonds, fund, ROOT / "richtlinien" / "examples" / f"{fund}.yaml").changes == ()


def test_the_action_fund_does_not_pay_fees_to_members_of_the_applicants_group(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    from fondsengine.applications import service as apps
    from fondsengine.errors import GuardFailed

    fee = CostItemInput("fees", "Trommelworkshop (4 Stunden)", 12_000, hours=Decimal(4), payee="Bernd Muster")
    data = aktionsfonds_input(
        group_members=("Bernd Muster", "Carla Beispiel"),
        requested_cents=112_000,
        cost_items=(CostItemInput("material", "Bänke, Pavillon", 100_000), fee),
    )
    app_id = apps.create_draft(fonds, cast["anna"], AF, data)
    found = {f.code: f for f in findings_for(fonds, cast["anna"], app_id)}
    assert found["costs.fee_for_group_member"].clause == "Nr. 5 Abs. 2"
    with pytest.raises(GuardFailed, match="höchstens 100 % der förderfähigen Kosten"):
        apps.submit(fonds, cast["anna"], app_id)  # 1.120 € asked, only 1.000 € count
    outside = CostItemInput("fees", "Trommelworkshop (4 Stunden)", 12_000, hours=Decimal(4), payee="Trommelschule")
    apps.update_draft(fonds, cast["anna"], app_id, replace_items(data, outside))
    assert "costs.fee_for_group_member" not in {f.code for f in findings_for(fonds, cast["anna"], app_id)}
    apps.submit(fonds, cast["anna"], app_id)
    assert state(fonds, app_id) == "submitted"


def replace_items(data: ApplicationInput, fee: CostItemInput) -> ApplicationInput:
    from dataclasses import replace

    return replace(data, cost_items=(data.cost_items[0], fee))


def test_the_tiered_fund_counts_net_costs_and_shows_de_minimis_aid_for_a_trader(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    from fondsengine.applications import service as apps
    from fondsengine.errors import GuardFailed

    # 11.900 € gross = 10.000 € net + 3 % overhead = 10.300 € eligible; 9.000 € asked (jury tier)
    data = quartiersfonds_input(
        applicant_kind="trader",
        nonprofit=False,
        organisation="Café am Platz",
        input_tax_deductible=True,
        de_minimis_prior_cents=29_150_000,
        requested_cents=900_000,
        own_funds_cents=320_000,
        cost_items=(CostItemInput("material", "Sitzmöbel für den Platz", 1_190_000),),
    )
    refused = apps.create_draft(fonds, cast["anna"], SF, data)
    with pytest.raises(GuardFailed, match=r"Möglich sind noch 8\.500,00 €"):
        apps.submit(fonds, cast["anna"], refused)  # 291.500 € + 9.000 € above 300.000 €
    data = quartiersfonds_input(**{**vars(data), "de_minimis_prior_cents": 29_100_000})
    journey = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=data)
    app_id = journey.to("approved")
    assert "jury_approve" in journey.taken
    found = {f.code: f for f in findings_for(fonds, cast["office"], app_id)}
    assert "300.000,00 € von höchstens 300.000,00 €" in found["de_minimis.sum"].message
    assert found["de_minimis.sum"].clause == "§ 3 Abs. 4"
    assert "10.000,00 € statt 11.900,00 €" in found["costs.net_of_vat"].message
    # proof: 11.900 € gross receipts count 10.000 € net; deficit: 10.000 € - 3.200 € own money
    assert settle(fonds, cast, app_id, 1_190_000) == 680_000
    assert state(fonds, app_id) == "documented"


def engagement_input(**changes: object) -> ApplicationInput:
    base = {
        "applicant_kind": "association",
        "project_start": date(2027, 5, 8),
        "project_end": date(2027, 5, 8),
        "requested_cents": 100_000,
        "volunteer_hours": Decimal(20),
        "cost_items": (CostItemInput("material", "Getränke, Material", 120_000),),
    }
    return quartiersfonds_input(**{**base, **changes})


def test_the_office_links_a_repeat_and_the_engine_measures_it_against_the_first_grant(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    from fondsengine.applications.repeats import link_repeat

    office = cast["office"]
    # first funding in 2026: 1.200 € eligible costs
    first_data = engagement_input(project_start=date(2026, 12, 12), project_end=date(2026, 12, 12))
    first = Journey(fonds, office=office, applicant=cast["anna"], fund=EF, data=first_data).to("approved")
    with fonds.db.read() as s:
        first_number = s.get(Application, first).file_number  # type: ignore[union-attr]
    assert first_number
    # the repeat in 2027 costs 1.800 €; the applicant names the earlier file number and asks 900 €
    data = engagement_input(
        continues_file_number=first_number,
        requested_cents=90_000,
        own_funds_cents=70_000,
        cost_items=(CostItemInput("material", "Getränke, Material", 180_000),),
    )
    app_id = Journey(fonds, office=office, applicant=cast["anna"], fund=EF, data=data).to("submitted")
    assert "amount.above_repeat_share" not in {f.code for f in findings_for(fonds, office, app_id)}
    assert link_repeat(fonds, office, app_id, first_number) == 1  # the engine counts one funding
    found = {f.code: f for f in findings_for(fonds, office, app_id)}
    above = found["amount.above_repeat_share"]  # 2/3 of the first grant's 1.200 € = 800 €
    assert above.clause == "Nr. 3 Abs. 3" and "höchstens 800,00 €, beantragt 900,00 €" in above.message
    with pytest.raises(InvalidInput, match="gibt es in diesem Fonds nicht"):
        link_repeat(fonds, office, app_id, "EF-2027-9999")
    with pytest.raises(InvalidInput):
        link_repeat(fonds, office, first, str(first_number))  # not itself


def test_the_senate_grants_above_the_normal_maximum_only_with_the_recorded_reason(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    from fondsengine.applications.limits import lift_limit

    # 30.000 € costs + 3 % = 30.900 € eligible; 22.000 € asked: above the normal 20.000 €
    data = quartiersfonds_input(
        requested_cents=2_200_000,
        own_funds_cents=890_000,
        cost_items=(CostItemInput("material", "Spielgeräte für den Hof", 3_000_000),),
    )
    app_id = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=data).to("reviewed")
    warned = {f.code: f for f in findings_for(fonds, cast["office"], app_id)}["amount.above_normal_max"]
    assert not warned.blocking and warned.clause == "§ 3 Abs. 5"
    with pytest.raises(InvalidInput) as refused:
        decisions.external_approve(fonds, cast["senate"], app_id)
    assert refused.value.clause == "§ 3 Abs. 5"
    with pytest.raises(InvalidInput):
        lift_limit(fonds, cast["office"], app_id, "amount.above_normal_max", "  ")
    with pytest.raises(InvalidInput):
        lift_limit(fonds, cast["office"], app_id, "amount.above_normal_share", "Begründung")
    lift_limit(fonds, cast["office"], app_id, "amount.above_normal_max", "Einziger Spielplatz im Quartier")
    decisions.external_approve(fonds, cast["senate"], app_id)
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.approved_cents == 2_200_000
        assert app.approval_reason is not None
        assert "Abweichung von der Regel-Grenze (§ 3 Abs. 5) mit Begründung" in app.approval_reason
        assert "Einziger Spielplatz im Quartier" in app.approval_reason
    lifted = {f.code: f for f in findings_for(fonds, cast["office"], app_id)}
    assert "zugelassen: Einziger Spielplatz" in lifted["amount.above_normal_max.lifted"].message


def test_the_senate_may_grant_within_the_normal_maximum_without_a_reason(fonds: Engine, cast: dict[str, Actor]) -> None:
    data = quartiersfonds_input(
        requested_cents=2_200_000,
        own_funds_cents=890_000,
        cost_items=(CostItemInput("material", "Spielgeräte für den Hof", 3_000_000),),
    )
    app_id = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=data).to("reviewed")
    decisions.external_approve(fonds, cast["senate"], app_id, amount_cents=2_000_000, reason="Regel-Höchstbetrag")
    assert state(fonds, app_id) == "approved"
