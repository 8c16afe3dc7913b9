"""The office queue: filters, search, sorting, pages, exports; a constant number of queries."""

from __future__ import annotations

import csv
import html as html_module
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import event, select

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.model import Application
from tests.web.builders import QF, World, draft_for
from tests.web.conftest import login


def _submitted(world: World, user: int, **changes: object) -> int:
    app_id = draft_for(world, user, **changes)
    apps.submit(world.fonds, Actor(user), app_id)
    return app_id


@contextmanager
def _count_queries(world: World) -> Iterator[list[str]]:
    seen: list[str] = []

    def _on(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = world.fonds.db.engine
    event.listen(engine, "before_cursor_execute", _on)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _on)


def _clone(world: World, titles: list[str]) -> None:
    """Copy the first submitted application under new titles (bulk data, not a use case)."""
    with world.fonds.unit_of_work() as uow:
        s = uow.session
        source = s.scalars(select(Application).where(Application.state == "submitted")).first()
        assert source is not None
        columns = [c.key for c in Application.__table__.columns if c.key not in ("id", "file_number", "title")]
        for n, title in enumerate(titles):
            s.add(Application(**{k: getattr(source, k) for k in columns}, title=title, file_number=f"X-{n:04d}"))
        uow.commit()


def _rows(html: str) -> int:
    return html.count('href="/verwaltung/antraege/')


def test_the_search_finds_title_and_applicant_case_insensitively(world: World, client: FlaskClient) -> None:
    _submitted(world, world.anna, title="Repair-Café im Keller")
    _submitted(world, world.bert, title="Kinderflohmarkt", contact_name="Bert Nachbar")
    login(client, "buero@example.org")

    by_title = client.get("/verwaltung/antraege?q=REPAIR").get_data(as_text=True)
    by_name = client.get("/verwaltung/antraege?q=bert%20NACH").get_data(as_text=True)
    nothing = client.get("/verwaltung/antraege?q=100%25").get_data(as_text=True)

    assert "Repair-Café" in by_title and "Kinderflohmarkt" not in by_title
    assert "Kinderflohmarkt" in by_name and "Repair-Café" not in by_name
    assert "Keine Anträge zu diesem Filter" in nothing


def test_filters_by_state_kind_and_amount_range(world: World, client: FlaskClient) -> None:
    _submitted(
        world,
        world.anna,
        title="Klein",
        requested_cents=20_000,
        cost_items=(apps.CostItemInput("material", "Farbe", 20_000),),
    )
    big = _submitted(world, world.bert, title="Groß")
    apps_ = world.fonds
    from fondsengine.applications import decisions

    decisions.start_review(apps_, Actor(world.office), big)
    login(client, "buero@example.org")

    small_only = client.get("/verwaltung/antraege?max=300,00").get_data(as_text=True)
    big_only = client.get("/verwaltung/antraege?min=500").get_data(as_text=True)
    in_review = client.get("/verwaltung/antraege?stand=in_review").get_data(as_text=True)
    residents = client.get("/verwaltung/antraege?art=resident").get_data(as_text=True)
    associations = client.get("/verwaltung/antraege?art=association").get_data(as_text=True)

    assert ">Klein<" in small_only.replace("<br>", "<") and "Groß" not in small_only
    assert "Groß" in big_only and ">Klein" not in big_only
    assert "Groß" in in_review and ">Klein" not in in_review
    assert _rows(residents) == 2 and _rows(associations) == 0


def test_a_malformed_amount_is_shown_in_the_error_summary(world: World, client: FlaskClient) -> None:
    login(client, "buero@example.org")
    response = client.get("/verwaltung/antraege?min=viel")
    assert response.status_code == 400
    assert "„viel“ ist kein Eurobetrag" in response.get_data(as_text=True)


def test_drafts_stay_out_of_the_queue_unless_asked_for(world: World, client: FlaskClient) -> None:
    draft_for(world, world.anna, title="Noch geheim")
    login(client, "buero@example.org")
    assert "Noch geheim" not in client.get("/verwaltung/antraege").get_data(as_text=True)
    assert "Noch geheim" in client.get("/verwaltung/antraege?stand=draft").get_data(as_text=True)


def test_the_queue_pages_by_fifty_with_a_constant_number_of_queries(world: World, client: FlaskClient) -> None:
    for i in range(3):
        _submitted(world, world.anna, title=f"Projekt {i:02d}")
    login(client, "buero@example.org")
    client.get("/verwaltung/antraege")  # warm the guideline/workflow cache
    with _count_queries(world) as few:
        client.get("/verwaltung/antraege")
    _clone(world, [f"Projekt {i:02d}" for i in range(3, 53)])
    with _count_queries(world) as many:
        first = client.get("/verwaltung/antraege?sort=titel&richtung=auf").get_data(as_text=True)
    second = client.get("/verwaltung/antraege?sort=titel&richtung=auf&seite=2").get_data(as_text=True)

    assert len(many) == len(few)
    assert _rows(first) == 50 and _rows(second) == 3
    assert "53 Anträge gefunden, Seite 1 von 2" in first
    assert "Projekt 00" in first and "Projekt 52" in second
    assert "seite=2" in first and "sort=titel" in first


def test_the_csv_export_holds_the_filtered_queue(world: World, client: FlaskClient) -> None:
    _submitted(world, world.anna, title='=HYPERLINK("x")')
    _submitted(world, world.bert, title="Kinderflohmarkt")
    login(client, "buero@example.org")

    response = client.get(f"/verwaltung/antraege.csv?fonds={QF}&q=hyperlink")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))

    assert response.mimetype == "text/csv"
    assert rows[0][:5] == ["Aktenzeichen", "Fonds", "Haushaltsjahr", "Stand", "Projekt"]
    assert len(rows) == 2
    assert rows[1][3] == "Eingereicht"
    assert rows[1][4] == '\'=HYPERLINK("x")'
    assert rows[1][7] == "Bewohnerin oder Bewohner"
    assert rows[1][8] == "800,00"


def test_the_xlsx_export_holds_amounts_as_numbers(world: World, client: FlaskClient) -> None:
    _submitted(world, world.anna)
    login(client, "buero@example.org")

    response = client.get("/verwaltung/antraege.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))

    assert values[0][0] == "Aktenzeichen"
    assert len(values) == 2
    assert values[1][8] == 800.0


def test_the_ticked_applications_are_exported(world: World, client: FlaskClient) -> None:
    first = _submitted(world, world.anna, title="Repair-Café")
    _submitted(world, world.bert, title="Kinderflohmarkt")
    login(client, "buero@example.org")

    response = client.post("/verwaltung/antraege.csv", data={"auswahl": [str(first)]})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))

    assert [r[4] for r in rows[1:]] == ["Repair-Café"]


def test_the_ticked_applications_go_on_a_session_at_once(world: World, client: FlaskClient) -> None:
    from datetime import UTC, datetime

    from fondsengine.applications import decisions

    ids = []
    for user, title in ((world.anna, "Repair-Café"), (world.bert, "Kinderflohmarkt")):
        app_id = _submitted(world, user, title=title)
        decisions.start_review(world.fonds, Actor(world.office), app_id)
        with world.fonds.db.read() as s:
            checklist = world.fonds.catalog.current(s, QF)[2].review_checklist
        decisions.record_review(world.fonds, Actor(world.office), app_id, {i.id: ("fulfilled", "") for i in checklist})
        decisions.complete_review(world.fonds, Actor(world.office), app_id)
        ids.append(app_id)
    not_reviewed = _submitted(world, world.anna, title="Noch nicht geprüft")
    session_id = decisions.create_session(
        world.fonds, Actor(world.office), QF, datetime(2026, 3, 11, 17, tzinfo=UTC), "Rathaus"
    )
    login(client, "buero@example.org")
    assert "Auswahl auf die Tagesordnung setzen" in client.get("/verwaltung/antraege").get_data(as_text=True)

    response = client.post(
        "/verwaltung/antraege/tagesordnung",
        data={"session_id": str(session_id), "auswahl": [str(i) for i in [*ids, not_reviewed]]},
    )

    assert response.status_code == 302
    with world.fonds.db.read() as s:
        states = dict(s.execute(select(Application.id, Application.state)).all())
    assert [states[i] for i in ids] == ["on_agenda", "on_agenda"]
    assert states[not_reviewed] == "submitted"
    page = client.get(f"/verwaltung/sitzungen/{session_id}").get_data(as_text=True)
    assert "Tagesordnung (2)" in page
    assert f"Antrag {not_reviewed}:" in page


def _link(html: str, rel: str) -> str:
    """The href of the page link with this rel (HTML-unescaped)."""
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    assert found is not None, f"no {rel} link"
    return html_module.unescape(found.group(1))


def test_the_page_links_carry_a_position_and_lead_forward_and_back(world: World, client: FlaskClient) -> None:
    for i in range(3):
        _submitted(world, world.anna, title=f"Projekt {i:02d}")
    _clone(world, [f"Projekt {i:02d}" for i in range(3, 53)])
    login(client, "buero@example.org")

    first = client.get("/verwaltung/antraege?sort=titel&richtung=auf").get_data(as_text=True)
    forward = _link(first, "next")
    assert "nach=" in forward and "seite=2" in forward and "sort=titel" in forward
    second = client.get(forward)
    second_html = second.get_data(as_text=True)
    back = _link(second_html, "prev")

    assert second.status_code == 200
    assert _rows(second_html) == 3 and "Projekt 50" in second_html and "Projekt 52" in second_html
    assert "Projekt 49" not in second_html
    assert "53 Anträge gefunden, Seite 2 von 2" in second_html
    assert "vor=" in back and "seite=1" in back
    again = client.get(back).get_data(as_text=True)
    assert _rows(again) == 50 and "Projekt 00" in again and "Projekt 49" in again


def test_a_damaged_page_link_says_so_in_german_and_shows_page_one(world: World, client: FlaskClient) -> None:
    _submitted(world, world.anna, title="Projekt 00")
    login(client, "buero@example.org")
    first = client.get("/verwaltung/antraege?sort=titel&richtung=auf").get_data(as_text=True)
    assert 'rel="next"' not in first  # one page only

    response = client.get("/verwaltung/antraege?sort=titel&richtung=auf&seite=7&nach=kaputt")
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "Der Verweis auf diese Seite der Antragsliste ist ungültig" in html
    assert "Projekt 00" in html and "1 Antrag gefunden." in html
