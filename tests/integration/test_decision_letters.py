"""Letters that are valid decisions: issuer, file numbers, addressee, remedy and the approval's contents.

Every letter is created by the real use cases, rendered from its stored snapshot and read back
with pdftotext, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.letters.store import render_stored_letter
from fondsengine.model import Application, Letter
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from tests.support.factories import CF, QF, cityfonds_input, person, quartiersfonds_input, with_bank_account
from tests.support.jury import decide_in_session, decide_on_paper

CITY_ISSUER = "Stadt Witten – Der Bürgermeister, Amt für Stadtentwicklung"
QF_ISSUER = "Innenstadt-Büro mitten@witten (Quartiersmanagement) im Auftrag der Stadt Witten"
ADDRESSEE = "Nachbarschaftsinitiative Wiesenviertel z. Hd. Anna Beispiel Wiesenstraße 12 58452 Witten"


@pytest.fixture
def cast(fonds: Engine) -> dict[str, Actor]:
    return {
        "anna": person(fonds, "Anna Beispiel", "anna@example.org"),
        "bernd": person(fonds, "Bernd Händler", "bernd@example.org"),
        "office": person(fonds, "Büro", "buero@example.org", (QF, "manager"), (CF, "manager")),
        "juror": person(fonds, "Jana Jury", "jana@example.org", (QF, "jury_member"), (CF, "jury_member")),
        "city": person(fonds, "Stadt Witten", "stadt@example.org", (CF, "city_approver")),
    }


def flat(pdf: bytes) -> str:
    """The PDF's text with whitespace runs collapsed (phrases may wrap)."""
    done = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


def letters(fonds: Engine, app_id: int) -> dict[str, str]:
    """kind -> text of the latest stored letter of that kind, rendered from its snapshot."""
    out: dict[str, str] = {}
    with fonds.db.read() as s:
        for letter in s.scalars(select(Letter).where(Letter.application_id == app_id).order_by(Letter.id)):
            out[letter.kind] = flat(render_stored_letter(fonds, s, letter))
    return out


def reviewed(
    fonds: Engine, cast: dict[str, Actor], fund: str, failed: dict[str, str] | None = None, **changes: object
) -> int:
    actor = cast["anna"] if fund == QF else cast["bernd"]
    data = quartiersfonds_input(**changes) if fund == QF else cityfonds_input(**changes)
    app_id = apps.create_draft(fonds, actor, fund, data)
    apps.submit(fonds, actor, app_id)
    decisions.start_review(fonds, cast["office"], app_id)
    with fonds.db.read() as s:
        checklist = fonds.catalog.current(s, fund)[2].review_checklist
    answers = {i.id: ("fulfilled", "") for i in checklist}
    for item, note in (failed or {}).items():
        answers[item] = ("not_fulfilled", note)
    decisions.record_review(fonds, cast["office"], app_id, answers)
    if not failed:
        decisions.complete_review(fonds, cast["office"], app_id)
    return app_id


def on_agenda(fonds: Engine, cast: dict[str, Actor], fund: str, **changes: object) -> int:
    app_id = reviewed(fonds, cast, fund, **changes)
    session_id = decisions.create_session(
        fonds, cast["office"], fund, datetime(2027, 3, 10, 17, tzinfo=UTC), "Rathaus, Raum 101"
    )
    decisions.schedule(fonds, cast["office"], app_id, session_id)
    return app_id


def assert_names_issuer_and_addressee(text: str, *, issuer: str, file_number: str, authority_number: str) -> None:
    assert issuer in text
    assert f"Aktenzeichen {authority_number}" in text
    assert f"Antragsnummer {file_number}" in text


def assert_names_the_office_and_both_numbers(fonds: Engine, app_id: int, text: str) -> None:
    """A Quartiersfonds letter: the office as issuer, the application's and the authority's number."""
    with fonds.db.read() as s:
        number = s.scalar(select(Application.file_number).where(Application.id == app_id)) or ""
    authority = f"QM-Witten/QF/2027/{number.rsplit('-', 1)[1]}"
    assert_names_issuer_and_addressee(text, issuer=QF_ISSUER, file_number=number, authority_number=authority)


def test_the_citys_bescheid_names_issuer_signatory_file_numbers_addressee_and_every_approval_element(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = on_agenda(
        fonds, cast, CF, legal_form="eingetragener Verein (e. V.)", representative="Vorstand Bernd Händler"
    )
    decide_in_session(fonds, cast["juror"], app_id, "recommend", conditions=["Jury-Hinweis"])
    decisions.record_city_grant(
        fonds,
        cast["city"],
        app_id,
        granted_on=date(2027, 3, 20),
        grant_file_number="61/CF/2027/0007",
        conditions=["Die Lichterketten sind bis zum 31.01.2028 abzubauen."],
    )
    with fonds.db.read() as s:
        file_number = s.scalar(select(Application.file_number).where(Application.id == app_id))
    assert file_number is not None and file_number.startswith("WC-2027-")
    texts = letters(fonds, app_id)
    assert set(texts) == {"receipt", "recommendation", "approval"}

    for kind, text in texts.items():
        # before the grant the authority's number comes from the scheme; afterwards the city's own
        number = "61/CF/2027/0007" if kind == "approval" else f"61/CF/2027/{file_number.rsplit('-', 1)[1]}"
        assert_names_issuer_and_addressee(text, issuer=CITY_ISSUER, file_number=file_number, authority_number=number)
        assert "Werbegemeinschaft Bahnhofstraße (eingetragener Verein (e. V.))" in text, kind
        assert "vertreten durch Vorstand Bernd Händler" in text, kind
        assert "Bahnhofstraße 40 58452 Witten" in text, kind
        assert "Marktstraße 16 · 58449 Witten" in text, kind  # the issuer's address in the sender line
        assert "Leitung des Amtes für Stadtentwicklung" in text and "N. N." in text, kind

    approval = texts["approval"]
    for element in (
        "Zuwendungsempfänger: Werbegemeinschaft Bahnhofstraße (eingetragener Verein (e. V.)), vertreten durch "
        "Vorstand Bernd Händler, Bahnhofstraße 40, 58452 Witten",
        "Zweck: Lichterwochen in der Bahnhofstraße",
        "Bewilligte Zuwendung 2.000,00 €",
        "Finanzierungsart: Anteilfinanzierung: Die Zuwendung beträgt 50 % der zuwendungsfähigen Ausgaben, "
        "höchstens 2.000,00 €.",
        "Projektzeitraum (Bewilligungszeitraum): 01.05.2027 bis 30.06.2027",
        "nach Abschluss des Projekts gegen Vorlage der Belege erstattet",  # the only payment mode
        "Rufen Sie bis zum",  # lapse rule with its date
        "erlischt die Bewilligung (120 Tage nach der Bewilligung, § 8 Abs. 2)",
        "Verwendungsnachweis bis zum 31.01.2028",
        "Sachbericht",
        "Belegliste",
        "Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P)",
        "Allgemeine Auflagen nach der Förderrichtlinie:",
        "Auflagen dieser Entscheidung: • Die Lichterketten sind bis zum 31.01.2028 abzubauen.",
        "Gefördert aus dem Cityfonds Witten im Rahmen der Städtebauförderung",
        "Widerruf, Erstattung und Verzinsung",
        "§§ 48, 49 VwVfG NRW",
        "fünf Prozentpunkten über dem Basiszinssatz",
        "Rechtsbehelfsbelehrung",
        "Verwaltungsgericht Arnsberg, Jägerstraße 1, 59821 Arnsberg",
        "Rechtsgrundlage dieser Belehrung: § 58 VwGO.",  # issuance.remedy_clause
    ):
        assert element in approval, element
    assert "Jury-Hinweis" not in approval  # the city replaced the recommended conditions
    with fonds.db.read() as s:
        first_condition = fonds.catalog.current(s, CF)[2].conditions[0].text
    assert first_condition[:40] in approval
    lapse = re.search(r"Rufen Sie bis zum (\d\d\.\d\d\.\d{4}) keine Mittel ab", approval)
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.lapse_due_on is not None and app.decided_at is not None
        # the lapse rule's months after the decision, but never before the project ends (issue 13)
        assert (app.lapse_due_on - app.decided_at.date()).days >= 120
        assert app.project_end is None or app.lapse_due_on >= app.project_end
    assert lapse is not None and lapse.group(1) == app.lapse_due_on.strftime("%d.%m.%Y")
    # the recommendation is no decision: no remedy
    assert "Rechtsbehelfsbelehrung" not in texts["recommendation"]
    assert "Rechtsbehelfsbelehrung" not in texts["receipt"]


def test_the_quartiersfonds_grant_agreement_rejection_lapse_and_notices(fonds: Engine, cast: dict[str, Actor]) -> None:
    rejected = reviewed(fonds, cast, QF, failed={"area": "Der Spielplatz liegt in Annen."})
    decisions.decide_reject(fonds, cast["office"], rejected, "Außerdem fehlt der Kostenvoranschlag.")
    rejection = letters(fonds, rejected)["rejection"]
    assert QF_ISSUER in rejection
    assert "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig." in rejection
    assert_names_the_office_and_both_numbers(fonds, rejected, rejection)
    first = "1. Projekt findet in der Innenstadt statt oder nützt ihr: Der Spielplatz liegt in Annen. (§ 3 Abs. 1)"
    assert first in rejection
    assert "2. Außerdem fehlt der Kostenvoranschlag." in rejection
    assert "Einwände und Rechtsweg" in rejection and "ordentlichen Gerichte" in rejection
    assert ADDRESSEE in rejection

    approved = on_agenda(fonds, cast, QF, title="Repair-Café")
    decide_on_paper(fonds, cast["office"], approved, "approve")
    approval = letters(fonds, approved)["approval"]
    assert "Festbetragsfinanzierung: Die Zuwendung wird als fester Betrag von" in approval
    assert "Vor Projektbeginn können Sie einen Abschlag von bis zu 80 % der Zuwendung" in approval
    assert "Sie können die Zuwendung auf folgenden Wegen abrufen:" in approval
    assert "innerhalb von 2 Monaten nach der Auszahlung" in approval
    assert "vom Vertrag ganz oder teilweise zurücktreten" in approval
    assert "ordentlichen Gerichte" in approval

    with fonds.db.read() as s:  # the lapse date follows the project (issue 13): go past it
        due = s.get(Application, approved).lapse_due_on  # type: ignore[union-attr]
    assert due is not None
    fonds.clock.advance(days=(due - fonds.clock.now().date()).days + 1)  # type: ignore[attr-defined]
    proofs.lapse(fonds, Actor.scheduler(), approved)
    lapse = letters(fonds, approved)["lapse"]
    assert QF_ISSUER in lapse and "Einwände und Rechtsweg" in lapse and "ordentlichen Gerichte" in lapse
    assert_names_the_office_and_both_numbers(fonds, approved, lapse)
    assert ADDRESSEE in lapse
    assert re.search(r"am \d\d\.\d\d\.\d{4} erloschen", lapse)


def test_changes_and_payment_notices_name_issuer_and_file_numbers(fonds: Engine, cast: dict[str, Actor]) -> None:
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input())
    file_number = apps.submit(fonds, cast["anna"], app_id)
    decisions.start_review(fonds, cast["office"], app_id)
    decisions.request_changes(fonds, cast["office"], app_id, "Bitte reichen Sie ein Angebot nach.")
    number = f"QM-Witten/QF/2027/{file_number.rsplit('-', 1)[1]}"
    changes = letters(fonds, app_id)["changes"]
    assert_names_issuer_and_addressee(changes, issuer=QF_ISSUER, file_number=file_number, authority_number=number)
    assert ADDRESSEE in changes
    assert "Einwände und Rechtsweg" not in changes  # a request, not a decision

    paid = on_agenda(fonds, cast, QF, title="Lesecafé")
    decide_on_paper(fonds, cast["office"], paid, "approve")
    with_bank_account(fonds, cast["office"], paid)  # no payment without a valid IBAN (issue 13)
    payments.record_payment(fonds, cast["office"], paid, amount_cents=10_000, kind="advance")
    texts = letters(fonds, paid)
    assert "payment" in texts
    assert QF_ISSUER in texts["payment"] and "Antragsnummer WQ-2027-" in texts["payment"]


def test_an_application_without_postal_address_cannot_be_submitted_where_decisions_need_one(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    app_id = apps.create_draft(fonds, cast["anna"], QF, quartiersfonds_input(contact_city=None))
    with pytest.raises(InvalidInput, match="Postanschrift") as refused:
        apps.submit(fonds, cast["anna"], app_id)
    assert refused.value.field == "contact_city"
    with fonds.db.read() as s:
        assert s.scalar(select(Letter.id).where(Letter.application_id == app_id)) is None


def test_receipt_proof_result_and_refund_letters_name_issuer_numbers_addressee_and_the_remedy(
    fonds: Engine, cast: dict[str, Actor]
) -> None:
    from fondsengine.payments.proofs import ReceiptInput

    app_id = on_agenda(fonds, cast, QF, title="Repair-Café")
    decide_on_paper(fonds, cast["office"], app_id, "approve")
    with_bank_account(fonds, cast["office"], app_id)
    payments.record_payment(fonds, cast["office"], app_id, amount_cents=96_000, kind="advance")
    with fonds.db.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.project_end is not None and app.file_number is not None
        end, file_number = app.project_end, app.file_number
    fonds.clock.set(datetime(end.year, end.month, end.day, 12, tzinfo=UTC))  # type: ignore[attr-defined]
    proofs.submit_proof(
        fonds, cast["anna"], app_id, report="Sechs Treffen.",
        receipts=[ReceiptInput(end, "Baumarkt", "Ersatzteile", "material", 50_000)],
        confirmed=True,
    )  # fmt: skip
    with fonds.db.read() as s:
        from fondsengine.model import ProofOfUse, Receipt

        receipt_id = s.scalar(
            select(Receipt.id)
            .join(ProofOfUse, ProofOfUse.id == Receipt.proof_id)
            .where(ProofOfUse.application_id == app_id)
        )
    proofs.review_receipt(fonds, cast["office"], receipt_id or 0, accepted=True)
    proofs.accept_proof(fonds, cast["office"], app_id)
    proofs.claim_refund(fonds, cast["office"], app_id, reason="Weniger ausgegeben")
    texts = letters(fonds, app_id)
    number = f"QM-Witten/QF/2027/{file_number.rsplit('-', 1)[1]}"
    for kind in ("receipt", "approval", "payment", "proof_result", "refund"):
        text = texts[kind]
        assert_names_issuer_and_addressee(text, issuer=QF_ISSUER, file_number=file_number, authority_number=number)
        assert ADDRESSEE in text, kind
    for kind in ("refund", "proof_result"):  # both decide on money: each carries the remedy
        assert "Einwände und Rechtsweg" in texts[kind] and "ordentlichen Gerichte" in texts[kind], kind
    assert "Einwände und Rechtsweg" not in texts["receipt"]
    assert "Rückforderung" in texts["refund"] and "460,00 €" in texts["refund"]  # 960 € paid, 500 € recognised
