"""The catalogues of the resident journey are complete: every German msgid in the resident templates,
the web app's Python, the resident mails and the resident-facing workflow texts has a real English
and Turkish translation with the same placeholders, and the compiled .mo files are up to date
(`make translations`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "tr")
# the templates of the resident journey (docs/i18n.md): start page, account, application, status, money
RESIDENT_TEMPLATES = (
    "base.html",
    "_macros.html",
    "_messages.html",
    "_rule_fields.html",
    "public/index.html",
    "auth/register.html",
    "auth/login.html",
    "auth/check_mail.html",
    "auth/account.html",
    "applicant/overview.html",
    "applicant/form.html",
    "applicant/detail.html",
    "applicant/payment.html",
    "applicant/proof.html",
    "applicant/delete.html",
    "applicant/withdraw.html",
)
WEB_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
MAIL_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_n": None, "mail_msgid": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extract(folder: Path, method_map: list[tuple[str, str]], keywords: dict) -> dict[str, set[str]]:  # type: ignore[type-arg]
    """msgid (the singular for plurals) -> the files it comes from."""
    found: dict[str, set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(folder), method_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, set()).add(filename)
    return found


def web_msgids() -> dict[str, set[str]]:
    """The web app's msgids, and the resident's texts of the engine's label table (`make extract-messages`
    extracts fondsengine/labels.py into the web app's catalogue)."""
    found = _extract(ROOT / "webapp", [("**.py", "python"), ("templates/**.html", "jinja2")], WEB_KEYWORDS)
    for msgid, files in _extract(ROOT / "fondsengine", [("labels.py", "python")], WEB_KEYWORDS).items():
        found.setdefault(msgid, set()).update(f"fondsengine/{f}" for f in files)
    return found


def test_the_engines_label_table_gives_the_resident_texts_to_the_web_catalogue() -> None:
    """The area-link choices and payment choices live in fondsengine/labels.py; without its extraction
    they would fall out of the catalogue at the next `make extract-messages`."""
    msgids = web_msgids()
    for text in ("Ich wohne dort", "Erstattung nach dem Projekt (gegen Belege)"):
        assert msgids.get(text) == {"fondsengine/labels.py"}, text
    assert "-k N_ webapp fondsengine/labels.py" in (ROOT / "Makefile").read_text()  # extract-messages


def mail_msgids() -> dict[str, set[str]]:
    """The mails' msgids, and the mail subjects each letter kind registers (fondsengine/letters)."""
    found = _extract(ROOT / "fondsengine" / "notify", [("**.py", "python")], MAIL_KEYWORDS)
    for msgid, files in _extract(ROOT / "fondsengine" / "letters", [("**.py", "python")], MAIL_KEYWORDS).items():
        found.setdefault(msgid, set()).update(files)
    return found


def workflow_msgids() -> dict[str, set[str]]:
    """The resident-facing texts of the shipped workflow files (fondsengine.workflow.messages)."""
    return _extract(ROOT / "workflows", [("**.yaml", "fondsengine.workflow.messages:extract")], {})


def _catalogue(folder: str, lang: str, domain: str) -> Catalog:
    with (ROOT / folder / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        return read_po(f, locale=lang)


def _strings(value: object) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]  # type: ignore[attr-defined]


def _check(catalogue: Catalog, msgids: dict[str, set[str]]) -> list[str]:
    problems = []
    for msgid, files in sorted(msgids.items()):
        entry = catalogue.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r} ({', '.join(sorted(files))})")
            continue
        translations = _strings(entry.string)
        if entry.fuzzy or not all(t.strip() for t in translations):
            problems.append(f"untranslated or fuzzy: {msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(_strings(entry.id))))
        for text in translations:
            if not set(PLACEHOLDER.findall(text)) <= wanted:
                problems.append(f"placeholder not in the msgid: {msgid!r} -> {text!r}")
    return problems


def test_the_resident_templates_are_all_wrapped_and_extracted() -> None:
    files = {f for fs in web_msgids().values() for f in fs}
    for name in RESIDENT_TEMPLATES:
        assert f"templates/{name}" in files, f"{name} has no German msgid: is it wrapped with _()?"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_msgid_of_the_web_app_has_a_translation(lang: str) -> None:
    assert _check(_catalogue("webapp/translations", lang, "messages"), web_msgids()) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_msgid_of_the_resident_mails_has_a_translation(lang: str) -> None:
    assert _check(_catalogue("fondsengine/translations", lang, "mails"), mail_msgids()) == []


def test_the_check_finds_a_missing_and_an_empty_translation() -> None:
    catalogue = Catalog(locale="en")
    catalogue.add("Antrag", "Application")
    catalogue.add("Leer", "")
    catalogue.add("Noch frei in %(year)s", "Still available in %(jahr)s")
    problems = _check(catalogue, {"Antrag": {"a"}, "Leer": {"a"}, "Fehlt": {"b"}, "Noch frei in %(year)s": {"c"}})
    assert len(problems) == 3
    assert any("missing: 'Fehlt'" in p for p in problems)
    assert any("untranslated" in p for p in problems)
    assert any("placeholder" in p for p in problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_resident_facing_text_of_the_shipped_workflows_has_a_translation(lang: str) -> None:
    msgids = workflow_msgids()
    assert "Antrag einreichen" in msgids and "Eingereicht" in msgids
    assert _check(_catalogue("fondsengine/translations", lang, "workflows"), msgids) == []


@pytest.mark.parametrize(
    ("folder", "domain"),
    [
        ("webapp/translations", "messages"),
        ("fondsengine/translations", "mails"),
        ("fondsengine/translations", "workflows"),
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_its_po_file(folder: str, domain: str, lang: str) -> None:
    mo_path = ROOT / folder / lang / "LC_MESSAGES" / f"{domain}.mo"
    assert mo_path.exists(), f"{mo_path} missing: run `make translations`"
    with mo_path.open("rb") as f:
        compiled = read_mo(f)
    po = _catalogue(folder, lang, domain)
    stale = []
    for m in po:
        if not m.id:
            continue
        entry = compiled.get(m.id)
        if entry is None or _strings(entry.string) != _strings(m.string):
            stale.append(m.id)
    assert stale == [], f"{mo_path} is older than its .po: run `make translations`"
