"""Money parsing and formatting, IBAN checks, settings."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from fondsengine.config import load_settings
from fondsengine.errors import InvalidInput
from fondsengine.iban import normalise_iban
from fondsengine.money import cents_from_decimal, format_euro, parse_euro, share_of
from fondsengine.text import mask_iban


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1.500,00 €", 150_000),
        ("1500", 150_000),
        ("0,5", 50),
        ("12,34", 1_234),
        ("-3,00", -300),
        ("1234.56", 123_456),
        ("1.50", 150),
        ("2.000.000", 200_000_000),
    ],
)
def test_german_amounts_are_parsed_exactly(text: str, cents: int) -> None:
    assert parse_euro(text) == cents


@pytest.mark.parametrize(
    "text", ["1,234", "abc", "1.5.0", "", "12,3,4", "١٢٣", "1²", "99999999999", "10.000.000,01", "NaN", "1e9"]
)
def test_malformed_amounts_are_refused_with_a_german_message(text: str) -> None:
    with pytest.raises(InvalidInput, match="kein gültiger Betrag"):
        parse_euro(text)


def test_amounts_are_formatted_the_german_way() -> None:
    assert [format_euro(c) for c in (0, 5, 150_000, 123_456_789, -2_550)] == [
        "0,00 €",
        "0,05 €",
        "1.500,00 €",
        "1.234.567,89 €",
        "-25,50 €",
    ]


def test_decimal_euros_convert_to_cents_and_sub_cents_are_refused() -> None:
    assert cents_from_decimal(Decimal("12.50")) == 1_250
    with pytest.raises(InvalidInput):
        cents_from_decimal("0.001")


def test_a_share_never_rounds_up_to_pay_a_cent_too_much() -> None:
    assert share_of(100, Fraction(2, 3)) == 66
    assert share_of(1_000, Fraction(4, 5)) == 800


def test_a_valid_iban_is_normalised_and_a_wrong_checksum_is_refused() -> None:
    assert normalise_iban("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    with pytest.raises(InvalidInput, match="Prüfziffer"):
        normalise_iban("DE89 3704 0044 0532 0130 01")
    with pytest.raises(InvalidInput, match="22 Zeichen"):
        normalise_iban("DE89 3704 0044 0532 0130")
    assert mask_iban("DE89370400440532013000").endswith("30 00")
    assert "0532" not in mask_iban("DE89370400440532013000")


def test_settings_are_layered_and_unknown_keys_are_errors(tmp_path: object) -> None:
    s = load_settings(environ={"FONDS_SMTP_PORT": "2525", "FONDS_DEBUG": "ja"}, mail_from="a@b.de")
    assert (s.smtp_port, s.debug, s.mail_from) == (2525, True, "a@b.de")
    with pytest.raises(InvalidInput, match="unbekannte Einstellung 'smtp_prot'"):
        load_settings(environ={"FONDS_SMTP_PROT": "1"})
    with pytest.raises(InvalidInput, match="ganze Zahl"):
        load_settings(environ={"FONDS_SMTP_PORT": "zwei"})
