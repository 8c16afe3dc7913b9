"""A role holds only within its term (issue 11: one SQL expression for "membership valid on a day",
`Membership.valid_on`). Both users of the expression, the authorisation of every use case
(`lifecycle/authz`) and the jobs' list of recipients (`jobs/base.members`), see the same term: from
`valid_from` to `valid_to`, both days included, an open end unbounded."""

from __future__ import annotations

from datetime import date

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.engine import Actor, Engine
from fondsengine.jobs.base import members
from fondsengine.lifecycle import authz
from tests.support.factories import QF

FIRST, LAST = date(2026, 3, 1), date(2026, 6, 30)


def _roles(fonds: Engine, user_id: int, day: date) -> frozenset[str]:
    with fonds.db.read() as s:
        return authz.fund_roles(s, Actor(user_id), QF, day)


def test_a_role_holds_from_its_first_to_its_last_day_for_the_use_cases_and_the_jobs(fonds: Engine) -> None:
    bounded = create_user(fonds, name="Bea Befristet", email="bea@example.org", confirmed=True)
    open_ended = create_user(fonds, name="Ole Offen", email="ole@example.org", confirmed=True)
    grant_role(
        fonds, Actor.scheduler(), user_id=bounded, fund_id=QF, role="jury_member", valid_from=FIRST, valid_to=LAST
    )
    grant_role(fonds, Actor.scheduler(), user_id=open_ended, fund_id=QF, role="jury_member", valid_from=FIRST)

    expected = {
        date(2026, 2, 28): (frozenset(), frozenset()),
        FIRST: ({"jury_member"}, {"jury_member"}),
        LAST: ({"jury_member"}, {"jury_member"}),
        date(2026, 7, 1): (frozenset(), {"jury_member"}),
        date(2031, 1, 1): (frozenset(), {"jury_member"}),
    }
    for day, (of_bounded, of_open) in expected.items():
        assert _roles(fonds, bounded, day) == of_bounded, day
        assert _roles(fonds, open_ended, day) == of_open, day
        on_the_list = {uid for uid, _mail, _name in members(fonds, QF, "jury_member", day)} & {bounded, open_ended}
        assert on_the_list == {uid for uid, roles in ((bounded, of_bounded), (open_ended, of_open)) if roles}, day
