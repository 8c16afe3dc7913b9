"""Arbitrary values at every form and query-parameter page, as the right person, on SQLite and PostgreSQL.

Unicode digits, huge numbers, NaN/Infinity, NUL bytes, 100,000-character strings, line breaks and
empty values go into one field at a time (the other fields stay valid, so the request gets as far as
the engine). Every answer is below 500; a refusal (4xx) carries a German message and stores nothing
(the rows of the domain tables are counted before and after); an accepted post leaves the pages of
the application readable. FUZZ_EXAMPLES sets the examples per form and database (default 20; 300 for a deep run).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fondsengine.accounts import organisations
from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.messages import send_message
from fondsengine.applications.records import add_attachment
from fondsengine.bootstrap import build_fonds
from fondsengine.clock import FixedClock
from fondsengine.config import load_settings
from fondsengine.engine import Actor
from fondsengine.funds import drafts as guideline_drafts
from fondsengine.funds.loading import load_funds
from fondsengine.migrate import upgrade
from fondsengine.model import (
    Application,
    Attachment,
    CostItem,
    GuidelineAdoption,
    GuidelineDraft,
    JurySession,
    Membership,
    Note,
    Payment,
    ProofOfUse,
    Receipt,
    User,
    Vote,
)
from fondsengine.notify import FakeMailer
from tests.integration.test_jury_support import uid
from tests.support.files import simple_pdf
from tests.support.pg import PgServer
from tests.web.builders import PASSWORD, QF, ROOT, START, World, approved_for, build_world, draft_for
from tests.web.conftest import login
from tests.web.test_applicant_rule_fields import AF, SF
from tests.web.test_applicant_rule_fields import examples as rule_examples
from tests.web.test_applicant_rule_fields import form as rule_form
from tests.web.test_jury_support import build_jury, opened
from webapp import create_app
from webapp.uploads import CheckedFile, as_input

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
TABLES = (
    Application,
    CostItem,
    Payment,
    ProofOfUse,
    Receipt,
    Note,
    User,
    Membership,
    JurySession,
    Attachment,
    Vote,
    GuidelineDraft,
    GuidelineAdoption,
)
GERMAN = ("Bitte", "bitte", "nicht", "enthält", "zu lang", "höchstens", "ungültig", "Zeichen", "gibt es", "Versuche")

NASTY = st.sampled_from(
    [
        "",
        " ",
        "١٢٣",  # Arabic-Indic digits
        "１２３",  # full-width digits
        "²³",
        "৫০০,০০",
        "99999999999999999999999999",
        "-99999999999999999999",
        "1e999",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "1.000.000.000,00",
        "10.000.000,01",
        "0,001",
        "2026-02-30",
        "9999-12-31",
        "0001-01-01",
        "24.11.20266",
        "25:99",
        "\x00",
        "a\x00b",
        "Zeile\r\nBcc: x@example.org",
        "Zeile\nzwei",
        "\u2028\u2029\x85",
        "\x07\x1b[31m",
        "x" * 100_000,
        "ü" * 5_000,
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%_\\",
        "😀" * 300,
    ]
)
VALUES = st.one_of(NASTY, st.text(max_size=300), st.integers().map(str), st.floats().map(str))


@dataclass
class Form:
    """One form: who posts it, where, its valid values, and the fields to fuzz."""

    name: str
    role: str  # e-mail of the person, or "" for nobody logged in
    url: str
    base: dict[str, str]
    fuzz: tuple[str, ...]
    method: str = "POST"
    after: list[str] = field(default_factory=list)  # pages that must stay readable


@dataclass
class Fuzz:
    """A world with the people and applications every form needs."""

    world: World
    forms: dict[str, Form]
    clients: dict[str, FlaskClient]

    def client(self, role: str) -> FlaskClient:
        if role not in self.clients:
            client = self.world.app.test_client()
            if role:
                login(client, role)
            self.clients[role] = client
        return self.clients[role]

    def counts(self) -> dict[str, int]:
        with self.world.fonds.db.read() as s:
            return {t.__tablename__: int(s.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES}


def _application_form(title: str = "Nachbarschaftsfest") -> dict[str, str]:
    return {
        "form_token": "",
        "applicant_kind": "resident",
        "contact_name": "Anna Beispiel",
        "contact_street": "Wiesenstraße 3",
        "contact_postcode": "58452",
        "contact_city": "Witten",
        "contact_email": "anna@example.org",
        "title": title,
        "description": "Ein Fest.",
        "place": "Ruhrstraße",
        "requested": "500,00",
        "own_funds": "0",
        "volunteer_hours": "12,5",
        "participants_expected": "100",
        "project_start": "2026-05-01",
        "project_end": "2026-05-02",
        "cost-1-category": "rental",
        "cost-1-description": "Zelt",
        "cost-1-amount": "500,00",
        "cost-1-hours": "",
        "nonprofit": "1",
    }


APPLICATION_FIELDS = (
    *(k for k in _application_form() if k != "nonprofit"),
    "cost-٣-amount",
    "cost-²-x",
    "continues_file_number",
)
# the rule questions of issue 14 on the example funds that use them (group members, payee; input tax,
# VAT per cost line, earlier de-minimis aid; the earlier file number of a repeat)
GROUP_FIELDS = ("group_members", "cost-1-payee", "cost-2-payee", "cost-2-hours", "requested")
TAX_FIELDS = ("input_tax_deductible", "de_minimis_prior", "de_minimis_prior_on", "cost-1-vat", "continues_file_number",
              "applicant_kind")  # fmt: skip


def _forms(w: World, tmp_path: Path) -> dict[str, Form]:
    draft = draft_for(w, w.anna)
    to_withdraw = draft_for(w, w.anna, title="Zum Zurückziehen")
    approved = approved_for(w, w.anna)
    submitted = draft_for(w, w.bert, title="Eingereicht")
    apps.submit(w.fonds, Actor(w.bert), submitted)
    message = send_message(w.fonds, Actor(w.bert), submitted, "Reicht das Angebot?")
    asked = draft_for(w, w.anna, title="Nachgefragt")
    apps.submit(w.fonds, Actor(w.anna), asked)
    decisions.start_review(w.fonds, Actor(w.office), asked)
    decisions.request_changes(w.fonds, Actor(w.office), asked, "Bitte ein zweites Angebot.")
    pdf = CheckedFile("angebot.pdf", "application/pdf", simple_pdf())
    offer = add_attachment(w.fonds, Actor(w.bert), submitted, as_input(pdf, "cost_estimate"))
    in_review = draft_for(w, w.bert, title="In Prüfung")  # the office's steps with a form (issue 11)
    apps.submit(w.fonds, Actor(w.bert), in_review)
    decisions.start_review(w.fonds, Actor(w.office), in_review)
    to_start = draft_for(w, w.bert, title="Zu prüfen")
    apps.submit(w.fonds, Actor(w.bert), to_start)
    j = build_jury(w, tmp_path)
    org = organisations.create_organisation(w.fonds, Actor(w.anna), "Fuzz-Verein", "association")
    opened(j)
    guideline = (ROOT / "richtlinien" / f"{QF}.yaml").read_text(encoding="utf-8")
    entwurf = guideline_drafts.save_draft(w.fonds, Actor(w.office), QF, guideline + "# Entwurf\n").id
    anna, office = "anna@example.org", "buero@example.org"
    rule_examples(w)
    group = rule_form(**{"group_members": "Bernd Muster\nCarla Beispiel", "requested": "1.120,00",
                         "cost-1-payee": "Baumarkt", "cost-2-category": "fees", "cost-2-description": "Workshop",
                         "cost-2-amount": "120,00", "cost-2-hours": "4", "cost-2-payee": "Bernd Muster",
                         "form_token": ""})  # fmt: skip
    tax = rule_form(**{"applicant_kind": "trader", "organisation": "Café am Platz", "input_tax_deductible": "1",
                       "de_minimis_prior": "12.500,00", "de_minimis_prior_on": "2025-06-30", "requested": "9.000,00",
                       "own_funds": "3.200,00", "cost-1-amount": "11.900,00", "cost-1-vat": "1.900,00",
                       "continues_file_number": "BQS-2025-0001", "form_token": ""})  # fmt: skip
    detail = [f"/antraege/{draft}", f"/antraege/{approved}", f"/verwaltung/antraege/{submitted}"]
    forms = [
        Form("registrieren", "", "/registrieren",
             {"name": "Neu", "email": "neu@example.org", "password": "langes-passwort-12",
              "password2": "langes-passwort-12"},
             ("name", "email", "password", "password2")),
        Form("anmelden", "", "/anmelden", {"email": "niemand@example.org", "password": "falsch-falsch-1"},
             ("email", "password", "next")),
        Form("passwort-vergessen", "", "/passwort-vergessen", {"email": "niemand@example.org"}, ("email",)),
        Form("antrag-neu", anna, f"/antrag/neu/{QF}", _application_form(), APPLICATION_FIELDS, after=detail),
        Form("antrag-bearbeiten", anna, f"/antraege/{draft}/bearbeiten", _application_form(),
             (*APPLICATION_FIELDS, "row_version"), after=detail),
        Form("auszahlung", anna, f"/antraege/{approved}/auszahlung",
             {"kind": "reimbursement", "amount": "100,00", "iban": "DE89370400440532013000", "account_holder": "Anna"},
             ("kind", "amount", "iban", "account_holder"), after=detail),
        Form("verwendungsnachweis", anna, f"/antraege/{approved}/verwendungsnachweis",
             {"action": "check", "report": "Es war schön.", "participants_reached": "80",
              "receipt-1-paid_on": "2026-05-01", "receipt-1-payee": "Zeltverleih", "receipt-1-purpose": "Zelt",
              "receipt-1-category": "rental", "receipt-1-amount": "500,00",
              "income": "0", "own_funds": "0", "other_funding": "0", "confirmed": "1"},
             ("action", "report", "participants_reached", "receipt-1-paid_on", "receipt-1-payee",
              "receipt-1-purpose", "receipt-1-amount", "receipt-²-amount", "receipt-1-vat", "income", "own_funds",
              "other_funding", "confirmed"), after=detail),
        Form("antrag-regeln-gruppe", anna, f"/antrag/neu/{AF}", group, GROUP_FIELDS, after=detail),
        Form("antrag-regeln-steuer", anna, f"/antrag/neu/{SF}", tax, TAX_FIELDS, after=detail),
        Form("papierantrag-regeln", office, f"/verwaltung/papierantrag?fonds={SF}",
             {**tax, "fonds": SF, "person_name": "Paula", "person_email": ""}, TAX_FIELDS),
        Form("korrektur", office, f"/verwaltung/antraege/{submitted}/korrigieren",
             {**_application_form("Korrigiert"), "reason": "Laut Telefonat."},
             ("reason", "title", "requested", "cost-1-amount", "continues_file_number"), after=detail),
        Form("zurueckziehen", anna, f"/antraege/{to_withdraw}/zurueckziehen", {"reason": "Doch nicht."}, ("reason",)),
        Form("warteschlange", office, "/verwaltung/antraege", {"q": "Fest"},
             ("fonds", "jahr", "stand", "art", "kategorie", "min", "max", "ueberfaellig", "q", "sort", "richtung",
              "seite", "auswahl"), method="GET"),
        Form("export", office, "/verwaltung/antraege.csv", {}, ("jahr", "min", "max", "q", "seite", "auswahl"),
             method="GET"),
        Form("uebersicht", office, "/verwaltung/", {"fonds": QF}, ("jahr",), method="GET"),
        Form("jury-anhang", office, f"/verwaltung/antraege/{submitted}/anhaenge/{offer}/jury", {"freigeben": "1"},
             ("freigeben",), after=detail),
        Form("notiz", office, f"/verwaltung/antraege/{submitted}/notizen", {"note": "Rückruf."}, ("note",),
             after=detail),
        Form("beratung", office, f"/verwaltung/antraege/{submitted}/beratung", {"on": "2026-01-05"}, ("on",)),
        Form("aenderungen", office, f"/verwaltung/antraege/{submitted}/aktion/request_changes",
             {"reason": "Bitte Kostenplan."}, ("reason",), after=detail),
        Form("sitzung-planen", office, "/verwaltung/sitzungen", {"fonds": QF, "day": "2026-12-01", "time": "18:00",
             "place": "Rathaus"}, ("fonds", "day", "time", "place")),
        Form("rollen", office, "/verwaltung/rollen", {"fonds": QF, "email": "neu2@example.org", "name": "Neu",
             "role": "auditor", "group": ""}, ("email", "name", "role", "group")),
        Form("papierantrag", office, "/verwaltung/papierantrag",
             {**_application_form("Papier"), "fonds": QF, "person_name": "Paula", "person_email": ""},
             ("person_name", "person_email", "title", "requested", "volunteer_hours", "cost-1-amount",
              "continues_file_number")),
        Form("tagesordnung", office, "/verwaltung/antraege/tagesordnung", {"session_id": str(j.session_id)},
             ("session_id", "auswahl")),
        Form("jury-stimme", "ida@example.org", f"/jury/top/{j.items[0]}/stimme", {"choice": "yes", "amount": ""},
             ("choice", "amount")),
        Form("jury-befangenheit", "jan@example.org", f"/jury/top/{j.items[1]}/befangenheit", {"reason": ""},
             ("reason", "user")),
        Form("jury-befangenheit-zuruecknehmen", "jan@example.org",
             f"/jury/top/{j.items[1]}/befangenheit/zuruecknehmen", {}, ("user",)),
        Form("jury-schliessen", "ida@example.org", f"/jury/top/{j.items[1]}/schliessen",
             {"chair_casting": "", "amount": "", "reason": ""}, ("chair_casting", "amount", "reason")),
        Form("richtlinie-entwurf", office, f"/verwaltung/richtlinie/entwuerfe/{entwurf}",
             {"content": guideline}, ("content",), after=[f"/verwaltung/richtlinie/entwuerfe/{entwurf}"]),
        Form("richtlinie-beschluss", office, f"/verwaltung/richtlinie/entwuerfe/{entwurf}/vorschau",
             {"council_date": "2026-01-05", "council_reference": "DS 1/2026"}, ("council_date", "council_reference")),
        Form("jury-kommentar", "ida@example.org", f"/jury/top/{j.items[0]}/kommentar", {"comment": "Gut."},
             ("comment",)),
        Form("jury-bewertung", "ida@example.org", f"/jury/top/{j.items[0]}/bewertung", {"points-nutzen": "3"},
             ("points-nutzen",)),
        Form("umlauf-starten", office, "/verwaltung/sitzungen/umlauf", {"fonds": QF, "application": "1",
             "deadline_day": "2026-12-10", "deadline_time": "18:00"},
             ("fonds", "application", "deadline_day", "deadline_time")),
        Form("losziehung", office, "/verwaltung/losziehung", {"fonds": QF, "size": "1", "seed": "x",
             "term_from": "", "group-resident": ""}, ("size", "seed", "term_from", "group-resident", "group-expert")),
        Form("organisation", anna, "/konto/organisationen", {"name": "Verein", "kind": "association"},
             ("name", "kind")),
        Form("organisation-mitglied", anna, f"/konto/organisationen/{org}/mitglieder",
             {"email": "bert@example.org"}, ("email",)),
        Form("nachricht-teilen", office, f"/verwaltung/antraege/{submitted}/nachrichten/{message}/jury",
             {"share": "ja"}, ("share",), after=[f"/verwaltung/antraege/{submitted}"]),
        Form("antwort", anna, f"/antraege/{asked}/schritt",
             {"trigger": "resubmit", "from_state": "changes_requested", "answer": "Erledigt."}, ("answer", "trigger"),
             after=[f"/antraege/{asked}"]),
        Form("los-pool", "bert@example.org", "/konto/jury", {"fund": QF, "step": "join", "group": "resident"},
             ("fund", "step", "group"), after=["/konto/jury"]),
        Form("schritt-buero", office, f"/verwaltung/antraege/{to_start}/schritt",
             {"trigger": "start_review", "from_state": "submitted"}, ("trigger", "from_state"),
             after=[f"/verwaltung/antraege/{to_start}"]),
        Form("pruefung", office, f"/verwaltung/antraege/{in_review}/pruefung",
             {"r-complete": "ok", "n-complete": "Unterschrieben.", "r-area": "ok"},
             ("r-complete", "n-complete", "r-area", "n-area", "abschliessen"),
             after=[f"/verwaltung/antraege/{in_review}"]),
        Form("bewilligen-buero", office, f"/verwaltung/antraege/{in_review}/aktion/decide_approve",
             {"amount": "", "reason": "", "conditions_extra": ""},
             ("amount", "reason", "condition", "conditions_extra"),
             after=[f"/verwaltung/antraege/{in_review}"]),
        Form("regel-grenze", office, f"/verwaltung/antraege/{submitted}/regel-grenze",
             {"code": "max_amount", "reason": "Begründet."}, ("code", "reason"), after=detail),
        Form("wiederholung", office, f"/verwaltung/antraege/{submitted}/wiederholung",
             {"continues_file_number": "BQS-2025-0001"}, ("continues_file_number",), after=detail),
        Form("auszahlungen", office, f"/verwaltung/auszahlungen?fonds={QF}", {"payment_id": "1"}, ("payment_id",)),
        Form("sitzung-tagesordnung", office, f"/verwaltung/sitzungen/{j.session_id}",
             {"application": str(submitted)}, ("application",)),
        Form("url-ids", anna, "/antraege/99999999999999999999", {}, (), method="GET"),
        # issue 11: the remaining jury, organisation, account and language forms (Flask-WTF now)
        Form("jury-zusage", "kim@example.org", f"/jury/sitzungen/{j.session_id}/zusage",
             {"coming": "ja", "zurueck": "sitzung"}, ("coming", "zurueck")),
        Form("jury-handzeichen", "ida@example.org", f"/jury/top/{j.items[1]}/handzeichen",
             {f"hand-{uid(j.cast.kim)}": "yes"}, (f"hand-{uid(j.cast.ida)}", f"hand-{uid(j.cast.kim)}")),
        Form("organisation-vertretung", anna, f"/konto/organisationen/{org}/vertretung", {"user": str(w.anna)},
             ("user",)),
        Form("organisation-entfernen", anna, f"/konto/organisationen/{org}/entfernen", {"user": str(w.bert)},
             ("user",)),
        Form("antrag-organisation", anna, f"/antraege/{draft}/organisation", {"organisation": str(org)},
             ("organisation",), after=detail),
        Form("benachrichtigungen", anna, "/konto", {"choice": "status"}, ("choice",), after=["/konto"]),
        Form("sprache", "", "/sprache", {"sprache": "de", "weiter": "/"}, ("sprache", "weiter")),
        Form("sitzung-eroeffnen", "ida@example.org", f"/jury/sitzungen/{j.session_id}/eroeffnen",
             {"present": str(uid(j.cast.ida)), "chair": str(uid(j.cast.ida))}, ("present", "chair")),
    ]  # fmt: skip
    return {f.name: f for f in forms}


# the fuzzer types wrong passwords and logs in often on purpose; lock-out and limits have their own tests
NO_LIMITS: dict[str, object] = {
    "login_max_failures": 10**6,
    "ratelimit_login": "1000000 per minute",
    "ratelimit_register": "1000000 per minute",
    "ratelimit_reset": "1000000 per minute",
}


def _pg_world(server: PgServer, tmp: Path) -> Iterator[World]:
    name = "fuzz_" + uuid.uuid4().hex[:10]
    server.admin(f'CREATE DATABASE "{name}"')
    url = server.url(name)
    upgrade(url)
    s = load_settings(environ={}, instance_path=str(tmp), database_url=url,
                      secret_key="test-secret-key-0123456789abcdef-32+", **NO_LIMITS,
                      secure_cookies=False, mail_backend="console", richtlinien_dir=str(ROOT / "richtlinien"),
                      workflows_dir=str(ROOT / "workflows"))  # fmt: skip
    clock = FixedClock(START)
    f = build_fonds(s, clock=clock)
    load_funds(f, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")
    mailer = FakeMailer()
    app = create_app(s, fonds=f, mailer=mailer)
    people = [create_user(f, name=n, email=e, password=PASSWORD, confirmed=True)
              for n, e in (("Anna Beispiel", "anna@example.org"), ("Bert Nachbar", "bert@example.org"),
                           ("Innenstadt-Büro", "buero@example.org"))]  # fmt: skip
    grant_role(f, Actor.scheduler(), user_id=people[2], fund_id=QF, role="manager")
    yield World(app, f, clock, mailer, *people, s.effective_upload_dir)
    f.db.dispose()
    server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fuzz(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Fuzz]:
    tmp = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        worlds: Iterator[World] = iter([build_world(template_db, tmp, **NO_LIMITS)])
    else:
        worlds = _pg_world(request.getfixturevalue("pg_server"), tmp)
    world = next(worlds)
    world.app.config["WTF_CSRF_ENABLED"] = False
    yield Fuzz(world, _forms(world, tmp), {})
    next(worlds, None)
    world.fonds.db.dispose()


def _send(fz: Fuzz, form: Form, values: dict[str, str]) -> Any:
    client = fz.client(form.role)
    if form.method == "GET":
        return client.get(form.url, query_string=values)
    return client.post(form.url, data=values)


def _check(fz: Fuzz, form: Form, changes: dict[str, str]) -> None:
    values = {**form.base, **changes}
    if "form_token" in values and not changes.get("form_token"):
        values["form_token"] = uuid.uuid4().hex  # every post a new draft, unless the token is fuzzed
    before = fz.counts()
    response = _send(fz, form, values)
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (form.name, changes, body[:1000])
    if 400 <= response.status_code < 500 and response.status_code != 404:
        assert any(word in body for word in GERMAN), (form.name, changes, body[:1000])
        assert fz.counts() == before, (form.name, changes, "a refused request stored rows")
    if response.status_code in (200, 302):
        for page in form.after:
            shown = fz.client(form.role).get(page)
            assert shown.status_code < 500, (form.name, changes, page)


FORM_NAMES = [
    "registrieren", "anmelden", "passwort-vergessen", "antrag-neu", "antrag-bearbeiten", "auszahlung",
    "antrag-regeln-gruppe", "antrag-regeln-steuer", "papierantrag-regeln", "korrektur", "verwendungsnachweis",
    "zurueckziehen", "warteschlange", "export", "uebersicht", "notiz", "beratung",
    "aenderungen", "jury-anhang", "sitzung-planen", "rollen", "papierantrag", "tagesordnung", "jury-stimme",
    "jury-befangenheit", "jury-befangenheit-zuruecknehmen",
    "jury-schliessen", "richtlinie-entwurf", "richtlinie-beschluss", "url-ids",
    "nachricht-teilen", "antwort", "los-pool", "jury-kommentar", "jury-bewertung", "umlauf-starten", "losziehung",
    "organisation", "organisation-mitglied",
    "schritt-buero", "pruefung", "bewilligen-buero", "regel-grenze", "wiederholung", "auszahlungen",
    "sitzung-tagesordnung",
    # last: the language switch and the opening of the session change what the forms before them see
    "jury-zusage", "jury-handzeichen", "organisation-vertretung", "organisation-entfernen", "antrag-organisation",
    "benachrichtigungen", "sprache", "sitzung-eroeffnen",
]  # fmt: skip


@pytest.mark.parametrize("name", FORM_NAMES)
def test_no_value_in_any_field_of_a_form_gives_a_server_error_or_stores_a_refused_request(
    fuzz: Fuzz, name: str
) -> None:
    form = fuzz.forms[name]
    if not form.fuzz:  # a page without fields: fuzz the id in the address instead
        for raw in ("99999999999999999999", "0", "-1", "2147483648", "١٢"):
            assert fuzz.client(form.role).get(f"/antraege/{raw}").status_code == 404
        return
    fields_to_fuzz: Callable[..., Any] = st.dictionaries(st.sampled_from(form.fuzz), VALUES, min_size=1, max_size=3)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(changes=fields_to_fuzz)
    def run(changes: dict[str, str]) -> None:
        _check(fuzz, form, changes)

    run()


def test_the_known_server_errors_of_the_issue_are_refused_with_a_german_message(fuzz: Fuzz) -> None:
    form = fuzz.forms["antrag-bearbeiten"]
    for field_name, value, message in [
        ("requested", "١٢٣", "kein gültiger Betrag"),
        ("requested", "99999999999999999999", "kein gültiger Betrag"),
        ("volunteer_hours", "Infinity", "Stunden als Zahl"),
        ("volunteer_hours", "NaN", "Stunden als Zahl"),
        ("title", "Fest\nmit Umbruch", "Zeilenumbruch"),
        ("title", "x" * 301, "zu lang"),
        ("participants_expected", "²", "ganze Zahl"),
        ("cost-1-hours", "0", "Die Stunden müssen größer als 0 sein"),  # found by the fuzzer after the merge
    ]:
        before = fuzz.counts()
        response = _send(fuzz, form, {**form.base, field_name: value})
        assert response.status_code == 400, (field_name, value)
        assert message in response.get_data(as_text=True), (field_name, value)
        assert fuzz.counts() == before
    nul = _send(fuzz, fuzz.forms["anmelden"], {"email": "a\x00@example.org", "password": "x"})
    assert nul.status_code == 400 and "Nullzeichen" in nul.get_data(as_text=True)
