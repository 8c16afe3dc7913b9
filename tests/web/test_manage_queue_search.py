"""The queue search on SQLite through the FTS5 trigram table (migration 0016): the same
applications as the LIKE scan, and the index follows every insert, update, delete and
anonymisation of an application."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy import delete, select, text, update

from fondsengine.applications import service as apps
from fondsengine.applications.queue import TRIGRAM, QueueFilter, filtered
from fondsengine.clock import local_date
from fondsengine.engine import Actor
from fondsengine.jobs.housekeeping import anonymise
from fondsengine.model import Application
from fondsengine.model.application import SEARCHED_COLUMNS
from tests.web.builders import QF, World, draft_for, good_input
from tests.web.conftest import login

# (title, contact name, organisation, description, file number): umlauts and ß in both cases,
# file numbers, parts of words, spaces, quotes, LIKE and FTS5 special characters, NULLs
ROWS = (
    ("Straßenfest Wiesenviertel", "Jürgen Müller", None, "Zwölf Stände und Tombola", "QF-2026-0012"),
    ("STRASSENFEST am Rathaus", "Anna Beispiel", "Heimatverein e. V.", "Musik und Essen", "QF-2026-0013"),
    ("Grünfläche pflegen", "Özlem Yılmaz", "Gartenfreunde Witten", "Beete und Bänke", "QF-2025-0101"),
    ("GRÜNFLÄCHE AN DER RUHR", "ÖZGÜR ŞAHIN", None, "Pflanzaktion", "CF-2026-0007"),
    ("Repair-Café im Keller", "Bert Nachbar", "Reparatur-Initiative", "Wir reparieren 100% Elektrogeräte", None),
    ('Lesung "Zitat" & Co.', "Klara Schmidt", "Buch_Laden", "Texte, Lyrik und Prosa", "QF-2026-0200"),
    ("Kinderflohmarkt", "Max Mustermann", "Kita Sonnenschein", "Spielzeug tauschen NEAR Schulhof", "QF-2026-0201"),
    ("Öko-Markt", "Ute Öztürk", "Ökostadt", "regional, bio: OR AND NOT", "CF-2025-0020"),
    ("Gartenzaun", "Peter Maier", "Kleingartenverein", "Zaun * streichen", "QF-2024-0999"),
    ("Nachbarschaftscafé", "Ali Çelik", None, "", "QF-2026-1000"),
)
TERMS = (
    "straßen", "STRASSEN", "fest", "ßenf", "Müll", "müller", "MÜLLER", "ürgen m", "grünfl", "GRÜNFLÄCHE",
    "qf-2026-00", "2026-0", "0012", "-2025-", "cf-", "repair-caf", "100%", "100", "buch_l", "h_l",
    '"zitat"', '"', 'g "zi', "& co", "öko", "ÖKO", "ökostadt", "near", "or and", "zaun * str", "*",
    "garten", "ARTEN", "café", "cafe", "ab", "zz", "ö", "e", "yılmaz", "ŞAHIN", "şahin", "kein treffer",
)  # fmt: skip


def _ascii_lower(value: str) -> str:
    """What SQLite's lower() does: A-Z only."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in value)


def _expected(world: World, term: str, *, unicode_case: bool) -> set[int]:
    """The reference: applications with `term` (lowered by Python) inside a searched column lowered
    as SQLite's LIKE scan lowers it (ASCII only) or as PostgreSQL and the trigram index do."""
    needle = term.lower()
    lower = str.lower if unicode_case else _ascii_lower
    with world.fonds.db.read() as s:
        rows = s.execute(select(Application.id, *(getattr(Application, c) for c in SEARCHED_COLUMNS))).all()
    return {r[0] for r in rows if any(needle in lower(v or "") for v in r[1:])}


def _found(world: World, term: str, *, search_index: bool) -> set[int]:
    qf = QueueFilter(fund_ids=[QF, "witten-cityfonds"], text=term, search_index=search_index)
    with world.fonds.db.read() as s:
        return set(s.scalars(filtered(qf, local_date(world.clock.now()))))


def _add(world: World, rows: tuple[tuple[str, str, str | None, str, str | None], ...]) -> list[int]:
    """Applications with these texts (copies of one submitted application; bulk data, not a use case)."""
    source_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), source_id)
    skip = {"id", *SEARCHED_COLUMNS}
    with world.fonds.unit_of_work() as uow:
        s = uow.session
        source = s.get(Application, source_id)
        assert source is not None
        columns = [c.key for c in Application.__table__.columns if c.key not in skip]
        made = [
            Application(**{k: getattr(source, k) for k in columns}, **dict(zip(SEARCHED_COLUMNS, row, strict=True)))
            for row in rows
        ]
        s.add_all(made)
        uow.commit()
    return [source_id, *(a.id for a in made)]


def _index_matches_the_table(world: World) -> None:
    with world.fonds.db.engine.begin() as conn:  # raises when the index and applications differ
        conn.execute(text("INSERT INTO applications_search (applications_search, rank) VALUES ('integrity-check', 1)"))


def test_the_sqlite_database_has_the_search_index(world: World) -> None:
    assert world.fonds.db.has_search_index


def test_the_index_finds_what_the_like_scan_finds(world: World) -> None:
    _add(world, ROWS)
    wrong, widened = [], []
    for term in TERMS:
        like = _found(world, term, search_index=False)
        indexed = _found(world, term, search_index=True)
        scan, folded = _expected(world, term, unicode_case=False), _expected(world, term, unicode_case=True)
        if like != scan:  # the scan as it always was
            wrong.append((term, "scan", like, scan))
        if len(term) < TRIGRAM and indexed != like:  # too short for a trigram: the scan answers
            wrong.append((term, "short", indexed, like))
        if len(term) >= TRIGRAM and indexed != folded:  # the index folds case like PostgreSQL's lower()
            wrong.append((term, "index", indexed, folded))
        if len(term) >= TRIGRAM and indexed != like:
            widened.append(term)
    assert wrong == []
    # the only difference: upper-case umlauts, which SQLite's lower() leaves alone ("GRÜNFLÄCHE" for "grünfläche")
    assert sorted(widened) == sorted(["grünfl", "GRÜNFLÄCHE", "öko", "ÖKO", "ökostadt", "şahin", "ŞAHIN"])
    assert all(_found(world, t, search_index=False) < _found(world, t, search_index=True) for t in widened)


def test_every_term_of_the_data_set_is_found_by_both_and_short_terms_scan(world: World) -> None:
    ids = _add(world, ROWS)
    for row, app_id in zip(ROWS, ids[1:], strict=True):
        for value in filter(None, row):
            part = value[1:7]  # a piece from inside the word
            if len(part) >= 3:
                assert app_id in _found(world, part, search_index=True), (part, value)
    assert _found(world, "zz", search_index=True) == _found(world, "zz", search_index=False) == set()
    assert _found(world, "ei", search_index=True) == _found(world, "ei", search_index=False) != set()


def test_the_index_follows_insert_update_delete_and_anonymisation(world: World) -> None:
    ids = _add(world, ROWS)
    _index_matches_the_table(world)

    new = draft_for(world, world.bert, title="Lichterfest Bahnhofstraße", contact_name="Bert Nachbar")
    assert _found(world, "lichterf", search_index=True) == {new}

    apps.update_draft(world.fonds, Actor(world.bert), new, good_input(title="Laternenumzug Bahnhofstraße"))
    assert _found(world, "lichterf", search_index=True) == set()
    assert _found(world, "laternenum", search_index=True) == {new}

    with world.fonds.unit_of_work() as uow:  # a state change alone does not touch the index
        uow.session.execute(update(Application).where(Application.id == new).values(state="submitted"))
        uow.commit()
    assert _found(world, "laternenum", search_index=True) == {new}

    with world.fonds.unit_of_work() as uow:
        uow.session.execute(delete(Application).where(Application.id == ids[-1]))
        uow.commit()
    assert _found(world, "nachbarschaftscaf", search_index=True) == set()

    jurgen = ids[1]
    with world.fonds.unit_of_work() as uow:
        app = uow.session.get(Application, jurgen)
        assert app is not None
        anonymise(uow, app, datetime(2026, 12, 1, tzinfo=UTC))
        uow.commit()
    assert _found(world, "jürgen", search_index=True) == set()
    assert _found(world, "tombola", search_index=True) == set()  # the description went too
    assert jurgen in _found(world, "anonymisiert", search_index=True)
    assert _found(world, "straßenfest", search_index=True) == {jurgen}  # the title stays
    for term in ("jürgen", "anonymisiert", "straßenfest", "laternenum", "2026-0"):
        assert _found(world, term, search_index=True) == _found(world, term, search_index=False)
    _index_matches_the_table(world)


def test_the_queue_page_searches_through_the_index(world: World, client: FlaskClient) -> None:
    from sqlalchemy import event

    _add(world, ROWS)
    login(client, "buero@example.org")
    seen: list[str] = []

    def _on(_c, _cur, statement, *_a):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(world.fonds.db.engine, "before_cursor_execute", _on)
    try:
        page = client.get("/verwaltung/antraege?q=gr%C3%BCnfl%C3%A4che").get_data(as_text=True)
    finally:
        event.remove(world.fonds.db.engine, "before_cursor_execute", _on)
    assert "Grünfläche pflegen" in page and "GRÜNFLÄCHE AN DER RUHR" in page and "Gartenzaun" not in page
    assert any("applications_search MATCH" in sql for sql in seen)
