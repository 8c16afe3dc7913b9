"""The pages' amount and date filters give exactly what Babel's de_DE formats give (they replaced
Babel calls that were half a dashboard's rendering time)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from fondsengine.clock import BERLIN
from fondsengine.i18n import DEFAULT_LANGUAGE
from webapp import filters
from webapp.filters import datum, euro, euro_input, zeit

EDGES = [0, 1, -1, 9, 10, 99, 100, 101, 99_999, 100_000, 123_456_789, -150_000, 1_000_000_000_000, -99]


def _amounts() -> list[int]:
    rnd = random.Random(19)
    return (
        EDGES
        + [rnd.randint(-(10**12), 10**12) for _ in range(2000)]
        + [rnd.randint(-(10**4), 10**4) for _ in range(500)]
    )


def test_euro_equals_babels_german_currency_format() -> None:
    for cents in _amounts():
        assert euro(cents) == format_currency(Decimal(cents) / 100, "EUR", locale="de_DE"), cents
    assert euro(150_000) == "1.500,00\u00a0€" and euro(None) == "–"


def test_the_input_amount_equals_babels_decimal_format() -> None:
    for cents in _amounts():
        assert euro_input(cents) == format_decimal(Decimal(cents) / 100, format="#,##0.00", locale="de_DE"), cents
    assert euro_input(None) == ""


def test_dates_and_times_equal_babels_in_berlin_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filters, "page_language", lambda: DEFAULT_LANGUAGE)
    rnd = random.Random(11)
    start = datetime(1950, 1, 1, tzinfo=UTC)
    for _ in range(1500):
        moment = start + timedelta(minutes=rnd.randint(0, 200 * 365 * 24 * 60))
        local = moment.astimezone(BERLIN)
        assert datum(moment) == format_date(local.date(), "dd.MM.yyyy", locale="de_DE")
        assert datum(local.date()) == format_date(local.date(), "dd.MM.yyyy", locale="de_DE")
        assert zeit(moment) == format_datetime(local, "dd.MM.yyyy, HH:mm 'Uhr'", locale="de_DE")
    assert datum(date(2026, 3, 5)) == "05.03.2026" and datum(None) == "–"
    assert zeit(datetime(2026, 12, 3, 23, 30, tzinfo=UTC)) == "04.12.2026, 00:30 Uhr"
