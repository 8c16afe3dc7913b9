"""The upload field types and the files of generated file inputs (webapp/fields.py), and the mapping of
a refusal onto fields that are no WTForms fields (webapp/form_errors.refusal)."""

from __future__ import annotations

import io

from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import Form, StringField

from fondsengine.errors import GuardFailed, InvalidInput
from webapp.fields import PostedForm, UploadField, UploadsField
from webapp.form_errors import FILES_AGAIN, refusal, refusal_lines


def _file(name: str, content: bytes = b"%PDF-1.4") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name, content_type="application/pdf")


class Uploads(Form):
    one = UploadField("Beschluss")
    many = UploadsField("Dateien")


def test_the_chosen_files_are_the_data_and_an_empty_file_input_is_no_file() -> None:
    first, second, empty = _file("a.pdf"), _file("b.pdf"), _file("")
    form = Uploads(formdata=MultiDict([("one", empty), ("one", first), ("many", second), ("many", empty)]))
    assert form.one.data is first
    assert form.many.data == [second]
    nothing = Uploads(formdata=MultiDict([("one", empty), ("many", empty), ("x", "text")]))
    assert (nothing.one.data, nothing.many.data) == (None, [])
    assert Uploads().many.data == []  # a GET: no formdata


def test_a_posted_form_holds_the_files_of_generated_inputs_apart_from_the_text_values() -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)

    class Proof(PostedForm):
        report = StringField("Sachbericht")
        photos = UploadsField("Fotos")

    receipt, photo = _file("beleg.pdf"), _file("foto.png")
    data = {"report": "Gut", "receipt-2-amount": "12,00", "receipt-2-file": receipt, "receipt-3-file": _file(""),
            "photos": photo}  # fmt: skip
    with app.test_request_context("/", method="POST", data=data, content_type="multipart/form-data"):
        form = Proof()
        assert form.posted.to_dict() == {"report": "Gut", "receipt-2-amount": "12,00"}
        assert sorted(form.files) == ["photos", "receipt-2-file"]
        assert form.files["receipt-2-file"].filename == "beleg.pdf" and "receipt-3-file" not in form.files
        assert [p.filename for p in form.photos.data] == ["foto.png"]


def test_a_refusal_names_a_known_field_or_the_default() -> None:
    named = InvalidInput("Bitte den Sachbericht.", field="report")
    assert refusal(named, ("report",)) == ("report", "Bitte den Sachbericht.")
    assert refusal(named, ("amount",)) == (None, "Bitte den Sachbericht.")
    assert refusal(named, ("amount",), default="amount") == ("amount", "Bitte den Sachbericht.")
    assert refusal(InvalidInput("Falsch."), default="group_members") == ("group_members", "Falsch.")
    assert refusal(named, rename=lambda f: f"{f}-7") == ("report-7", "Bitte den Sachbericht.")
    assert refusal(InvalidInput("Falsch.", clause="§ 4"), ()) == (None, "Falsch. (§ 4)")


def test_an_upload_refusal_asks_for_the_files_again_and_reasons_follow_the_message() -> None:
    upload = InvalidInput("„a.pdf“ ist leer.", field="file")
    assert refusal_lines(upload, ("report",), files_again=True) == [(None, "„a.pdf“ ist leer." + FILES_AGAIN)]
    assert refusal_lines(upload, ("report",)) == [(None, "„a.pdf“ ist leer.")]
    guard = GuardFailed("Nicht möglich.", reasons=("Nicht möglich.", "Die Frist ist vorbei.", "Die Frist ist vorbei."))
    assert refusal_lines(guard) == [(None, "Nicht möglich."), (None, "Die Frist ist vorbei.")]
