"""Deterministic sample data for previews, tests and the benchmark (a Witten-like fund)."""

from __future__ import annotations

from datetime import date, timedelta

from fondsengine.guidelines.model import Office
from fondsengine.letters.kinds_decision import APPROVAL, PROOF_RESULT, REFUND, REJECTION
from fondsengine.letters.kinds_notice import CHANGES, LAPSE, PAYMENT, RECEIPT, RECOMMENDATION
from fondsengine.letters.model import (
    ApprovalData,
    ChangesData,
    CostLine,
    LapseData,
    LetterContext,
    PaymentData,
    ProofResultData,
    Reason,
    ReceiptData,
    ReceiptLine,
    RecommendationData,
    RefundData,
    RejectionData,
)
from fondsengine.reports.model import (
    AnnualReportData,
    CategoryRow,
    CountRow,
    FinancingSummary,
    FundedProject,
    MinutesData,
    MinutesItem,
    MonthlyUse,
    RollupData,
    RollupProject,
)

SAMPLE_OFFICE = Office(
    name="Innenstadt-Büro „mitten@witten“",
    address=("Ruhrstraße 45", "58452 Witten"),
    email="mitten@witten.example",
    phone="02302 000000",
    website="www.witten.example/innenstadt",
    city_name="Stadt Witten",
)
PUBLICITY = (
    "Gefördert im Rahmen der Städtebauförderung von Bund, Land Nordrhein-Westfalen und Stadt Witten"
)
CATEGORIES = ("Sachkosten", "Honorare", "Mieten", "Öffentlichkeitsarbeit", "Verpflegung")


def sample_context(project_title: str = "Straßenfest im Wiesenviertel") -> LetterContext:
    """A letter context for a resident's project in Witten."""
    return LetterContext(
        office=SAMPLE_OFFICE,
        recipient_name="Jürgen Müßig",
        recipient_address=("Bahnhofstraße 12", "58452 Witten"),
        file_number="QF-2026-0042",
        date=date(2026, 5, 14),
        fund_name="Quartiersfonds „Dein Projektgeld“",
        project_title=project_title,
        applicant_name="Jürgen Müßig",
        guideline_version="3fa9c1d2e4",
        clauses=("§ 2", "§ 7 Abs. 1"),
        legal_basis="Förderrichtlinie Quartiersfonds Innenstadt Witten vom 01.01.2026",
        contact_person="Aylin Özdemir",
    )


def sample_approval(cost_lines: int = 3) -> ApprovalData:
    """An approval of 1.500,00 € with a cost plan, conditions and the publicity duty."""
    lines = tuple(
        CostLine(CATEGORIES[i % len(CATEGORIES)], f"Posten {i + 1}: Pavillons, Bänke, Strom", 50000)
        for i in range(cost_lines)
    )
    return ApprovalData(
        approved_cents=sum(c.amount_cents for c in lines),
        requested_cents=180000,
        purpose="Nachbarschaftliches Straßenfest mit Musik, Spielen und Flohmarkt",
        cost_lines=lines,
        payment_mode_text=(
            "Vor Projektbeginn können Sie einen Abschlag von bis zu 80 % der Zuwendung abrufen."
        ),
        proof_due=date(2026, 9, 30),
        proof_parts=("report", "receipts", "photos"),
        conditions=("Die Sondernutzungserlaubnis für die Straße ist vor dem Fest einzuholen.",),
        publicity_text=PUBLICITY,
        publicity_clause="§ 11",
        clauses=(Reason("Höchstbetrag je Projekt 1.500,00 €", "§ 4 Abs. 2"),),
        project_start=date(2026, 6, 20),
        project_end=date(2026, 6, 21),
        own_contribution_cents=30000,
        decision_note="Die Jury hat in ihrer Sitzung am 12.05.2026 über Ihren Antrag entschieden.",
    )


def sample_letter_data() -> dict[str, object]:
    """One sample data object for every letter kind (keyed by its registration)."""
    return {
        RECEIPT.kind: ReceiptData(
            submitted_on=date(2026, 3, 2), requested_cents=180000, session_date=date(2026, 5, 12)
        ),
        CHANGES.kind: ChangesData(
            items=(
                Reason("Kostenvoranschlag für die Bühnentechnik", "§ 6 Abs. 1"),
                Reason("Zustimmung der Hausverwaltung zur Nutzung des Hofs"),
            ),
            message="Ein Foto des Hofs hilft der Jury, sich den Ort vorzustellen.",
            respond_by=date(2026, 3, 20),
        ),
        APPROVAL.kind: sample_approval(),
        REJECTION.kind: RejectionData(
            reasons=(
                Reason("Das Projekt hatte vor der Antragstellung schon begonnen.", "§ 5 Abs. 3"),
                Reason("Honorare für die Antragstellerin selbst sind nicht förderfähig.", "§ 8"),
            ),
            requested_cents=250000,
            decision_note="Die Jury hat in ihrer Sitzung am 12.05.2026 entschieden.",
        ),
        PAYMENT.kind: PaymentData(
            amount_cents=120000,
            paid_on=date(2026, 6, 1),
            iban="DE89 3704 0044 0532 0130 00",
            purpose_text="QF-2026-0042 Abschlag",
            approved_cents=150000,
            total_paid_cents=120000,
            payment_label="Abschlag (80 %)",
        ),
        PROOF_RESULT.kind: ProofResultData(
            approved_cents=150000,
            paid_cents=150000,
            eligible_spent_cents=131050,
            recognised_cents=131050,
            receipts=(
                ReceiptLine("1", "Pavillonmiete Müller & Söhne", 45000, True),
                ReceiptLine("2", "Getränke", 12000, False, "Verpflegung ist nicht förderfähig."),
                ReceiptLine("3", "Plakate und Flyer", 86050, True),
            ),
            refund_cents=18950,
            refund_due=date(2026, 11, 15),
            clauses=(Reason("Rückforderung nicht verwendeter Mittel", "§ 12 Abs. 2"),),
        ),
        REFUND.kind: RefundData(
            refund_cents=18950,
            due_on=date(2026, 11, 15),
            approved_cents=150000,
            paid_cents=150000,
            recognised_cents=131050,
            reasons=(Reason("Ausgaben für Getränke sind nicht förderfähig.", "§ 8 Abs. 4"),),
            pay_to_iban="DE02100500000054540402",
            pay_to_holder="Stadt Witten, Stadtkasse",
            purpose_text="QF-2026-0042 Rückzahlung",
            clause="§ 9 Abs. 3",
        ),
        LAPSE.kind: LapseData(
            approved_cents=150000,
            approved_on=date(2026, 1, 15),
            lapsed_on=date(2026, 4, 15),
            lapse_after_days=90,
            clause="§ 10 Abs. 3",
        ),
        RECOMMENDATION.kind: RecommendationData(
            recommended_cents=150000,
            requested_cents=180000,
            session_date=date(2026, 5, 12),
            granting_body="Stadt Witten, Amt für Stadtentwicklung",
            notes=("Bitte prüfen Sie, ob Sie die Bühne gemeinsam mit dem Nachbarverein nutzen.",),
            clause="§ 7 Abs. 2",
        ),
    }


def sample_minutes(items: int = 4) -> MinutesData:
    """Minutes of a jury session with a conflict of interest and a rejection."""
    return MinutesData(
        fund_name="Quartiersfonds „Dein Projektgeld“",
        office_name=SAMPLE_OFFICE.name,
        session_title="1. Sitzung 2026",
        session_date=date(2026, 5, 12),
        place="Rathaus Witten, Raum 204",
        chair="Gülşen Yılmaz",
        recorder="Aylin Özdemir",
        present=("Gülşen Yılmaz", "Peter Schäfer", "Maria Groß", "Jörg Weiß", "Anna Böhm"),
        absent=("Klaus Müller",),
        guests=("Aylin Özdemir (Geschäftsführung)",),
        quorum_note="5 von 7 Mitgliedern anwesend; die Jury ist beschlussfähig (§ 6 Abs. 3).",
        items=tuple(
            MinutesItem(
                file_number=f"QF-2026-{i + 40:04d}",
                project_title=f"Projekt {i + 1}: Lesecafé im Hof",
                applicant_name=f"Verein Nachbarn {i + 1} e. V.",
                total_cost_cents=200000 + i * 1000,
                requested_cents=150000,
                decided_cents=None if i % 4 == 3 else 120000,
                yes=1 if i % 4 == 3 else 4,
                no=3 if i % 4 == 3 else 0,
                abstain=0,
                outcome="abgelehnt" if i % 4 == 3 else "bewilligt",
                explanation="Der Nutzen für das Quartier ist überzeugend.",
                excluded=("Peter Schäfer",) if i == 0 else (),
                clause="§ 6 Abs. 4",
            )
            for i in range(items)
        ),
    )


def _day(year: int, i: int) -> date:
    return date(year, 3, 1) + timedelta(days=i % 240)


def sample_annual_report(projects: int = 25, year: int = 2026) -> AnnualReportData:
    """An annual report with the given number of funded projects."""
    funded = tuple(
        FundedProject(
            file_number=f"QF-{year}-{i + 1:04d}",
            title=f"Nachbarschaftsprojekt Nr. {i + 1} im Wiesenviertel",
            applicant_name=f"Initiative Grün & Bunt {i % 37 + 1}",
            approved_cents=50000 + (i * 7919) % 100000,
            paid_cents=(50000 + (i * 7919) % 100000) if i % 3 else 0,
            state="abgeschlossen" if i % 3 else "bewilligt",
            participants=20 + i % 80,
        )
        for i in range(projects)
    )
    committed = sum(p.approved_cents for p in funded)
    paid = sum(p.paid_cents for p in funded)
    allocated = max(2000000, committed + 100000)
    monthly = tuple(
        MonthlyUse(m, committed // 10 if 2 < m < 13 else 0, paid // 8 if 4 < m < 13 else 0)
        for m in range(1, 13)
    )
    return AnnualReportData(
        fund_name="Quartiersfonds „Dein Projektgeld“",
        office_name=SAMPLE_OFFICE.name,
        year=year,
        created_on=date(year + 1, 1, 31),
        allocated_cents=allocated,
        committed_cents=committed,
        paid_cents=paid,
        refunded_cents=18950,
        expired_cents=0,
        free_cents=allocated - committed,
        approved_cents=committed + 60000,
        released_cents=60000,
        refund_claimed_cents=25000,
        applied_cents=committed + 250000,
        by_state=(CountRow("bewilligt", projects // 3 + 1), CountRow("abgelehnt", 4)),
        by_category=tuple(
            CategoryRow(label, projects, committed // len(CATEGORIES), paid // len(CATEGORIES))
            for label in CATEGORIES
        ),
        monthly=monthly,
        projects=funded,
        participants=sum(p.participants or 0 for p in funded),
        applications=projects + 4,
        summary="Im Jahr wurden viele kleine Projekte im Quartier umgesetzt.",
    )


def sample_rollup(projects: int = 12, year: int = 2026) -> RollupData:
    """A roll-up for the city's proof of use with the given number of projects."""
    return RollupData(
        city_name="Stadt Witten",
        programme="Städtebauförderung Innenstadt Witten",
        fund_name="Quartiersfonds „Dein Projektgeld“",
        year=year,
        created_on=date(year + 1, 2, 15),
        categories=CATEGORIES,
        projects=tuple(
            RollupProject(
                file_number=f"QF-{year}-{i + 1:04d}",
                title=f"Hofkonzert Nr. {i + 1}",
                applicant_name=f"Nachbarschaft Süd {i + 1}",
                start=_day(year, i),
                end=_day(year, i + 1),
                approved_cents=100000,
                recognised_cents=95000,
                costs=(("Sachkosten", 60000), ("Honorare", 35000)),
                what_was_done="Zwei Konzerte im Hinterhof mit 80 Gästen; Bühne geliehen.",
                participants=80,
                total_cost_cents=130000,
                own_funds_cents=15000,
                volunteer_cents=10000,
                other_funding_cents=5000,
                paid_cents=95000,
                refund_claimed_cents=5000 if i == 0 else 0,
                refund_received_cents=5000 if i == 0 else 0,
            )
            for i in range(projects)
        ),
        financing=FinancingSummary(
            total_cost_cents=130000 * projects,
            own_funds_cents=15000 * projects,
            volunteer_cents=10000 * projects,
            other_funding_cents=5000 * projects,
            approved_cents=100000 * projects,
            paid_cents=95000 * projects,
            refund_claimed_cents=5000 if projects else 0,
            refund_received_cents=5000 if projects else 0,
            split_approved=(
                ("Bund (Städtebauförderung)", 40000 * projects),
                ("Land Nordrhein-Westfalen", 40000 * projects),
                ("Stadt Witten", 20000 * projects),
            ),
            split_paid=(
                ("Bund (Städtebauförderung)", 38000 * projects),
                ("Land Nordrhein-Westfalen", 38000 * projects),
                ("Stadt Witten", 19000 * projects),
            ),
            funding_clause="§ 2",
        ),
    )
