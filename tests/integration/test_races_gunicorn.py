"""Money and state changes under real concurrency: gunicorn with 4 worker processes on PostgreSQL,
20 logged-in clients per race firing the same request at the same moment (issue 10).

Every race must end with exactly what a serial execution could have produced: one booking per
payment, one open request, one commitment per grant, no application both withdrawn and funded,
distinct file numbers; every loser gets a German message, no client gets a server error."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import func, select

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.bootstrap import build_fonds
from fondsengine.clock import FixedClock
from fondsengine.config import load_settings
from fondsengine.engine import Actor, Engine
from fondsengine.funds.loading import load_funds
from fondsengine.migrate import upgrade
from fondsengine.model import Application, AuditEvent, LedgerEntry, Payment
from fondsengine.payments import service as payments
from tests.support.factories import CF, cityfonds_input
from tests.support.files import simple_pdf
from tests.support.jury import decide_on_paper
from tests.support.pg import PgServer
from tests.support.races import Outcome, Shot, gunicorn, logged_in, race
from tests.web.builders import PASSWORD, QF, ROOT, good_input
from webapp.manage.actions import STEP_GONE

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("races")]

CLIENTS = 20
RUNS = 2  # 3 runs each were measured for the closing note of issue 10; 2 keep make test within its budget
START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
SESSION_AT = datetime(2026, 3, 11, 16, tzinfo=UTC)
NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)  # the server's clock: the day after the jury session
IBAN = "DE02120300000000202051"
RACE_MESSAGE_PART = "gleichzeitig von jemand anderem ausgeführt"
NOT_NOW = "ist im Zustand"  # the workflow refuses the step in the state the winner left


@dataclass
class Arena:
    fonds: Engine
    clock: FixedClock
    anna: int
    office: int
    city_office: int
    residents: list[httpx.Client]  # 20 clients, all logged in as Anna
    neighbours: list[tuple[int, httpx.Client]]  # 20 different residents, one client each
    offices: list[httpx.Client]
    city_offices: list[httpx.Client]


@pytest.fixture(scope="module")
def arena(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arena]:
    tmp = tmp_path_factory.mktemp("races")
    name = "races_" + uuid.uuid4().hex[:10]
    pg_server.admin(f'CREATE DATABASE "{name}"')
    url = pg_server.url(name)
    upgrade(url)
    settings = load_settings(environ={}, instance_path=str(tmp), database_url=url, mail_backend="console")
    clock = FixedClock(START)
    f = build_fonds(settings, clock=clock)
    load_funds(f, Actor.scheduler(), ROOT / "richtlinien", ROOT / "workflows")
    anna = create_user(f, name="Anna Beispiel", email="anna@example.org", password=PASSWORD, confirmed=True)
    office = create_user(f, name="Innenstadt-Büro", email="buero@example.org", password=PASSWORD, confirmed=True)
    city = create_user(f, name="City-Büro", email="city@example.org", password=PASSWORD, confirmed=True)
    grant_role(f, Actor.scheduler(), user_id=office, fund_id=QF, role="manager")
    grant_role(f, Actor.scheduler(), user_id=city, fund_id=CF, role="manager")
    # only the granting body grants after the recommendation: the same person also holds that role
    grant_role(f, Actor.scheduler(), user_id=city, fund_id=CF, role="city_approver")
    env = {
        "FONDS_DATABASE_URL": url,
        "FONDS_INSTANCE_PATH": str(tmp),
        "FONDS_SECRET_KEY": "race-test-secret-key-" + "x" * 32,
        "FONDS_SECURE_COOKIES": "false",
        "FONDS_MAIL_BACKEND": "console",
        "FONDS_RICHTLINIEN_DIR": str(ROOT / "richtlinien"),
        "FONDS_WORKFLOWS_DIR": str(ROOT / "workflows"),
        "FONDSTEST_NOW": NOW.isoformat(),
        # 80 clients log in from 127.0.0.1 within seconds: the per-address login limit is for attackers
        "FONDS_RATELIMIT_LOGIN": "1000 per minute",
    }
    with gunicorn(env, workers=4, log=tmp / "gunicorn.log") as base:
        emails = [f"nachbar{i}@example.org" for i in range(CLIENTS)]
        uids = [create_user(f, name=e[:9].title(), email=e, password=PASSWORD, confirmed=True) for e in emails]
        with ThreadPoolExecutor(8) as pool:  # 80 logins: argon2 takes its time on purpose
            clients = list(pool.map(lambda e: logged_in(base, e, PASSWORD), [
                *["anna@example.org"] * CLIENTS, *["buero@example.org"] * CLIENTS,
                *["city@example.org"] * CLIENTS, *emails,
            ]))  # fmt: skip
        arena = Arena(
            f,
            clock,
            anna,
            office,
            city,
            clients[:CLIENTS],
            list(zip(uids, clients[3 * CLIENTS :], strict=True)),
            clients[CLIENTS : 2 * CLIENTS],
            clients[2 * CLIENTS : 3 * CLIENTS],
        )
        yield arena
        for c in clients:
            c.close()
        log = (tmp / "gunicorn.log").read_text(errors="replace")
        assert "Traceback" not in log, log[-4000:]
    f.db.dispose()
    pg_server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


# --- building the state each race starts from (through the engine, with the test's clock) ---


def _reviewed(a: Arena, fund_id: str, office: int, data: apps.ApplicationInput) -> int:
    f = a.fonds
    a.clock.set(START)
    app_id = apps.create_draft(f, Actor(a.anna), fund_id, data)
    apps.submit(f, Actor(a.anna), app_id)
    decisions.start_review(f, Actor(office), app_id)
    with f.db.read() as s:
        checklist = f.catalog.current(s, fund_id)[2].review_checklist
    decisions.record_review(f, Actor(office), app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(f, Actor(office), app_id)
    return app_id


def _on_agenda(a: Arena, fund_id: str, office: int, data: apps.ApplicationInput) -> int:
    app_id = _reviewed(a, fund_id, office, data)
    session = decisions.create_session(a.fonds, Actor(office), fund_id, SESSION_AT, "Rathaus")
    decisions.schedule(a.fonds, Actor(office), app_id, session)
    a.clock.set(datetime(2026, 3, 11, 18, tzinfo=UTC))
    return app_id


def small(**changes: object) -> apps.ApplicationInput:
    """A 200 € application: Anna files about 15 of them, within the per-applicant cap of 5,000 €."""
    return good_input(requested_cents=20_000, cost_items=(apps.CostItemInput("material", "Deko", 20_000),), **changes)


def _approved(a: Arena) -> int:
    app_id = _on_agenda(a, QF, a.office, small())
    decide_on_paper(a.fonds, Actor(a.office), app_id, "approve")
    a.clock.set(NOW)
    return app_id


def _seat_jury(a: Arena, app_id: int, run: int) -> None:
    """Nine jury members of the Quartiersfonds, all present at the session of the application."""
    from fondsengine.jury import sessions as jury_sessions
    from fondsengine.model import AgendaItem

    with a.fonds.db.read() as s:
        session_id = s.scalar(select(AgendaItem.session_id).where(AgendaItem.application_id == app_id))
    assert session_id is not None
    ids = []
    for i in range(9):
        uid = create_user(a.fonds, name=f"Jury {run}-{i}", email=f"jury{run}-{i}@example.org")
        grant_role(a.fonds, Actor.scheduler(), user_id=uid, fund_id=QF, role="jury_member", group="resident")
        ids.append(uid)
    jury_sessions.open_session(a.fonds, Actor(a.office), session_id, ids, ids[0])


def _recommended(a: Arena) -> int:
    data = cityfonds_input(project_start=date(2026, 5, 1), project_end=date(2026, 6, 30))
    app_id = _on_agenda(a, CF, a.city_office, data)
    decide_on_paper(a.fonds, Actor(a.city_office), app_id, "recommend")
    a.clock.set(NOW)
    return app_id


def _count(a: Arena, stmt: object) -> int:
    with a.fonds.db.read() as s:
        return int(s.scalar(stmt) or 0)  # type: ignore[call-overload]


def _paid(a: Arena, app_id: int) -> int:
    kind = LedgerEntry.kind == "payment"
    return _count(a, select(func.sum(LedgerEntry.amount_cents)).where(LedgerEntry.application_id == app_id, kind))


def _clean(outcome: Outcome, *, successes: int) -> None:
    assert outcome.server_errors == 0, outcome
    assert outcome.unexplained == [], outcome
    assert outcome.successes == successes, outcome


# --- the races ---


@pytest.mark.parametrize("run", range(RUNS))
def test_the_office_books_a_requested_payment_once_however_many_click_paid(arena: Arena, run: int) -> None:
    a = arena
    app_id = _approved(a)
    payment_id = payments.request_payment(
        a.fonds, Actor(a.anna), app_id, amount_cents=10_000, kind="advance", iban=IBAN, account_holder="Anna"
    )
    page = f"/verwaltung/auszahlungen?fonds={QF}"
    outcome = race(
        [Shot(c, page, page, {"payment_id": str(payment_id), "fonds": QF}) for c in a.offices],
        success="ist als ausgezahlt gebucht",
        refusals=("nicht mehr offen", "bereits gebucht", RACE_MESSAGE_PART),
    )
    _clean(outcome, successes=1)
    kind = LedgerEntry.kind == "payment"
    bookings = _count(a, select(func.count()).where(LedgerEntry.payment_id == payment_id, kind))
    assert (bookings, _paid(a, app_id)) == (1, 10_000)


@pytest.mark.parametrize("run", range(RUNS))
def test_the_office_books_a_payment_without_request_once_up_to_the_allowance(arena: Arena, run: int) -> None:
    a = arena
    app_id = _approved(a)
    payments.set_bank_account(a.fonds, Actor(a.office), app_id, iban=IBAN, account_holder="Anna")  # required
    room = payments.payment_allowance(a.fonds, Actor(a.office), app_id).payable_cents
    assert room > 0
    euros = f"{room // 100},{room % 100:02d}"
    url = f"/verwaltung/antraege/{app_id}/aktion/record_payment"
    outcome = race(
        [Shot(c, url, url, {"amount": euros, "kind": "advance"}) for c in a.offices],
        success="Die Auszahlung ist gebucht.",
        refusals=(STEP_GONE, NOT_NOW, "Zurzeit ist nichts zur Auszahlung offen", "höchstens", RACE_MESSAGE_PART),
    )
    _clean(outcome, successes=1)
    assert _paid(a, app_id) == room


@pytest.mark.parametrize("run", range(RUNS))
def test_an_applicant_clicking_many_times_creates_one_open_payment_request(arena: Arena, run: int) -> None:
    a = arena
    app_id = _approved(a)
    url = f"/antraege/{app_id}/auszahlung"
    data = {"kind": "advance", "amount": "100,00", "iban": IBAN, "account_holder": "Anna Beispiel"}
    outcome = race(
        [Shot(c, url, url, data) for c in a.residents],
        success="Ihre Auszahlung ist angefordert.",
        refusals=("bereits eine offene Auszahlungsanforderung", RACE_MESSAGE_PART),
    )
    _clean(outcome, successes=1)
    assert _count(a, select(func.count()).where(Payment.application_id == app_id)) == 1


@pytest.mark.parametrize("run", range(RUNS))
def test_the_citys_grant_recorded_by_many_commits_the_grant_once(arena: Arena, run: int) -> None:
    a = arena
    app_id = _recommended(a)
    url = f"/verwaltung/antraege/{app_id}/aktion/city_grant"
    data = {"granted_on": "2026-03-12", "grant_file_number": f"61-2026/{run:03d}"}
    outcome = race(
        [Shot(c, url, url, data) for c in a.city_offices],
        success="Die Bewilligung der Stadt ist eingetragen.",
        refusals=(STEP_GONE, NOT_NOW, RACE_MESSAGE_PART),
    )
    _clean(outcome, successes=1)
    commitments = _count(
        a, select(func.count()).where(LedgerEntry.application_id == app_id, LedgerEntry.kind == "commitment")
    )
    assert commitments == 1


@pytest.mark.parametrize("run", range(RUNS))
def test_approval_and_withdrawal_at_the_same_moment_end_in_one_consistent_state(arena: Arena, run: int) -> None:
    a = arena
    app_id = _on_agenda(a, QF, a.office, small())
    a.clock.set(NOW)
    _seat_jury(a, app_id, run)
    half = CLIENTS // 2
    approve = f"/verwaltung/antraege/{app_id}/aktion/jury_approve"
    withdraw = f"/antraege/{app_id}/zurueckziehen"
    record = {"yes": "7", "no": "1", "abstain": "1"}  # a session on paper: counts and the signed protocol
    protocol = {"protocol": ("protokoll.pdf", simple_pdf(), "application/pdf")}
    shots = [Shot(c, approve, approve, record, protocol) for c in a.offices[:half]]
    shots += [Shot(c, withdraw, withdraw, {"reason": "Wir machen es doch nicht."}) for c in a.residents[:half]]
    outcome = race(
        shots,
        success=("Der Beschluss der Jury ist eingetragen.", "Ihr Antrag ist zurückgezogen."),
        refusals=(STEP_GONE, NOT_NOW, RACE_MESSAGE_PART, "bereits geschlossen", "keiner offenen Tagesordnung"),
    )
    _clean(outcome, successes=1)
    with a.fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None
        committed = int(
            s.scalar(
                select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
                    LedgerEntry.application_id == app_id, LedgerEntry.kind == "commitment"
                )
            )
        )
        state = app.state
    assert state in ("approved", "withdrawn")
    assert committed == (app.approved_cents if state == "approved" else 0)
    winner = "Der Beschluss der Jury ist eingetragen." if state == "approved" else "Ihr Antrag ist zurückgezogen."
    assert outcome.by_success == {winner: 1}


@pytest.mark.parametrize("run", range(RUNS))
def test_simultaneous_submissions_get_distinct_file_numbers(arena: Arena, run: int) -> None:
    a = arena
    a.clock.set(START)
    drafts = [apps.create_draft(a.fonds, Actor(uid), QF, good_input(title=f"Fest {run}")) for uid, _ in a.neighbours]
    a.clock.set(NOW)
    shots = [
        Shot(c, f"/antraege/{d}", f"/antraege/{d}/schritt", {"trigger": "submit"})
        for (_, c), d in zip(a.neighbours, drafts, strict=True)
    ]
    outcome = race(shots, success="Ihr Antrag ist eingereicht.", refusals=())
    _clean(outcome, successes=CLIENTS)
    with a.fonds.db.read() as s:
        numbers = list(s.scalars(select(Application.file_number).where(Application.id.in_(drafts))))
        every = list(s.scalars(select(Application.file_number).where(Application.file_number.is_not(None))))
    assert len(set(numbers)) == CLIENTS and None not in numbers
    # gap-free per fund and year: the numbers of each prefix are exactly 1 .. n
    by_prefix: dict[str, set[int]] = {}
    for number in every:
        prefix, _, seq = number.rpartition("-")
        by_prefix.setdefault(prefix, set()).add(int(seq))
    assert all(seqs == set(range(1, len(seqs) + 1)) for seqs in by_prefix.values()), by_prefix


@pytest.mark.parametrize("run", range(RUNS))
def test_one_draft_submitted_by_many_clicks_gets_one_file_number(arena: Arena, run: int) -> None:
    a = arena
    a.clock.set(START)
    draft = apps.create_draft(a.fonds, Actor(a.anna), QF, small(title=f"Doppelklick {run}"))
    a.clock.set(NOW)
    url = f"/antraege/{draft}/schritt"
    outcome = race(
        [Shot(c, f"/antraege/{draft}", url, {"trigger": "submit"}) for c in a.residents],
        success="Ihr Antrag ist eingereicht.",
        refusals=("Dieser Schritt ist schon erledigt.", NOT_NOW, RACE_MESSAGE_PART),
    )
    _clean(outcome, successes=1)
    with a.fonds.db.read() as s:
        numbered = select(func.count()).where(Application.id == draft, Application.file_number.is_not(None))
        assert s.scalar(numbered) == 1
        submitted = select(func.count()).where(AuditEvent.application_id == draft, AuditEvent.action == "submit")
        assert s.scalar(submitted) == 1
