"""The office dashboard's read model (`reports.dashboard`): authorised once in the engine, the fund and
year chosen there, its figures those of the single reads."""

from __future__ import annotations

from datetime import date

import pytest

from fondsengine.accounts.users import grant_role
from fondsengine.applications import service as apps
from fondsengine.applications.queries import fund_balance
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.model import Application
from fondsengine.reports.dashboard import NOT_MANAGER, choose_year, dashboard
from tests.support.factories import CF, QF, person, quartiersfonds_input


def test_only_a_manager_of_the_fund_reads_its_dashboard(fonds: Engine) -> None:
    resident = person(fonds, "Anna Beispiel", "anna@example.org")
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    jury = person(fonds, "Ida Jury", "ida@example.org", (QF, "jury_member"))
    with fonds.db.read() as s:
        for outsider in (resident, jury):
            with pytest.raises(PermissionDenied, match=NOT_MANAGER):
                dashboard(fonds, s, outsider)
        with pytest.raises(PermissionDenied):
            dashboard(fonds, s, office, CF)  # a fund the office does not manage
        d = dashboard(fonds, s, office)
    assert d.fund_id == QF and [f.id for f in d.funds] == [QF]


def test_a_membership_that_has_ended_no_longer_opens_the_dashboard(fonds: Engine) -> None:
    uid = person(fonds, "Frühere Leitung", "alt@example.org").user_id
    grant_role(fonds, Actor.scheduler(), user_id=uid, fund_id=QF, role="manager", valid_to=date(2026, 11, 24))
    with fonds.db.read() as s, pytest.raises(PermissionDenied):
        dashboard(fonds, s, Actor(uid), QF)


def test_the_funds_are_listed_by_name_and_the_first_is_the_default(fonds: Engine) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"), (CF, "manager"))
    with fonds.db.read() as s:
        d = dashboard(fonds, s, office)
        names = [f.name for f in d.funds]
        assert names == sorted(names) and {f.id for f in d.funds} == {QF, CF}
        assert d.fund_id == d.funds[0].id and d.fund_name == names[0]
        assert dashboard(fonds, s, office, CF).fund_id == CF


def test_the_figures_are_those_of_the_ledger_and_the_pipeline_counts_the_undecided(fonds: Engine) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    first = apps.create_draft(fonds, anna, QF, quartiersfonds_input(requested_cents=90_000, own_funds_cents=30_000))
    apps.submit(fonds, anna, first)
    apps.create_draft(fonds, anna, QF, quartiersfonds_input(title="Noch ein Entwurf"))  # a draft: not counted
    with fonds.db.read() as s:
        year = int(s.get_one(Application, first).budget_year)
        d = dashboard(fonds, s, office, QF, year)
    balance = fund_balance(fonds, QF, year)
    assert d.year == year
    assert (d.figures.balance().allocated, d.figures.balance().free) == (balance.allocated, balance.free)
    assert (d.pipeline_count, d.pipeline_cents) == (1, 90_000)
    assert len(d.months) == 12
    assert "formal_check" in {g.key for g in d.todo}
    review = next(g for g in d.todo if g.key == "formal_check")
    assert [i.application_id for i in review.items] == [first]


def test_the_year_shown_is_the_current_one_and_in_december_the_coming_one_when_applications_wait() -> None:
    years = [2027, 2026, 2025]
    assert choose_year(years, date(2026, 11, 25), lambda _y: 5) == 2026
    assert choose_year(years, date(2026, 12, 1), lambda y: 3 if y == 2027 else 0) == 2027
    assert choose_year(years, date(2026, 12, 1), lambda _y: 0) == 2026  # nothing waits for next year yet
    assert choose_year([2025, 2024], date(2026, 6, 1), lambda _y: 0) == 2025  # the newest the fund has
    assert choose_year([], date(2026, 6, 1), lambda _y: 0) == 2026
