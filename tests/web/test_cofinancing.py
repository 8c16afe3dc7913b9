"""Fund-level co-financing (issue 14, the Cityfonds rule): the office records private contributions,
each is booked into the year's pot, and the private share is shown against the guideline's minimum."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from fondsengine import ledger
from fondsengine.accounts.users import create_user, grant_role
from fondsengine.engine import Actor
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.funds.cofinancing import co_financing_status, record_private_contribution
from fondsengine.integrity.check import verify
from fondsengine.model import LedgerEntry, PrivateContribution
from tests.support.factories import CF
from tests.web.builders import QF, World
from tests.web.conftest import PASSWORD, login


def _city_office(world: World) -> Actor:
    uid = create_user(world.fonds, name="City-Büro", email="city@example.org", password=PASSWORD, confirmed=True)
    grant_role(world.fonds, Actor.scheduler(), user_id=uid, fund_id=CF, role="manager")
    return Actor(uid)


def test_private_contributions_are_booked_into_the_pot_and_the_share_is_shown(world: World) -> None:
    office = _city_office(world)
    f = world.fonds
    before = co_financing_status(f, office, CF, 2026)
    assert before is not None
    assert (before.public_cents, before.private_cents, before.share, before.met) == (1_500_000, 0, 0, False)
    assert before.min_share == Fraction(1, 2) and before.missing_cents == 1_500_000 and before.clause == "§ 2 Abs. 2"
    with f.db.read() as s:
        free_before = ledger.balance(s, CF, 2026).free

    client = world.app.test_client()
    login(client, "city@example.org")
    page = client.get(f"/verwaltung/jahresuebersicht?fonds={CF}&jahr=2026").get_data(as_text=True)
    assert 'data-co-financing="missing"' in page and "Es fehlen noch 15.000,00" in page
    posted = client.post(
        f"/verwaltung/jahresuebersicht/mitfinanzierung?fonds={CF}&jahr=2026",
        data={"contributor": "Werbegemeinschaft Innenstadt", "amount": "10.000,00", "received_on": "05.01.2026"},
    )
    assert posted.status_code == 302, posted.get_data(as_text=True)[-3000:]
    record_private_contribution(f, office, CF, 2026, contributor="Eigentümer Bahnhofstraße 5",
                                amount_cents=500_000, received_on=date(2026, 1, 8))  # fmt: skip
    after = co_financing_status(f, office, CF, 2026)
    assert after is not None
    assert (after.public_cents, after.private_cents, after.share) == (1_500_000, 1_500_000, Fraction(1, 2))
    assert after.met and after.missing_cents == 0
    assert [c.contributor for c in after.contributions] == [
        "Werbegemeinschaft Innenstadt", "Eigentümer Bahnhofstraße 5",
    ]  # fmt: skip
    with f.db.read() as s:
        assert ledger.balance(s, CF, 2026).free == free_before + 1_500_000  # the pot grew by the private money
        entries = s.scalars(select(LedgerEntry).where(LedgerEntry.note.like("Private Mitfinanzierung%"))).all()
        assert sorted(e.amount_cents for e in entries) == [500_000, 1_000_000]
        assert all(e.kind == "allocation" and e.budget_year == 2026 for e in entries)
        linked = s.scalar(select(func.count()).select_from(PrivateContribution)
                          .where(PrivateContribution.ledger_entry_id.in_([e.id for e in entries])))  # fmt: skip
        assert linked == 2
    page = client.get(f"/verwaltung/jahresuebersicht?fonds={CF}&jahr=2026").get_data(as_text=True)
    assert 'data-co-financing="met"' in page and "50,0 %; mindestens 50 %" in page
    csv = client.get(f"/verwaltung/jahresuebersicht.csv?fonds={CF}&jahr=2026").get_data(as_text=True)
    assert "Private Mittel;;15000,00" in csv and "Anteil privat (%);;50,0" in csv.replace("50.0", "50,0")
    assert verify(f).ok


def test_wrong_contributions_are_refused_with_a_clear_message_and_book_nothing(world: World) -> None:
    office = _city_office(world)
    f = world.fonds
    client = world.app.test_client()
    login(client, "city@example.org")
    url = f"/verwaltung/jahresuebersicht/mitfinanzierung?fonds={CF}&jahr=2026"
    cases = [
        ({"contributor": "Verein", "amount": "", "received_on": "05.01.2026"}, "Bitte geben Sie den Betrag an."),
        ({"contributor": "Verein", "amount": "abc", "received_on": "05.01.2026"}, "Betrag"),
        ({"contributor": "", "amount": "100", "received_on": "05.01.2026"}, "von wem das Geld kommt"),
        ({"contributor": "Verein", "amount": "100", "received_on": "01.01.2099"}, "nicht in der Zukunft"),
        ({"contributor": "Verein", "amount": "100", "received_on": ""}, "wann das Geld eingegangen ist"),
    ]
    for data, message in cases:
        got = client.post(url, data=data)
        assert got.status_code == 400, data
        assert message in got.get_data(as_text=True), (data, message)
    with pytest.raises(InvalidInput, match="keine private Mitfinanzierung"):
        record_private_contribution(f, Actor(world.office), QF, 2026, contributor="X", amount_cents=100,
                                    received_on=date(2026, 1, 2))  # fmt: skip
    with pytest.raises(PermissionDenied):
        record_private_contribution(f, Actor(world.anna), CF, 2026, contributor="X", amount_cents=100,
                                    received_on=date(2026, 1, 2))  # fmt: skip
    with pytest.raises(InvalidInput, match="kein Haushaltsjahr"):
        record_private_contribution(f, office, CF, 2031, contributor="X", amount_cents=100,
                                    received_on=date(2026, 1, 2))  # fmt: skip
    with pytest.raises(PermissionDenied):
        co_financing_status(f, Actor(world.anna), CF, 2026)
    assert co_financing_status(f, Actor(world.office), QF, 2026) is None  # the Quartiersfonds has no such rule
    with f.db.read() as s:
        assert s.scalar(select(func.count()).select_from(PrivateContribution)) == 0
