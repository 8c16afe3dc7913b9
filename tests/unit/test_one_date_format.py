"""A German date is formatted in one place, `fondsengine/text.py` (`format_date`, `format_datetime`,
`format_timestamp`); letters, mails, reports, the CLI and the pages (`webapp/filters.py`) call it.

Issue 11 found three date formatters with three outputs; a format written again (`%d.%m.%Y` for
strftime, `dd.MM.yyyy` for Babel) is a copy that can drift. Parsing a typed date is not formatting
(`fondsengine/inputs.py`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from fondsengine.errors import InvalidInput
from fondsengine.text import format_date, format_datetime, format_timestamp

ROOT = Path(__file__).resolve().parents[2]
PATTERN = re.compile(r"%d\.%m\.|dd\.MM\.")
ALLOWED = {
    "fondsengine/text.py": "the one formatter",
    "fondsengine/inputs.py": "parses a typed date (both spellings), formats none",
}
FILES = sorted(
    p
    for base in ("fondsengine", "webapp")
    for p in (ROOT / base).rglob("*")
    if p.suffix in (".py", ".html") and "migrations" not in p.parts
)


def own_formats(text: str) -> list[int]:
    """Lines that spell a German date format of their own."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if PATTERN.search(line)]


def test_the_check_finds_a_format_of_its_own() -> None:
    assert own_formats('x = day.strftime("%d.%m.%Y")\ny = f"{d:%d.%m.%Y}"\nz = 1\n') == [1, 2]
    assert own_formats('format_date(value, "dd.MM.yyyy", locale="de_DE")\n') == [1]
    assert own_formats("return format_date(day)\n") == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_or_template_formats_dates_itself(path: Path) -> None:
    where = path.relative_to(ROOT).as_posix()
    if where in ALLOWED:
        return
    assert own_formats(path.read_text(encoding="utf-8")) == [], f"{where}: call fondsengine.text instead"


def test_every_allowed_file_still_needs_it() -> None:
    for where in ALLOWED:
        assert own_formats((ROOT / where).read_text(encoding="utf-8")), f"{where}: remove it from ALLOWED"


def test_the_three_forms_of_a_moment() -> None:
    evening = datetime(2026, 5, 12, 16, 0, tzinfo=UTC)  # 18:00 in Berlin (summer time)
    assert format_date(date(2026, 3, 5)) == "05.03.2026"
    assert format_datetime(evening) == "12.05.2026, 18:00 Uhr"
    assert format_timestamp(evening) == "12.05.2026 18:00"
    assert format_timestamp(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01.01.2027 00:30"
    with pytest.raises(InvalidInput):
        format_timestamp(datetime(2026, 5, 12, 16, 0))
