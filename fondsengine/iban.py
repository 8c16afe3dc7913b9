"""IBAN validation (ISO 13616 mod-97 checksum; country length and BBAN format by python-stdnum)."""

from __future__ import annotations

import re

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from fondsengine.errors import InvalidInput

_LENGTHS = {
    "DE": 22,
    "AT": 20,
    "NL": 18,
    "BE": 16,
    "FR": 27,
    "LU": 20,
    "CH": 21,
    "PL": 28,
    "DK": 18,
    "IT": 27,
    "ES": 24,
}


def normalise_iban(text: str) -> str:
    """Upper-case an IBAN and drop spaces; raise InvalidInput with a German message if it is invalid."""
    iban = re.sub(r"\s+", "", text or "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        raise InvalidInput(
            "Die IBAN hat nicht das richtige Format (Beispiel: DE89 3704 0044 0532 0130 00).",
            field="iban",
        )
    expected = _LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise InvalidInput(
            f"Eine IBAN aus {iban[:2]} hat {expected} Zeichen, diese hat {len(iban)}.", field="iban"
        )
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    if int(digits) % 97 != 1:
        raise InvalidInput(
            "Die Prüfziffer der IBAN stimmt nicht. Bitte prüfen Sie die Eingabe.", field="iban"
        )
    try:
        stdnum_iban.validate(iban)  # the country's length and account-number format
    except ValidationError:
        raise InvalidInput(
            f"Diese IBAN passt nicht zum Aufbau der Kontonummern in {iban[:2]}. Bitte prüfen Sie die Eingabe.",
            field="iban",
        ) from None
    return iban


def valid_iban(text: str | None) -> bool:
    """True when `text` is a valid IBAN (for checks before a payment is booked)."""
    if not text:
        return False
    try:
        normalise_iban(text)
    except InvalidInput:
        return False
    return True
