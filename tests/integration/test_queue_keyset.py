"""The office queue's keyset pages (fondsengine.applications.queue): walking the next-page links
visits every application exactly once in the queue's order, also where many rows share the sort
value or have none, and the previous-page links walk the same pages back; a damaged or foreign
link is refused in German. On SQLite and on PostgreSQL, with pages of four rows on the demo data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from fondsengine import demo
from fondsengine.applications import queue
from fondsengine.applications.queue import SORTS, Position, QueueFilter, office_queue, parse_position
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.model import Application, User

SMALL_PAGE = 4
TIED = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def office(fonds: Engine, monkeypatch: pytest.MonkeyPatch) -> Actor:
    """The demo office on the demo data, with ties on every sort column and a few empty values."""
    assert demo.seed(fonds)
    monkeypatch.setattr(queue, "PAGE_SIZE", SMALL_PAGE)
    with fonds.db.write_session() as s:
        ids = sorted(s.scalars(select(Application.id).where(Application.state != "draft")))
        for n, app_id in enumerate(ids):
            s.execute(
                update(Application)
                .where(Application.id == app_id)
                .values(
                    requested_cents=[5_000_000, 5_000_000, 12_000_000][n % 3],  # above every grant
                    title=["Sommerfest", "Sommerfest", f"Projekt {n:02d}"][n % 3],
                    submitted_at=None if n % 7 == 3 else TIED if n % 2 else datetime(2026, 10, 1 + n % 20, tzinfo=UTC),
                    file_number=None if n % 5 == 1 else f"QF-{n % 4:04d}-{app_id}",
                )
            )
        s.commit()
        office_id = s.scalar(select(User.id).where(User.email == demo.LOGINS[0].email))
    assert office_id is not None
    return Actor(int(office_id))


def _expected(fonds: Engine, sort: str, descending: bool) -> list[int]:
    """The queue's order computed in Python: the sort value (empty ones last), then the id."""
    col = SORTS[sort]
    with fonds.db.read() as s:
        rows = s.execute(select(Application.id, col).where(Application.state != "draft")).all()

    def key(row: Any) -> tuple[bool, Any, int]:
        value = row[1]
        return (value is None, value if value is not None else 0, row[0])

    present = sorted((r for r in rows if r[1] is not None), key=key, reverse=descending)
    empty = sorted((r.id for r in rows if r[1] is None), reverse=descending)
    return [r.id for r in present] + empty


def test_the_next_and_previous_links_walk_every_row_once_in_order(fonds: Engine, office: Actor) -> None:
    for sort in sorted(SORTS):
        for descending in (True, False):
            _walk(fonds, office, sort, descending)
    _restart(fonds, office)


def _walk(fonds: Engine, office: Actor, sort: str, descending: bool) -> None:
    expected = _expected(fonds, sort, descending)
    assert len(expected) > 3 * SMALL_PAGE
    qf = QueueFilter(sort=sort, descending=descending)
    page = office_queue(fonds, office, qf)
    forward = [list(r.id for r in page.rows)]
    assert page.previous_position is None and page.page == 1
    while page.next_position is not None:
        position = parse_position(page.next_position, sort, descending)
        page = office_queue(
            fonds, office, QueueFilter(sort=sort, descending=descending, page=page.page + 1, position=position)
        )
        forward.append([r.id for r in page.rows])
    assert [i for rows in forward for i in rows] == expected
    assert page.page == page.pages == len(forward)
    assert all(len(rows) == SMALL_PAGE for rows in forward[:-1])

    backward = [[r.id for r in page.rows]]
    while page.previous_position is not None:
        position = parse_position(page.previous_position, sort, descending, before=True)
        page = office_queue(
            fonds, office, QueueFilter(sort=sort, descending=descending, page=page.page - 1, position=position)
        )
        backward.append([r.id for r in page.rows])
    assert backward[::-1] == forward
    assert page.page == 1


def test_the_pages_by_number_follow_the_order_across_the_funds(fonds: Engine, office: Actor) -> None:
    """The first page is one ordered range per managed fund, merged and cut (issue 19), the pages read by
    their number one read with OFFSET: together they are the queue's order over both funds (the walk by
    links above merges on every page); one fund's queue is that fund's part of the order."""
    with fonds.db.read() as s:
        fund_of = dict(s.execute(select(Application.id, Application.fund_id).where(Application.state != "draft")).all())
    funds = sorted(set(fund_of.values()))
    assert len(funds) >= 2  # the merge of the funds' ranges is what is tested
    for sort in sorted(SORTS):
        for descending in (True, False):
            expected = _expected(fonds, sort, descending)
            first = office_queue(fonds, office, QueueFilter(sort=sort, descending=descending))
            assert first.pages == -(-len(expected) // SMALL_PAGE)
            seen = [r.id for r in first.rows]
            for number in range(2, first.pages + 1):
                page = office_queue(fonds, office, QueueFilter(sort=sort, descending=descending, page=number))
                seen += [r.id for r in page.rows]
            assert seen == expected, (sort, descending)
            for fund_id in funds:
                alone = office_queue(fonds, office, QueueFilter(fund_ids=(fund_id,), sort=sort, descending=descending))
                assert [r.id for r in alone.rows] == [i for i in expected if fund_of[i] == fund_id][:SMALL_PAGE]


def _restart(fonds: Engine, office: Actor) -> None:
    """A position left by rows that moved: before it there are fewer rows than a page, so the list
    starts over at page 1 with a full page."""
    expected = _expected(fonds, "eingang", True)
    first_id = expected[2]
    with fonds.db.read() as s:
        value = s.scalar(select(Application.submitted_at).where(Application.id == first_id))
    position = Position("eingang", True, value, first_id, before=True)
    page = office_queue(fonds, office, QueueFilter(page=2, position=position))
    assert page.page == 1 and [r.id for r in page.rows] == expected[:SMALL_PAGE]
    assert page.previous_position is None


@pytest.mark.parametrize(
    "token",
    [
        "kaputt!!",
        "eyJ4Ijoi",  # base64 of broken JSON
        Position("betrag", True, 100, 5).token(),  # made for another sort
        Position("eingang", False, TIED, 5).token(),  # made for the other direction
        Position("eingang", True, "gestern", 5).token(),  # not a time
        Position("eingang", True, "2026-11-02T08:30:00", 5).token(),  # a time without a zone
        Position("eingang", True, TIED, -1).token(),  # no row id
        "A" * 700,
    ],
)
def test_a_damaged_or_foreign_page_link_is_refused_in_german(token: str) -> None:
    with pytest.raises(InvalidInput, match="Verweis auf diese Seite der Antragsliste ist ungültig"):
        parse_position(token, "eingang", True)


def test_a_token_round_trips_every_kind_of_sort_value() -> None:
    for sort, value in (("eingang", TIED), ("betrag", 50_000), ("titel", "Café „Ü“"), ("aktenzeichen", None)):
        position = Position(sort, False, value, 42)
        assert parse_position(position.token(), sort, False) == position
    with pytest.raises(InvalidInput):  # the title is never empty: no position has an empty title
        parse_position(Position("titel", False, None, 42).token(), "titel", False)
