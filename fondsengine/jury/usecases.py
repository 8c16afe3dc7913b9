"""The jury's use cases in one place: membership, drawing by lot, sessions, voting, minutes.

The functions live in small modules (`jury_members`, `jury_sessions`, `jury_voting`,
`jury_minutes`); import them from here. docs/jury.md explains the rules.
"""

from fondsengine.jury.closing import ItemResult, close_circulation, close_item, close_session, decided_amount
from fondsengine.jury.members import (
    DrawReplay,
    appoint_member,
    draw_members,
    draw_pool,
    membership_problems,
    register_volunteer,
    replay_draw,
    withdraw_volunteer,
)
from fondsengine.jury.minutes import (
    JuryApplicationView,
    Minutes,
    MinutesEntry,
    jury_view_of_application,
    minutes,
    minutes_data,
)
from fondsengine.jury.sessions import (
    confirm_attendance,
    declare_conflict,
    declare_no_conflict,
    invite,
    open_session,
    withdraw_conflict,
)
from fondsengine.jury.voting import (
    ITEM_CLOSED,
    cast_vote,
    enter_show_of_hands,
)

__all__ = [
    "ITEM_CLOSED",
    "DrawReplay",
    "ItemResult",
    "JuryApplicationView",
    "Minutes",
    "MinutesEntry",
    "appoint_member",
    "cast_vote",
    "close_circulation",
    "close_item",
    "close_session",
    "confirm_attendance",
    "decided_amount",
    "declare_conflict",
    "declare_no_conflict",
    "draw_members",
    "draw_pool",
    "enter_show_of_hands",
    "invite",
    "jury_view_of_application",
    "membership_problems",
    "minutes",
    "minutes_data",
    "open_session",
    "register_volunteer",
    "replay_draw",
    "withdraw_conflict",
    "withdraw_volunteer",
]
