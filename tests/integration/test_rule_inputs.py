"""The rules of issue 14 where the money matters after the form: the approval letter cites a lifted
soft limit with its clause and the accepted reason, a receipt's own VAT rate counts for an applicant
who deducts input tax, and the what-if compares the amounts of these rules, not only their findings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications.limits import lift_limit
from fondsengine.applications.service import CostItemInput
from fondsengine.engine import Actor, Engine
from fondsengine.funds.whatif import whatif
from fondsengine.model import Application, Receipt
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from tests.integration import test_guideline_examples as examples
from tests.integration.test_decision_letters import letters
from tests.support.factories import quartiersfonds_input, trader_input, with_bank_account
from tests.support.journey import Journey

ROOT, SF = examples.ROOT, examples.SF
cast = examples.cast  # the fixture: the example funds and their people


def _above_normal_max() -> object:
    # 30.000 € costs + 3 % = 30.900 € eligible; 22.000 € asked: above the normal 20.000 €
    return quartiersfonds_input(
        requested_cents=2_200_000,
        own_funds_cents=890_000,
        cost_items=(CostItemInput("material", "Spielgeräte für den Hof", 3_000_000),),
    )


def test_the_approval_letter_cites_the_lifted_limit_its_clause_and_the_recorded_reason(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    data = _above_normal_max()
    app_id = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=data).to("reviewed")
    reason = "Einziger Spielplatz im Quartier, Beschluss des Beirats vom 3. November"
    lift_limit(fonds, cast["office"], app_id, "amount.above_normal_max", reason)
    decisions.external_approve(fonds, cast["senate"], app_id)
    text = letters(fonds, app_id)["approval"]
    assert "Abweichung von der Regel-Grenze" in text
    assert "über die Regel-Grenze (§ 3 Abs. 5) hinaus: in der Regel höchstens 20.000,00 € je Projekt" in text
    assert f"schriftlichen Begründung zugelassen: {reason}" in text
    assert "{" not in text and "}" not in text  # no placeholder left unfilled


def test_an_approval_within_the_normal_limit_prints_no_lifted_limit(fonds: Engine, cast: dict[str, Actor]) -> None:
    app_id = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=_above_normal_max()).to(
        "reviewed"
    )
    lift_limit(fonds, cast["office"], app_id, "amount.above_normal_max", "Vorsorglich aufgehoben")
    decisions.external_approve(fonds, cast["senate"], app_id, amount_cents=2_000_000, reason="Regel-Höchstbetrag")
    text = letters(fonds, app_id)["approval"]
    assert "Regel-Grenze" not in text.replace("Regel-Höchstbetrag", "") and "Vorsorglich" not in text


def _net_trader(fonds: Engine, cast: dict[str, Actor]) -> int:
    # 10.700 € gross at 7 % = 10.000 € net + 3 % overhead; 11.000 € total costs: 7.000 € asked, 4.000 € own
    data = trader_input()
    return Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=data).to("approved")


def test_a_receipts_own_vat_rate_counts_for_an_applicant_who_deducts_input_tax(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = _net_trader(fonds, cast)
    office = cast["office"]
    with_bank_account(fonds, office, app_id)
    today = fonds.clock.now().date()
    proofs.submit_proof(
        fonds,
        cast["anna"],
        app_id,
        report="Die Pflanzen stehen.",
        receipts=[
            ReceiptInput(today, "Gärtnerei", "Pflanzen", "material", 535_000, vat_percent=7),  # 5.000 € net
            ReceiptInput(today, "Baumarkt", "Kübel", "material", 595_000),  # guideline's 19 %: 5.000 € net
        ],
        confirmed=True,
    )
    with fonds.db.read() as s:
        stored = {r.payee: r for r in s.scalars(select(Receipt))}
    assert stored["Gärtnerei"].vat_percent == 7 and stored["Baumarkt"].vat_percent is None
    for r in stored.values():
        proofs.review_receipt(fonds, office, r.id, accepted=True)
    proofs.accept_proof(fonds, office, app_id)
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        # 10.000 € net spent (not 11.300 € gross), deficit financing: 10.000 € - 4.000 € own money
        assert app.settled_cents == 600_000
    assert payments.payment_allowance(fonds, office, app_id).payable_cents == 600_000


def test_a_receipts_vat_rate_outside_0_to_100_percent_is_refused(fonds: Engine, cast: dict[str, Actor]) -> None:
    import pytest

    from fondsengine.errors import InvalidInput

    app_id = _net_trader(fonds, cast)
    with pytest.raises(InvalidInput, match="Umsatzsteuersatz"):
        proofs.submit_proof(
            fonds,
            cast["anna"],
            app_id,
            report="x",
            receipts=[ReceiptInput(date(2026, 11, 25), "Gärtnerei", "Pflanzen", "material", 1_000, vat_percent=107)],
            confirmed=True,
        )


def _proposal(tmp_path: Path, old: str, new: str) -> Path:
    text = (ROOT / "richtlinien" / "examples" / f"{SF}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "entwurf.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_whatif_cuts_to_a_soft_limit_the_office_has_not_lifted_and_keeps_a_lifted_one(
    fonds: Engine, cast: dict[str, Actor], tmp_path: Path
) -> None:
    pending = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=_above_normal_max())
    open_id = pending.to("reviewed")
    lifted = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=_above_normal_max())
    lifted_id = lifted.to("reviewed")
    lift_limit(fonds, cast["office"], lifted_id, "amount.above_normal_max", "Beschluss des Beirats")
    proposal = _proposal(tmp_path, "normal_max: 20000", "normal_max: 15000")
    changes = {c.application_id: c for c in whatif(fonds, SF, proposal).changes}
    assert changes[open_id].cents_before == 2_000_000  # already cut to the normal maximum
    assert changes[open_id].cents_after == 1_500_000 and changes[open_id].verdict == "gekürzt auf 15.000,00 €"
    assert lifted_id not in changes or changes[lifted_id].cents_after == 2_200_000


def test_whatif_compares_the_amounts_of_net_costs(fonds: Engine, cast: dict[str, Actor], tmp_path: Path) -> None:
    # 11.900 € gross without a VAT amount: 10.000 € net at the guideline's 19 % + 3 % = 10.300 €
    # eligible, 90 % = 9.270 € possible, 9.000 € asked
    data = trader_input(
        requested_cents=900_000,
        own_funds_cents=320_000,
        cost_items=(CostItemInput("material", "Sitzmöbel für den Platz", 1_190_000),),
    )
    app_id = Journey(fonds, office=cast["office"], applicant=cast["anna"], fund=SF, data=data).to("submitted")
    # at most 85 %: of the net 10.300 € that is 8.755 € (of gross costs it would be 10.418,45 €, no cut)
    proposal = _proposal(tmp_path, "max_share_percent: 90", "max_share_percent: 85")
    change = {c.application_id: c for c in whatif(fonds, SF, proposal).changes}[app_id]
    assert (change.cents_before, change.cents_after) == (900_000, 875_500), change
    assert change.verdict == "gekürzt auf 8.755,00 €"


def test_editing_a_draft_keeps_the_declared_repeat_count_the_form_does_not_ask(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    from dataclasses import replace

    from fondsengine.applications import service as apps
    from tests.support.factories import QF, quartiersfonds_input

    anna = cast["anna"]
    app_id = apps.create_draft(fonds, anna, QF, replace(quartiersfonds_input(), repeat_count=2))
    apps.update_draft(fonds, anna, app_id, quartiersfonds_input(title="Neuer Titel"))
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        assert (app.title, app.repeat_count) == ("Neuer Titel", 2)
    fresh = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    with fonds.db.read() as s:
        assert s.get(Application, fresh).repeat_count == 0  # type: ignore[union-attr]
