"""Every post is read through a Flask-WTF form (issue 11): no view reads `request.form` itself.

The modules in STILL_ALLOWED read it for now; take a module out when its views read forms (the list
only shrinks). A module not listed that reads `request.form` fails this test.
"""

from __future__ import annotations

import re
from pathlib import Path

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
RAW_READ = re.compile(r"\brequest\.form\b")

STILL_ALLOWED = {
    "fields.py",  # the app-wide net: a NUL byte anywhere in a post is a German 400 (fields.install)
    "i18n.py",
    "applicant/organisations.py",
    "applicant/views_form.py",
    "applicant/views_money.py",
    "applicant/views_status.py",
    "auth/views.py",
    "jury/views_chair.py",
    "jury/views_member.py",
    "jury/views_notes.py",
}


def _readers() -> set[str]:
    return {
        path.relative_to(WEBAPP).as_posix()
        for path in WEBAPP.rglob("*.py")
        if RAW_READ.search(path.read_text(encoding="utf-8"))
    }


def test_no_module_outside_the_allow_list_reads_request_form() -> None:
    readers = _readers() - STILL_ALLOWED
    assert readers == set(), f"read the post through a Flask-WTF form (webapp/fields.py), not request.form: {readers}"


def test_the_allow_list_names_only_modules_that_still_read_request_form() -> None:
    # a converted module leaves the list, so a raw read cannot slip back into it unnoticed
    stale = STILL_ALLOWED - _readers()
    assert stale == set(), f"these modules read forms now; take them out of STILL_ALLOWED: {sorted(stale)}"


def test_the_check_finds_a_raw_read_and_not_a_form() -> None:
    assert RAW_READ.search('name = request.form.get("name", "")')
    assert RAW_READ.search("chosen = request.form.getlist('auswahl')")
    assert not RAW_READ.search("form = NoteForm()\nnote = form.note.data")
