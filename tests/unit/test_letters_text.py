"""Pure helpers of the letters: placeholders, template checks, formats, default texts."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from fondsengine.errors import InvalidInput
from fondsengine.guidelines.model import PaymentMode
from fondsengine.letters import LETTER_KINDS, check_template, letter_kind, placeholders_for
from fondsengine.letters.defaults import (
    DEFAULT_OBJECTION,
    format_percent,
    payment_mode_text,
    proof_part_label,
)
from fondsengine.letters.fmt import format_date, group_iban, markup, mask_iban
from fondsengine.letters.registry import DEFAULT_TEXTS
from fondsengine.letters.samples import sample_context, sample_letter_data
from fondsengine.letters.template import fill, placeholders_in
from fondsengine.letters.values import common_values


def test_fill_replaces_known_placeholders_and_keeps_unknown_ones_visible() -> None:
    assert fill("Hallo {name}, {unbekannt}!", {"name": "Ayşe"}) == "Hallo Ayşe, {unbekannt}!"


def test_double_braces_print_a_literal_brace() -> None:
    assert fill("{{name}} ist {name}", {"name": "X"}) == "{name} ist X"


def test_a_value_with_braces_is_not_filled_again() -> None:
    assert fill("{a} {b}", {"a": "{b}", "b": "B"}) == "{b} B"


def test_placeholders_are_listed_once_in_order_of_appearance() -> None:
    assert placeholders_in("{b} {a} {b} {{c}}") == ["b", "a"]


def test_check_template_reports_unknown_placeholders_for_a_kind() -> None:
    assert check_template("{approved_amount} für {project_title}", "approval") == []
    assert check_template("{approved_amount} am {paid_on}", "approval") == ["paid_on"]
    assert check_template("{betrag} {betrag} {datum}") == ["betrag", "datum"]


def test_check_template_without_a_kind_accepts_any_kinds_placeholder() -> None:
    assert check_template("{paid_on} {recommended_amount} {file_number}") == []


def test_check_template_of_an_unknown_kind_is_an_error() -> None:
    with pytest.raises(InvalidInput):
        check_template("x", "mahnung")


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_default_text_uses_only_placeholders_its_kind_offers(kind: str) -> None:
    text = DEFAULT_TEXTS[kind]
    for part in (text.subject, text.body, text.closing or ""):
        assert check_template(part, kind) == []
    assert check_template(DEFAULT_OBJECTION, "objection") == []


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_kind_fills_exactly_the_placeholders_it_declares(kind: str) -> None:
    spec = letter_kind(kind)
    values = common_values(sample_context()) | spec.values(sample_letter_data()[kind])
    assert set(values) == set(placeholders_for(kind))


def test_dates_are_written_day_month_year_with_dots() -> None:
    assert format_date(date(2026, 3, 5)) == "05.03.2026"


def test_an_iban_is_masked_except_its_last_four_characters() -> None:
    assert mask_iban("de89 3704 0044 0532 0130 00") == "**** **** **** **** **30 00"
    assert mask_iban("1234") == "1234"


def test_an_iban_is_grouped_by_four() -> None:
    assert group_iban("DE02100500000054540402") == "DE02 1005 0000 0054 5404 02"


def test_markup_escapes_tags_and_ampersands_and_turns_newlines_into_breaks() -> None:
    assert markup("<b>A & B</b>\nC\x07") == "&lt;b&gt;A &amp; B&lt;/b&gt;<br/>C "


def test_percentages_drop_needless_decimals() -> None:
    assert format_percent(Fraction(4, 5)) == "80 %"
    assert format_percent(Fraction(2, 3)) == "66,67 %"


def test_payment_mode_text_names_the_advance_share_and_amount() -> None:
    text = payment_mode_text(
        PaymentMode.ADVANCE, approved_cents=150000, advance_max_share=Fraction(4, 5)
    )
    assert "80 %" in text and "1.200,00 €" in text
    reimbursement = payment_mode_text(
        PaymentMode.REIMBURSEMENT, approved_cents=1, advance_max_share=Fraction(0)
    )
    assert "Erstattungsprinzip" in reimbursement
    instalments = payment_mode_text(
        PaymentMode.INSTALMENTS, approved_cents=1, advance_max_share=Fraction(0), instalments=3
    )
    assert "3 Teilbeträgen" in instalments


def test_proof_part_ids_get_german_labels_and_free_text_passes_through() -> None:
    assert proof_part_label("photos") == "Fotos vom Projekt"
    assert proof_part_label("Gästeliste") == "Gästeliste"
