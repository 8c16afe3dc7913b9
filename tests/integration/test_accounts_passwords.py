"""Password rules (12 characters, shipped list of common passwords, not the name or address) and resets."""

from __future__ import annotations

import pytest

from fondsengine.accounts import service as accounts
from fondsengine.accounts.users import MIN_PASSWORD_LENGTH, check_password_strength, common_passwords, create_user
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaa", "mindestens 12 Zeichen"),
        ("elf-zeichen", "mindestens 12 Zeichen"),
        ("aaaaaaaaaaaa", "zu leicht zu erraten"),
        ("passwort1234", "zu leicht zu erraten"),
        ("Passwort1234", "zu leicht zu erraten"),
        ("hallo1234567", "zu leicht zu erraten"),
        ("qwertz123456", "zu leicht zu erraten"),
        ("123456789012", "zu leicht zu erraten"),
        ("schalke04schalke04", "zu leicht zu erraten"),
        ("abcabcabcabc", "zu leicht zu erraten"),
        ("anna.beispiel@example.org", "Namen oder Ihrer E-Mail-Adresse"),
        ("annabeispiel2024", "Namen oder Ihrer E-Mail-Adresse"),
        ("AnnaBeispiel!!", "Namen oder Ihrer E-Mail-Adresse"),
        ("x" * 257, "höchstens 256 Zeichen"),
    ],
)
def test_weak_passwords_are_refused_with_a_german_reason(password: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        check_password_strength(password, email="anna.beispiel@example.org", name="Anna Beispiel")
    assert refused.value.field == "password"


@pytest.mark.parametrize(
    "password", ["drei-bunte-fahrraeder", "anna-sucht-den-bus-2026", "sicheres-passwort-1", "Ä-ö-ü ß zwölf!"]
)
def test_good_passwords_pass(password: str) -> None:
    check_password_strength(password, email="anna.beispiel@example.org", name="Anna Beispiel")


def test_the_shipped_list_is_large_lower_case_and_has_the_german_classics() -> None:
    entries = common_passwords()
    assert len(entries) > 5000
    assert all(e == e.lower() and len(e) >= MIN_PASSWORD_LENGTH for e in entries)
    assert {"passwort1234", "hallo1234567", "ichliebedich123", "willkommen123", "aaaaaaaaaaaa"} <= entries


def test_registration_and_reset_use_the_rules_and_a_reset_ends_the_sessions(fonds: Engine) -> None:
    with pytest.raises(InvalidInput, match="mindestens 12 Zeichen"):
        create_user(fonds, name="Neu", email="neu@example.org", password="aaaaaaaaaa")
    uid = create_user(fonds, name="Neu", email="neu@example.org", password="drei-bunte-fahrraeder")
    before = accounts.account_by_id(fonds, uid)
    assert before is not None and before.session_generation == 0
    with pytest.raises(InvalidInput, match="zu leicht zu erraten"):
        accounts.set_password(fonds, uid, "passwort1234")
    assert accounts.set_password(fonds, uid, "vier-gruene-tassen") == 1
    after = accounts.account_by_id(fonds, uid)
    assert after is not None and after.session_generation == 1 and after.password_hash != before.password_hash
