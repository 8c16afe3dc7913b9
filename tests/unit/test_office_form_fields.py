"""The id field, the re-display of a post and the mapping of an engine refusal onto a form's fields."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField, TextAreaField

from fondsengine.errors import GuardFailed, InvalidInput
from webapp.fields import EuroField, IdField, stripped, typed_values
from webapp.form_errors import engine_errors


class Sample(Form):
    session_id = IdField("Jurysitzung", required="Bitte wählen Sie eine Jurysitzung.")
    amount = EuroField("Betrag")
    reason = TextAreaField("Begründung", filters=[stripped])
    kind = StringField("Art")


def _form(**values: str) -> Sample:
    return Sample(formdata=MultiDict(values))


def test_an_id_is_read_and_a_malformed_one_is_nothing_chosen() -> None:
    assert _form(session_id="12").session_id.data == 12
    for forged in ("0", "-1", "١٢", "99999999999999999999", "12a", ""):
        form = _form(session_id=forged)
        assert form.session_id.data is None, forged
        assert not form.validate()
        assert form.errors["session_id"] == ["Bitte wählen Sie eine Jurysitzung."]


def test_a_post_is_shown_again_as_typed_and_texts_lose_their_surrounding_spaces() -> None:
    form = _form(session_id="3", amount="12,50", reason="  Passt.  ")
    assert form.reason.data == "Passt."
    shown = typed_values(form)
    assert (shown["session_id"], shown["amount"], shown["reason"]) == ("3", "12,50", "  Passt.  ")
    assert "kind" not in shown  # not posted, not shown


def test_an_engine_refusal_naming_a_field_lands_on_that_field_and_in_the_summary() -> None:
    form = _form(session_id="3", amount="900,00")
    assert form.validate()
    errors = engine_errors(form, InvalidInput("Der Betrag ist höher als beantragt.", field="amount"))
    assert form.amount.errors == ["Der Betrag ist höher als beantragt."]
    assert errors == [("amount", "Der Betrag ist höher als beantragt.")]


def test_a_refusal_without_a_field_of_the_form_and_its_clauses_go_to_the_summary_only() -> None:
    form = _form(session_id="3")
    form.validate()
    refused = GuardFailed("Nicht möglich.", clause="§ 6", reasons=("Das Projekt hat begonnen.",))
    assert engine_errors(form, refused) == [(None, "Nicht möglich. (§ 6)"), (None, "Das Projekt hat begonnen.")]
    elsewhere = InvalidInput("Bitte prüfen.", field="iban")
    assert engine_errors(form, elsewhere) == [("iban", "Bitte prüfen.")]
    assert all(not f.errors for f in form)
    renamed = engine_errors(form, InvalidInput("Zu lang.", field="session_id"), rename=lambda f: f"r-{f}")
    assert renamed == [("r-session_id", "Zu lang.")]
