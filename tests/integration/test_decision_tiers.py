"""Decision tiers: the office decides small amounts alone, the jury decides the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from fondsengine import ledger
from fondsengine.applications import decisions
from fondsengine.applications.queries import available_actions
from fondsengine.applications.service import CostItemInput
from fondsengine.engine import Actor, Engine
from fondsengine.errors import GuardFailed
from fondsengine.funds.loading import load_funds
from fondsengine.model import Application
from tests.support.factories import person, quartiersfonds_input
from tests.support.journey import Journey

ROOT = Path(__file__).resolve().parents[2]
FUND = "test-aktionsfonds"
TIERS = """  tiers:
    - {up_to: 500, decided_by: management, clause: "§ 7 Abs. 2"}
    - decided_by: jury
"""


def tiered_fund(fonds: Engine, tmp_path: Path) -> str:
    text = (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8")
    old = "  tiers:\n    - decided_by: jury\n"
    assert old in text
    folder = tmp_path / "richtlinien-tiers"
    folder.mkdir()
    (folder / f"{FUND}.yaml").write_text(text.replace(old, TIERS), encoding="utf-8")
    load_funds(fonds, Actor.scheduler(), folder, ROOT / "workflows")
    return FUND


def reviewed(fonds: Engine, office: Actor, applicant: Actor, euro: int) -> int:
    data = quartiersfonds_input(
        requested_cents=euro * 100, cost_items=(CostItemInput("material", "Material", euro * 100),)
    )
    return Journey(fonds, office=office, applicant=applicant, fund=FUND, data=data).to("reviewed")


def test_the_office_approves_within_its_tier_and_must_forward_larger_amounts(fonds: Engine, tmp_path: Path) -> None:
    tiered_fund(fonds, tmp_path)
    office = person(fonds, "Büro", "buero@example.org", (FUND, "manager"))
    small = reviewed(fonds, office, person(fonds, "Anna", "anna@example.org"), 400)
    large = reviewed(fonds, office, person(fonds, "Bernd", "bernd@example.org"), 1_200)

    offered = {a.trigger: a for a in available_actions(fonds, office, small)}
    assert offered["decide_approve"].enabled and not offered["schedule"].enabled
    assert "entscheidet die Geschäftsführung" in " ".join(offered["schedule"].reasons)
    decisions.decide_approve(fonds, office, small, amount_cents=35_000, reason="Saalmiete entfällt")

    with pytest.raises(GuardFailed) as refused:
        decisions.decide_approve(fonds, office, large)
    assert "nicht die Geschäftsführung allein" in str(refused.value) and refused.value.clause == "§ 7 Abs. 1"
    session_id = decisions.create_session(fonds, office, FUND, fonds.clock.now(), "Rathaus")
    decisions.schedule(fonds, office, large, session_id)

    with fonds.db.read() as s:
        states = {i: s.get(Application, i).state for i in (small, large)}  # type: ignore[union-attr]
        committed = ledger.balance(s, FUND, 2027).committed
    assert states == {small: "approved", large: "on_agenda"}
    assert committed == 35_000
