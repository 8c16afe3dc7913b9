"""Helpers for the jury integration tests (no tests here): a small test fund, people, an agenda."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor, Engine
from fondsengine.funds.loading import load_funds
from fondsengine.model import AgendaItem, Application
from tests.support.factories import person, quartiersfonds_input

ROOT = Path(__file__).resolve().parents[2]
FUND = "test-kleine-jury"
SESSION_AT = datetime(2027, 3, 10, 17, 0, tzinfo=UTC)

# The Quartiersfonds with a jury small enough for three members; the rest stays as shipped, except that
# members vote without declaring "no conflict" first (`load_test_fund(declaration_required=True)` keeps it).
SMALL_JURY = {
    "quorum_min_members: 8": "quorum_min_members: 2",
    "tie: rejected": "tie: chair_decides",
}


def load_test_fund(
    fonds: Engine, tmp_path: Path, budget_2027_euro: int = 20000, *, declaration_required: bool = False, **extra: str
) -> str:
    """Store a copy of the Quartiersfonds guideline with a small jury as fund FUND."""
    text = (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8")
    declaring = {"declaration_required: true": f"declaration_required: {str(declaration_required).lower()}"}
    for old, new in {**SMALL_JURY, **declaring, **extra}.items():
        assert old in text, old
        text = text.replace(old, new)
    year = "    - year: 2027\n      amount: 20000"
    assert year in text
    text = text.replace(year, f"    - year: 2027\n      amount: {budget_2027_euro}")
    folder = tmp_path / "richtlinien-jury"
    folder.mkdir(exist_ok=True)
    (folder / f"{FUND}.yaml").write_text(text, encoding="utf-8")
    load_funds(fonds, Actor.scheduler(), folder, ROOT / "workflows")
    return FUND


@dataclass
class Cast:
    """The people of a jury test."""

    office: Actor
    anna: Actor  # applicant, not in the jury
    ida: Actor  # jury member, resident
    jan: Actor  # jury member, resident
    kim: Actor  # jury member, expert; also applies once

    @property
    def members(self) -> list[Actor]:
        """The three jury members."""
        return [self.ida, self.jan, self.kim]


def make_cast(fonds: Engine, fund: str = FUND) -> Cast:
    """Create the office, an applicant and three jury members (two residents, one expert)."""
    cast = Cast(
        office=person(fonds, "Büro mitten@witten", "buero@example.org", (fund, "manager")),
        anna=person(fonds, "Anna Beispiel", "anna@example.org"),
        ida=person(fonds, "Ida Ivers", "ida@example.org", (fund, "jury_member")),
        jan=person(fonds, "Jan Jansen", "jan@example.org", (fund, "jury_member")),
        kim=person(fonds, "Kim Kaya", "kim@example.org", (fund, "jury_member")),
    )
    from fondsengine.jury.usecases import appoint_member

    appoint_member(fonds, cast.office, fund, uid(cast.kim), "expert", None, None)
    return cast


def uid(actor: Actor) -> int:
    """The user id of an actor that is a person."""
    assert actor.user_id is not None
    return actor.user_id


def reviewed(fonds: Engine, cast: Cast, applicant: Actor, fund: str = FUND, **changes: object) -> int:
    """Create, submit and formally review an application."""
    app_id = apps.create_draft(fonds, applicant, fund, quartiersfonds_input(**changes))
    apps.submit(fonds, applicant, app_id)
    decisions.start_review(fonds, cast.office, app_id)
    with fonds.db.read() as s:
        g = fonds.catalog.current(s, fund)[2]
    decisions.record_review(fonds, cast.office, app_id, {i.id: ("fulfilled", "") for i in g.review_checklist})
    decisions.complete_review(fonds, cast.office, app_id)
    return app_id


def agenda(
    fonds: Engine,
    cast: Cast,
    applicants: list[Actor],
    *,
    fund: str = FUND,
    circulation: bool = False,
    deadline: datetime | None = None,
    **changes: object,
) -> tuple[int, list[int]]:
    """A session with one reviewed application per applicant on its agenda: (session id, item ids)."""
    session_id = decisions.create_session(
        fonds, cast.office, fund, SESSION_AT, "Rathaus, Raum 101", circulation=circulation, vote_deadline=deadline
    )
    items = []
    for n, applicant in enumerate(applicants, start=1):
        app_id = reviewed(fonds, cast, applicant, fund, title=f"Projekt {n}", **changes)
        decisions.schedule(fonds, cast.office, app_id, session_id)
        with fonds.db.read() as s:
            item = s.scalar(select(AgendaItem.id).where(AgendaItem.application_id == app_id))
            assert item is not None
            items.append(item)
    return session_id, items


def app_of(fonds: Engine, item_id: int) -> Application:
    """The application of an agenda item (detached, readable)."""
    with fonds.db.read() as s:
        item = s.get(AgendaItem, item_id)
        assert item is not None
        app = s.get(Application, item.application_id)
        assert app is not None
        return app


def item_of(fonds: Engine, item_id: int) -> AgendaItem:
    """An agenda item (detached, readable)."""
    with fonds.db.read() as s:
        item = s.get(AgendaItem, item_id)
        assert item is not None
        return item
