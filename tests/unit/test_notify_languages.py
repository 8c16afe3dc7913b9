"""Mails to a resident in her language: greeting, text and links translated, the letter attached stays
German with a cover note saying so; German mails are unchanged; office mails stay German."""

from __future__ import annotations

from datetime import date

from fondsengine.i18n import current_language, mail_language
from fondsengine.notify import messages as m
from fondsengine.notify.outbox_messages import MailContext, build_message
from fondsengine.notify.port import Attachment

OFFICE = "Innenstadt-Büro mitten@witten"
LETTER = Attachment("Bewilligungsbescheid_2026-014.pdf", b"%PDF-1.4 fake")
CTX = MailContext("https://fonds.example", OFFICE, "Quartiersfonds", application_id=14, letter=LETTER)
APPROVAL = {"kind": "approval", "title": "Repair-Café", "file_number": "WQ-2026-0014", "approved_cents": 150000}


def test_an_approval_mail_in_turkish_has_a_turkish_text_a_german_letter_and_the_cover_note() -> None:
    mail = build_message("letter_approval", APPROVAL, "ayse@example.org", "Ayşe Yılmaz", CTX, "tr")
    assert mail.subject == "“Repair-Café” başvurunuz onaylandı"
    assert mail.text.startswith("Merhaba Ayşe Yılmaz,\n\n")
    assert "iyi haber" in mail.text and "1.500,00 €" in mail.text
    assert "Ekteki yazı Almancadır, çünkü yalnızca Almanca metin hukuken bağlayıcıdır." in mail.text
    assert mail.attachments == (LETTER,)  # the letter itself is the German legal text
    assert mail.text.rstrip().endswith("Bu mesaj otomatik olarak gönderildi.")
    assert mail.html is not None and '<html lang="tr" dir="ltr">' in mail.html


def test_the_same_approval_in_german_has_no_cover_note() -> None:
    mail = build_message("letter_approval", APPROVAL, "anna@example.org", "Anna Schmidt", CTX, "de")
    assert mail.subject == "Ihr Antrag „Repair-Café“ wurde bewilligt"
    assert mail.text.startswith("Guten Tag Anna Schmidt,")
    assert "rechtlich verbindlich" not in mail.text
    assert mail.html is not None and '<html lang="de" dir="ltr">' in mail.html


def test_every_other_letter_mail_in_english_carries_the_cover_note() -> None:
    payload = {"kind": "refund", "title": "Repair-Café", "file_number": "WQ-2026-0014"}
    mail = build_message("letter_refund", payload, "sam@example.org", "Sam", CTX, "en")
    assert mail.subject == "Refund claim for “Repair-Café”"
    assert "The attached letter is in German, because only the German text is legally binding." in mail.text
    assert "View application:\nhttps://fonds.example/antraege/14" in mail.text


def test_an_unknown_language_falls_back_to_german() -> None:
    mail = build_message("letter_approval", APPROVAL, "a@example.org", None, CTX, "xx")
    assert mail.text.startswith("Guten Tag,")


def test_office_mails_stay_german_whatever_the_language() -> None:
    payload = {"title": "Repair-Café", "file_number": "WQ-2026-0014", "state": "submitted"}
    mail = build_message("office_attention", payload, "office@example.org", "Büro", CTX, "en")
    assert mail.subject.startswith("Zu bearbeiten:")


def test_the_language_block_restores_the_previous_language() -> None:
    with mail_language("tr"):
        with mail_language("en"):
            assert current_language() == "en"
        assert current_language() == "tr"
    assert current_language() == "de"


def test_plural_and_validity_words_follow_the_language() -> None:
    with mail_language("en"):
        soon = m.proof_of_use_due_soon(
            "a@example.org", name="Sam", title="Fest", reference="WQ-1", due_on=date(2026, 9, 30),
            days_left=1, proof_url="https://fonds.example/antraege/1", office=OFFICE,
        )  # fmt: skip
        confirm = m.email_confirmation("a@example.org", name="Sam", confirm_url="https://x.example/c", office=OFFICE)
    assert "in 1 day, on 30.09.2026, the proof of use for your project “Fest” is due." in soon.text
    assert "The link is valid for 2 days." in confirm.text
