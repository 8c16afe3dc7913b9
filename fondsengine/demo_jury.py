"""The demo's juries: enough members for the quorum, a pool of volunteers for the next draw, sessions held
with votes (so they have minutes), and a session to come with its invitations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.jury import usecases as jury
from fondsengine.model import AgendaItem, JurySession

# (name, e-mail, group) of the members besides the ones the demo logs in with
QF_MEMBERS = (
    ("Ole Ostermann", "ole.jury@example.org", "resident"),
    ("Mira Fachfrau", "mira.jury@example.org", "expert"),
    ("Paula Platz", "paula.jury@example.org", "resident"),
    ("Rudi Rathaus", "rudi.jury@example.org", "resident"),
    ("Sevgi Sommer", "sevgi.jury@example.org", "resident"),
    ("Tom Treppe", "tom.jury@example.org", "resident"),
    ("Uta Umwelt", "uta.jury@example.org", "expert"),
    ("Volker Verein", "volker.jury@example.org", "expert"),
    ("Wiebke Werk", "wiebke.jury@example.org", "expert"),
)
CF_MEMBERS = (
    ("Kai Kaufmann", "kai.jury@example.org", "trader"),
    ("Lara Laden", "lara.jury@example.org", "trader"),
    ("Egon Eigentum", "egon.jury@example.org", "property_owner"),
    ("Vera Werbering", "vera.jury@example.org", "association"),
)
# residents who volunteered for the next draw of the Quartiersfonds jury
VOLUNTEERS = ("Anna Beispiel", "Carla Grün", "Frieda Buch", "Jonas Weg", "Klara Ton", "Lena Regal")

MakeUser = Callable[..., Actor]


def seat_juries(make_user: MakeUser, qf: str, cf: str, jana: Actor) -> dict[str, list[Actor]]:
    """The members of both juries (Jana chairs the Quartiersfonds jury, Kai the Cityfonds jury)."""
    members = {qf: [jana], cf: []}
    for fund, rows in ((qf, QF_MEMBERS), (cf, CF_MEMBERS)):
        for name, email, group in rows:
            members[fund].append(make_user(name, email, (fund, "jury_member", group)))
    return members


def fill_pool(f: Engine, office: Actor, fund_id: str, people: Mapping[str, Actor]) -> None:
    """The office puts the volunteers into the pool of the next draw (`fondsengine jury draw` works)."""
    for name in VOLUNTEERS:
        uid = people[name].user_id
        assert uid is not None
        jury.register_volunteer(f, office, fund_id, uid, "resident")


def hold(
    f: Engine,
    office: Actor,
    members: list[Actor],
    session_id: int,
    no: Mapping[int, str] | None = None,
) -> None:
    """Hold a planned session: all members present, the first chairs; every member votes yes on each item
    except the applications in `no` (application id -> the reason of the rejection); items closed, session
    closed. The decisions and the minutes come from the votes."""
    ids = [m.user_id for m in members if m.user_id is not None]
    jury.open_session(f, office, session_id, ids, ids[0])
    with f.db.read() as s:
        js = s.get(JurySession, session_id)
        assert js is not None
        declare = f.catalog.current(s, js.fund_id)[2].jury.conflict.declaration_required
        items = list(
            s.execute(
                select(AgendaItem.id, AgendaItem.application_id)
                .where(AgendaItem.session_id == session_id)
                .order_by(AgendaItem.position)
            ).all()
        )
    for item_id, app_id in items:
        for member in members:
            if declare and member.user_id is not None:  # the guideline asks each member first (§ 20 VwVfG)
                jury.declare_no_conflict(f, member, item_id, member.user_id)
            jury.cast_vote(f, member, item_id, "no" if app_id in (no or {}) else "yes")
        jury.close_item(f, office, item_id, reason=(no or {}).get(app_id))
    jury.close_session(f, office, session_id)


def catch_up(
    f: Engine, office: Actor, fund_id: str, members: list[Actor], now: datetime, set_clock: Callable[[datetime], None]
) -> None:
    """Hold every session of the fund whose day has passed; then make sure one is to come, with invitations."""
    with f.db.read() as s:
        planned = list(
            s.execute(
                select(JurySession.id, JurySession.starts_at)
                .where(JurySession.fund_id == fund_id, JurySession.status != "closed")
                .where(JurySession.circulation.is_(False))
                .order_by(JurySession.starts_at)
            ).all()
        )
        rounds = f.catalog.current(s, fund_id)[2].timing.rounds
    coming = []
    for session_id, starts_at in planned:
        if starts_at + timedelta(hours=3) <= now:
            set_clock(starts_at + timedelta(hours=1))
            hold(f, office, members, session_id)
        else:
            coming.append(session_id)
    set_clock(now)
    if not coming:
        day = min((r.session_date for r in rounds if r.session_date > local_date(now)), default=None)
        if day is None:
            day = local_date(now) + timedelta(days=28)
        when = datetime(day.year, day.month, day.day, 16, tzinfo=now.tzinfo)
        coming.append(decisions.create_session(f, office, fund_id, when, "Rathaus Witten, Ratssaal"))
    for session_id in coming:
        jury.invite(f, office, session_id)
