"""The German mail templates: right amounts, dates, links, escaping and attachments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fondsengine.notify import messages as m
from fondsengine.notify.compose import format_datetime
from fondsengine.notify.port import Attachment, Message

OFFICE = "Innenstadt-Büro mitten@witten"
URL = "https://fonds.example/antrag/14"
LETTER = Attachment("Bewilligungsbescheid_2026-014.pdf", b"%PDF-1.4 fake")


def test_the_confirmation_mail_carries_the_link_and_validity() -> None:
    mail = m.email_confirmation(
        "anna@example.org",
        name="Anna Schmidt",
        confirm_url="https://fonds.example/bestaetigen?t=a&b=1",
        office=OFFICE,
    )
    assert mail.to == ("anna@example.org",)
    assert mail.subject == "Bestätigen Sie Ihre E-Mail-Adresse"
    assert mail.text.startswith("Guten Tag Anna Schmidt,\n\n")
    assert "https://fonds.example/bestaetigen?t=a&b=1" in mail.text
    assert "2 Tage gültig" in mail.text
    assert mail.html is not None
    assert 'href="https://fonds.example/bestaetigen?t=a&amp;b=1"' in mail.html
    assert mail.text.rstrip().endswith("Diese Nachricht wurde automatisch verschickt.")
    assert f"Viele Grüße\n{OFFICE}" in mail.text


def test_the_password_reset_mail_has_a_short_validity_and_no_name_greets_neutrally() -> None:
    mail = m.password_reset(
        "anna@example.org", name=None, reset_url=URL, office=OFFICE, valid_hours=1
    )
    assert mail.subject == "Neues Passwort festlegen"
    assert mail.text.startswith("Guten Tag,\n\n")
    assert "Der Link ist eine Stunde gültig und funktioniert nur einmal." in mail.text


def test_application_received_shows_amount_date_and_reference() -> None:
    mail = m.application_received(
        "anna@example.org",
        name="Anna",
        title="Repair-Café",
        reference="2026-014",
        fund_name="Dein Projektgeld",
        requested_cents=150050,
        submitted_on=date(2026, 3, 2),
        status_url=URL,
        office=OFFICE,
    )
    assert mail.subject == "Ihr Antrag „Repair-Café“ ist eingegangen"
    assert "Beantragt:      1.500,50 €" in mail.text
    assert "Eingereicht am: 02.03.2026" in mail.text
    assert "Aktenzeichen:   2026-014" in mail.text
    assert URL in mail.text


def test_user_text_is_escaped_in_html_but_kept_verbatim_in_text() -> None:
    title = '<script>alert("x")</script> & Co'
    mail = m.application_received(
        "anna@example.org",
        name="<b>Anna</b>",
        title=title,
        reference="2026-015",
        fund_name="Dein Projektgeld",
        requested_cents=100,
        submitted_on=date(2026, 3, 2),
        status_url=URL,
        office=OFFICE,
    )
    assert mail.html is not None
    assert "<script>" not in mail.html
    assert "<b>Anna</b>" not in mail.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in mail.html
    assert "Guten Tag &lt;b&gt;Anna&lt;/b&gt;," in mail.html
    assert title in mail.text


def test_changes_requested_lists_each_change_and_the_deadline() -> None:
    mail = m.changes_requested(
        "anna@example.org",
        name="Anna",
        title="Repair-Café",
        reference="2026-014",
        changes=["Kostenplan: Angebot für die Bühne fehlt", "Zeitplan ergänzen"],
        respond_by=date(2026, 3, 16),
        edit_url=URL,
        office=OFFICE,
    )
    assert mail.subject == "Bitte ergänzen Sie Ihren Antrag „Repair-Café“"
    assert "- Kostenplan: Angebot für die Bühne fehlt\n- Zeitplan ergänzen" in mail.text
    assert "bis zum 16.03.2026" in mail.text
    assert mail.html is not None and "<li>Zeitplan ergänzen</li>" in mail.html


def _decision(approved: bool, letter: Attachment | None = LETTER) -> Message:
    return m.decision(
        "anna@example.org",
        name="Anna",
        title="Repair-Café",
        reference="2026-014",
        fund_name="Dein Projektgeld",
        approved=approved,
        granted_cents=120000 if approved else None,
        letter=letter,
        status_url=URL,
        office=OFFICE,
        proof_due_on=date(2027, 1, 31) if approved else None,
    )


def test_an_approval_names_the_amount_and_proof_deadline_and_attaches_the_letter() -> None:
    mail = _decision(True)
    assert mail.subject == "Ihr Antrag „Repair-Café“ wurde bewilligt"
    assert "Bewilligt:               1.200,00 €" in mail.text
    assert "Verwendungsnachweis bis: 31.01.2027" in mail.text
    assert "im Anhang (Bewilligungsbescheid_2026-014.pdf)" in mail.text
    assert mail.attachments == (LETTER,)


def test_a_rejection_attaches_the_letter_and_names_no_amount() -> None:
    mail = _decision(False)
    assert mail.subject == "Entscheidung über Ihren Antrag „Repair-Café“"
    assert "nicht gefördert werden" in mail.text
    assert "€" not in mail.text
    assert mail.attachments == (LETTER,)


def test_a_decision_without_a_letter_says_it_follows_separately() -> None:
    mail = _decision(True, letter=None)
    assert mail.attachments == ()
    assert "Den schriftlichen Bescheid erhalten Sie gesondert." in mail.text


def test_an_approval_without_an_amount_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        m.decision(
            "a@example.org",
            name=None,
            title="t",
            reference="r",
            fund_name="f",
            approved=True,
            granted_cents=None,
            letter=None,
            status_url=URL,
            office=OFFICE,
        )


def test_payment_made_shows_the_advance_and_what_is_still_open() -> None:
    mail = m.payment_made(
        "anna@example.org",
        name="Anna",
        title="Repair-Café",
        reference="2026-014",
        amount_cents=96000,
        paid_on=date(2026, 4, 1),
        remaining_cents=24000,
        office=OFFICE,
    )
    assert mail.subject == "Auszahlung für „Repair-Café“: 960,00 €"
    assert "Angewiesen am: 01.04.2026" in mail.text
    assert "Noch offen:    240,00 €" in mail.text
    assert "nach Prüfung Ihres Verwendungsnachweises" in mail.text


def test_a_final_payment_mentions_no_open_rest() -> None:
    mail = m.payment_made(
        "anna@example.org",
        name="Anna",
        title="Repair-Café",
        reference="2026-014",
        amount_cents=24000,
        paid_on=date(2026, 9, 1),
        office=OFFICE,
    )
    assert "Noch offen" not in mail.text
    assert "Bankarbeitstagen" in mail.text


PROOF = {
    "name": "Anna",
    "title": "Repair-Café",
    "reference": "2026-014",
    "due_on": date(2027, 1, 31),
    "proof_url": URL,
    "office": OFFICE,
}


def test_the_three_proof_of_use_reminders_differ_in_subject_and_wording() -> None:
    soon = m.proof_of_use_due_soon("anna@example.org", days_left=14, **PROOF)  # type: ignore[arg-type]
    today = m.proof_of_use_due_today("anna@example.org", **PROOF)  # type: ignore[arg-type]
    late = m.proof_of_use_overdue("anna@example.org", days_overdue=3, **PROOF)  # type: ignore[arg-type]
    assert soon.subject == "Verwendungsnachweis für „Repair-Café“ fällig am 31.01.2027"
    assert "in 14 Tagen, am 31.01.2027" in soon.text
    assert today.subject == "Heute fällig: Verwendungsnachweis für „Repair-Café“"
    assert "heute, am 31.01.2027" in today.text
    assert late.subject == "Überfällig: Verwendungsnachweis für „Repair-Café“"
    assert "seit 3 Tagen überfällig" in late.text
    for mail in (soon, today, late):
        assert "Fällig am:    31.01.2027" in mail.text
        assert URL in mail.text


def test_one_day_overdue_is_worded_in_the_singular() -> None:
    late = m.proof_of_use_overdue("anna@example.org", days_overdue=1, **PROOF)  # type: ignore[arg-type]
    assert "seit einem Tag überfällig" in late.text


def test_the_escalation_goes_to_all_office_addresses_with_reply_to_the_applicant() -> None:
    mail = m.proof_of_use_escalation(
        ["buero@witten.example", "leitung@witten.example"],
        title="Repair-Café",
        reference="2026-014",
        applicant_name="Anna Schmidt",
        applicant_email="anna@example.org",
        due_on=date(2027, 1, 31),
        days_overdue=30,
        granted_cents=120000,
        manage_url=URL,
        office="fondsengine",
    )
    assert mail.to == ("buero@witten.example", "leitung@witten.example")
    assert mail.reply_to == "anna@example.org"
    assert mail.subject == "Verwendungsnachweis 30 Tage überfällig: „Repair-Café“ (2026-014)"
    assert "Fällig seit:      31.01.2027" in mail.text
    assert "Bewilligt:        1.200,00 €" in mail.text


SESSION = datetime(2026, 5, 12, 16, 0, tzinfo=UTC)  # 18:00 in Berlin (summer time)


def test_the_jury_invitation_lists_the_agenda_with_amounts_and_total() -> None:
    agenda = [
        m.AgendaItem("Repair-Café", "Anna Schmidt", 120000, "2026-014"),
        m.AgendaItem("Hochbeete am Markt", "Nachbarschaftsverein", 85050),
    ]
    mail = m.jury_invitation(
        "jury1@example.org",
        name="Kim",
        fund_name="Dein Projektgeld",
        starts_at=SESSION,
        location="Rathaus, Raum 12",
        agenda=agenda,
        papers_url=URL,
        office=OFFICE,
    )
    assert mail.subject == "Einladung zur Jurysitzung am 12.05.2026"
    assert "Wann: 12.05.2026, 18:00 Uhr" in mail.text
    assert "Wo:   Rathaus, Raum 12" in mail.text
    assert "Tagesordnung (2 Anträge, zusammen 2.050,50 € beantragt):" in mail.text
    assert "- 1. „Repair-Café“ von Anna Schmidt: 1.200,00 € (2026-014)" in mail.text
    assert "- 2. „Hochbeete am Markt“ von Nachbarschaftsverein: 850,50 €\n" in mail.text


def test_a_late_evening_session_is_dated_by_its_berlin_day() -> None:
    late = datetime(2026, 5, 12, 22, 30, tzinfo=UTC)  # already 13 May in Berlin
    mail = m.jury_invitation(
        "j@example.org",
        name=None,
        fund_name="F",
        starts_at=late,
        location="Online",
        agenda=[],
        papers_url=URL,
        office=OFFICE,
    )
    assert mail.subject == "Einladung zur Jurysitzung am 13.05.2026"
    assert "Es liegen noch keine Anträge vor." in mail.text


def test_the_jury_reminder_names_time_place_and_number_of_items() -> None:
    mail = m.jury_reminder(
        "jury1@example.org",
        name="Kim",
        fund_name="Dein Projektgeld",
        starts_at=SESSION,
        location="Rathaus, Raum 12",
        item_count=7,
        papers_url=URL,
        office=OFFICE,
    )
    assert mail.subject == "Erinnerung: Jurysitzung am 12.05.2026, 18:00 Uhr"
    assert "(Rathaus, Raum 12). Auf der Tagesordnung stehen 7 Anträge." in mail.text


def test_the_round_deadline_reminder_names_the_draft_and_the_deadline() -> None:
    mail = m.round_deadline_approaching(
        "anna@example.org",
        name="Anna",
        fund_name="Dein Projektgeld",
        draft_title="Lesecafé",
        deadline=date(2026, 4, 15),
        edit_url=URL,
        office=OFFICE,
    )
    assert mail.subject == "Einreichungsfrist endet am 15.04.2026"
    assert "Ihr Antrag „Lesecafé“ für den Fonds „Dein Projektgeld“ ist noch nicht" in mail.text


def test_the_daily_digest_counts_items_and_links_each_one() -> None:
    sections = [
        m.DigestSection(
            "Formale Prüfung offen",
            (
                m.DigestItem("2026-014 „Repair-Café“ seit 5 Tagen", URL),
                m.DigestItem("2026-015 „Lesecafé“ seit 1 Tag"),
            ),
        ),
        m.DigestSection("Unzustellbare E-Mails", ()),
        m.DigestSection("Verwendungsnachweise überfällig", (m.DigestItem("2025-031 „Fest“"),)),
    ]
    mail = m.daily_digest(
        "buero@witten.example",
        name="Sam",
        day=date(2026, 3, 2),
        sections=sections,
        dashboard_url="https://fonds.example/verwaltung",
        office="fondsengine",
    )
    assert mail.subject == "Tagesübersicht 02.03.2026: 3 Punkte"
    assert "Formale Prüfung offen (2):" in mail.text
    assert f"- 2026-014 „Repair-Café“ seit 5 Tagen\n  {URL}\n" in mail.text
    assert "Unzustellbare E-Mails" not in mail.text
    assert mail.html is not None and f'<li><a href="{URL}">' in mail.html


def test_an_empty_digest_says_there_is_nothing_to_do() -> None:
    mail = m.daily_digest(
        "buero@witten.example",
        name=None,
        day=date(2026, 3, 2),
        sections=[],
        dashboard_url=URL,
        office="fondsengine",
    )
    assert mail.subject == "Tagesübersicht 02.03.2026: 0 Punkte"
    assert "Heute steht nichts an." in mail.text


def test_times_are_shown_in_berlin_winter_and_summer_time() -> None:
    assert format_datetime(datetime(2026, 1, 5, 17, 0, tzinfo=UTC)) == "05.01.2026, 18:00 Uhr"
    assert format_datetime(datetime(2026, 7, 5, 16, 0, tzinfo=UTC)) == "05.07.2026, 18:00 Uhr"


def test_the_daily_digest_counts_all_there_are_when_only_the_first_are_listed() -> None:
    listed = tuple(m.DigestItem(f"2026-{n:03d} „Projekt {n}“", URL) for n in range(1, 21))
    mail = m.daily_digest(
        "buero@witten.example",
        name="Sam",
        day=date(2026, 3, 2),
        sections=[m.DigestSection("Formale Prüfung", listed, 27)],
        dashboard_url="https://fonds.example/verwaltung",
        office="fondsengine",
    )
    assert mail.subject == "Tagesübersicht 02.03.2026: 27 Punkte"
    assert "Formale Prüfung (27):" in mail.text
    assert "… und 7 weitere in der Übersicht." in mail.text
    assert mail.text.count("„Projekt ") == 20


def test_the_daily_digest_says_more_than_the_count_where_the_to_do_list_stopped_counting() -> None:
    listed = tuple(m.DigestItem(f"2026-{n:03d} „Projekt {n}“", URL) for n in range(1, 21))
    mail = m.daily_digest(
        "buero@witten.example",
        name="Sam",
        day=date(2026, 3, 2),
        sections=[
            m.DigestSection("Überfällige Verwendungsnachweise", listed, 100, capped=True),
            m.DigestSection("Formale Prüfung", listed[:2], 2),
        ],
        dashboard_url="https://fonds.example/verwaltung",
        office="fondsengine",
    )
    assert mail.subject == "Tagesübersicht 02.03.2026: mehr als 102 Punkte"
    assert "Überfällige Verwendungsnachweise (mehr als 100):" in mail.text
    assert "… und mehr als 80 weitere in der Übersicht." in mail.text
    assert "Formale Prüfung (2):" in mail.text
