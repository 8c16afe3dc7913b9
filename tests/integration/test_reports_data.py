"""The annual report and the roll-up assembled from a realistic year, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from fondsengine import ledger
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.service import CostItemInput
from fondsengine.clock import FixedClock
from fondsengine.engine import Actor, Engine
from fondsengine.errors import NotFound, PermissionDenied
from fondsengine.letters.access import letter_pdf, letters_of
from fondsengine.model import ProofOfUse, Receipt
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from fondsengine.reports.data import annual_report_data, rollup_data
from fondsengine.reports.model import AnnualReportData
from fondsengine.reports.pdf import render_annual_report, render_rollup, rollup_csv
from tests.conftest import make_fonds
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input, with_bank_account
from tests.support.jury import decide_on_paper
from tests.support.pg import PgServer

ESCAPED_TITLE = "Fest <b>laut</b> & bunt"


@dataclass
class Year:
    """The actors and application ids of the year built by `year_2027`."""

    office: Actor
    auditor: Actor
    juror: Actor
    resident: Actor
    applicant: Actor  # Anna, who runs the repair café
    city: Actor
    ids: dict[str, int]


def _receipt_ids(fonds: Engine, app_id: int) -> list[int]:
    with fonds.db.read() as s:
        return list(
            s.scalars(
                select(Receipt.id)
                .join(ProofOfUse, ProofOfUse.id == Receipt.proof_id)
                .where(ProofOfUse.application_id == app_id)
                .order_by(Receipt.position)
            )
        )


def build_year(fonds: Engine) -> Year:
    """Quartiersfonds 2027: documented, refunded, approved-only, rejected, withdrawn and lapsed
    applications, one still in review, a draft; plus a Cityfonds grant that must not leak in."""
    office = person(fonds, "Büro mitten@witten", "buero@example.org", (QF, "manager"), (CF, "manager"))
    auditor = person(fonds, "Rita Revision", "rita@example.org", (QF, "auditor"))
    juror = person(fonds, "Jana Jury", "jana@example.org", (QF, "jury_member"))
    city = person(fonds, "Stadt Witten", "stadt@example.org", (CF, "city_approver"))
    resident = person(fonds, "Rudi Neugier", "rudi@example.org")
    session_id = decisions.create_session(
        fonds, office, QF, datetime(2027, 3, 10, 17, 0, tzinfo=UTC), "Rathaus, Raum 101"
    )
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, QF)[2].review_checklist

    def applied(key: str, name: str, **changes: Any) -> tuple[int, Actor]:
        who = person(fonds, name, f"{key}@example.org")
        app_id = apps.create_draft(fonds, who, QF, quartiersfonds_input(contact_name=name, **changes))
        apps.submit(fonds, who, app_id)
        return app_id, who

    def reviewed(app_id: int) -> None:
        decisions.start_review(fonds, office, app_id)
        decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
        decisions.complete_review(fonds, office, app_id)

    def approved(app_id: int, amount: int) -> None:
        reviewed(app_id)
        decisions.schedule(fonds, office, app_id, session_id)
        decide_on_paper(fonds, office, app_id, "approve", amount_cents=amount, reason="Teilbetrag laut Jury")
        with_bank_account(fonds, office, app_id)

    ids: dict[str, int] = {}
    # Documented: 1,000 € approved, 800 € advance, 900 € recognised, 100 € final payment.
    ids["repair"], anna = applied("anna", "Anna Beispiel", title="Repair-Café im Wiesenviertel")
    approved(ids["repair"], 100_000)
    payments.record_payment(fonds, office, ids["repair"], amount_cents=80_000, kind="advance")
    proofs.submit_proof(
        fonds,
        anna,
        ids["repair"],
        report="Sechs Reparaturtreffen mit 95 Gästen.",
        participants_reached=95,
        receipts=[
            ReceiptInput(date(2026, 11, 25), "Baumarkt Witten", "Ersatzteile", "material", 60_000),
            ReceiptInput(date(2026, 11, 25), "Druckerei", "Flyer", "publicity", 30_000),
            ReceiptInput(date(2026, 11, 25), "Kiosk", "Süßigkeiten", "catering", 5_000),
        ],
        confirmed=True,
    )
    first, second, third = _receipt_ids(fonds, ids["repair"])
    proofs.review_receipt(fonds, office, first, accepted=True)
    proofs.review_receipt(fonds, office, second, accepted=True)
    proofs.review_receipt(fonds, office, third, accepted=False, reason="Nicht im Kostenplan")
    assert proofs.accept_proof(fonds, office, ids["repair"]) == 90_000
    payments.record_payment(fonds, office, ids["repair"], amount_cents=10_000, kind="final")

    # Refunded: 1,200 € approved and 960 € paid, only 500 € spent, 460 € paid back.
    ids["planters"], carla = applied(
        "carla",
        "Carla Grün",
        title="Pflanzkübel für die Ruhrstraße",
        cost_items=(
            CostItemInput("purchases", "Pflanzkübel", 90_000),
            CostItemInput("material", "Erde und Pflanzen", 30_000),
        ),
    )
    approved(ids["planters"], 120_000)
    payments.record_payment(fonds, office, ids["planters"], amount_cents=96_000, kind="advance")
    proofs.submit_proof(
        fonds,
        carla,
        ids["planters"],
        report="Vier Kübel bepflanzt, Pflegeplan mit dem Haus nebenan.",
        participants_reached=40,
        receipts=[ReceiptInput(date(2026, 11, 25), "Gärtnerei", "Kübel", "purchases", 50_000)],
        confirmed=True,
    )
    (only,) = _receipt_ids(fonds, ids["planters"])
    proofs.review_receipt(fonds, office, only, accepted=True)
    proofs.accept_proof(fonds, office, ids["planters"])
    proofs.claim_refund(fonds, office, ids["planters"], reason="Weniger ausgegeben")
    proofs.record_refund(fonds, office, ids["planters"], amount_cents=46_000)

    # Approved, nothing paid yet; its title must print exactly as typed.
    ids["fest"], _ = applied("emil", "Emil Fest", title=ESCAPED_TITLE)
    approved(ids["fest"], 75_000)

    ids["rejected"], _ = applied("gustav", "Gustav Geiger", title="Graffiti am Rathaus")
    reviewed(ids["rejected"])
    decisions.decide_reject(fonds, office, ids["rejected"], "Kein Bezug zum Programmgebiet")
    ids["withdrawn"], otto = applied("otto", "Otto Kaffee", title="Seniorencafé")
    apps.withdraw(fonds, otto, ids["withdrawn"])
    ids["in_review"], _ = applied("klara", "Klara Ton", title="Offenes Singen")
    decisions.start_review(fonds, office, ids["in_review"])
    apps.create_draft(fonds, resident, QF, quartiersfonds_input(title="Nur ein Entwurf"))

    # A Cityfonds grant (two-step) books into another fund and must not show up.
    bernd = person(fonds, "Bernd Händler", "bernd@example.org")
    ids["city"] = apps.create_draft(fonds, bernd, CF, cityfonds_input())
    apps.submit(fonds, bernd, ids["city"])
    with fonds.db.read() as s:
        cf_checklist = fonds.catalog.current(s, CF)[2].review_checklist
    decisions.start_review(fonds, office, ids["city"])
    decisions.record_review(fonds, office, ids["city"], {i.id: ("fulfilled", "") for i in cf_checklist})
    decisions.complete_review(fonds, office, ids["city"])
    cf_session = decisions.create_session(
        fonds, office, CF, datetime(2027, 3, 12, 17, 0, tzinfo=UTC), "Innenstadt-Büro"
    )
    decisions.schedule(fonds, office, ids["city"], cf_session)
    decide_on_paper(fonds, office, ids["city"], "recommend")
    decisions.record_city_grant(fonds, city, ids["city"], granted_on=date(2027, 3, 20), grant_file_number="61-2027-7")

    # Lapsed: approved, never called; the clock moves on 371 days (1 December 2027: the call
    # period ends with the proof due date, two months after the project's end on 30 September).
    ids["lapsed"], _ = applied("lena", "Lena Regal", title="Tauschregal")
    approved(ids["lapsed"], 40_000)
    fonds.clock.advance(days=371)  # type: ignore[attr-defined]
    proofs.lapse(fonds, Actor.scheduler(), ids["lapsed"])
    return Year(office, auditor, juror, resident, anna, city, ids)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Year]]:
    """The year is built once per database and module (the tests only read it)."""
    tmp = tmp_path_factory.mktemp("reports")
    server: PgServer | None = None
    name = "t_" + uuid.uuid4().hex[:12]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'fonds.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        server.admin(f'CREATE DATABASE "{name}"')
        url = server.url(name)
    fonds = make_fonds(url, FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)), tmp)
    yield fonds, build_year(fonds)
    fonds.db.dispose()
    if server is not None:
        server.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def year_2027(built: tuple[Engine, Year]) -> Year:
    """The people and applications of the built year."""
    return built[1]


@pytest.fixture
def report_fonds(built: tuple[Engine, Year]) -> Engine:
    """The engine holding the built year."""
    return built[0]


@contextmanager
def counted_queries(fonds: Engine) -> Iterator[list[str]]:
    """Collect every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(fonds.db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(fonds.db.engine, "before_cursor_execute", record)


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def test_the_annual_report_adds_up_to_the_ledger_balances_of_the_year(report_fonds: Engine, year_2027: Year) -> None:
    data = annual_report_data(report_fonds, year_2027.office, QF, 2027)
    with report_fonds.db.read() as s:
        bal = ledger.balance(s, QF, 2027)
    assert (bal.committed, bal.paid, bal.refunded, bal.paid_net) == (90_000 + 50_000 + 75_000, 186_000, 46_000, 140_000)
    assert (data.allocated_cents, data.committed_cents, data.paid_cents) == (2_000_000, bal.committed, bal.paid)
    assert (data.refunded_cents, data.expired_cents, data.free_cents) == (46_000, 0, bal.free)
    assert data.allocated_cents - data.expired_cents - data.committed_cents == data.free_cents
    assert sum(p.approved_cents for p in data.projects) == bal.committed
    assert sum(p.paid_cents for p in data.projects) == bal.paid_net
    assert sum(r.approved_cents for r in data.by_category) == bal.committed
    assert sum(r.paid_cents for r in data.by_category) == bal.paid_net
    assert sum(m.committed_cents for m in data.monthly) == bal.committed
    assert sum(m.paid_cents for m in data.monthly) == bal.paid_net
    assert [m.month for m in data.monthly] == list(range(1, 13))


def test_the_annual_report_lists_the_funded_projects_with_their_current_amounts(
    report_fonds: Engine, year_2027: Year
) -> None:
    data = annual_report_data(report_fonds, year_2027.auditor, QF, 2027)
    rows = {p.title: (p.approved_cents, p.paid_cents, p.state, p.participants) for p in data.projects}
    assert rows == {
        "Repair-Café im Wiesenviertel": (90_000, 90_000, "Abgeschlossen", 95),
        "Pflanzkübel für die Ruhrstraße": (50_000, 50_000, "Abgeschlossen", 40),
        ESCAPED_TITLE: (75_000, 0, "Bewilligt", None),
    }
    assert [p.applicant_name for p in data.projects] == [
        "Nachbarschaftsinitiative Wiesenviertel"
    ] * 3  # the factory's organisation is shown instead of the contact person
    assert data.participants == 135
    assert data.applications == 7  # the draft was never submitted
    assert {r.label: r.count for r in data.by_state} == {
        "In formaler Prüfung": 1,
        "Bewilligt": 1,
        "Abgelehnt": 1,
        "Zurückgezogen": 1,
        "Abgeschlossen": 2,
        "Bewilligung erloschen": 1,
    }
    assert "Lichterwochen in der Bahnhofstraße" not in rows


def test_money_by_category_follows_each_cost_plan(report_fonds: Engine, year_2027: Year) -> None:
    data = annual_report_data(report_fonds, year_2027.office, QF, 2027)
    by_label = {r.label.split(" (")[0]: (r.count, r.approved_cents, r.paid_cents) for r in data.by_category}
    # repair 900 € over 700/300/200 of its plan, fest 750 € over the same plan,
    # planters 500 € over 900/300 (purchases/material).
    assert by_label["Öffentlichkeitsarbeit"] == (2, 22_500 + 18_750, 22_500)
    assert by_label["Anschaffungen"] == (1, 37_500, 37_500)
    assert by_label["Sachkosten"] == (3, 52_500 + 43_750 + 12_500, 52_500 + 12_500)


def test_bookings_are_placed_in_their_berlin_month_and_earlier_ones_in_january(
    report_fonds: Engine, year_2027: Year
) -> None:
    data = annual_report_data(report_fonds, year_2027.office, QF, 2027)
    committed = {m.month: m.committed_cents for m in data.monthly if m.committed_cents}
    paid = {m.month: m.paid_cents for m in data.monthly if m.paid_cents}
    # everything happened on 25 November 2026 (booked into January 2027) except the lapse
    # in December, which released the whole commitment of that project (net zero in the ledger).
    assert committed == {1: 215_000 + 40_000, 12: -40_000}
    assert paid == {1: 140_000}


def test_expired_money_is_shown_and_reduces_the_free_budget(fonds: Engine) -> None:
    office = person(fonds, "Büro mitten@witten", "buero@example.org", (QF, "manager"))
    with fonds.unit_of_work() as uow:
        ledger.lock_year(uow.session, QF, 2026)
        ledger.book(
            uow.session,
            fund_id=QF,
            year=2026,
            kind="expiry",
            amount_cents=1_250_000,
            at=datetime(2027, 1, 1, 0, 30, tzinfo=UTC),
            actor_id=None,
            note="Jahresabschluss: nicht gebundene Mittel verfallen",
        )
        uow.commit()
    data = annual_report_data(fonds, office, QF, 2026)
    assert (data.allocated_cents, data.expired_cents, data.free_cents) == (2_000_000, 1_250_000, 750_000)
    assert (data.applications, data.projects, data.participants) == (0, (), 0)
    assert [m.committed_cents for m in data.monthly] == [0] * 12


def test_assembling_a_report_takes_a_fixed_handful_of_queries(report_fonds: Engine, year_2027: Year) -> None:
    annual_report_data(report_fonds, year_2027.office, QF, 2027)  # warm the guideline/workflow cache
    with counted_queries(report_fonds) as annual:
        annual_report_data(report_fonds, year_2027.office, QF, 2027)
    with counted_queries(report_fonds) as rollup:
        rollup_data(report_fonds, year_2027.office, QF, 2027)
    # 12 before the financing section (issue 13): its plans and refund claims are 2 statements more
    assert len([q for q in annual if q.lstrip().upper().startswith("SELECT")]) <= 14
    assert len([q for q in rollup if q.lstrip().upper().startswith("SELECT")]) <= 14


def test_the_rollup_shows_recognised_grants_and_eligible_spending_by_category(
    report_fonds: Engine, year_2027: Year
) -> None:
    data = rollup_data(report_fonds, year_2027.office, QF, 2027)
    projects = {p.title: p for p in data.projects}
    repair = projects["Repair-Café im Wiesenviertel"]
    assert (repair.approved_cents, repair.recognised_cents, repair.participants) == (100_000, 90_000, 95)
    assert dict(repair.costs) == {
        "Sachkosten (Material, Verbrauchsgüter)": 60_000,
        "Öffentlichkeitsarbeit (Plakate, Flyer)": 30_000,
    }  # the rejected catering receipt is not eligible spending
    assert repair.what_was_done == "Sechs Reparaturtreffen mit 95 Gästen."
    assert (repair.start, repair.end) == (date(2027, 4, 10), date(2027, 9, 30))
    fest = projects[ESCAPED_TITLE]
    assert (fest.recognised_cents, fest.costs) == (0, ())
    assert fest.what_was_done.startswith("Der Verwendungsnachweis liegt noch nicht vor.")
    assert data.city_name == "Stadt Witten"
    assert data.categories[0] == "Sachkosten (Material, Verbrauchsgüter)"
    totals = dict(data.category_totals())
    assert totals["Anschaffungen (Geräte, Ausstattung)"] == 50_000
    csv_text = rollup_csv(data)
    assert "Summe;3 Projekte;;;;2950,00;1400,00;" in csv_text  # approved: the decisions


def test_the_rendered_annual_report_shows_german_amounts_and_the_titles_as_typed(
    report_fonds: Engine, year_2027: Year, tmp_path: Path
) -> None:
    data: AnnualReportData = annual_report_data(report_fonds, year_2027.office, QF, 2027, summary="Ein gutes Jahr.")
    text = pdf_text(render_annual_report(data), tmp_path, "jahresbericht.pdf")
    for expected in (
        "Jahresbericht 2027",
        "20.000,00 €",  # budget
        "2.150,00 €",  # committed
        "1.860,00 €",  # paid out
        "460,00 €",  # paid back
        "17.850,00 €",  # free
        "Repair-Café im Wiesenviertel",
        ESCAPED_TITLE,
        "Bewilligung erloschen",
        "Ein gutes Jahr.",
    ):
        assert expected in text, expected
    rollup_text = pdf_text(render_rollup(rollup_data(report_fonds, year_2027.office, QF, 2027)), tmp_path, "r.pdf")
    assert "Sechs Reparaturtreffen" in rollup_text  # the cell wraps the rest
    assert "1.400,00 €" in rollup_text  # recognised in total


def test_residents_and_jury_members_may_not_read_the_reports(report_fonds: Engine, year_2027: Year) -> None:
    for actor in (year_2027.resident, year_2027.juror):
        with pytest.raises(PermissionDenied):
            annual_report_data(report_fonds, actor, QF, 2027)
        with pytest.raises(PermissionDenied):
            rollup_data(report_fonds, actor, QF, 2027)
    with pytest.raises(NotFound):
        annual_report_data(report_fonds, year_2027.office, "gibt-es-nicht", 2027)


def test_the_city_reads_the_reports_of_its_two_step_fund_and_the_system_reads_all(
    report_fonds: Engine, year_2027: Year
) -> None:
    city = annual_report_data(report_fonds, year_2027.city, CF, 2027)
    assert [(p.title, p.approved_cents) for p in city.projects] == [("Lichterwochen in der Bahnhofstraße", 200_000)]
    assert rollup_data(report_fonds, year_2027.city, CF, 2027).projects[0].approved_cents == 200_000
    with pytest.raises(PermissionDenied):
        annual_report_data(report_fonds, year_2027.city, QF, 2027)
    assert annual_report_data(report_fonds, Actor.scheduler(), QF, 2027).committed_cents == 215_000


def test_the_letters_of_an_application_are_listed_and_a_stranger_learns_nothing(
    report_fonds: Engine, year_2027: Year
) -> None:
    with report_fonds.db.read() as s:
        from fondsengine.model import Application

        app = s.get(Application, year_2027.ids["repair"])
        assert app is not None and app.file_number is not None
        file_number = app.file_number
    letters = letters_of(report_fonds, year_2027.office, file_number)
    assert [x.kind for x in letters] == ["receipt", "approval", "payment", "proof_result", "payment"]
    assert letters[1].label == "Bewilligungsbescheid"
    assert letters[1].filename == f"Bewilligungsbescheid-{file_number}.pdf"
    with pytest.raises(NotFound):
        letters_of(report_fonds, year_2027.resident, file_number)
    with pytest.raises(NotFound):
        letter_pdf(report_fonds, year_2027.resident, letters[1].id)
    assert [x.id for x in letters_of(report_fonds, year_2027.applicant, file_number)] == [x.id for x in letters]
    info, pdf = letter_pdf(report_fonds, year_2027.office, letters[1].id)
    assert pdf.startswith(b"%PDF") and info.kind == "approval"
    assert letters_of(report_fonds, Actor.scheduler(), file_number)[1].rendered


def test_the_rollup_and_the_annual_report_state_each_projects_financing_and_the_funds_split(
    report_fonds: Engine, year_2027: Year, tmp_path: Path
) -> None:
    from decimal import Decimal

    from fondsengine.model import Application, CostItem, Refund

    data = rollup_data(report_fonds, year_2027.office, QF, 2027)
    with report_fonds.db.read() as s:
        rate = report_fonds.catalog.current(s, QF)[2].own_contribution.volunteer_hour_rate_cents
        expected = {}
        for p in data.projects:
            app = s.scalars(select(Application).where(Application.file_number == p.file_number)).one()
            costs = sum(s.scalars(select(CostItem.amount_cents).where(CostItem.application_id == app.id)))
            claimed = sum(s.scalars(select(Refund.claimed_cents).where(Refund.application_id == app.id)))
            volunteer = int(Decimal(app.volunteer_hours) * rate)
            expected[p.file_number] = (costs, app.own_funds_cents, volunteer, app.other_funding_cents, claimed)
    got = {
        p.file_number: (
            p.total_cost_cents,
            p.own_funds_cents,
            p.volunteer_cents,
            p.other_funding_cents,
            p.refund_claimed_cents,
        )
        for p in data.projects
    }
    assert got == expected and all(v[0] > 0 for v in got.values())
    fin = data.financing
    assert fin.total_cost_cents == sum(v[0] for v in expected.values())
    assert fin.approved_cents == sum(p.approved_cents for p in data.projects) == 295_000
    assert fin.paid_cents == sum(p.paid_cents for p in data.projects)
    # Bund 40 %, Land 40 %, Stadt 20 % (the Witten guideline's assumption), adding up to the cent
    assert [name for name, _ in fin.split_approved] == [
        "Bund (Städtebauförderung)",
        "Land Nordrhein-Westfalen",
        "Stadt Witten",
    ]
    assert [c for _, c in fin.split_approved] == [118_000, 118_000, 59_000]
    assert sum(c for _, c in fin.split_paid) == fin.paid_cents
    annual = annual_report_data(report_fonds, year_2027.office, QF, 2027)
    assert annual.financing is not None
    assert (annual.financing.total_cost_cents, annual.financing.split_approved) == (
        fin.total_cost_cents,
        fin.split_approved,
    )
    text = pdf_text(render_rollup(data), tmp_path, "rollup.pdf")
    assert "Bund (Städtebauförderung)" in text and "1.180,00 €" in text
    assert "Finanzierung der Einzelprojekte" in text
    report = pdf_text(render_annual_report(annual), tmp_path, "annual.pdf")
    assert "Finanzierung der geförderten Projekte" in report and "Stadt Witten" in report
    header = rollup_csv(data).splitlines()[0].split(";")
    assert {"Gesamtkosten (EUR)", "Eigenmittel (EUR)", "Drittmittel und private Mittel (EUR)"} <= set(header)


def test_funding_shares_must_add_up_to_one_hundred_percent() -> None:
    from fondsengine.guidelines.loader import GuidelineError, load_guideline_text

    text = (Path(__file__).resolve().parents[2] / "richtlinien" / "witten-quartiersfonds.yaml").read_text("utf-8")
    assert '{name: "Stadt Witten", share_percent: 20}' in text
    broken = text.replace('{name: "Stadt Witten", share_percent: 20}', '{name: "Stadt Witten", share_percent: 10}')
    with pytest.raises(GuidelineError, match="zusammen 100 % ergeben, gefunden: 90 %"):
        load_guideline_text(broken, source="x.yaml", fund_id=QF)
