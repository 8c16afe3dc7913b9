"""The shared WTForms field types: euro amounts as cents, German or ISO dates, hours; German errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from werkzeug.datastructures import MultiDict
from wtforms import Form

from webapp.fields import EuroField, GermanDateField, HoursField, IbanField, IdsField, WholeField


class Sample(Form):
    amount = EuroField("Betrag", required="Bitte geben Sie den Betrag an.")
    day = GermanDateField("Datum")
    hours = HoursField("Stunden")


def _form(**values: str) -> Sample:
    return Sample(formdata=MultiDict(values))


def test_values_are_parsed_into_cents_dates_and_hours() -> None:
    form = _form(amount="1.234,56 €", day="24.11.2026", hours="12,5")
    assert form.validate()
    assert (form.amount.data, form.day.data, form.hours.data) == (123456, date(2026, 11, 24), Decimal("12.5"))
    assert _form(amount="1234.5", day="2026-11-24").validate()
    assert _form(amount="1234.5", day="2026-11-24").day.data == date(2026, 11, 24)


def test_a_required_empty_amount_names_its_own_message_and_optional_fields_may_stay_empty() -> None:
    form = _form(amount="", day="", hours="")
    assert not form.validate()
    assert form.errors == {"amount": ["Bitte geben Sie den Betrag an."]}
    assert (form.day.data, form.hours.data) == (None, None)


def test_unreadable_values_are_refused_in_german_and_shown_again_as_typed() -> None:
    form = _form(amount="zwölf", day="31.02.2026", hours="-3")
    assert not form.validate()
    assert set(form.errors) == {"amount", "day", "hours"}
    assert all(isinstance(m, str) and m and "Error" not in m for ms in form.errors.values() for m in ms)
    assert form.amount._value() == "zwölf"
    negative = _form(amount="-5")
    assert not negative.validate()
    assert negative.errors["amount"] == ["„Betrag“ darf nicht negativ sein."]


class Bank(Form):
    points = WholeField("Nutzen", high=5)
    iban = IbanField("IBAN")
    present = IdsField()


def test_whole_numbers_iban_and_several_values_are_read_and_refused_in_german() -> None:
    form = Bank(formdata=MultiDict([("points", "4"), ("iban", "de89 3704 0044 0532 0130 00"), ("present", "7"),
                                    ("present", "9")]))  # fmt: skip
    assert form.validate()
    assert (form.points.data, form.iban.data, form.present.data) == (4, "DE89370400440532013000", ["7", "9"])
    bad = Bank(formdata=MultiDict({"points": "6", "iban": "DE89370400440532013001"}))
    assert not bad.validate()
    assert bad.errors["points"] == ["„Nutzen“: Bitte geben Sie eine Zahl zwischen 0 und 5 an."]
    assert bad.errors["iban"] == ["Die Prüfziffer der IBAN stimmt nicht. Bitte prüfen Sie die Eingabe."]
    assert (bad.points.typed, bad.present.data) == ("6", [])
    assert not Bank(formdata=MultiDict({"points": "²"})).validate()
