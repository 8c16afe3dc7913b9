"""The office's one to-do list across funds and years, on the demo data, with the injectable clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from fondsengine import demo
from fondsengine.applications.todo import GROUPS, office_todo
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.letters.store import render_pending_letters
from fondsengine.model import Application, Letter, OutboxMessage, User


def _titles(fonds: Engine, actor: Actor) -> dict[str, set[str]]:
    return {g.key: {i.title for i in g.items} for g in office_todo(fonds, actor)}


def test_the_todo_list_covers_every_kind_of_work_across_funds_and_years(fonds: Engine) -> None:
    assert demo.seed(fonds)
    with fonds.db.read() as s:
        office = Actor(int(s.scalar(select(User.id).where(User.email == demo.LOGINS[0].email)) or 0))
        juror = Actor(int(s.scalar(select(User.id).where(User.email == demo.LOGINS[1].email)) or 0))
        some_mail = s.scalar(select(OutboxMessage.id).where(OutboxMessage.application_id.is_not(None)).limit(1))
        years = {a.title: a.budget_year for a in s.scalars(select(Application))}
    with fonds.db.write_session() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == some_mail).values(status="dead", last_error="550"))
        s.commit()

    groups = office_todo(fonds, office)
    assert [g.key for g in groups] == list(GROUPS)
    got = {g.key: {i.title for i in g.items} for g in groups}
    assert all(g.total == len(g.items) for g in groups)  # fewer than the limit: all listed
    assert {"Stadtteilspaziergang mit Geschichte", "Offenes Singen am Berliner Platz"} <= got["formal_check"]
    assert "Frühlingsmarkt Innenstadt" in got["formal_check"]  # the other fund, next year
    assert got["decision_due"] == {"Urban Gardening Bahnhofstraße", "Kinderflohmarkt auf dem Rathausplatz"}
    assert got["granting_due"] == {"Schaufenster-Galerie Ruhrstraße"}
    assert got["payment_request"] == {"Lesepaten in der Stadtbücherei"}
    assert got["proof_review"] == {"Nachbarschaftsfest Wiesenstraße"}
    assert got["final_payment"] == {"Kindertheater auf dem Kornmarkt"}
    (final,) = next(g for g in groups if g.key == "final_payment").items
    assert final.amount_cents == 90_000 - 72_000  # recognised 900 €, 720 € paid
    (refund,) = next(g for g in groups if g.key == "refund_open").items
    assert (refund.title, refund.amount_cents, refund.overdue) == ("Pflanzkübel für die Ruhrstraße", 20_000, False)
    assert got["proof_overdue"] == set() and got["unused_advance"] == set()
    assert len(got["undeliverable"]) == 1
    # across years: 2026 and 2027 applications in the same list
    assert {years[t] for t in got["formal_check"]} == {2027}
    assert {years[t] for t in got["final_payment"] | got["decision_due"]} == {2026, 2027}

    # 1 December: the advent market's advance (28 September) was not used within two months
    # (issuance.use_within_months)
    fonds.clock.set(datetime(2026, 12, 1, 9, tzinfo=UTC))  # type: ignore[attr-defined]
    (unused,) = next(g for g in office_todo(fonds, office) if g.key == "unused_advance").items
    assert unused.title == "Adventsmarkt im Hinterhof"
    assert unused.note == "abgerufen am 28.09.2026, zu verwenden binnen 2 Monaten"  # the one date format
    # February: its proof (due 30 January) is overdue, and so is the refund (due in December)
    fonds.clock.set(datetime(2027, 2, 2, 9, tzinfo=UTC))  # type: ignore[attr-defined]
    later = {g.key: g for g in office_todo(fonds, office)}
    assert "Adventsmarkt im Hinterhof" in {i.title for i in later["proof_overdue"].items}
    assert all(i.overdue for i in later["refund_open"].items)

    with pytest.raises(PermissionDenied):  # not a manager anywhere: no office list
        office_todo(fonds, juror)


def test_a_group_longer_than_the_limit_lists_the_oldest_and_counts_all(
    fonds: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fondsengine.applications import todo

    assert demo.seed(fonds)
    with fonds.db.read() as s:
        office = Actor(int(s.scalar(select(User.id).where(User.email == demo.LOGINS[0].email)) or 0))
    full = {g.key: g for g in office_todo(fonds, office)}["formal_check"]
    assert full.total >= 3
    monkeypatch.setattr(todo, "LIST_LIMIT", 2)
    cut = {g.key: g for g in office_todo(fonds, office)}["formal_check"]
    assert cut.total == full.total and cut.items == full.items[:2]


def test_a_letter_that_cannot_be_filled_is_held_and_listed_for_the_office(fonds: Engine) -> None:
    assert demo.seed(fonds)
    with fonds.db.read() as s:
        office = Actor(int(s.scalar(select(User.id).where(User.email == demo.LOGINS[0].email)) or 0))
        receipt = s.scalars(
            select(Letter)
            .join(Application)
            .where(Letter.kind == "receipt", Application.fund_id == "witten-quartiersfonds")
        ).first()
        assert receipt is not None
        data = dict(receipt.data)
    # the same receipt once more, for an application received after the last round: no session to name
    data["submitted_on"] = "2031-01-05"
    now = fonds.clock.now()
    with fonds.db.write_session() as s:
        held = Letter(application_id=receipt.application_id, kind="receipt", created_at=now, data=data)
        s.add(held)
        s.commit()
        held_id = held.id
    assert render_pending_letters(fonds, now=now, ids=[held_id]) == 0
    with fonds.db.read() as s:
        row = s.execute(select(Letter.pdf, Letter.held_reason).where(Letter.id == held_id)).one()
    assert row.pdf is None and "{session_date} hätte keinen Wert" in (row.held_reason or "")
    assert render_pending_letters(fonds, now=now, ids=[held_id]) == 0  # held letters are not tried again
    (group,) = [g for g in office_todo(fonds, office) if g.key == "letter_held"]
    assert group.total == 1
    (item,) = group.items
    assert item.application_id == receipt.application_id
    assert item.note.startswith("Eingangsbestätigung: ein Platzhalter des Brieftextes hätte keinen Wert")
