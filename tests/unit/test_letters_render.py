"""Letters rendered to PDF and read back with pdftotext: content, escaping, determinism."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from fondsengine.errors import InvalidInput
from fondsengine.guidelines.model import LetterText
from fondsengine.letters import (
    LETTER_KINDS,
    ApprovalData,
    CostLine,
    ReceiptData,
    RejectionData,
    render_letter,
)
from fondsengine.letters.fmt import markup
from fondsengine.letters.samples import (
    PUBLICITY,
    sample_approval,
    sample_context,
    sample_letter_data,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "letters"


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as pdftotext -layout sees it."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text with all runs of whitespace collapsed, for phrases that may wrap."""
    return re.sub(r"\s+", " ", text)


def render(kind: str, **ctx_changes: object) -> str:
    ctx = dataclasses.replace(sample_context(), **ctx_changes)  # type: ignore[arg-type]
    return pdf_text(render_letter(kind, ctx, sample_letter_data()[kind]))


def test_every_letter_kind_has_sample_data_and_renders_a_pdf() -> None:
    data = sample_letter_data()
    assert set(data) == set(LETTER_KINDS)
    assert LETTER_KINDS == (
        "receipt",
        "changes",
        "approval",
        "rejection",
        "payment",
        "proof_result",
        "refund",
        "lapse",
        "recommendation",
    )
    for kind in LETTER_KINDS:
        assert render_letter(kind, sample_context(), data[kind]).startswith(b"%PDF-")


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_letter_shows_file_number_date_recipient_and_office(kind: str) -> None:
    text = render(kind)
    assert "QF-2026-0042" in text
    assert "14.05.2026" in text
    assert "Jürgen Müßig" in text
    assert "Bahnhofstraße 12" in text
    assert "Innenstadt-Büro „mitten@witten“" in text
    assert "mitten@witten.example" in text
    assert re.search(r"Seite 1 von \d", text)
    assert "Fassung 3fa9c1d2e4" in text


def test_the_approval_letter_states_amounts_purpose_plan_conditions_proof_and_publicity() -> None:
    text = render("approval")
    body = flat(text)
    assert "Bewilligungsbescheid: Straßenfest im Wiesenviertel" in body
    assert "Zuwendung von 1.500,00 € (beantragt: 1.800,00 €)" in body
    assert "Ihr Eigenanteil 300,00 €" in body
    assert "Nachbarschaftliches Straßenfest mit Musik" in body
    assert "20.06.2026 bis 21.06.2026" in body
    assert "Sachkosten" in body and "Honorare" in body and "500,00 €" in body
    assert "Sondernutzungserlaubnis" in body
    assert "bis zum 30.09.2026" in body
    assert "Belegliste mit Kopien aller Rechnungen" in body
    assert flat(PUBLICITY) in body
    assert "(§ 11)" in body
    assert "Höchstbetrag je Projekt 1.500,00 € (§ 4 Abs. 2)" in body
    assert "Rechtsbehelfsbelehrung" in body
    assert "Mit freundlichen Grüßen" in body


def test_the_rejection_letter_lists_each_reason_with_its_clause() -> None:
    body = flat(render("rejection"))
    assert "Das Projekt hatte vor der Antragstellung schon begonnen. (§ 5 Abs. 3)" in body
    assert "Honorare für die Antragstellerin selbst sind nicht förderfähig. (§ 8)" in body
    assert "Rechtsbehelfsbelehrung" in body


def test_the_payment_notice_masks_the_iban_except_the_last_four_characters() -> None:
    body = flat(render("payment"))
    assert "**** **** **** **** **30 00" in body
    assert "DE89" not in body
    assert "1.200,00 €" in body and "01.06.2026" in body
    assert "Noch offen 300,00 €" in body
    assert "QF-2026-0042 Abschlag" in body


def test_the_proof_result_lists_accepted_and_rejected_receipts_and_the_refund() -> None:
    body = flat(render("proof_result"))
    assert "Anerkannte Zuwendung 1.310,50 €" in body
    assert "Rückforderung 189,50 €" in body
    assert "Pavillonmiete Müller & Söhne" in body
    assert "Verpflegung ist nicht förderfähig." in body
    assert "bis zum 15.11.2026" in body


def test_the_refund_claim_prints_the_account_due_date_and_reasons() -> None:
    body = flat(render("refund"))
    assert "Wir fordern daher 189,50 € zurück" in body
    assert "DE02 1005 0000 0054 5404 02" in body
    assert "Fällig bis 15.11.2026" in body
    assert "(§ 8 Abs. 4)" in body
    assert "Die Rückforderung regelt die Förderrichtlinie unter § 9 Abs. 3." in body  # proof.refund_clause


def test_receipt_changes_lapse_and_recommendation_carry_their_facts() -> None:
    receipt = flat(render("receipt"))
    assert "am 02.03.2026 bei uns eingegangen" in receipt
    assert "Jurysitzung am 12.05.2026" in receipt
    changes = flat(render("changes"))
    assert "Kostenvoranschlag für die Bühnentechnik (§ 6 Abs. 1)" in changes
    assert "bis zum 20.03.2026" in changes
    lapse = flat(render("lapse"))
    assert "innerhalb von 90 Tagen" in lapse and "am 15.04.2026 erloschen" in lapse
    assert "§ 10 Abs. 3" in lapse
    recommendation = flat(render("recommendation"))
    assert "empfiehlt eine Förderung von 1.500,00 €" in recommendation
    assert "Stadt Witten, Amt für Stadtentwicklung" in recommendation


def test_the_same_input_gives_byte_identical_pdfs() -> None:
    for kind, data in sample_letter_data().items():
        first = render_letter(kind, sample_context(), data)
        second = render_letter(kind, sample_context(), data)
        assert first == second, kind


def test_a_different_date_gives_a_different_pdf() -> None:
    data = sample_letter_data()["receipt"]
    later = dataclasses.replace(sample_context(), date=date(2026, 5, 15))
    assert render_letter("receipt", sample_context(), data) != render_letter("receipt", later, data)


def test_user_text_with_markup_characters_prints_exactly_as_typed() -> None:
    title = "Fest <b>laut</b> & bunt <br/> &amp; Co"
    ctx = dataclasses.replace(sample_context(title), recipient_name="Ömer <i>Kaya</i> & Partner")
    data = dataclasses.replace(
        sample_approval(),
        purpose="Spiele für <Kinder> & Eltern",
        conditions=("Bedingung mit <font color='red'>Farbe</font>",),
    )
    body = flat(pdf_text(render_letter("approval", ctx, data)))
    assert title in body
    assert "Ömer <i>Kaya</i> & Partner" in body
    assert "Spiele für <Kinder> & Eltern" in body
    assert "Bedingung mit <font color='red'>Farbe</font>" in body


def test_umlauts_sharp_s_and_the_euro_sign_are_embedded_and_extractable() -> None:
    pdf = render_letter("approval", sample_context("Größe ÄÖÜ äöü ß €"), sample_approval())
    assert b"DejaVuSans" in pdf
    assert "Größe ÄÖÜ äöü ß €" in pdf_text(pdf)


def test_a_guideline_text_replaces_the_default_and_fills_its_placeholders() -> None:
    texts = {
        "receipt": LetterText(
            subject="Antrag {file_number} ist da",
            body="Hallo {recipient_name},\n\n"
            "wir haben {requested_amount} für {project_title} notiert.",
            closing="Herzliche Grüße aus {city_name}",
        )
    }
    body = flat(render("receipt", letter_texts=texts))
    assert "Antrag QF-2026-0042 ist da" in body
    assert "Hallo Jürgen Müßig," in body
    assert "wir haben 1.800,00 € für Straßenfest im Wiesenviertel notiert." in body
    assert "Herzliche Grüße aus Stadt Witten" in body


def test_an_unknown_placeholder_stays_visible_instead_of_crashing() -> None:
    texts = {"lapse": LetterText(subject="Erloschen", body="Betrag: {betrag} und {{wörtlich}}")}
    body = flat(render("lapse", letter_texts=texts))
    assert "Betrag: {betrag} und {wörtlich}" in body


def test_a_configured_objection_text_replaces_the_default() -> None:
    texts = {"objection": LetterText(subject="", body="Klage beim Verwaltungsgericht Arnsberg.")}
    body = flat(render("rejection", letter_texts=texts))
    assert "Klage beim Verwaltungsgericht Arnsberg." in body
    assert "Einwände erheben" not in body


def test_a_long_approval_flows_onto_more_pages_numbered_on_every_page() -> None:
    data = sample_approval(cost_lines=60)
    text = pdf_text(render_letter("approval", sample_context(), data))
    pages = text.split("\f")
    total = len([p for p in pages if p.strip()])
    assert total >= 3
    for number in range(1, total + 1):
        assert f"Seite {number} von {total}" in pages[number - 1]
    assert "Aktenzeichen QF-2026-0042 · 14.05.2026" in pages[1]
    assert "Kostenart" in pages[1]  # the table header repeats on the next page
    assert "30.000,00 €" in text  # 60 lines of 500,00 €


def test_an_unknown_letter_kind_is_refused_in_german() -> None:
    with pytest.raises(InvalidInput, match="Unbekannte Briefart „mahnung“"):
        render_letter("mahnung", sample_context(), sample_approval())


def test_data_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="ApprovalData"):
        render_letter("approval", sample_context(), RejectionData(reasons=(), requested_cents=1))


def test_a_logo_image_is_drawn_in_the_letterhead(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "20", "-singlefile", "-", str(tmp_path / "logo")],
        input=render_letter("lapse", sample_context(), sample_letter_data()["lapse"]),
        check=True,
    )
    ctx = dataclasses.replace(sample_context(), logo_path=logo)
    with_logo = render_letter("receipt", ctx, ReceiptData(date(2026, 3, 2), 100))
    without = render_letter("receipt", sample_context(), ReceiptData(date(2026, 3, 2), 100))
    assert b"/Subtype /Image" in with_logo
    assert b"/Subtype /Image" not in without


def test_page_one_of_every_letter_is_rendered_to_png_for_a_person_to_look_at() -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")  # the pictures never go into git
    for kind, data in sample_letter_data().items():
        pdf_file = ARTIFACTS / f"{kind}.pdf"
        pdf_file.write_bytes(render_letter(kind, sample_context(), data))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf_file), str(ARTIFACTS / kind)],
            check=True,
        )
        png = (ARTIFACTS / f"{kind}.png").read_bytes()
        assert png.startswith(b"\x89PNG")
        width = int.from_bytes(png[16:20], "big")
        assert width in (661, 662)  # A4 (210 mm) at 80 dpi


def test_cost_lines_total_is_the_sum_of_the_lines() -> None:
    data = dataclasses.replace(
        sample_approval(),
        cost_lines=(CostLine("Sachkosten", "Farbe", 12345), CostLine("Mieten", "Zelt", 100000)),
    )
    assert isinstance(data, ApprovalData)
    body = flat(pdf_text(render_letter("approval", sample_context(), data)))
    assert "Summe 1.123,45 €" in body


@pytest.mark.parametrize("file_name", ["witten-quartiersfonds.yaml", "witten-cityfonds.yaml"])
def test_the_shipped_guideline_texts_use_known_placeholders_and_render_completely(
    file_name: str,
) -> None:
    from fondsengine.guidelines.loader import load_guideline
    from fondsengine.letters import check_template, letter_context

    path = Path(__file__).resolve().parents[2] / "richtlinien" / file_name
    guideline = load_guideline(path)
    for kind, text in guideline.letters.items():
        for part in (text.subject, text.body, text.closing or ""):
            assert check_template(part, kind) == [], (kind, part)
    ctx = letter_context(
        guideline,
        recipient_name="Jürgen Müßig",
        recipient_address=("Bahnhofstraße 12", "58452 Witten"),
        file_number="QF-2026-0042",
        on=date(2026, 5, 14),
        project_title="Straßenfest",
    )
    assert ctx.guideline_version == guideline.version_hash[:10]
    for kind, data in sample_letter_data().items():
        body = flat(pdf_text(render_letter(kind, ctx, data)))
        assert not re.search(r"\{[a-z_]+\}", body), kind
        assert "Guten Tag Jürgen Müßig," in body, kind


def _fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, embedded?) of every font a PDF names, as pdffonts lists them."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [(row.split()[0], row.split()[-5]) for row in out.splitlines()[2:] if row.strip()]


def test_every_font_of_every_letter_and_report_is_embedded(tmp_path: Path) -> None:
    from fondsengine.letters.samples import sample_annual_report, sample_minutes, sample_rollup
    from fondsengine.reports.pdf import render_annual_report, render_minutes
    from fondsengine.reports.rollup import render_rollup

    pdfs = {kind: render_letter(kind, sample_context(), data) for kind, data in sample_letter_data().items()}
    pdfs |= {
        "minutes": render_minutes(sample_minutes()),
        "annual_report": render_annual_report(sample_annual_report(projects=3)),
        "rollup": render_rollup(sample_rollup(projects=3)),
    }
    for name, pdf in pdfs.items():
        fonts = _fonts(pdf, tmp_path)
        assert fonts, name
        assert all(emb == "yes" for _, emb in fonts), (name, fonts)  # no base-14 font the viewer substitutes
        assert {f.split("+")[-1] for f, _ in fonts} <= {"DejaVuSans", "DejaVuSans-Bold"}, (name, fonts)


def test_an_amount_never_breaks_between_the_number_and_the_euro_sign() -> None:
    from fondsengine.letters.styles import para

    text = "Wir bewilligen eine Zuwendung von 1.500,00 € nach § 4 Abs. 2 der Richtlinie, das sind 50 % der Kosten."
    starts: set[str] = set()
    for width in range(60, 420, 3):  # every width at which the paragraph wraps differently
        paragraph = para(text)
        paragraph.wrap(width, 10_000)
        for line in paragraph.blPara.lines:
            words = line[1] if isinstance(line, tuple) else line.words
            first = words[0] if isinstance(words[0], str) else words[0].text
            starts.add(first.split("\xa0")[0])
    assert starts and not starts & {"€", "%", "4", "2"}, starts
    assert "1.500,00\xa0€" in markup("1.500,00 €")
