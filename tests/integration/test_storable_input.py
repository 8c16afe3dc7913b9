"""The engine refuses what the database cannot store, on SQLite and PostgreSQL (defence in depth)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from fondsengine.applications import service as apps
from fondsengine.applications.service import CostItemInput
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput
from fondsengine.inputs import check_cents, check_text, parse_date, parse_hours, parse_int
from fondsengine.model import Application, CostItem
from tests.support.factories import QF, person, quartiersfonds_input


def _count(fonds: Engine) -> tuple[int, int]:
    with fonds.db.read() as s:
        return (int(s.scalar(select(func.count(Application.id))) or 0),
                int(s.scalar(select(func.count(CostItem.id))) or 0))  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contact_name": "Anna\x00Beispiel"}, "Nullzeichen"),
        ({"place": "Ruhr\nstraße"}, "Zeilenumbruch"),
        ({"contact_phone": "0" * 51}, "zu lang"),
        ({"description": "Text\x00mit NUL"}, "Nullzeichen"),
        ({"volunteer_hours": Decimal("Infinity")}, "keine endliche Zahl"),
        ({"volunteer_hours": Decimal("NaN")}, "keine endliche Zahl"),
        ({"volunteer_hours": Decimal("1E+9")}, "zu groß"),
        ({"own_funds_cents": 10**15}, "10.000.000,00"),
        ({"participants_expected": 2**40}, "zu groß"),
        ({"cost_items": (CostItemInput("material", "Farbe\x00", 1000),)}, "Nullzeichen"),
        ({"extra": {"neighbourhood_benefit": "a\x00b"}}, "Nullzeichen"),
    ],
)
def test_a_value_the_database_cannot_store_is_refused_and_nothing_is_stored(
    fonds: Engine, changes: dict[str, object], message: str
) -> None:
    anna = person(fonds, "Anna", "anna@example.org")
    before = _count(fonds)
    with pytest.raises(InvalidInput, match=message):
        apps.create_draft(fonds, anna, QF, quartiersfonds_input(**changes))
    assert _count(fonds) == before


def test_long_multi_line_text_is_stored_exactly(fonds: Engine) -> None:
    anna = person(fonds, "Anna", "anna@example.org")
    text = ("Zeile mit Tab\tund Umlauten äöü\r\n" * 1500)[:45_000]
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input(description=text))
    with fonds.db.read() as s:
        assert s.get(Application, app_id).description == text  # type: ignore[union-attr]


def test_an_application_stored_before_the_checks_can_still_change_state(fonds: Engine) -> None:
    anna = person(fonds, "Anna", "anna@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    with fonds.db.write_session() as s, s.begin():  # a title from an older version, stored without the checks
        s.execute(update(Application).where(Application.id == app_id).values(title="Alter\nTitel"))
    apps.submit(fonds, anna, app_id)  # only the changed values are checked
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.state == "submitted" and app.title == "Alter\nTitel"


def test_the_pure_parsers_accept_ascii_and_refuse_the_rest() -> None:
    assert parse_hours("12,5") == Decimal("12.5") and parse_hours("3.25") == Decimal("3.25")
    assert parse_int("0042", label="Zahl") == 42
    assert parse_date("24.11.2026") == date(2026, 11, 24) == parse_date("2026-11-24")
    assert check_cents(100) == 100 and check_text("a\nb", label="T", max_len=3, multiline=True) == "a\nb"
    for bad in ("NaN", "Infinity", "1e3", "١٢", "-1", "1,234", "100001"):
        with pytest.raises(InvalidInput):
            parse_hours(bad)
    for bad in ("²", "١٢", "1e3", "9" * 30):
        with pytest.raises(InvalidInput):
            parse_int(bad, label="Zahl")
    for bad in ("0001-01-01", "2026-02-30", "٢٠٢٦-٠١-٠١", "3000-01-01"):
        with pytest.raises(InvalidInput):
            parse_date(bad)
    with pytest.raises(InvalidInput):
        check_cents(10**10)
    with pytest.raises(InvalidInput, match="Zeilenumbruch"):
        check_text("a\u2028b", label="Titel", max_len=10)
